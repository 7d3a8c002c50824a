"""OpenGraph and Twitter card meta of every HTML page (SPEC §6), and the title and description they share with
JSON-LD. Pure functions of the Site, the page kind and its item; the template only prints them."""

from __future__ import annotations

from typing import Any

from ssg.config import Verdict
from ssg.model.types import Actor, Article, Page, Site, Tag
from ssg.render.dates import rfc3339

# OpenGraph wants language_TERRITORY; for a bare language code, its most usual territory (else xx_XX).
OG_TERRITORIES = {
    "en": "US", "ar": "AR", "be": "BY", "cs": "CZ", "da": "DK", "el": "GR", "et": "EE", "fa": "IR", "he": "IL",
    "hi": "IN", "hy": "AM", "ja": "JP", "ka": "GE", "kk": "KZ", "ko": "KR", "nb": "NO", "nn": "NO", "sl": "SI",
    "sq": "AL", "sr": "RS", "sv": "SE", "uk": "UA", "vi": "VN", "zh": "CN",
}  # fmt: skip

STATIC_TITLES = {
    "actors": "Actors",
    "claims": "Claims",
    "tags": "Tags",
    "404": "Page not found",
    "verdicts": "The rating scale",
    "corrections": "Corrections",
    "network": "Who appears with whom",
    "search": "Search",
}
ACTOR_LIST_TITLES = {
    "actor_claims": "Claims by {}",
    "actor_about": "Claims about {}",
    "actor_articles": "Articles with {}",
}


def og_locale(language: str) -> str:
    """`en` -> `en_US`, `pt-BR` -> `pt_BR`, `de` -> `de_DE`."""
    lang, _, territory = language.replace("_", "-").partition("-")
    lang = lang.lower()
    return f"{lang}_{(territory or OG_TERRITORIES.get(lang, lang)).upper()}"


def page_title(site: Site, kind: str, item: Any) -> str:
    """The page's own title, without the site's name (og:site_name carries that)."""
    if isinstance(item, Article | Page):
        return item.title
    if isinstance(item, Actor):
        return ACTOR_LIST_TITLES.get(kind, "{}").format(item.name)
    if isinstance(item, Tag):
        return f"Tag: {item.id}"
    if isinstance(item, Verdict):
        return f"Claims rated {item.label}"
    return STATIC_TITLES.get(kind, site.config.title)


def page_description(site: Site, kind: str, item: Any) -> str:
    """One plain sentence or two about the page; never empty."""
    config = site.config
    if isinstance(item, Article | Page) and item.summary:
        return item.summary
    if isinstance(item, Actor) and kind in ACTOR_LIST_TITLES:
        listed = {"actor_claims": "claims_by", "actor_about": "claims_about", "actor_articles": "article_keys"}[kind]
        return f"{ACTOR_LIST_TITLES[kind].format(item.name)}: {len(getattr(item, listed))}, newest first."
    if isinstance(item, Verdict):
        return f"The claims {config.title} rated {item.label}: {len(site.claims_by_verdict.get(item.id, ()))}."
    if isinstance(item, Actor):
        role = f", {item.role}" if item.role else ""
        return (
            f"{item.name}{role}: {count(len(item.claims_by), 'claim')} by, {len(item.claims_about)} about,"
            f" in {count(len(item.article_keys), 'article')}."
        )
    if isinstance(item, Tag):
        return f"{count(len(item.article_keys), 'article')} tagged “{item.id}”."
    if kind == "actors":
        return f"Every actor of {config.title}, A–Z: {count(len(site.actors), 'actor')}."
    if kind == "claims":
        return f"Every claim of {config.title}, newest first: {count(len(site.claims), 'claim')}."
    if kind == "tags":
        return f"The tags of {config.title}: {count(len(site.tags), 'tag')}."
    if kind == "verdicts":
        return f"The verdicts {config.title} gives claims, best first, with what each means and how often it is given."
    if kind == "corrections":
        return f"Every correction {config.title} has published, newest first."
    return config.description or config.title


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def og_type(kind: str) -> str:
    return {"article": "article", "actor": "profile"}.get(kind, "website")


def social_meta(site: Site, kind: str, item: Any, page_path: str) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of each meta tag: `property` for OpenGraph, `name` for Twitter."""
    config = site.config
    title = page_title(site, kind, item)
    description = page_description(site, kind, item)
    og = [
        ("og:title", title),
        ("og:type", og_type(kind)),
        ("og:url", site.urls.absolute(page_path)),
        ("og:description", description),
        ("og:site_name", config.title),
        ("og:locale", og_locale(config.language)),
    ]
    if isinstance(item, Article):
        og.append(("article:published_time", rfc3339(item.date)))
        if item.updated:
            og.append(("article:modified_time", rfc3339(item.updated)))
        og += [("article:tag", tag) for tag in item.tags]
    # X (Twitter) falls back to og:title and og:description: repeating them cost 250 bytes a page
    return [("property", k, v) for k, v in og] + [("name", "twitter:card", "summary")]
