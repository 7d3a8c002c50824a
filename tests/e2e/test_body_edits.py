"""The preview's plan for article bodies (ssg/pipeline/patch.py): it patches the last Site only when nothing but
the body's HTML changed, and the run then leaves exactly what a clean build leaves, warnings included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ssg.errors import SiteError, format_diagnostic
from ssg.pipeline import Pipeline, RunOptions

from .test_incremental import assert_same, snapshot

SITE_TOML = """\
[site]
title = "Harbour Watch"
base_url = "https://example.org/watch/"
language = "en"
description = "Who said what about the harbour."
publisher = "Eastport Desk"

[build]
articles_per_page = 2

[[verdicts]]
id = "true"
label = "True"
[[verdicts]]
id = "false"
label = "False"
"""

ARTICLE = """\
---
title: Harbour {n} stays open
date: 2030-01-{n:02d}
tags: [harbour]
people:
  vera-lind: {{name: Vera Lind, role: Harbour master, aliases: [Lind]}}
  olaf-berg: {{name: Olaf Berg, role: Mayor of Eastport}}
  ada-moss: {{name: Ada Moss, role: Pilot}}
claims:
  - id: open-all-winter
    by: vera-lind
    quote: The harbour stays open all winter.
    verdict: "true"
---
Vera Lind spoke at the quay on day {n}.

Lind said: "The harbour stays open all winter." Olaf Berg agreed. See [the archive](/articles/archive/).
"""


def make_site(root: Path) -> Path:
    site = root / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML)
    for n in range(1, 6):
        (site / "content" / "articles" / f"harbour-{n}.md").write_text(ARTICLE.format(n=n))
    return site


def clean(site: Path, output: Path) -> tuple[dict[str, bytes], list[str]]:
    shutil.rmtree(output, ignore_errors=True)
    result = Pipeline(RunOptions(site_dir=site, output_dir=output, drafts=True, jobs=1, use_cache=False)).run()
    return snapshot(output), [format_diagnostic(d) for d in result.report.sorted()]


@pytest.fixture
def served(tmp_path: Path) -> tuple[Path, Pipeline]:
    site = make_site(tmp_path)
    builder = Pipeline(RunOptions(site_dir=site, output_dir=tmp_path / "live", drafts=True, jobs=1, use_cache=False))
    builder.run(in_place=True)
    return site, builder


# (what the edit does, old text, new text, whether only the body's HTML changes)
EDITS = [
    ("adds a closing paragraph", "Olaf Berg agreed.", "Olaf Berg agreed.\n\nThe ferry left at noon.", True),
    ("rewords a later sentence", "Lind said:", "Lind told us:", True),
    ("moves a link down a line", "See [the archive]", "\nThe tide was high.\nSee [the archive]", True),
    ("changes the summary (the first paragraph)", "spoke at the quay", "spoke at the old quay", False),
    ("mentions another actor", "Olaf Berg agreed.", "Olaf Berg agreed. [Ada](@ada-moss) nodded.", False),
    ("loses the quoted words", '"The harbour stays open all winter."', '"The harbour might close."', False),
    ("changes the front matter", "role: Pilot", "role: Chief pilot", False),
]


@pytest.mark.parametrize(("did", "old", "new", "quick"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_is_taken_quickly_only_when_the_body_html_alone_changes(
    served: tuple[Path, Pipeline], tmp_path: Path, did: str, old: str, new: str, quick: bool
) -> None:
    site, builder = served
    path = site / "content" / "articles" / "harbour-3.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    patched = builder.plan(in_place=True, changed=frozenset([path])).patch is not None
    assert patched == quick, did
    result = builder.run(in_place=True, changed=frozenset([path]))  # patched, or loaded again in full
    expected, warnings = clean(site, tmp_path / "clean")
    assert_same(snapshot(tmp_path / "live"), expected, did)
    assert [format_diagnostic(d) for d in result.report.sorted()] == warnings
    if patched:  # rendered: at most the article, the site's feed, its three actors' feeds and its tag's
        assert len(result.rendered_paths) <= 6 < result.pages


def test_moved_broken_links_are_reported_where_they_now_are(served: tuple[Path, Pipeline], tmp_path: Path) -> None:
    """The archive page does not exist: its broken-link warning must follow the link when lines move."""
    site, builder = served
    path = site / "content" / "articles" / "harbour-2.md"
    text = path.read_text().replace("See [the archive]", "\n\nA calm day.\n\nSee [the archive]", 1)
    path.write_text(text)
    result = builder.run(in_place=True, changed=frozenset([path]))
    _, warnings = clean(site, tmp_path / "clean")
    reported = [format_diagnostic(d) for d in result.report.sorted()]
    assert reported == warnings
    line = text.split("\n").index(next(x for x in text.split("\n") if x.startswith("See [the archive]"))) + 1
    assert any(f"harbour-2.md:{line}:" in w and "broken link" in w for w in reported), reported


def test_a_sequence_of_quick_and_full_rebuilds_stays_exact(served: tuple[Path, Pipeline], tmp_path: Path) -> None:
    """Quick rebuilds leave the memos as a full build would: later full builds (a new title, a new article, a
    failed build and its fix) still give a clean build's output."""
    site, builder = served
    articles = site / "content" / "articles"
    steps = [
        ("harbour-1.md", "Olaf Berg agreed.", "Olaf Berg agreed.\n\nGulls circled."),
        ("harbour-1.md", "title: Harbour 1 stays open", "title: Harbour 1 stays open, says Lind"),
        ("harbour-1.md", "Gulls circled.", "Gulls circled twice."),
        ("harbour-4.md", "Olaf Berg agreed.", "Olaf Berg agreed. [Nobody](@no-such-actor) replied."),
        ("harbour-4.md", "[Nobody](@no-such-actor) replied.", "Nobody replied."),
        ("harbour-4.md", "Nobody replied.", "Nobody replied at all."),
    ]
    for number, (name, old, new) in enumerate(steps):
        path = articles / name
        path.write_text(path.read_text().replace(old, new, 1))
        try:
            builder.run(in_place=True, changed=frozenset([path]))
        except SiteError:
            assert "no-such-actor" in new  # the broken step; the served output stays as it was
            continue
        assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], f"step {number}: {name}")


def test_a_burst_with_one_front_matter_edit_runs_the_full_build_on_fresh_text(
    served: tuple[Path, Pipeline], tmp_path: Path
) -> None:
    """One save changes a body only, the other the front matter (tags: no actor changes): the quick rebuild gives
    up, and the full build must render the first article's new body, not one remembered from before."""
    site, builder = served
    articles = site / "content" / "articles"
    first, second = articles / "harbour-1.md", articles / "harbour-5.md"
    first.write_text(first.read_text().replace("Olaf Berg agreed.", "Olaf Berg agreed.\n\nThe new closing words."))
    second.write_text(second.read_text().replace("tags: [harbour]", "tags: [harbour, ferries]"))
    builder.run(in_place=True, changed=frozenset([first, second]))
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], "a burst of two saves")
    assert "The new closing words." in (tmp_path / "live" / "articles" / "harbour-1" / "index.html").read_text()


FULL_TEXT_INDEX = """{% extends "base.html" %}{% block main %}{% for a in articles %}<article><h2>{{ a.title }}</h2>
{{ a.body_html | safe }}</article>{% endfor %}{% endblock %}
"""


def test_a_theme_that_shows_bodies_on_its_home_page_gets_it_rendered_again(tmp_path: Path) -> None:
    """The default theme shows an article's body on its own page and in feeds only; a theme whose home page
    shows whole articles must see that page rendered again after a body edit: the home page read the body."""
    site = make_site(tmp_path)
    (site / "templates").mkdir()
    (site / "templates" / "index.html").write_text(FULL_TEXT_INDEX)
    builder = Pipeline(RunOptions(site_dir=site, output_dir=tmp_path / "live", drafts=True, jobs=1, use_cache=False))
    builder.run(in_place=True)
    path = site / "content" / "articles" / "harbour-5.md"  # the newest: on the first home page
    path.write_text(path.read_text().replace("Olaf Berg agreed.", "Olaf Berg agreed.\n\nA closing line."))
    assert builder.plan(in_place=True, changed=frozenset([path])).patch is not None  # the same road either way
    result = builder.run(in_place=True, changed=frozenset([path]))
    assert "index.html" in result.written.changed_paths
    assert "A closing line." in (tmp_path / "live" / "index.html").read_text()
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], "a body shown on the home page")


def test_an_output_folder_deleted_while_serving_is_built_again_on_the_next_save(
    served: tuple[Path, Pipeline], tmp_path: Path
) -> None:
    site, builder = served
    shutil.rmtree(tmp_path / "live")
    path = site / "content" / "articles" / "harbour-3.md"
    path.write_text(path.read_text() + "\nOne more line.\n")
    result = builder.run(in_place=True, changed=frozenset([path]))
    assert result.rendered == result.pages
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], "a deleted output folder")


def test_the_feed_of_an_actor_in_no_article_follows_the_newest_article(
    served: tuple[Path, Pipeline], tmp_path: Path
) -> None:
    """An empty feed is dated by the site's newest article: a newer article must render it again."""
    site, builder = served
    profile = site / "content" / "actors" / "nils-dahl.md"
    profile.parent.mkdir()
    profile.write_text("---\nname: Nils Dahl\n---\nA harbour pilot, retired.\n")
    builder.run(in_place=True, changed=frozenset([profile]))
    newer = site / "content" / "articles" / "harbour-9.md"
    text = (site / "content" / "articles" / "harbour-5.md").read_text()
    newer.write_text(text.replace("date: 2030-01-05", "date: 2030-02-09").replace("Harbour 5", "Harbour 9"))
    result = builder.run(in_place=True, changed=frozenset([newer]))
    assert "actors/nils-dahl/feed.xml" in result.written.changed_paths
    assert_same(snapshot(tmp_path / "live"), clean(site, tmp_path / "clean")[0], "a newer article")
