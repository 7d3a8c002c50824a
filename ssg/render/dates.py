"""Content dates for feeds, sitemaps and structured data (SPEC §6): never the build time, so builds repeat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from ssg.model.types import Article, Date, Site, sort_key
from ssg.render.lists import claim_list_paths, page_count, page_items


def rfc3339(value: Date) -> str:
    """A timestamp for Atom and sitemaps: a date becomes midnight UTC."""
    if isinstance(value, dt.datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    else:
        stamp = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return stamp.isoformat().replace("+00:00", "Z")


def newest(articles: Iterable[Article]) -> Date | None:
    """The latest `updated or date` of some articles; None when there are none."""
    dates = [a.modified for a in articles]
    return max(dates, key=sort_key) if dates else None


def sitemap_entries(site: Site) -> list[tuple[str, Date | None]]:
    """(site path, lastmod) of every HTML page but 404 and /search/ (SPEC §6): articles their `updated or
    date`, lists their newest article's, standalone pages none (they carry no date)."""
    articles = site.articles
    everything = newest(articles)
    entries = article_pages(site, articles, site.urls.home_path)
    entries += [(a.path, a.modified) for a in articles]
    entries.append(("/actors/", everything))
    entries.append((site.urls.NETWORK_PATH, everything))
    of_actor = {a.id: newest(site.article(k) for k in a.article_keys) for a in site.actors.values()}
    entries += [(a.path, of_actor[a.id]) for a in site.actors.values()]
    entries += [  # an actor's lists dated by their newest article, the site-wide lists by the site's
        (path, of_actor[key] if kind in ACTOR_LISTS else everything) for kind, path, key, _ in claim_list_paths(site)
    ]
    entries.append(("/tags/", everything))
    entries.append(("/verdicts/", everything))
    entries.append(("/corrections/", everything))
    for tag in site.tags.values():
        articles_of_tag = [site.article(k) for k in tag.article_keys]
        entries += article_pages(site, articles_of_tag, lambda n, tag_id=tag.id: site.urls.tag_page_path(tag_id, n))
    entries += [(p.path, None) for p in site.pages]
    return entries


ACTOR_LISTS = frozenset({"actor_claims", "actor_about", "actor_articles"})


def article_pages(
    site: Site, articles: Sequence[Article], path_of: Callable[[int], str]
) -> list[tuple[str, Date | None]]:
    """(site path, lastmod) of each page of a list of articles, `articles_per_page` a page, dated by its newest."""
    per_page = site.config.articles_per_page
    pages = page_count(len(articles), per_page)
    return [(path_of(n), newest(page_items(articles, n, per_page))) for n in range(1, pages + 1)]
