"""JSON-LD of every HTML page (SPEC §6): schema.org dicts built from the model, printed by partials/meta.html.

Articles get `NewsArticle` and one `ClaimReview` per claim with a scored verdict (SPEC §2: the rating is the
verdict's rank on the scale); actors `Person` or `Organization`; indexes `CollectionPage` with an `ItemList`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urljoin

from ssg.model.types import Actor, Article, Claim, Page, Site, Tag
from ssg.render.lists import first_position, page_items
from ssg.render.social import page_description, page_title

JsonDict = dict[str, Any]
WIKIDATA = "https://www.wikidata.org/wiki/"
CLAIM_LIST_KINDS = ("claims", "verdict", "actor_claims", "actor_about")  # their item: the page's claims
INDEX_KINDS = ("home", "actors", "tags", "tag", "actor_articles", *CLAIM_LIST_KINDS)
# Indexes whose pages carry an ItemList of what they list: the short ones. The claim lists list places in
# articles, not pages; /actors/ (every actor on one page: 75 KB of URLs at 1,000 actors, against the 512 KB a
# page may weigh) and an actor's articles (50 a page) would add bytes no search engine shows.
ITEM_LIST_KINDS = ("home", "tags", "tag")


def build_jsonld(site: Site, kind: str, item: Any, page_path: str) -> JsonDict:
    """The page's structured data: one `@graph` of schema.org items."""
    if isinstance(item, Article):
        graph = [news_article(site, item), *claim_reviews(site, item)]
    elif kind == "actor":
        graph = [actor_item(site, item, full=True)]
    elif kind in INDEX_KINDS:
        graph = [collection_page(site, kind, item, page_path)]
        if page_path == "/":
            graph.insert(0, website(site))
    else:
        graph = [web_page(site, kind, item, page_path)]
    return {"@context": "https://schema.org", "@graph": graph}


def publisher(site: Site) -> JsonDict:
    """The organisation behind the site: author of its articles and reviewer of its claims."""
    config = site.config
    return {"@type": "Organization", "name": config.publisher or config.title, "url": site.urls.absolute("/")}


def website(site: Site) -> JsonDict:
    config = site.config
    return {
        "@type": "WebSite",
        "name": config.title,
        "url": site.urls.absolute("/"),
        "description": config.description or config.title,
        "inLanguage": config.language,
        "publisher": publisher(site),
    }


def actor_item(site: Site, actor: Actor, full: bool = False) -> JsonDict:
    """A `Person` or `Organization`; `full` adds what the actor's own page shows (role, aliases)."""
    data: JsonDict = {
        "@type": "Organization" if actor.type == "organization" else "Person",
        "name": actor.name,
        "url": site.urls.absolute(actor.path),
    }
    same_as = ([WIKIDATA + actor.wikidata] if actor.wikidata else []) + ([actor.url] if actor.url else [])
    if same_as:
        data["sameAs"] = same_as
    if full:
        if actor.role:
            data["jobTitle" if data["@type"] == "Person" else "description"] = actor.role
        if actor.aliases:
            data["alternateName"] = list(actor.aliases)
        data["mainEntityOfPage"] = {"@type": "ProfilePage", "@id": data["url"]}
    return data


def news_article(site: Site, article: Article) -> JsonDict:
    urls = site.urls
    url = urls.absolute(article.path)
    data: JsonDict = {
        "@type": "NewsArticle",
        "headline": article.title,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.date.isoformat(),
        "dateModified": article.modified.isoformat(),
        "inLanguage": site.config.language,
        "author": [{"@type": "Person", "name": name} for name in article.authors] or publisher(site),
        "publisher": publisher(site),
    }
    if article.summary:
        data["description"] = article.summary
    if article.tags:
        data["keywords"] = list(article.tags)
        data["about"] = [{"@type": "Thing", "name": t, "url": urls.absolute(urls.tag_path(t))} for t in article.tags]
    if article.actor_ids:
        data["mentions"] = [actor_item(site, site.actors[a]) for a in article.actor_ids if a in site.actors]
    if article.source and article.source.url:
        data["isBasedOn"] = article.source.url
    return data


def claim_reviews(site: Site, article: Article) -> list[JsonDict]:
    """One `ClaimReview` per claim with a scored verdict, in the article's order (SPEC §6)."""
    return [claim_review(site, article, c) for c in article.claims if rating(site, c) is not None]


def rating(site: Site, claim: Claim) -> int | None:
    return site.config.rating(claim.verdict_id) if claim.verdict_id else None


def claim_review(site: Site, article: Article, claim: Claim) -> JsonDict:
    """Every property Google's fact-check rich results ask for, and the recommended ones."""
    verdict = site.verdict(claim.verdict_id)
    anchor = site.urls.absolute(claim.path)
    speaker = site.actors.get(claim.speaker_id)
    claim_item: JsonDict = {
        "@type": "Claim",
        "datePublished": claim.date.isoformat(),
        "appearance": appearance(site, article, claim),
    }
    if speaker:
        claim_item["author"] = actor_item(site, speaker)
    return {
        "@type": "ClaimReview",
        "url": anchor,
        "claimReviewed": claim.words,
        "datePublished": (claim.reviewed or article.updated or article.date).isoformat(),
        "author": publisher(site),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating(site, claim),
            "bestRating": len(site.config.scale),
            "worstRating": 1,
            "alternateName": verdict.label if verdict else claim.verdict_id,
        },
        "itemReviewed": claim_item,
    }


def appearance(site: Site, article: Article, claim: Claim) -> JsonDict:
    """Where the claim was made (SPEC §3 `appearance`, `said_in`); without one, its place in the article."""
    if claim.appearance:
        url = claim.appearance
        if url.startswith("/"):
            url = site.urls.absolute(url)
        elif not url.lower().startswith(("http://", "https://", "mailto:")):
            url = urljoin(site.urls.absolute(article.path), url)  # relative to the article's page
        work: JsonDict = {"@type": "CreativeWork", "url": url}
        if claim.said_in:
            work["name"] = claim.said_in
        return work
    work = {"@type": "CreativeWork", "url": site.urls.absolute(claim.path), "headline": article.title}
    if claim.said_in:
        work["name"] = claim.said_in
    return work


def list_entries(site: Site, kind: str, item: Any, page_path: str) -> list[str]:
    """The site path of each entry an index lists (an `ItemList` of URLs: Google's summary-page form; the
    names are on the page itself)."""
    if kind == "tags":
        return [t.path for t in site.tags.values()]
    if isinstance(item, Tag):  # this page's articles alone, like the home page's
        keys = page_items(item.article_keys, site.urls.page_number(page_path), site.config.articles_per_page)
        articles: Sequence[Article] = [site.article(k) for k in keys]
    else:
        articles = list(item or ())
    return [a.path for a in articles]


def collection_page(site: Site, kind: str, item: Any, page_path: str) -> JsonDict:
    """An index page: a `CollectionPage`, whose main entity is the `ItemList` of the pages it lists on the short
    indexes (ITEM_LIST_KINDS)."""
    urls = site.urls
    page: JsonDict = {
        "@type": "CollectionPage",
        "name": page_title(site, kind, item),
        "url": urls.absolute(page_path),
        "description": page_description(site, kind, item),
        "inLanguage": site.config.language,
    }
    if kind not in ITEM_LIST_KINDS:
        return page
    start = 1
    if kind == "home":  # the position of the page's first article among all (not a search: a page reads what it shows)
        start = first_position(site.urls.home_number(page_path), site.config.articles_per_page)
    elif kind == "tag":
        start = first_position(site.urls.page_number(page_path), site.config.articles_per_page)
    entries = list_entries(site, kind, item, page_path)
    return page | {
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": len(entries),
            "itemListElement": [
                {"@type": "ListItem", "position": start + i, "url": urls.absolute(path)}
                for i, path in enumerate(entries)
            ],
        },
    }


def web_page(site: Site, kind: str, item: Any, page_path: str) -> JsonDict:
    """A standalone page (or the 404 page): a plain `WebPage`; the search page a `SearchResultsPage`."""
    data: JsonDict = {
        "@type": "SearchResultsPage" if kind == "search" else "WebPage",
        "name": page_title(site, kind, item),
        "url": site.urls.absolute(page_path),
        "description": page_description(site, kind, item),
        "inLanguage": site.config.language,
    }
    if isinstance(item, Page):
        data["publisher"] = publisher(site)
    return data
