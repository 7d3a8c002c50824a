"""JSON-LD (SPEC §6), read back with a real extractor (extruct) and checked property by property against the model:
NewsArticle and ClaimReview on articles, Person/Organization on actors, CollectionPage on indexes."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import extruct
import pytest

from ssg.model.types import Actor, Article, Claim

from .conftest import PREFIX_URL, Built, build

WIKIDATA = "https://www.wikidata.org/wiki/"
KIND_TYPES = {
    "home": {"CollectionPage"},
    "article": {"NewsArticle"},
    "actors": {"CollectionPage"},
    "claims": {"CollectionPage"},
    "tags": {"CollectionPage"},
    "tag": {"CollectionPage"},
    "page": {"WebPage"},
    "404": {"WebPage"},
    "verdicts": {"WebPage"},
    "corrections": {"WebPage"},
    "verdict": {"CollectionPage"},
    "actor_claims": {"CollectionPage"},
    "actor_about": {"CollectionPage"},
    "actor_articles": {"CollectionPage"},
    "network": {"WebPage"},
    "search": {"SearchResultsPage"},
}


def items(built: Built, site_path: str) -> list[dict[str, Any]]:
    """The page's top-level schema.org items, flattened out of @graph."""
    html = built.file(site_path).read_text(encoding="utf-8")
    blocks = extruct.extract(html, base_url=built.absolute(site_path), syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert len(blocks) == 1, f"{site_path}: {len(blocks)} JSON-LD blocks"
    assert blocks[0]["@context"] == "https://schema.org"
    return blocks[0].get("@graph", [blocks[0]])


def of_type(found: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [i for i in found if i["@type"] == kind]


def scored(built: Built, article: Article) -> list[Claim]:
    return [c for c in article.claims if c.verdict_id and built.site.config.rating(c.verdict_id) is not None]


def check_actor_ref(built: Built, data: dict[str, Any], actor: Actor) -> None:
    assert data["@type"] == ("Organization" if actor.type == "organization" else "Person")
    assert data["name"] == actor.name
    assert data["url"] == built.absolute(actor.path)
    assert (WIKIDATA + actor.wikidata in data.get("sameAs", [])) if actor.wikidata else True


def check_article(built: Built, article: Article) -> None:
    config = built.site.config
    found = items(built, article.path)
    (news,) = of_type(found, "NewsArticle")
    url = built.absolute(article.path)
    publisher = config.publisher or config.title
    assert news["headline"] == article.title
    assert news["url"] == url and news["mainEntityOfPage"]["@id"] == url
    assert news["datePublished"] == article.date.isoformat()
    assert news["dateModified"] == article.modified.isoformat()
    if article.authors:  # the byline (SPEC §3 authors), else the publisher
        assert news["author"] == [{"@type": "Person", "name": name} for name in article.authors]
    else:
        assert news["author"] == news["publisher"]
    assert news["publisher"]["@type"] == "Organization" and news["publisher"]["name"] == publisher
    assert news.get("keywords", []) == list(article.tags)
    assert [t["name"] for t in news.get("about", [])] == list(article.tags)
    assert news.get("isBasedOn") == (article.source.url if article.source else None)
    mentions = {m["url"]: m for m in news.get("mentions", [])}
    assert set(mentions) == {built.absolute(built.site.actors[a].path) for a in article.actor_ids}
    for actor_id in article.actor_ids:
        actor = built.site.actors[actor_id]
        check_actor_ref(built, mentions[built.absolute(actor.path)], actor)
    reviews = of_type(found, "ClaimReview")
    claims = scored(built, article)
    assert len(reviews) == len(claims)
    for review, claim in zip(reviews, claims, strict=True):
        check_claim_review(built, article, claim, review)


def check_claim_review(built: Built, article: Article, claim: Claim, review: dict[str, Any]) -> None:
    """Every property Google's fact-check rich results require (and the recommended ones)."""
    config = built.site.config
    anchor = built.absolute(claim.path)
    assert review["url"] == anchor
    assert review["claimReviewed"] == claim.words
    # the review date: `reviewed`, default the article's `updated`, else its date (SPEC §3)
    assert claim.reviewed is not None
    assert review["datePublished"] == claim.reviewed.isoformat()
    assert review["author"] == {
        "@type": "Organization",
        "name": config.publisher or config.title,
        "url": built.base_url,
    }
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert rating["ratingValue"] == config.rating(claim.verdict_id)
    assert rating["bestRating"] == len(config.scale)
    assert rating["worstRating"] == 1
    assert rating["alternateName"] == config.verdict(claim.verdict_id).label
    claimed = review["itemReviewed"]
    assert claimed["@type"] == "Claim"
    assert claimed["datePublished"] == claim.date.isoformat()
    appearance = claimed["appearance"]
    assert appearance["@type"] == "CreativeWork"
    if claim.appearance:
        assert appearance["url"] == claim.appearance or appearance["url"] == built.absolute(claim.appearance)
    else:
        assert appearance["url"] == anchor
    assert appearance.get("name") == claim.said_in
    check_actor_ref(built, claimed["author"], built.site.actors[claim.speaker_id])
    html = built.text(article.path)
    assert f'id="{claim.anchor}"' in html, f"{anchor} leads nowhere"


def test_every_html_page_has_one_parseable_block_of_the_right_type(any_site: Built) -> None:
    for spec in any_site.html_specs():
        types = {i["@type"] for i in items(any_site, spec.site_path)}
        if spec.kind == "actor":
            actor = any_site.site.actors[spec.key]
            assert types == {"Organization" if actor.type == "organization" else "Person"}
        else:
            assert KIND_TYPES[spec.kind] <= types, spec.site_path


def test_articles_carry_news_article_and_claim_reviews(any_site: Built) -> None:
    for article in any_site.site.articles:
        check_article(any_site, article)


def test_example_true_claim_gets_the_best_rating(example: Built) -> None:
    reviews = of_type(items(example, "/articles/lukashenko-peace-talks/"), "ClaimReview")
    (review,) = [r for r in reviews if r["url"].endswith("#claim-minsk-our-ally")]
    rating = review["reviewRating"]
    assert rating["ratingValue"] == rating["bestRating"] == 4
    assert rating["alternateName"] == "True"
    assert review["claimReviewed"] == "Minsk is our ally"
    assert review["itemReviewed"]["author"]["name"] == "Dmitry Peskov"
    assert review["itemReviewed"]["datePublished"] == "2025-03-05"


def test_example_unscored_claims_get_no_claim_review(example: Built) -> None:
    article = example.site.articles[0]
    unscored = {c.id for c in article.claims if c.verdict_id == "unverified" or c.verdict_id is None}
    assert "calm-accord" in unscored and "expects-leaders-here" in unscored
    reviewed = {urldefrag(r["url"]).fragment for r in of_type(items(example, article.path), "ClaimReview")}
    assert not reviewed & {f"claim-{c}" for c in unscored}
    assert reviewed == {f"claim-{c.id}" for c in scored(example, article)}


def test_actor_pages_describe_the_actor(any_site: Built) -> None:
    for actor in any_site.site.actors.values():
        (data,) = items(any_site, actor.path)
        check_actor_ref(any_site, data, actor)
        assert data.get("alternateName", []) == list(actor.aliases)
        if actor.type == "person":
            assert data.get("jobTitle") == actor.role
        expected_same_as = ([WIKIDATA + actor.wikidata] if actor.wikidata else []) + ([actor.url] if actor.url else [])
        assert data.get("sameAs", []) == expected_same_as


def test_example_putin_has_wikidata(example: Built) -> None:
    (data,) = items(example, "/actors/putin/")
    assert data["@type"] == "Person" and data["jobTitle"] == "President of Russia"
    assert data["sameAs"] == ["https://www.wikidata.org/wiki/Q7747"]
    (kremlin,) = items(example, "/actors/kremlin/")
    assert kremlin["@type"] == "Organization" and "sameAs" not in kremlin


def test_index_pages_list_their_items(any_site: Built) -> None:
    site = any_site.site
    expected = {"/tags/": len(site.tags)}
    per_page = site.config.articles_per_page
    expected_first: dict[str, int] = {}
    for spec in any_site.specs("tag"):  # like the home page: each page lists its own articles
        keys = site.tags[spec.key].article_keys
        expected[spec.site_path] = len(keys[(spec.number - 1) * per_page : spec.number * per_page])
        expected_first[spec.site_path] = (spec.number - 1) * per_page + 1
    for spec in any_site.specs("home"):
        expected[spec.site_path] = len(site.articles[(spec.number - 1) * per_page : spec.number * per_page])
        expected_first[spec.site_path] = (spec.number - 1) * per_page + 1
    # claim lists list places in articles, not pages; /actors/ and an actor's articles are long: no ItemList
    for kind in ("claims", "verdict", "actor_claims", "actor_about", "actors", "actor_articles"):
        for spec in any_site.specs(kind):
            (page,) = of_type(items(any_site, spec.site_path), "CollectionPage")
            assert page["url"] == any_site.absolute(spec.site_path) and "mainEntity" not in page
    for path, count in expected.items():
        (page,) = of_type(items(any_site, path), "CollectionPage")
        assert page["url"] == any_site.absolute(path)
        entries = page["mainEntity"]["itemListElement"]
        assert page["mainEntity"]["@type"] == "ItemList" and page["mainEntity"]["numberOfItems"] == len(entries)
        assert len(entries) == count, path
        first = expected_first.get(path, 1)
        assert [e["position"] for e in entries] == list(range(first, first + count))
        for entry in entries:
            target = urldefrag(entry["url"]).url
            assert target.startswith(any_site.base_url)
            assert any_site.file("/" + target[len(any_site.base_url) :]).is_file(), entry["url"]
    (website,) = of_type(items(any_site, "/"), "WebSite")
    assert website["url"] == any_site.base_url and website["name"] == site.config.title


def test_standalone_pages_are_web_pages(example: Built) -> None:
    for page in example.site.pages:
        (data,) = items(example, page.path)
        assert data["@type"] == "WebPage" and data["name"] == page.title
        assert data["url"] == example.absolute(page.path)


SCRIPT_SITE = """[site]
title = "T"
base_url = "https://example.org/"
publisher = "Desk"
[[verdicts]]
id = "ok"
label = "Fine"
"""
SCRIPT_ARTICLE = """---
title: Tricky </script> & <b>title</b>
date: 2025-01-02
people: {a: {name: "A </script> B"}}
claims:
  - id: c
    by: a
    text: "Says </script><script>alert(1)</script> & more"
    verdict: ok
---
Body.
"""


@pytest.mark.parametrize("base_url", [PREFIX_URL, "https://example.org/"])
def test_markup_in_content_cannot_break_out_of_the_script(tmp_path: Path, base_url: str) -> None:
    (tmp_path / "site" / "content" / "articles").mkdir(parents=True)
    (tmp_path / "site" / "site.toml").write_text(SCRIPT_SITE)
    (tmp_path / "site" / "content" / "articles" / "t.md").write_text(SCRIPT_ARTICLE)
    built = build(tmp_path / "site", tmp_path / "out", base_url)
    found = items(built, "/articles/t/")
    assert of_type(found, "NewsArticle")[0]["headline"] == "Tricky </script> & <b>title</b>"
    (review,) = of_type(found, "ClaimReview")
    assert review["claimReviewed"] == "Says </script><script>alert(1)</script> & more"
    assert review["reviewRating"]["ratingValue"] == review["reviewRating"]["bestRating"] == 1
    assert review["itemReviewed"]["author"]["name"] == "A </script> B"
    assert "<script>alert" not in built.text("/articles/t/")


CHECKED = """---
title: Eastport Council Votes on the Bridge
date: 2025-04-30
updated: 2025-05-02
authors: [Jane Roe, Sam Poe]
reviewers: [John Doe]
people:
  ada-quill: {name: Ada Quill, role: Mayor of Eastport}
claims:
  - id: bridge-by-spring
    by: ada-quill
    quote: The bridge will be open by spring
    date: 2025-04-28
    verdict: "false"
    appearance: https://example.org/council-video
    said_in: a council meeting
    reviewed: 2025-04-29
  - id: budget-fine
    by: ada-quill
    text: The budget is fine.
    verdict: "true"
corrections:
  - {date: 2025-05-01, text: An earlier version misspelt the mayor's name.}
---
"The bridge will be open by spring," Ada Quill said.
"""


def test_claim_reviews_name_the_claim_its_author_appearance_and_review_date(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.toml").write_text(
        '[site]\ntitle = "Eastport Watch"\nbase_url = "https://example.org/e/"\npublisher = "Eastport Fact Desk"\n'
        '[[verdicts]]\nid = "true"\nlabel = "True"\n[[verdicts]]\nid = "false"\nlabel = "False"\n'
    )
    (site / "content" / "articles" / "bridge.md").write_text(CHECKED)
    built = build(site, tmp_path / "out", "https://example.org/e/")
    (article,) = built.site.articles
    check_article(built, article)
    found = items(built, article.path)
    (news,) = of_type(found, "NewsArticle")
    assert [a["name"] for a in news["author"]] == ["Jane Roe", "Sam Poe"]
    reviews = {r["itemReviewed"]["author"]["name"] + r["claimReviewed"]: r for r in of_type(found, "ClaimReview")}
    spring = reviews["Ada QuillThe bridge will be open by spring"]
    assert spring["datePublished"] == "2025-04-29"
    assert spring["author"]["name"] == "Eastport Fact Desk"
    assert spring["itemReviewed"]["datePublished"] == "2025-04-28"
    assert spring["itemReviewed"]["appearance"] == {
        "@type": "CreativeWork",
        "url": "https://example.org/council-video",
        "name": "a council meeting",
    }
    fine = reviews["Ada QuillThe budget is fine."]
    assert fine["datePublished"] == "2025-05-02"  # the article's `updated`
