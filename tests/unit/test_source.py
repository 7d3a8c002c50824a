"""Reading a Markdown source (SPEC §3): front matter split from the body, every value's file position kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ssg.errors import Report
from ssg.source import Position, SourceDoc, YamlList, YamlMap, discover_content, parse_source, read_text


def parse(text: str) -> tuple[SourceDoc | None, Report]:
    report = Report()
    return parse_source(text, "content/articles/a.md", Path("/site/content/articles/a.md"), report), report


def parsed(text: str) -> SourceDoc:
    doc, report = parse(text)
    assert report.diagnostics == [], [str(d) for d in report.diagnostics]
    assert doc is not None
    return doc


ARTICLE = """\
---
title: Talks in Minsk
date: 2025-03-06
people:
  lukashenko:
    name: Alexander Lukashenko
    aliases: [Lukashenko, the Belarusian leader]
claims:
  - id: first
    by: lukashenko
---
First paragraph.

Second paragraph.
"""


def test_front_matter_and_body_are_split() -> None:
    doc = parsed(ARTICLE)
    assert doc.meta is not None
    assert doc.meta["title"] == "Talks in Minsk"
    assert doc.meta["date"] == dt.date(2025, 3, 6)
    assert doc.body == "First paragraph.\n\nSecond paragraph.\n"
    assert doc.body_line == 12  # the file line of "First paragraph."
    assert ARTICLE.splitlines()[doc.body_line - 1] == "First paragraph."


def test_positions_of_keys_and_values_are_one_based_file_lines_and_columns() -> None:
    meta = parsed(ARTICLE).meta
    assert meta is not None
    assert meta.key_pos["title"] == Position(2, 1)
    assert meta.value_pos["title"] == Position(2, 8)
    assert meta.key_pos["date"] == Position(3, 1)
    assert meta.value_pos["date"] == Position(3, 7)
    people = meta["people"]
    assert isinstance(people, YamlMap)
    assert people.key_pos["lukashenko"] == Position(5, 3)
    entry = people["lukashenko"]
    assert entry.value_pos["name"] == Position(6, 11)
    aliases = entry["aliases"]
    assert isinstance(aliases, YamlList)
    assert aliases == ["Lukashenko", "the Belarusian leader"]
    assert aliases.item_pos == [Position(7, 15), Position(7, 27)]
    claims = meta["claims"]
    assert isinstance(claims, YamlList)
    assert claims.item_pos[0] == Position(9, 5)  # the claim's mapping starts at `id`, on the `- id:` line
    assert claims[0].key_pos["by"] == Position(10, 5)


def test_the_front_matter_mapping_points_at_the_opening_fence() -> None:
    """SPEC §3: a missing field is reported at the line that opens the front matter."""
    meta = parsed(ARTICLE).meta
    assert meta is not None
    assert meta.pos.line == 1
    assert meta.where("summary") == meta.pos  # a key that is not there: the mapping itself


def test_duplicate_key_is_an_error_at_its_second_occurrence_and_the_first_value_is_kept() -> None:
    doc, report = parse("---\ntitle: One\ndate: 2025-01-01\ntitle: Two\n---\n")
    assert doc is not None and doc.meta is not None
    assert doc.meta["title"] == "One"
    assert [(d.line, d.col, d.message) for d in report.errors] == [(4, 1, "duplicate key 'title'")]


def test_duplicate_key_in_a_nested_mapping_is_reported_where_it_repeats() -> None:
    _, report = parse("---\ntitle: T\npeople:\n  putin: Vladimir Putin\n  putin: V. Putin\n---\n")
    assert [(d.line, d.col, d.message) for d in report.errors] == [(5, 3, "duplicate key 'putin'")]


def test_raw_text_of_scalars_is_kept_so_verdict_true_is_the_id_true() -> None:
    meta = parsed("---\nverdict: true\nother: false\nnumber: 007\nwhen: 2025-01-01\n---\n").meta
    assert meta is not None
    assert meta["verdict"] is True
    assert meta.raw["verdict"] == "true"
    assert meta.raw["other"] == "false"
    assert meta.raw["number"] == "007"
    assert meta.raw["when"] == "2025-01-01"


def test_raw_text_of_list_items_is_kept() -> None:
    meta = parsed("---\ntags: [yes, 2025, peace]\n---\n").meta
    assert meta is not None
    assert meta["tags"].raw == ["yes", "2025", "peace"]


def test_a_file_without_front_matter_is_all_body() -> None:
    doc = parsed("Just text.\n---\nmore\n")
    assert doc.meta is None
    assert doc.body == "Just text.\n---\nmore\n"
    assert doc.body_line == 1


def test_empty_front_matter_is_an_empty_mapping() -> None:
    doc = parsed("---\n---\nBody.\n")
    assert doc.meta == {}
    assert doc.meta is not None and doc.meta.pos.line == 1
    assert (doc.body, doc.body_line) == ("Body.\n", 3)


def test_front_matter_may_close_with_three_dots() -> None:
    doc = parsed("---\ntitle: T\n...\nBody.\n")
    assert doc.meta == {"title": "T"}
    assert doc.body == "Body.\n"


def test_unclosed_front_matter_is_an_error_at_the_first_line() -> None:
    doc, report = parse("---\ntitle: T\ndate: 2025-01-01\n\nBody without a fence.\n")
    assert doc is None
    assert [(d.line, d.col) for d in report.errors] == [(1, 1)]
    assert "not closed" in report.errors[0].message


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    doc, report = parse("---\n- a\n- b\n---\n")
    assert doc is None
    assert [(d.line, d.message) for d in report.errors] == [(2, "front matter must be a mapping of keys to values")]


def test_byte_order_mark_is_ignored() -> None:
    doc = parsed("\ufeff---\ntitle: T\n---\nBody.\n")
    assert doc.meta == {"title": "T"}
    assert doc.meta is not None and doc.meta.key_pos["title"] == Position(2, 1)
    assert doc.body == "Body.\n"


def test_crlf_line_endings_split_the_same_and_keep_positions() -> None:
    doc = parsed("---\r\ntitle: Hello\r\ndate: 2025-01-02\r\n---\r\nBody line\r\nsecond\r\n")
    assert doc.meta == {"title": "Hello", "date": dt.date(2025, 1, 2)}
    assert doc.meta is not None
    assert doc.meta.value_pos["date"] == Position(3, 7)
    assert doc.body_line == 5
    assert doc.body.splitlines() == ["Body line", "second"]


def test_body_is_nfc_normalised() -> None:
    decomposed = "Cafe\u0301 Lukas\u030cenka"
    doc = parsed(f"---\ntitle: {decomposed}\n---\n{decomposed}\n")
    assert doc.body == "Caf\u00e9 Luka\u0161enka\n"
    assert doc.meta is not None and doc.meta["title"] == "Caf\u00e9 Luka\u0161enka"


@pytest.mark.parametrize(
    ("text", "line", "col", "problem"),
    [
        ("---\ntitle: a: b\n---\n", 2, 9, "mapping values are not allowed"),
        ('---\ntitle: ok\nsummary: "unclosed\n---\nBody\n', 3, 19, "unexpected end of stream"),
        ("---\ntitle: ok\n\tdate: 1\n---\n", 3, 1, "tab character"),
    ],
)
def test_invalid_yaml_is_reported_at_its_file_position(text: str, line: int, col: int, problem: str) -> None:
    doc, report = parse(text)
    assert doc is None
    [error] = report.errors
    assert (error.path, error.line, error.col) == ("content/articles/a.md", line, col)
    assert error.message.startswith("invalid YAML in front matter: ")
    assert problem in error.message


def test_impossible_date_is_kept_as_text_for_the_field_check_to_report() -> None:
    doc, report = parse("---\ntitle: T\ndate: 2025-02-30\n---\n")
    assert doc is not None and not report.errors  # one error, from the date field's own check (test_model)
    assert doc.meta["date"] == "2025-02-30"
    assert doc.meta.where("date") == Position(3, 7)


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"---\ntitle: caf\xe9\n---\n")
    report = Report()
    assert read_text(path, "content/articles/a.md", report) is None
    [error] = report.errors
    assert error.path == "content/articles/a.md"
    assert "not UTF-8" in error.message
    assert (error.line, error.col) == (2, 11)  # the bad byte's place, counted in characters


def test_crlf_and_cr_line_ends_read_as_lf(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: T\r\ndate: 2031-01-02\r\n---\r\nAda Quill spoke.\rAgain.\r\n")
    text = read_text(path, "content/articles/a.md", Report())
    assert text is not None and "\r" not in text
    doc = parsed(text)
    assert doc.meta == {"title": "T", "date": dt.date(2031, 1, 2)}
    assert (doc.body, doc.body_line) == ("Ada Quill spoke.\nAgain.\n", 5)


BOMB = """\
---
title: T
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
---
"""


def test_a_billion_laughs_is_an_error_at_the_key_where_it_blows_up() -> None:
    doc, report = parse(BOMB)  # 9**9 values once expanded; stopped after some 10,000
    assert doc is None
    assert [(d.line, d.col, d.message) for d in report.errors] == [
        (7, 1, "front matter grows too large through aliases (*name) repeated inside one another")
    ]


def test_small_aliases_are_fine() -> None:
    doc = parsed("---\nbase: &who [Ada Quill, Tom Brandt]\nagain: *who\n---\n")
    assert doc.meta["again"] == ["Ada Quill", "Tom Brandt"]


@pytest.mark.parametrize("yaml_text", ["x: &a [*a]", "x: &a {k: *a}"])
def test_an_alias_inside_its_own_anchor_is_an_error(yaml_text: str) -> None:
    doc, report = parse(f"---\n{yaml_text}\n---\n")
    assert doc is None
    assert [(d.line, d.message.split(":")[0]) for d in report.errors] == [(2, "front matter refers to itself")]


@pytest.mark.parametrize(
    ("yaml_text", "col"),
    [("x: " + "[" * 100_000 + "]" * 100_000, 53), ("x:\n  " + "- " * 100_000 + "y", 101)],
    ids=["flow", "block"],
)
def test_deep_nesting_is_an_error_not_a_crash(yaml_text: str, col: int) -> None:
    doc, report = parse(f"---\n{yaml_text}\n---\n")  # libyaml's composer crashes the process at such depths
    assert doc is None
    [error] = report.errors
    assert (error.col, error.message) == (col, "front matter nested more than 50 levels deep")


def test_merge_keys_are_errors_at_their_place() -> None:
    doc, report = parse("---\nbase: &b {name: Ada Quill}\nada:\n  <<: *b\n  role: Mayor\n---\n")
    assert doc is not None and doc.meta["ada"] == {"role": "Mayor"}
    assert [(d.line, d.col, d.message) for d in report.errors] == [
        (4, 3, "'<<' merge keys are not supported: write the fields out")
    ]


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/object:os.system ls", "!!python/object:os.system"),
        ("!!python/object/apply:os.system [ls]", "!!python/object/apply:os.system"),
        ("!custom x", "!custom"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
    ],
)
def test_tags_beyond_plain_data_are_errors_at_their_value(value: str, tag: str) -> None:
    _, report = parse(f"---\ntitle: T\nsummary: {value}\n---\n")
    assert [(d.line, d.col, d.message) for d in report.errors] == [
        (3, 10, f"YAML tag '{tag}' is not allowed: front matter holds plain data")
    ]


def test_plain_tags_are_fine() -> None:
    assert parsed("---\ntitle: !!str 2031\nweight: !!int '3'\n---\n").meta == {"title": "2031", "weight": 3}


@pytest.mark.parametrize("front", ["- a\n- b", "just a sentence", "42"])
def test_front_matter_of_any_other_kind_is_an_error(front: str) -> None:
    doc, report = parse(f"---\n{front}\n---\nBody.\n")
    assert doc is None
    assert [(d.line, d.col, d.message) for d in report.errors] == [
        (2, 1, "front matter must be a mapping of keys to values")
    ]


def test_discover_content_sorts_files_by_kind(tmp_path: Path) -> None:
    files = {
        "content/articles/one.md": "",
        "content/articles/bundle/index.md": "",
        "content/articles/bundle/map.png": "",
        "content/articles/bundle/notes.md": "",
        "content/actors/putin.md": "",
        "content/pages/about.md": "",
        "content/articles/.hidden.md": "",
        "content/report.pdf": "",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    found = discover_content(tmp_path)
    assert [rel for _, rel in found.articles] == ["content/articles/bundle/index.md", "content/articles/one.md"]
    assert [rel for _, rel in found.profiles] == ["content/actors/putin.md"]
    assert [rel for _, rel in found.pages] == ["content/pages/about.md"]
    assert [rel for _, rel in found.assets] == ["content/articles/bundle/map.png", "content/report.pdf"]
    assert [rel for _, rel in found.ignored] == ["content/articles/bundle/notes.md"]


def test_symlinks_leaving_the_site_are_refused_and_links_inside_kept(tmp_path: Path) -> None:
    site, outside = tmp_path / "site", tmp_path / "secret.txt"
    outside.write_text("not for publishing")
    (site / "content" / "articles").mkdir(parents=True)
    (site / "templates" / "static").mkdir(parents=True)
    (site / "content" / "articles" / "a.md").write_text("---\ntitle: A\n---\n")
    (site / "content" / "articles" / "key.png").symlink_to(outside)
    (site / "content" / "articles" / "b.md").symlink_to(site / "content" / "articles" / "a.md")
    (site / "templates" / "static" / "site.css").symlink_to(outside)
    (site / "templates" / "static" / "up").symlink_to(tmp_path)
    (site / "templates" / "page.html").symlink_to("../../secret.txt")
    files = discover_content(site)
    assert files.outside_links == (
        "content/articles/key.png",
        "templates/page.html",
        "templates/static/site.css",
        "templates/static/up",
    )
    assert [rel for _, rel in files.articles] == ["content/articles/a.md", "content/articles/b.md"]
    assert files.assets == ()


def test_a_content_folder_that_is_a_link_out_of_the_site_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere" / "articles").mkdir(parents=True)
    (tmp_path / "elsewhere" / "articles" / "a.md").write_text("---\ntitle: A\n---\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "content").symlink_to(tmp_path / "elsewhere")
    files = discover_content(tmp_path / "site")
    assert (files.outside_links, files.articles) == (("content",), ())
