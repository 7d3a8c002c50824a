"""Content dates for feeds, sitemaps and structured data (SPEC §6): never the build time, so builds repeat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ssg.model.types import Article, Date, Site, sort_key
from ssg.render.lists import claim_list_paths


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
    """(site path, lastmod) of every HTML page but 404 (SPEC §6): articles their `updated or date`, lists their
    newest article's, standalone pages none (they carry no date)."""
    per_page = site.config.articles_per_page
    articles = site.articles
    everything = newest(articles)
    home_pages = max(1, -(-len(articles) // per_page))
    entries: list[tuple[str, Date | None]] = [
        (site.urls.home_path(n), newest(articles[(n - 1) * per_page : n * per_page])) for n in range(1, home_pages + 1)
    ]
    entries += [(a.path, a.modified) for a in articles]
    entries.append(("/actors/", everything))
    entries.append((site.urls.NETWORK_PATH, everything))
    entries += [(a.path, newest(site.article(k) for k in a.article_keys)) for a in site.actors.values()]
    entries += [
        (path, claim_list_lastmod(site, kind, key, everything)) for kind, path, key, _ in claim_list_paths(site)
    ]
    entries.append(("/tags/", everything))
    entries.append(("/verdicts/", everything))
    entries.append(("/corrections/", everything))
    for tag in site.tags.values():  # each page of a tag's articles, dated by its newest article
        keys, per_page = tag.article_keys, site.config.articles_per_page
        entries += [
            (
                site.urls.tag_page_path(tag.id, n),
                newest(site.article(k) for k in keys[(n - 1) * per_page : n * per_page]),
            )
            for n in range(1, max(1, -(-len(keys) // per_page)) + 1)
        ]
    entries += [(p.path, None) for p in site.pages]
    return entries


def claim_list_lastmod(site: Site, kind: str, key: str, everything: Date | None) -> Date | None:
    """A claim list's lastmod: its actor's newest article for an actor's lists, else the site's newest."""
    if kind in ("actor_claims", "actor_about", "actor_articles"):
        return newest(site.article(k) for k in site.actors[key].article_keys)
    return everything
