"""The Site -> pages: the list of pages a site has (SPEC §6) and each page rendered from the model alone.

A `PageSpec` names a page by kind and key; `render_page` turns it into bytes with the Jinja environment.
Pages are independent of each other, so they can render in any order, in any process.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment

from ssg.model.types import Article, Correction, Site, sort_key
from ssg.render.data import data_file_parts, render_data_file
from ssg.render.environment import create_environment

__all__ = [
    "STREAMED_KINDS",
    "PageSpec",
    "body_pages",
    "create_environment",
    "plan_pages",
    "render_page",
    "render_page_parts",
]

TEMPLATES = {
    "home": "index.html",
    "article": "article.html",
    "actor": "actor.html",
    "actors": "actors.html",
    "claims": "claims.html",
    "tags": "tags.html",
    "tag": "tag.html",
    "page": "page.html",
    "404": "404.html",
    "feed": "feed.xml",
    "actor_feed": "feed.xml",
    "tag_feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "verdicts": "verdicts.html",
    "corrections": "corrections.html",
    "corrections_feed": "corrections.xml",
}


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One output file: what kind of page it is, of which item (article key, actor id, tag, page number)."""

    kind: str
    site_path: str
    key: str = ""
    number: int = 0

    @property
    def template(self) -> str | None:
        return TEMPLATES.get(self.kind)


def plan_pages(site: Site) -> list[PageSpec]:
    """Every page of the site (SPEC §6), in a stable order."""
    urls = site.urls
    per_page = site.config.articles_per_page
    home_pages = max(1, -(-len(site.articles) // per_page))
    specs = [PageSpec("home", urls.home_path(n), number=n) for n in range(1, home_pages + 1)]
    specs += [PageSpec("article", a.path, key=a.key) for a in site.articles]
    specs += [PageSpec("actors", "/actors/")]
    for actor in site.actors.values():
        specs.append(PageSpec("actor", actor.path, key=actor.id))
        specs.append(PageSpec("actor_feed", actor.path + "feed.xml", key=actor.id))
    specs += [PageSpec("claims", "/claims/"), PageSpec("tags", "/tags/")]
    specs += [
        PageSpec("verdicts", "/verdicts/"),
        PageSpec("corrections", "/corrections/"),
        PageSpec("corrections_feed", "/corrections/feed.xml"),
    ]
    for tag in site.tags.values():
        specs.append(PageSpec("tag", tag.path, key=tag.id))
        specs.append(PageSpec("tag_feed", tag.path + "feed.xml", key=tag.id))
    specs += [PageSpec("page", p.path, key=p.key) for p in site.pages]
    specs += [
        PageSpec("404", "/404.html"),
        PageSpec("feed", "/feed.xml"),
        PageSpec("sitemap", "/sitemap.xml"),
        PageSpec("robots", "/robots.txt"),
    ]
    specs += [PageSpec("data", f"/data/{name}", key=name) for name in DATA_FILES]
    return specs


DATA_FILES = (
    "claims.json",
    "claims.csv",
    "actors.json",
    "actors.csv",
    "claims.schema.json",
    "actors.schema.json",
)


def page_context(site: Site, spec: PageSpec) -> dict[str, Any]:
    """The variables of one page's template: the site, this page, and the item it is about."""
    context: dict[str, Any] = {"page_path": spec.site_path, "kind": spec.kind}
    if spec.kind == "home":
        per_page = site.config.articles_per_page
        count = max(1, -(-len(site.articles) // per_page))
        start = (spec.number - 1) * per_page
        context["articles"] = site.articles[start : start + per_page]
        context["pagination"] = Pagination(spec.number, count, site)
    elif spec.kind == "article":
        context["article"] = site.article(spec.key)
    elif spec.kind in ("actor", "actor_feed"):
        context["actor"] = site.actors[spec.key]
    elif spec.kind in ("tag", "tag_feed"):
        context["tag"] = site.tags[spec.key]
    elif spec.kind == "page":
        context["page"] = next(p for p in site.pages if p.key == spec.key)
    elif spec.kind == "verdicts":
        context["verdict_counts"] = Counter(c.verdict_id or "" for c in site.claims)
    elif spec.kind in ("corrections", "corrections_feed"):
        context["corrections"] = published_corrections(site)
    if spec.kind in ("feed", "actor_feed", "tag_feed"):
        context["feed"] = feed_articles(site, spec)
    return context


@dataclass(frozen=True, slots=True)
class PublishedCorrection:
    """A correction with its article, for /corrections/ and its feed (SPEC §6); `number` counts the article's
    corrections oldest first, so its anchor `#correction-<number>` stays when newer ones are added."""

    correction: Correction
    article: Article
    number: int


def published_corrections(site: Site) -> tuple[PublishedCorrection, ...]:
    """Every correction of the site, newest first (then by article, newest first)."""
    found = [
        PublishedCorrection(c, a, len(a.corrections) - index)
        for a in site.articles
        for index, c in enumerate(a.corrections)
    ]
    found.sort(key=lambda p: sort_key(p.correction.date), reverse=True)  # stable: articles stay newest first
    return tuple(found)


def body_pages(site: Site, article: Article) -> list[PageSpec]:
    """The pages that show an article's body, as plan_pages names them: its own page and the feeds that carry
    it (render/inputs.py: no other page's digest reads the body)."""
    specs = [PageSpec("feed", "/feed.xml")]
    specs += [
        PageSpec("actor_feed", site.actors[i].path + "feed.xml", key=i) for i in article.actor_ids if i in site.actors
    ]
    specs += [PageSpec("tag_feed", site.tags[t].path + "feed.xml", key=t) for t in article.tags if t in site.tags]
    carried = [s for s in specs if any(a.key == article.key for a in feed_articles(site, s))]
    return [PageSpec("article", article.path, key=article.key), *carried]


def feed_articles(site: Site, spec: PageSpec) -> tuple:
    """The articles of a feed, newest first, at most `feed_size` (SPEC §6 feeds)."""
    if spec.kind == "actor_feed":
        keys = site.actors[spec.key].article_keys
    elif spec.kind == "tag_feed":
        keys = site.tags[spec.key].article_keys
    else:
        keys = tuple(a.key for a in site.articles)
    return tuple(site.article(k) for k in keys[: site.config.feed_size])


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    count: int
    site: Site

    @property
    def previous_path(self) -> str | None:
        return self.site.urls.home_path(self.number - 1) if self.number > 1 else None

    @property
    def next_path(self) -> str | None:
        return self.site.urls.home_path(self.number + 1) if self.number < self.count else None


STREAMED_KINDS = ("claims", "data")  # long enough (37 and 25 MB at 10,000 articles) to be written as they render


def render_page_parts(env: Environment, site: Site, spec: PageSpec) -> Iterator[str]:
    """One page in parts, as the template yields it: for pages too long to hold whole (STREAMED_KINDS)."""
    if spec.kind == "data":
        return data_file_parts(site, spec.key)
    return env.get_template(spec.template or "").generate(page_context(site, spec))


def render_page(env: Environment, site: Site, spec: PageSpec) -> bytes:
    """One page's bytes, from the model alone."""
    if spec.kind == "data":
        return render_data_file(site, spec.key)
    template = env.get_template(spec.template or "")
    return template.render(page_context(site, spec)).encode("utf-8")
