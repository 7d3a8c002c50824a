"""OpenGraph (read with extruct) and Twitter card meta on every HTML page (SPEC §6)."""

from __future__ import annotations

import extruct

from ssg.render.dates import rfc3339
from ssg.render.social import og_locale

from .conftest import Built

OG_TYPES = {"article": "article", "actor": "profile"}


def opengraph(built: Built, site_path: str) -> dict[str, list[str]]:
    html = built.file(site_path).read_text(encoding="utf-8")
    data = extruct.extract(html, base_url=built.absolute(site_path), syntaxes=["opengraph"], uniform=False)
    (block,) = data["opengraph"]
    found: dict[str, list[str]] = {}
    for key, value in block["properties"]:
        found.setdefault(key, []).append(value)
    return found


def twitter(built: Built, site_path: str) -> dict[str, str]:
    metas = built.tree(site_path).xpath('//head/meta[starts-with(@name, "twitter:")]')
    return {m.get("name"): m.get("content") for m in metas}


def test_every_page_has_opengraph_and_twitter_meta(any_site: Built) -> None:
    config = any_site.site.config
    for spec in any_site.html_specs():
        og = opengraph(any_site, spec.site_path)
        for key in ("og:title", "og:type", "og:url", "og:description", "og:site_name", "og:locale"):
            assert len(og.get(key, [])) == 1 and og[key][0].strip(), f"{spec.site_path}: {key}"
        assert og["og:type"] == [OG_TYPES.get(spec.kind, "website")]
        assert og["og:url"] == [any_site.absolute(spec.site_path)]
        assert og["og:site_name"] == [config.title]
        assert og["og:locale"] == [og_locale(config.language)]
        # X reads og:title and og:description where its own tags are missing: only the card type is its own
        assert twitter(any_site, spec.site_path) == {"twitter:card": "summary"}


def test_article_meta_has_title_dates_and_tags(any_site: Built) -> None:
    for article in any_site.site.articles:
        og = opengraph(any_site, article.path)
        assert og["og:title"] == [article.title]
        assert og["article:published_time"] == [rfc3339(article.date)]
        assert og.get("article:modified_time") == ([rfc3339(article.updated)] if article.updated else None)
        assert og.get("article:tag", []) == list(article.tags)
        if article.summary:
            assert og["og:description"] == [article.summary]


def test_actor_meta_names_the_actor(example: Built) -> None:
    og = opengraph(example, "/actors/putin/")
    assert og["og:title"] == ["Vladimir Putin"]
    assert og["og:type"] == ["profile"]
    assert og["og:description"][0].startswith("Vladimir Putin, President of Russia")


def test_list_meta_names_the_actor_or_verdict_listed(any_site: Built) -> None:
    """A shared link to an actor's or a verdict's list previews as that list, not as "Claims about an actor"."""
    site = any_site.site
    lists = {"actor_claims": "Claims by {}", "actor_about": "Claims about {}", "actor_articles": "Articles with {}"}
    seen = 0
    for spec in any_site.specs(*lists, "verdict"):
        og = opengraph(any_site, spec.site_path)
        if spec.kind == "verdict":
            verdict = site.verdict(spec.key)
            assert verdict is not None
            assert og["og:title"] == [f"Claims rated {verdict.label}"]
            assert str(len(site.claims_by_verdict.get(verdict.id, ()))) in og["og:description"][0]
        else:
            assert og["og:title"] == [lists[spec.kind].format(site.actors[spec.key].name)], spec.site_path
        seen += 1
    assert seen


def test_og_locale_has_a_territory() -> None:
    assert og_locale("en") == "en_US"
    assert og_locale("pt-BR") == "pt_BR"
    assert og_locale("uk") == "uk_UA"
    assert og_locale("de") == "de_DE"
