"""Atom feeds (SPEC §6): the newest articles, an actor's, a tag's; valid, absolute, dated from content."""

from __future__ import annotations

import calendar
import datetime as dt
import shutil
import time
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from ssg.model.types import Article, Date, sort_key
from ssg.render.dates import rfc3339

from .conftest import PREFIX_URL, REPO, Built, build


def parse(built: Built, site_path: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse(built.file(site_path).read_bytes())
    assert not feed.bozo, f"{site_path}: {feed.get('bozo_exception')}"
    assert feed.version == "atom10"
    return feed


def epoch(value: Date | time.struct_time) -> int:
    """Seconds since 1970 of a model date (as the feed writes it) or of feedparser's UTC struct_time."""
    if isinstance(value, time.struct_time):
        return calendar.timegm(value)
    return int(dt.datetime.fromisoformat(rfc3339(value).replace("Z", "+00:00")).timestamp())


def check_entries(built: Built, site_path: str, articles: list[Article]) -> None:
    """The feed lists exactly these articles (newest first, at most feed_size), absolute and dated from content."""
    feed = parse(built, site_path)
    expected = articles[: built.site.config.feed_size]
    assert [e.title for e in feed.entries] == [a.title for a in expected]
    for entry, article in zip(feed.entries, expected, strict=True):
        url = built.absolute(article.path)
        assert url.startswith(built.base_url)
        assert entry.link == url
        assert entry.id == url
        assert epoch(entry.updated_parsed) == epoch(article.modified)
        assert epoch(entry.published_parsed) == epoch(article.date)
        assert entry.author == (built.site.config.publisher or built.site.config.title)
        assert [t.term for t in entry.get("tags", [])] == list(article.tags)
        if article.summary:
            assert entry.summary == article.summary
    newest = max((a.modified for a in expected), key=sort_key)
    assert epoch(feed.feed.updated_parsed) == epoch(newest)
    assert feed.feed.id == built.absolute(site_path)
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [built.absolute(site_path)]


def test_main_feed_lists_the_newest_articles(any_site: Built) -> None:
    check_entries(any_site, "/feed.xml", list(any_site.site.articles))


def test_every_actor_feed_lists_the_actors_articles(any_site: Built) -> None:
    site = any_site.site
    for actor in site.actors.values():
        check_entries(any_site, actor.path + "feed.xml", [site.article(k) for k in actor.article_keys])


def test_every_tag_feed_lists_the_tags_articles(any_site: Built) -> None:
    site = any_site.site
    assert site.tags
    for tag in site.tags.values():
        check_entries(any_site, tag.path + "feed.xml", [site.article(k) for k in tag.article_keys])


def test_corpus_feeds_are_cut_at_feed_size(corpus: Built) -> None:
    size = corpus.site.config.feed_size
    assert len(corpus.site.articles) > size
    assert len(parse(corpus, "/feed.xml").entries) == size
    busiest = max(corpus.site.actors.values(), key=lambda a: len(a.article_keys))
    assert len(busiest.article_keys) > size
    assert len(parse(corpus, busiest.path + "feed.xml").entries) == size


def test_entry_ids_are_stable_across_builds(example: Built, tmp_path: Path) -> None:
    again = build(REPO, tmp_path / "again", example.base_url)
    for path in ("/feed.xml", "/actors/peskov/feed.xml", "/tags/belarus/feed.xml"):
        assert [e.id for e in parse(example, path).entries] == [e.id for e in parse(again, path).entries]


def test_full_content_is_escaped_html_with_absolute_links(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    shutil.copytree(REPO / "content", site_dir / "content")
    toml = (REPO / "site.toml").read_text(encoding="utf-8")
    (site_dir / "site.toml").write_text(toml.replace("[build]", "[build]\nfeed_full_content = true", 1))
    built = build(site_dir, tmp_path / "out", PREFIX_URL)
    entry = parse(built, "/feed.xml").entries[0]
    article = built.site.articles[0]
    content = entry.content[0]
    assert content.type == "text/html"
    assert f'href="{built.absolute("/actors/lukashenko/")}"' in content.value  # resolved against xml:base
    assert article.title == entry.title
    # the raw entry holds the article's HTML escaped once: parsed, it is the body as rendered (data-* included,
    # which feedparser's sanitizer would drop)
    raw = etree.parse(built.file("/feed.xml")).find(".//{http://www.w3.org/2005/Atom}content")
    assert raw.text == article.body_html
    assert 'data-claim="minsk-our-ally"' in raw.text


@pytest.mark.parametrize("page", ["/", "/articles/lukashenko-peace-talks/", "/actors/", "/about/"])
def test_pages_link_the_main_feed(example: Built, page: str) -> None:
    links = example.tree(page).xpath('//head/link[@rel="alternate"][@type="application/atom+xml"]/@href')
    assert example.site.urls.url("/feed.xml") in links
