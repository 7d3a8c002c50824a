"""sitemap.xml and robots.txt (SPEC §6): valid against the sitemaps.org schema, complete, dated from content."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from lxml import etree

from ssg import render
from ssg.model.types import sort_key
from ssg.render.dates import rfc3339

from .conftest import PREFIX_URL, REPO, Built, build

XSD = Path(__file__).resolve().parent / "data" / "sitemap.xsd"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(built: Built) -> dict[str, str | None]:
    """loc -> lastmod, after validating the file against the shipped XSD."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.parse(str(built.file("/sitemap.xml")))
    assert schema.validate(doc), schema.error_log
    entries = {}
    for url in doc.getroot().iterfind("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc not in entries, f"{loc} listed twice"
        entries[loc] = url.findtext("s:lastmod", namespaces=NS)
    return entries


def test_the_shipped_schema_rejects_a_bad_sitemap() -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    bad = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><lastmod>2025-03-06</lastmod></url></urlset>'
    )
    assert not schema.validate(etree.fromstring(bad))


def test_every_loc_is_absolute_and_built(any_site: Built) -> None:
    urls = any_site.site.urls
    for loc in sitemap(any_site):
        assert loc.startswith(any_site.base_url), loc
        site_path = urls.site_path_of_url(loc[len(urls.origin) :])
        assert site_path is not None and any_site.file(site_path).is_file(), loc


def test_every_html_page_but_404_and_search_is_listed(any_site: Built) -> None:
    """Search results are no page to send readers to from a search engine (Google asks sites to leave them out)."""
    listed = set(sitemap(any_site))
    pages = {any_site.absolute(s.site_path) for s in any_site.html_specs() if s.kind not in ("404", "search")}
    assert listed == pages
    assert any_site.absolute("/404.html") not in listed and any_site.absolute("/search/") not in listed


def test_lastmod_comes_from_content_dates(any_site: Built) -> None:
    site = any_site.site
    entries = sitemap(any_site)

    def newest(keys) -> str:
        return rfc3339(max((site.article(k).modified for k in keys), key=sort_key))

    for article in site.articles:
        assert entries[any_site.absolute(article.path)] == rfc3339(article.modified)
    for actor in site.actors.values():
        assert entries[any_site.absolute(actor.path)] == newest(actor.article_keys)
    for tag in site.tags.values():
        assert entries[any_site.absolute(tag.path)] == newest(tag.article_keys)
    everything = newest(a.key for a in site.articles)
    for path in ("/", "/actors/", "/claims/", "/tags/"):
        assert entries[any_site.absolute(path)] == everything
    for page in site.pages:
        assert entries[any_site.absolute(page.path)] is None  # no content date: no lastmod rather than a guess
    assert all(v is None or v.endswith("Z") or v[-6] in "+-" for v in entries.values()), "W3C datetime needs a zone"


def test_robots_txt_names_the_sitemap(any_site: Built) -> None:
    lines = any_site.text("/robots.txt").splitlines()
    assert f"Sitemap: {any_site.base_url}sitemap.xml" in lines
    assert "User-agent: *" in lines


def test_a_site_without_articles_has_a_valid_feed_and_sitemap(tmp_path: Path) -> None:
    (tmp_path / "site" / "content").mkdir(parents=True)
    (tmp_path / "site" / "site.toml").write_text('[site]\ntitle = "Empty"\nbase_url = "https://example.org/x/"\n')
    built = build(tmp_path / "site", tmp_path / "out", "https://example.org/x/")
    assert set(sitemap(built)) == {
        built.absolute(p)
        for p in ("/", "/actors/", "/actors/network/", "/claims/", "/tags/", "/verdicts/", "/corrections/")
    }
    feed = feedparser.parse(built.file("/feed.xml").read_bytes())
    assert not feed.bozo and feed.entries == []


def test_past_the_protocols_limit_the_sitemap_is_an_index_of_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sitemaps.org allows 50,000 URLs a file (a 50,000-article site has 90,000 pages): beyond that, /sitemap.xml
    is a sitemap index and the parts list every page once, each within the limit. Here the limit is 10."""
    monkeypatch.setattr(render, "SITEMAP_URLS", 10)
    built = build(REPO, tmp_path / "out", PREFIX_URL)
    index = etree.parse(str(built.file("/sitemap.xml"))).getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text for loc in index.iterfind("s:sitemap/s:loc", NS)]
    pages = {built.absolute(s.site_path) for s in built.html_specs() if s.kind not in ("404", "search")}
    assert len(parts) == -(-len(pages) // 10) >= 2
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    listed: list[str] = []
    for number, loc in enumerate(parts, start=1):
        assert loc == built.absolute(f"/sitemap-{number}.xml")
        part = etree.parse(str(built.file(f"/sitemap-{number}.xml")))
        assert schema.validate(part), schema.error_log
        locs = [url.findtext("s:loc", namespaces=NS) for url in part.getroot().iterfind("s:url", NS)]
        assert 0 < len(locs) <= 10
        listed += locs
    assert sorted(listed) == sorted(pages)
    assert f"Sitemap: {built.absolute('/sitemap.xml')}" in built.text("/robots.txt")
