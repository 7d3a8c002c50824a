"""The Site -> pages: the list of pages a site has (SPEC §6) and each page rendered from the model alone.

A `PageSpec` names a page by kind and key; `render_recorded` renders it with the Jinja environment and says
what it read (render/recording.py), so a page is rendered again only when that changed. Pages are independent
of each other, so they can render in any order, in any process.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from jinja2 import Environment

from ssg.model.types import Article, Correction, Site, sort_key
from ssg.render.data import data_file_parts
from ssg.render.environment import create_environment
from ssg.render.figures import claims_per_month, ego_network, scorecard, site_network
from ssg.render.lists import (
    Note,
    Pagination,
    actor_claims,
    claim_list_paths,
    claim_page,
    page_count,
    page_items,
    verdict_claims,
)
from ssg.render.pictures import render_bars, render_columns, render_ego_network, render_network
from ssg.render.recording import PageReads, recording, track
from ssg.urls import Urls

__all__ = [
    "PageKind",
    "PageReads",
    "PageSpec",
    "create_environment",
    "plan_pages",
    "render_recorded",
]


class PageKind(StrEnum):
    """What a page is (SPEC §6). A str: templates compare `kind == "article"` and print it in class names."""

    HOME = "home"
    ARTICLE = "article"
    ACTOR = "actor"
    ACTORS = "actors"
    CLAIMS = "claims"
    TAGS = "tags"
    TAG = "tag"
    PAGE = "page"
    NOT_FOUND = "404"
    FEED = "feed"
    ACTOR_FEED = "actor_feed"
    TAG_FEED = "tag_feed"
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    VERDICTS = "verdicts"
    CORRECTIONS = "corrections"
    CORRECTIONS_FEED = "corrections_feed"
    DATA = "data"  # open data, written by Python (render/data.py), not by a template
    VERDICT = "verdict"  # /verdicts/<id>/ and its pages
    ACTOR_CLAIMS = "actor_claims"  # /actors/<id>/claims/ and its pages
    ACTOR_ABOUT = "actor_about"  # /actors/<id>/about/ and its pages
    ACTOR_ARTICLES = "actor_articles"  # /actors/<id>/articles/ and its pages
    NETWORK = "network"  # /actors/network/
    SEARCH = "search"  # /search/: the search box's results (Pagefind's UI), and lists to browse without JavaScript
    VERDICT_TONES = "verdict_tones"  # /verdicts/tones.css: each verdict's colours, from its place on the scale

    @property
    def template(self) -> str | None:
        return TEMPLATES.get(self)

    @property
    def is_feed(self) -> bool:
        return self in (PageKind.FEED, PageKind.ACTOR_FEED, PageKind.TAG_FEED)

    @property
    def whole_site(self) -> bool:
        """Pages that list the whole site: the slowest to render, sent to the workers first."""
        return self in (
            PageKind.ACTORS,
            PageKind.CLAIMS,
            PageKind.TAGS,
            PageKind.SITEMAP,
            PageKind.DATA,
            PageKind.VERDICTS,
            PageKind.CORRECTIONS,
            PageKind.NETWORK,
            PageKind.SEARCH,
        )

    @property
    def streamed(self) -> bool:
        """Long enough (25 MB at 10,000 articles) to be written as they render, never whole in memory. The claims
        pages are not: `claims_per_page` keeps each light (SPEC §6)."""
        return self == PageKind.DATA


TEMPLATES = {
    PageKind.HOME: "index.html",
    PageKind.ARTICLE: "article.html",
    PageKind.ACTOR: "actor.html",
    PageKind.ACTORS: "actors.html",
    PageKind.CLAIMS: "claims.html",
    PageKind.TAGS: "tags.html",
    PageKind.TAG: "tag.html",
    PageKind.PAGE: "page.html",
    PageKind.NOT_FOUND: "404.html",
    PageKind.FEED: "feed.xml",
    PageKind.ACTOR_FEED: "feed.xml",
    PageKind.TAG_FEED: "feed.xml",
    PageKind.SITEMAP: "sitemap.xml",
    PageKind.ROBOTS: "robots.txt",
    PageKind.VERDICTS: "verdicts.html",
    PageKind.CORRECTIONS: "corrections.html",
    PageKind.CORRECTIONS_FEED: "corrections.xml",
    PageKind.VERDICT: "verdict.html",
    PageKind.ACTOR_CLAIMS: "actor_claims.html",
    PageKind.ACTOR_ABOUT: "actor_claims.html",
    PageKind.ACTOR_ARTICLES: "actor_articles.html",
    PageKind.NETWORK: "network.html",
    PageKind.SEARCH: "search.html",
    PageKind.VERDICT_TONES: "verdict_tones.css",
}


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One output file: what kind of page it is, of which item (article key, actor id, tag, page number)."""

    kind: PageKind
    site_path: str
    key: str = ""
    number: int = 0

    @property
    def template(self) -> str | None:
        return self.kind.template

    @property
    def rel_path(self) -> str:
        """Where the page's file is in the output."""
        return Urls.rel_path(self.site_path)


def plan_pages(site: Site) -> list[PageSpec]:
    """Every page of the site (SPEC §6), in a stable order."""
    urls = site.urls
    per_page = site.config.articles_per_page
    home_pages = page_count(len(site.articles), per_page)
    specs = [PageSpec(PageKind.HOME, urls.home_path(n), number=n) for n in range(1, home_pages + 1)]
    specs += [PageSpec(PageKind.ARTICLE, a.path, key=a.key) for a in site.articles]
    specs += [PageSpec(PageKind.ACTORS, "/actors/"), PageSpec(PageKind.NETWORK, urls.NETWORK_PATH)]
    for actor in site.actors.values():
        specs.append(PageSpec(PageKind.ACTOR, actor.path, key=actor.id))
        specs.append(PageSpec(PageKind.ACTOR_FEED, actor.path + "feed.xml", key=actor.id))
    specs += [PageSpec(PageKind(kind), path, key=key, number=n) for kind, path, key, n in claim_list_paths(site)]
    specs += [PageSpec(PageKind.TAGS, "/tags/")]
    specs += [
        PageSpec(PageKind.VERDICTS, "/verdicts/"),
        PageSpec(PageKind.VERDICT_TONES, VERDICT_TONES_PATH),
        PageSpec(PageKind.CORRECTIONS, "/corrections/"),
        PageSpec(PageKind.CORRECTIONS_FEED, "/corrections/feed.xml"),
        PageSpec(PageKind.SEARCH, urls.SEARCH_PATH),
    ]
    for tag in site.tags.values():
        pages = page_count(len(tag.article_keys), site.config.articles_per_page)
        specs += [
            PageSpec(PageKind.TAG, urls.tag_page_path(tag.id, n), key=tag.id, number=n) for n in range(1, pages + 1)
        ]
        specs.append(PageSpec(PageKind.TAG_FEED, tag.path + "feed.xml", key=tag.id))
    specs += [PageSpec(PageKind.PAGE, p.path, key=p.key) for p in site.pages]
    listed = sum(1 for spec in specs if spec.kind not in UNLISTED and spec.rel_path.endswith(".html"))
    specs += [
        PageSpec(PageKind.NOT_FOUND, "/404.html"),
        PageSpec(PageKind.FEED, "/feed.xml"),
        PageSpec(PageKind.SITEMAP, "/sitemap.xml"),
        *(PageSpec(PageKind.SITEMAP, sitemap_path(n), number=n) for n in range(1, sitemap_parts(listed) + 1)),
        PageSpec(PageKind.ROBOTS, "/robots.txt"),
    ]
    specs += [PageSpec(PageKind.DATA, f"/data/{name}", key=name) for name in DATA_FILES]
    return specs


UNLISTED = (PageKind.NOT_FOUND, PageKind.SEARCH)  # HTML pages a sitemap leaves out (render/dates.py)
SITEMAP_URLS = 50_000  # the most one sitemap file may list (sitemaps.org); beyond, /sitemap.xml is an index


def sitemap_parts(listed: int) -> int:
    """How many files the sitemap's URLs take beyond /sitemap.xml itself: none when they fit in it."""
    return 0 if listed <= SITEMAP_URLS else -(-listed // SITEMAP_URLS)


def sitemap_path(number: int) -> str:
    return f"/sitemap-{number}.xml"


VERDICT_TONES_PATH = "/verdicts/tones.css"  # one file every page links (inline, 8 MB at 10,000 articles)

DATA_FILES = (
    "claims.json",
    "claims.csv",
    "actors.json",
    "actors.csv",
    "claims.schema.json",
    "actors.schema.json",
)


def page_context(site: Site, spec: PageSpec, note: Note) -> dict[str, Any]:
    """The variables of one page's template: the site, this page, and the item it is about. What it takes from
    the model besides looking records up by key is noted, as the template's own reads are."""
    kind = spec.kind
    context: dict[str, Any] = {"page_path": spec.site_path, "kind": kind}
    if kind == PageKind.HOME:
        note(site, "articles")
        per_page = site.config.articles_per_page
        count = page_count(len(site.articles), per_page)
        context["articles"] = page_items(site.articles, spec.number, per_page)
        context["pagination"] = Pagination.of(site.urls.home_path, spec.number, count)
    elif kind == PageKind.ARTICLE:
        context["article"] = site.article(spec.key)
    elif kind in (PageKind.ACTOR, PageKind.ACTOR_FEED):
        context["actor"] = site.actors[spec.key]
        if kind == PageKind.ACTOR:
            context.update(actor_pictures(site, context["actor"], note))
    elif kind == PageKind.NETWORK:
        nodes, edges = site_network(site, note)
        name = f"The {len(nodes)} most connected actors and the strongest links between them"
        context.update(nodes=nodes, edges=edges, network_picture=render_network(nodes, edges, name))
    elif kind in (PageKind.TAG, PageKind.TAG_FEED):
        tag = context["tag"] = site.tags[spec.key]
        if kind == PageKind.TAG:  # a page of the tag's articles, like the home page
            note(tag, "article_keys")
            per_page = site.config.articles_per_page
            count = page_count(len(tag.article_keys), per_page)
            context["articles"] = tuple(map(site.article, page_items(tag.article_keys, spec.number, per_page)))
            context["pagination"] = Pagination.of(lambda n: site.urls.tag_page_path(tag.id, n), spec.number, count)
    elif kind == PageKind.PAGE:
        context["page"] = next(p for p in site.pages if p.key == spec.key)
    elif kind == PageKind.VERDICTS:
        note(site, "claims")
        for claim in site.claims:
            note(claim, "verdict_id")
        context["verdict_counts"] = Counter(c.verdict_id or "" for c in site.claims)
    elif kind in (PageKind.CORRECTIONS, PageKind.CORRECTIONS_FEED):
        context["corrections"] = published_corrections(site, note)
    elif kind in LIST_KINDS:
        context.update(list_context(site, spec, note))
    elif kind == PageKind.SITEMAP:  # /sitemap.xml (number 0): every URL, or the index of the parts
        context.update(sitemap_part=spec.number, sitemap_size=SITEMAP_URLS)
        context.update(sitemap_parts=sitemap_parts, sitemap_path=sitemap_path)
    if kind.is_feed:
        context["feed"] = feed_articles(site, spec, note)
    return context


@dataclass(frozen=True, slots=True)
class PublishedCorrection:
    """A correction with its article, for /corrections/ and its feed (SPEC §6); `number` counts the article's
    corrections oldest first, so its anchor `#correction-<number>` stays when newer ones are added."""

    correction: Correction
    article: Article
    number: int


def published_corrections(site: Site, note: Note) -> tuple[PublishedCorrection, ...]:
    """Every correction of the site, newest first (then by article, newest first)."""
    note(site, "articles")
    for article in site.articles:
        note(article, "corrections")
    found = [
        PublishedCorrection(c, a, len(a.corrections) - index)
        for a in site.articles
        for index, c in enumerate(a.corrections)
    ]
    found.sort(key=lambda p: sort_key(p.correction.date), reverse=True)  # stable: articles stay newest first
    return tuple(found)


def feed_articles(site: Site, spec: PageSpec, note: Note) -> tuple:
    """The articles of a feed, newest first, at most `feed_size` (SPEC §6 feeds)."""
    if spec.kind == PageKind.ACTOR_FEED:
        actor = site.actors[spec.key]
        note(actor, "article_keys")
        keys = actor.article_keys
    elif spec.kind == PageKind.TAG_FEED:
        tag = site.tags[spec.key]
        note(tag, "article_keys")
        keys = tag.article_keys
    else:
        note(site, "articles")
        keys = tuple(a.key for a in site.articles)
    return tuple(site.article(k) for k in keys[: site.config.feed_size])


def actor_pictures(site: Site, actor: Any, note: Note) -> dict[str, Any]:
    """An actor page's pictures and their data: claims per month, claims per verdict, who they appear with."""
    note(actor, "name")
    note(actor, "claims_by")
    timeline = claims_per_month(actor.claims_by, None, note)
    rows = scorecard(site, actor, note)
    centre, neighbours = ego_network(site, actor, note)
    return {
        "timeline": timeline,
        "timeline_picture": render_columns(timeline, f"Claims by {actor.name} per month{span(timeline)}"),
        "scorecard": rows,
        "scorecard_picture": render_bars(rows, f"Claims by {actor.name} per verdict"),
        "neighbours": neighbours,
        "network_picture": render_ego_network(centre, neighbours, f"{actor.name} and the actors they appear with most"),
    }


def span(columns: Any) -> str:
    return f", {columns[0].label} to {columns[-1].label}" if len(columns) > 1 else ""


LIST_KINDS = (PageKind.CLAIMS, PageKind.VERDICT, PageKind.ACTOR_CLAIMS, PageKind.ACTOR_ABOUT, PageKind.ACTOR_ARTICLES)


def list_context(site: Site, spec: PageSpec, note: Note) -> dict[str, Any]:
    """A claim list's page (SPEC §6): `claims` (this page's), `pagination`, `total`; the verdict or the actor."""
    urls = site.urls
    per_page = site.config.claims_per_page
    kind = spec.kind
    context: dict[str, Any] = {}
    if kind == PageKind.CLAIMS:
        note(site, "claims")
        listed = claim_page(site.claims, per_page, spec.number, urls.claims_path)
        if spec.number == 1:  # SPEC §6 issue 15: claims per month by verdict, on the first page
            timeline = claims_per_month(site.claims, [v.id for v in site.config.verdicts], note)
            context["timeline"] = timeline
            context["timeline_picture"] = render_columns(timeline, f"Claims per month by verdict{span(timeline)}")
    elif kind == PageKind.VERDICT:
        context["verdict"] = site.verdict(spec.key)
        claims = verdict_claims(site, spec.key, note)
        listed = claim_page(claims, per_page, spec.number, lambda n: urls.verdict_path(spec.key, n))
    elif kind == PageKind.ACTOR_ARTICLES:
        actor = context["actor"] = site.actors[spec.key]
        note(actor, "article_keys")
        keys = actor.article_keys
        pagination = Pagination.of(
            lambda n: urls.actor_articles_path(spec.key, n), spec.number, page_count(len(keys), per_page)
        )
        articles = tuple(map(site.article, page_items(keys, spec.number, per_page)))
        context.update(articles=articles, pagination=pagination, total=len(keys))
        return context
    else:
        about = kind == PageKind.ACTOR_ABOUT
        context["actor"] = site.actors[spec.key]
        context["about"] = about
        path_of = urls.actor_about_path if about else urls.actor_claims_path
        claims = actor_claims(site, spec.key, about, note)
        listed = claim_page(claims, per_page, spec.number, lambda n: path_of(spec.key, n))
    context.update(claims=listed.claims, pagination=listed.pagination, total=listed.total)
    return context


def render_page_parts(env: Environment, site: Site, spec: PageSpec, note: Note) -> Iterator[str]:
    """One page in parts, as the template yields it (streamed kinds are never whole in memory)."""
    if spec.kind == PageKind.DATA:
        recorder = getattr(env, "recorder", None)
        return data_file_parts(track(site, recorder) if recorder is not None else site, spec.key)
    return env.get_template(spec.template or "").generate(page_context(site, spec, note))


def render_recorded(
    env: Environment, site: Site, spec: PageSpec, write: Callable[[Iterator[str]], Any]
) -> tuple[Any, PageReads]:
    """Render one page through `write` (which takes its parts), recording what it read."""
    with recording(env) as recorder:
        result = write(render_page_parts(env, site, spec, recorder.note))
    return result, recorder.reads()
