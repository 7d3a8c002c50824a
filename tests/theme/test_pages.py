"""The built pages, read with a real HTML parser and compared with the model (SPEC §4, §6)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from lxml.html import HtmlElement

from .sites import PREFIX, BuiltSite


@cache
def parse(path: Path) -> HtmlElement:
    return lxml.html.document_fromstring(path.read_bytes())


def text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def classed(name: str) -> str:
    """An XPath test for one class among several."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def url(built: BuiltSite, site_path: str) -> str:
    return built.site.urls.url(site_path)


def actor_id_of(link: HtmlElement) -> str | None:
    """The actor a link leads to (`<prefix>actors/<id>/`), or None."""
    found = re.fullmatch(re.escape(PREFIX) + r"actors/([a-z0-9][a-z0-9-]*)/", link.get("href", ""))
    return found[1] if found else None


def target_file(built: BuiltSite, href_path: str) -> Path:
    rel = unquote(href_path)[len(PREFIX) :]
    return built.output / (rel + "index.html" if not rel or rel.endswith("/") else rel)


# --- links --------------------------------------------------------------------------------------------------------


def test_every_mention_links_to_an_existing_actor_page(built: BuiltSite) -> None:
    seen = 0
    for path in built.html_files():
        for a in parse(path).iterfind(".//a[@data-actor]"):
            actor_id = a.get("data-actor")
            assert actor_id in built.site.actors, f"{path}: unknown actor {actor_id!r}"
            assert a.get("href") == f"{PREFIX}actors/{actor_id}/", f"{path}: {lxml.html.tostring(a)!r}"
            assert target_file(built, a.get("href")).is_file()
            seen += 1
    assert seen > 0


def test_every_internal_link_and_anchor_resolves(built: BuiltSite) -> None:
    broken = []
    for path in built.html_files():
        doc = parse(path)
        for element in doc.iter():
            for attr in ("href", "src"):
                value = element.get(attr)
                if not value:
                    continue
                parts = urlsplit(value)
                if value.startswith("#"):
                    target, fragment = path, parts.fragment
                elif value.startswith(PREFIX):
                    target, fragment = target_file(built, parts.path), parts.fragment
                    if not target.is_file():
                        broken.append(f"{path.relative_to(built.output)}: {value}")
                        continue
                else:
                    assert not value.startswith("/"), f"{path}: root-relative link outside {PREFIX}: {value}"
                    continue
                if fragment and target.suffix == ".html" and parse(target).get_element_by_id(fragment, None) is None:
                    broken.append(f"{path.relative_to(built.output)}: {value} (no such anchor)")
    assert not broken, "\n".join(broken[:50])


# --- the article page ---------------------------------------------------------------------------------------------


def test_article_pages_are_h_entries_with_the_body_alone_in_e_content(built: BuiltSite) -> None:
    for article in built.site.articles:
        doc = parse(built.page(article.path))
        entries = doc.xpath(f"//*[{classed('h-entry')}]")
        assert len(entries) == 1
        entry = entries[0]
        assert [text(e) for e in entry.xpath(f".//*[{classed('p-name')}]")] == [article.title]
        assert [e.get("datetime") for e in entry.xpath(f".//*[{classed('dt-published')}]")] == [
            article.date.isoformat()
        ]
        assert [e.get("href") for e in entry.xpath(f".//*[{classed('u-url')}]")] == [url(built, article.path)]
        assert [text(e) for e in entry.xpath(f".//*[{classed('p-category')}]")] == list(article.tags)
        contents = entry.xpath(f".//*[{classed('e-content')}]")
        assert len(contents) == 1
        body = lxml.html.fragment_fromstring(article.body_html, create_parent="div")
        assert text(contents[0]) == text(body), "e-content must hold the article body and nothing else"
        assert not contents[0].xpath(".//h2[@id='people-heading' or @id='claims-heading']")


def test_article_pages_show_people_with_their_role_then(built: BuiltSite) -> None:
    for article in built.site.articles:
        doc = parse(built.page(article.path))
        items = doc.xpath("//ul[contains(@class, 'people-list')]/li")
        assert [li.get("data-actor") for li in items] == list(article.actor_ids)
        for li in items:
            actor = built.site.actors[li.get("data-actor")]
            entry = article.entry(actor.id)
            role = (entry.role if entry else None) or actor.role or ""
            assert [text(a) for a in li.xpath(f".//*[{classed('person-name')}]")] == [actor.name]
            assert li.get("data-type") == ("organization" if actor.type == "organization" else None)
            assert [text(r) for r in li.xpath(f".//*[{classed('role')}]")] == ([role] if role else [])
            assert [a.get("href") for a in li.iterfind(".//a")] == [url(built, actor.path)]


def test_article_pages_list_every_claim_with_one_anchor_each(built: BuiltSite) -> None:
    for article in built.site.articles:
        doc = parse(built.page(article.path))
        content = doc.xpath(f"//*[{classed('e-content')}]")[0]
        items = doc.xpath("//ol[contains(@class, 'claim-list')]/li")
        assert [li.get("data-claim-ref") for li in items] == [c.id for c in article.claims]
        for claim, li in zip(article.claims, items, strict=True):
            anchors = doc.xpath(f"//*[@id='claim-{claim.id}']")
            assert len(anchors) == 1, f"{article.path}: {len(anchors)} elements with id claim-{claim.id}"
            if claim.id in article.marked_claims:  # SPEC §4: the span in the body carries it
                assert anchors[0].get("data-claim") == claim.id
                assert content in anchors[0].iterancestors()
                assert anchors[0].get("data-verdict") == claim.verdict_id
            else:  # ... else the entry in the claims list
                assert anchors[0] is li
            speaker = li.xpath(f".//*[{classed('claim-speaker')}]/a")[0]
            assert actor_id_of(speaker) == claim.speaker_id
            assert li.xpath(".//time")[0].get("datetime") == claim.date.isoformat()
            if claim.quote is not None:
                assert [text(q) for q in li.iterfind(".//q")] == [" ".join(claim.quote.split())]
            else:
                assert not li.xpath(".//q")
                assert "Paraphrase" in text(li.xpath(f".//*[{classed('claim-paraphrase')}]")[0])
            verdict = built.site.verdict(claim.verdict_id)
            badge = li.xpath(f".//*[{classed('verdict')}]")
            assert [text(b) for b in badge] == [verdict.label if verdict else "Not rated"]
            assert li.get("data-verdict") == claim.verdict_id
            evidence = [a.get("href") for a in li.xpath(f".//*[{classed('evidence')}]//a")]
            assert evidence == [e.url for e in claim.evidence if e.url]
            assert bool(li.xpath(f".//*[{classed('review')}]")) == bool(claim.review_html)


# --- the actor pages ----------------------------------------------------------------------------------------------


def section(doc: HtmlElement, name: str) -> HtmlElement | None:
    found = doc.xpath(f"//section[{classed(name)}]")
    return found[0] if found else None


def test_actor_pages_list_exactly_the_claims_by_and_about_the_actor(built: BuiltSite) -> None:
    site = built.site
    for actor in site.actors.values():
        doc = parse(built.page(actor.path))
        by = sorted(url(built, c.path) for c in site.claims if c.speaker_id == actor.id)
        about = sorted(url(built, c.path) for c in site.claims if actor.id in c.about_ids)
        by_links = section(doc, "claims-by").xpath(f".//*[{classed('claim-place')}]/a/@href")
        about_links = section(doc, "claims-about").xpath(f".//*[{classed('claim-place')}]/a/@href")
        assert sorted(by_links) == by, actor.id
        assert sorted(about_links) == about, actor.id
        for href in about_links:
            assert re.fullmatch(rf"{re.escape(PREFIX)}.+/#claim-[a-z0-9][a-z0-9-]*", href)


def test_actor_pages_count_claims_by_verdict(built: BuiltSite) -> None:
    site = built.site
    for actor in site.actors.values():
        doc = parse(built.page(actor.path))
        expected = Counter(
            (site.verdict(c.verdict_id).label if c.verdict_id else "Not rated")
            for c in site.claims
            if c.speaker_id == actor.id
        )
        shown = {}
        for li in section(doc, "claims-by").xpath(f".//ul[{classed('verdict-counts')}]/li"):
            label = text(li.xpath(f".//*[{classed('verdict')}]")[0])
            shown[label] = int(text(li.xpath(f".//*[{classed('count')}]")[0]))
        assert shown == dict(expected), actor.id


def test_actor_pages_list_their_articles_and_co_actors(built: BuiltSite) -> None:
    site = built.site
    for actor in site.actors.values():
        doc = parse(built.page(actor.path))
        expected = [a for a in site.articles if actor.id in a.actor_ids]
        links = section(doc, "appearances").xpath(f".//*[{classed('article-item-title')}]/a/@href")
        for number in range(2, -(-len(expected) // site.config.claims_per_page) + 1):  # SPEC §6: lists stay light
            more = parse(built.page(site.urls.actor_articles_path(actor.id, number)))
            links += more.xpath(f"//*[{classed('article-item-title')}]/a/@href")
        assert sorted(links) == sorted(url(built, a.path) for a in expected), actor.id
        dates = section(doc, "appearances").xpath(".//time/@datetime")
        assert dates == sorted(dates, reverse=True), f"{actor.id}: articles not newest first"
        shared = Counter(other for a in expected for other in set(a.actor_ids) if other != actor.id)
        co = section(doc, "co-actors")
        shown = {}
        if co is not None:
            for li in co.xpath(".//li"):
                shown[actor_id_of(li.xpath(".//a")[0])] = int(re.search(r"\d+", text(li)).group())
        assert shown == dict(shared), actor.id
        assert list(shown.values()) == sorted(shown.values(), reverse=True), f"{actor.id}: co-actors not ranked"


def test_actor_pages_are_h_cards(built: BuiltSite) -> None:
    for actor in built.site.actors.values():
        doc = parse(built.page(actor.path))
        cards = doc.xpath(f"//*[{classed('h-card')}]")
        assert len(cards) == 1
        assert [text(e) for e in cards[0].xpath(f".//*[{classed('p-name')}]")] == [actor.name]
        assert url(built, actor.path) in cards[0].xpath(
            f".//*[{classed('u-url')}]/@href | .//data[{classed('u-url')}]/@value"
        )
        assert not doc.xpath("//h1//a"), "the actor page's title is plain text, not a link to itself"
        facts = text(cards[0])
        assert ("Organization" if actor.type == "organization" else "Person") in facts
        for alias in actor.aliases:
            assert alias in facts
        if actor.role:
            assert actor.role in facts
        if actor.wikidata:
            assert f"https://www.wikidata.org/wiki/{actor.wikidata}" in cards[0].xpath(".//a/@href")


def test_microformats_parsers_read_the_article_and_actor_pages(example_site: BuiltSite) -> None:
    mf2py = pytest.importorskip("mf2py", reason="pip install mf2py")
    site = example_site.site
    article = site.articles[0]
    page_url = site.urls.absolute(article.path)
    parsed = mf2py.parse(doc=built_text(example_site, article.path), url=page_url)
    entries = [item for item in parsed["items"] if "h-entry" in item["type"]]
    assert len(entries) == 1
    props = entries[0]["properties"]
    assert props["name"] == [article.title]
    assert props["published"] == [article.date.isoformat()]
    assert props["url"] == [page_url]
    assert props["category"] == list(article.tags)
    content = props["content"][0]
    assert "People and organizations in this article" not in content["value"]
    assert "data-actor" in content["html"]

    actor = next(a for a in site.actors.values() if a.wikidata)
    actor_url = site.urls.absolute(actor.path)
    parsed = mf2py.parse(doc=built_text(example_site, actor.path), url=actor_url)
    cards = [item for item in parsed["items"] if "h-card" in item["type"]]
    assert len(cards) == 1
    assert cards[0]["properties"]["name"] == [actor.name]
    assert actor_url in cards[0]["properties"]["url"]


def built_text(built: BuiltSite, site_path: str) -> str:
    return built.page(site_path).read_text(encoding="utf-8")


# --- index pages --------------------------------------------------------------------------------------------------


def test_actors_index_lists_every_actor_a_to_z_with_counts(built: BuiltSite) -> None:
    doc = parse(built.page("/actors/"))
    rows = doc.xpath("//table//tbody/tr")
    # SPEC §6: people by surname (or a profile's sort_name), organisations by name, under letter headings
    actors = sorted(built.site.actors.values(), key=lambda a: a.sort_key.lower())
    assert len(rows) == len(actors)
    assert [actor_id_of(r.xpath("./th/a")[0]) for r in rows] == [a.id for a in actors]
    for row, actor in zip(rows, actors, strict=True):
        heading = row.xpath("preceding::h2[1]")[0]
        assert text(heading) == actor.letter
    for row, actor in zip(rows, actors, strict=True):
        numbers = [int(text(td)) for td in row.xpath(f"./td[{classed('num')}]")]
        assert numbers == [len(actor.article_keys), len(actor.claims_by), len(actor.claims_about)]
    for href in doc.xpath("//nav[@aria-label='Jump to letter']//a/@href"):
        assert doc.get_element_by_id(href[1:], None) is not None


def test_claims_index_lists_every_claim_newest_first(built: BuiltSite) -> None:
    site = built.site
    items = []
    for number in range(1, -(-len(site.claims) // site.config.claims_per_page) + 1):  # SPEC §6: its pages
        doc = parse(built.page(site.urls.claims_path(number)))
        items += doc.xpath("//ol[contains(@class, 'claim-list')]/li")
    assert len(items) == len(built.site.claims)
    days = [li.xpath(".//time/@datetime")[0][:10] for li in items]
    assert days == sorted(days, reverse=True)
    for li, claim in zip(items, built.site.claims, strict=True):
        assert [actor_id_of(a) for a in li.xpath(f".//*[{classed('claim-speaker')}]/a")] == [claim.speaker_id]
        assert li.xpath(f".//*[{classed('claim-place')}]/a/@href") == [url(built, claim.path)]
        verdict = built.site.verdict(claim.verdict_id)
        assert text(li.xpath(f".//*[{classed('verdict')}]")[0]) == (verdict.label if verdict else "Not rated")


def test_tags_index_and_tag_pages(built: BuiltSite) -> None:
    doc = parse(built.page("/tags/"))
    items = doc.xpath(f"//ul[{classed('tag-list')}]/li")
    assert [text(li.xpath("./a")[0]) for li in items] == list(built.site.tags)
    for li, tag in zip(items, built.site.tags.values(), strict=True):
        assert text(li).endswith(f"{len(tag.article_keys)} article" + ("" if len(tag.article_keys) == 1 else "s"))
        links: list[str] = []
        path: str | None = tag.path
        while path is not None:  # SPEC §6 lists stay light: a tag's articles, page after page by rel=next
            page = parse(built.page(path))
            links += page.xpath(f"//*[{classed('article-item-title')}]/a/@href")
            assert len(page.xpath(f"//*[{classed('article-item-title')}]")) <= built.site.config.articles_per_page
            after = page.xpath("//link[@rel='next']/@href")
            path = after[0].removeprefix(built.site.urls.base_path.rstrip("/")) if after else None
        assert links == [url(built, built.site.article(k).path) for k in tag.article_keys]


def test_home_pages_paginate_with_rel_prev_and_next(built: BuiltSite) -> None:
    site = built.site
    per_page = site.config.articles_per_page
    count = max(1, -(-len(site.articles) // per_page))
    for number in range(1, count + 1):
        path = site.urls.home_path(number)
        doc = parse(built.page(path))
        shown = doc.xpath(f"//*[{classed('article-item-title')}]/a/@href")
        expected = site.articles[(number - 1) * per_page : number * per_page]
        assert shown == [url(built, a.path) for a in expected]
        prev = doc.xpath("//main//a[@rel='prev']/@href")
        nxt = doc.xpath("//main//a[@rel='next']/@href")
        assert prev == ([url(built, site.urls.home_path(number - 1))] if number > 1 else [])
        assert nxt == ([url(built, site.urls.home_path(number + 1))] if number < count else [])
    if built is not None and count > 1:
        assert "Page 2 of" in doc.findtext(".//title") or "page 2 of" in doc.findtext(".//title") or count != 2


# --- every page ---------------------------------------------------------------------------------------------------


def test_every_page_has_landmarks_a_skip_link_and_headings_in_order(built: BuiltSite) -> None:
    for path in built.html_files():
        doc = parse(path)
        where = path.relative_to(built.output)
        assert doc.get("lang"), where
        assert doc.findtext(".//title").strip(), where
        description = doc.xpath("//meta[@name='description']/@content")
        assert len(description) == 1 and description[0].strip(), where
        assert len(doc.xpath("//main[@id='main']")) == 1, where
        first_link = doc.xpath("//body//a")[0]
        assert first_link.get("href") == "#main", f"{where}: the skip link must come first"
        assert doc.xpath("//header//nav[@aria-label]"), where
        assert doc.xpath("//footer"), where
        levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels.count(1) == 1 and levels[0] == 1, f"{where}: {levels}"
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{where}: heading h{before} followed by h{after}"
        for time in doc.iter("time"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d(T.*)?", time.get("datetime", "")), where


def test_titles_and_descriptions_differ_between_pages(built: BuiltSite) -> None:
    titles = Counter()
    for path in built.html_files():
        if path.name == "404.html":
            continue
        titles[parse(path).findtext(".//title")] += 1
    assert max(titles.values()) == 1, [t for t, n in titles.items() if n > 1]


def test_navigation_marks_the_current_page(built: BuiltSite) -> None:
    doc = parse(built.page("/actors/"))
    assert doc.xpath("//nav//a[@aria-current='page']/@href") == [url(built, "/actors/")]
    actor = next(iter(built.site.actors.values()))
    doc = parse(built.page(actor.path))
    assert doc.xpath("//nav//a[@aria-current='true']/@href") == [url(built, "/actors/")]
    for page in built.site.pages:
        doc = parse(built.page(page.path))
        assert doc.xpath("//nav//a[@aria-current='page']/@href") == [url(built, page.path)]
