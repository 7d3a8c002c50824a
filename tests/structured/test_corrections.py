"""Corrections (SPEC §3, §6): dated at the top of their article, listed newest first on /corrections/, and in an
Atom feed that feedparser reads."""

from __future__ import annotations

from pathlib import Path

import feedparser

from .conftest import build

BASE = "https://example.org/e/"
ARTICLE = """---
title: {title}
date: {date}
people:
  ada-quill: Ada Quill
corrections:
{corrections}
---
Ada Quill spoke at the council.
"""


def test_corrections_are_listed_newest_first_and_fed_as_atom(tmp_path: Path) -> None:
    site = tmp_path / "site"
    articles = site / "content" / "articles"
    articles.mkdir(parents=True)
    (site / "site.toml").write_text(f'[site]\ntitle = "Eastport Watch"\nbase_url = "{BASE}"\n')
    (articles / "bridge.md").write_text(
        ARTICLE.format(
            title="Bridge Vote",
            date="2025-04-30",
            corrections="  - {date: 2025-05-01, text: The vote was 5 to 4.}\n"
            "  - {date: 2025-05-06, text: Tom Brandt's name was misspelt.}",
        )
    )
    (articles / "budget.md").write_text(
        ARTICLE.format(title="Budget Hearing", date="2025-05-02", corrections="  - {date: 2025-05-03, text: Fixed.}")
    )
    built = build(site, tmp_path / "out", BASE)
    bridge = next(a for a in built.site.articles if a.title == "Bridge Vote")
    assert bridge.updated is not None and bridge.updated.isoformat() == "2025-05-06"

    page = built.tree("/corrections/")
    items = page.xpath("//ol[contains(@class, 'correction-list')]/li")
    assert [i.xpath(".//time/@datetime")[0] for i in items] == ["2025-05-06", "2025-05-03", "2025-05-01"]
    assert items[0].xpath(".//a/@href") == ["/e/articles/bridge/#correction-2"]
    article_page = built.tree(bridge.path)
    assert article_page.get_element_by_id("correction-2").xpath(".//time/@datetime") == ["2025-05-06"]
    assert "Tom Brandt's name was misspelt." in article_page.get_element_by_id("correction-2").text_content()

    feed = feedparser.parse(built.text("/corrections/feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Eastport Watch: corrections"
    assert feed.feed.updated.startswith("2025-05-06")
    assert [e.summary for e in feed.entries] == ["Tom Brandt's name was misspelt.", "Fixed.", "The vote was 5 to 4."]
    assert feed.entries[0].link == BASE + "articles/bridge/#correction-2"
    assert len({e.id for e in feed.entries}) == 3


def test_a_site_without_corrections_has_an_empty_valid_feed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.toml").write_text(f'[site]\ntitle = "Empty"\nbase_url = "{BASE}"\n')
    built = build(site, tmp_path / "out", BASE)
    feed = feedparser.parse(built.text("/corrections/feed.xml"))
    assert not feed.bozo and feed.entries == []
    assert "No corrections so far." in built.text("/corrections/")
