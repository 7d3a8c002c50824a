"""Malformed and extreme input gives a correct site or clean diagnostics, never a traceback or a hang
(security.md). Inputs too big to commit are made here; small bad inputs live in tests/broken/."""

from __future__ import annotations

from pathlib import Path
from unicodedata import normalize

import pytest

from ssg.errors import Report, SiteError
from ssg.pipeline import RunOptions, build_site, check_site

SITE_TOML = '[site]\ntitle = "Eastport Monitor"\nbase_url = "https://example.org/"\n'
HEAD = "---\ntitle: Eastport Bridge\ndate: 2031-01-02\n"
PEOPLE = "people:\n  ada-quill: {name: Ada Quill, role: Mayor of Eastport}\n"


def make_site(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML)
    for rel_path, data in files.items():
        path = site / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return site


def check(site: Path) -> Report:
    """`ssg check` in-process: the report of a good site, or of a bad one (SiteError), nothing else."""
    try:
        return check_site(RunOptions(site_dir=site, jobs=1, use_cache=False))
    except SiteError as error:
        return error.report


def build(site: Path) -> str:
    build_site(RunOptions(site_dir=site, jobs=1, use_cache=False))
    return (site / "build" / "articles" / "bridge" / "index.html").read_text(encoding="utf-8")


DEEP = 10_000


@pytest.mark.parametrize(
    "body",
    [
        "- " * DEEP + "x\n",
        "1. " * DEEP + "x\n",
        "> " * DEEP + "x\n",
        "".join(">" * depth + " x\n" for depth in range(1, 2000)),
        "[" * DEEP + "x" + "]" * DEEP + "\n",
        "[a" * DEEP + "](/)" * DEEP + "\n",
        "*a " * DEEP + "x" + " a*" * DEEP + "\n",
        "[" * DEEP + "Ada Quill](@ada-quill)" + "]" * DEEP + "\n",
        "<div>" * DEEP + "\n",
        "`" * DEEP + "x\n",
    ],
    ids=["dashes", "numbers", "quotes", "quote-lines", "brackets", "links", "emphasis", "mention", "html", "ticks"],
)
def test_deep_nesting_builds_a_page(tmp_path: Path, body: str) -> None:
    """markdown-it's maxNesting (20 in the commonmark preset ssg uses) stops nesting: no RecursionError."""
    site = make_site(tmp_path, {"content/articles/bridge.md": HEAD + PEOPLE + "---\n" + body})
    assert check(site).errors == []
    assert build(site).count("<html") == 1


def test_a_20_mb_article_builds(tmp_path: Path) -> None:
    """Time grows with markdown-it's tokens (some 5 µs each), not with bytes: long paragraphs keep this quick."""
    paragraph = "Ada Quill said the bridge would open in May, and Tom Brandt disagreed. " * 1400 + "\n\n"
    body = paragraph * (20_000_000 // len(paragraph))
    site = make_site(tmp_path, {"content/articles/bridge.md": HEAD + PEOPLE + "---\n" + body})
    assert check(site).errors == []


def test_a_1_mb_line_builds(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/articles/bridge.md": HEAD + PEOPLE + "---\n" + "Ada Quill " * 100_000})
    assert 'data-actor="ada-quill"' in build(site)


def test_bom_and_crlf_give_the_right_page_and_places(tmp_path: Path) -> None:
    text = "\ufeff" + HEAD + PEOPLE + "---\nAda Quill spoke.\n\nThen [someone](@nobody) replied.\n"
    site = make_site(tmp_path / "crlf", {"content/articles/bridge.md": text.replace("\n", "\r\n").encode("utf-8")})
    [error] = check(site).errors
    assert (error.line, error.col, error.message) == (9, 17, "unknown actor 'nobody'")
    [same] = check(make_site(tmp_path / "lf", {"content/articles/bridge.md": text.removeprefix("\ufeff")})).errors
    assert (same.line, same.col) == (error.line, error.col)
    good = text.replace("\n", "\r\n").split("Then")[0]
    assert 'data-actor="ada-quill"' in build(make_site(tmp_path / "good", {"content/articles/bridge.md": good}))


@pytest.mark.parametrize(
    ("name", "alias"),
    [("Аляксандра Квіл", "Квіл"), ("أدا قويل", "قويل"), ("艾达·奎尔", "奎尔"), ("Ада Квилл", "Квилл")],
)
def test_names_in_any_script_are_autolinked(tmp_path: Path, name: str, alias: str) -> None:
    people = f"people:\n  ada-quill: {{name: {name}, aliases: [{alias}]}}\n"
    site = make_site(tmp_path, {"content/articles/bridge.md": HEAD + people + f"---\n{name} spoke.\n"})
    assert 'data-actor="ada-quill"' in build(site)


def nfc_nfd_site(tmp_path: Path, declared: str, written: str) -> Path:
    """Names declared in one normal form and written in the other, in an article and across a profile."""
    people = f"people:\n  amelie-quill: {{name: {normalize(declared, 'Amélie Quill')}}}\n  tomas-brandt:\n"
    body = f"---\n{normalize(written, 'Amélie Quill')} spoke. {normalize(written, 'Tomáš Brandt')} stayed.\n"
    profile = f"---\nname: {normalize(declared, 'Tomáš Brandt')}\n---\n"
    files = {"content/articles/bridge.md": HEAD + people + body, "content/actors/tomas-brandt.md": profile}
    return make_site(tmp_path / f"{declared}-{written}", files)


@pytest.mark.parametrize(("declared", "written"), [("NFD", "NFC"), ("NFC", "NFD")])
def test_nfc_and_nfd_forms_of_a_name_match_as_one(tmp_path: Path, declared: str, written: str) -> None:
    html = build(nfc_nfd_site(tmp_path, declared, written))
    assert html == build(nfc_nfd_site(tmp_path, "NFC", "NFC"))  # source.py reads every file as NFC
    body = html.split("e-content", 1)[1]
    assert 'data-actor="amelie-quill"' in body and 'data-actor="tomas-brandt"' in body


def test_symlinks_out_of_the_site_are_errors_naming_them(tmp_path: Path) -> None:
    secret = tmp_path / "id_rsa"
    secret.write_text("not for publishing")
    site = make_site(tmp_path, {"content/articles/bridge.md": HEAD + "---\nBody.\n"})
    (site / "content" / "articles" / "key.png").symlink_to(secret)
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "static" / "key.css").symlink_to(secret)
    message = "refused: a symlink that leads outside the site folder (copy the file in)"
    assert [(d.path, d.message) for d in check(site).sorted()] == [
        ("content/articles/key.png", message),
        ("templates/static/key.css", message),
    ]
    with pytest.raises(SiteError):
        build_site(RunOptions(site_dir=site, jobs=1, use_cache=False))
    assert not (site / "build").exists()


def test_a_symlink_inside_the_site_is_followed(tmp_path: Path) -> None:
    files = {"content/articles/bridge/index.md": HEAD + "---\n![map](map.png)\n", "map.png": b"PNG"}
    site = make_site(tmp_path, files)
    (site / "content" / "articles" / "bridge" / "map.png").symlink_to(site / "map.png")
    assert check(site).errors == []
    build(site)
    assert (site / "build" / "articles" / "bridge" / "map.png").read_bytes() == b"PNG"
