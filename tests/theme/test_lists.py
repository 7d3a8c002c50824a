"""Lists stay light (SPEC §6): every claim is reachable from /claims/, from its verdict's list and from its
speaker's lists by following pagination links, and no HTML page of a 400-article corpus is over 512 KB."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from tests.conftest import make_corpus, run_ssg

from .sites import BuiltSite, build_into

BASE = "https://lists.example.org/monitor/"


@pytest.fixture(scope="module")
def corpus_400(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    site_dir = make_corpus(tmp_path_factory.mktemp("lists-src") / "site", 400)
    return build_into(site_dir, tmp_path_factory.mktemp("lists-out"), BASE)


def site_path(built: BuiltSite, href: str) -> str:
    prefix = "/monitor"
    assert href.startswith(prefix + "/"), href
    return href[len(prefix) :].split("#")[0]


def walk(built: BuiltSite, first: str) -> tuple[list[str], list[str]]:
    """Follow rel=next from `first`: the pages visited and the claims listed on them (by their anchors' URLs)."""
    pages, claims, path = [], [], first
    while path:
        assert path not in pages, f"pagination loops at {path}"
        pages.append(path)
        tree = html.parse(str(built.page(path)))
        claims += [a.get("href") for a in tree.xpath("//li[@class='claim-item']/p[@class='claim-place']/a")]
        following = tree.xpath("//nav[@class='pagination']//a[@rel='next']/@href")
        titles = tree.xpath("//title/text()")
        if len(pages) > 1:
            assert f"page {len(pages)} of" in titles[0], titles
            assert tree.xpath("//link[@rel='prev']/@href"), path
        path = site_path(built, following[0]) if following else ""
    return pages, claims


def anchor(built: BuiltSite, claim) -> str:
    return built.site.urls.url(claim.path)


def test_every_claim_is_on_the_claims_pages_newest_first(corpus_400: BuiltSite) -> None:
    site = corpus_400.site
    pages, claims = walk(corpus_400, "/claims/")
    assert claims == [anchor(corpus_400, c) for c in site.claims]
    assert len(pages) == -(-len(site.claims) // site.config.claims_per_page) > 1


def test_every_rated_claim_is_on_its_verdict_pages_linked_from_the_scale(corpus_400: BuiltSite) -> None:
    site = corpus_400.site
    scale = html.parse(str(corpus_400.page("/verdicts/")))
    for verdict in site.config.verdicts:
        assert scale.xpath(f"//li[@id='{verdict.id}']//a[@href='/monitor/verdicts/{verdict.id}/']")
        _, claims = walk(corpus_400, f"/verdicts/{verdict.id}/")
        assert claims == [anchor(corpus_400, c) for c in site.claims if c.verdict_id == verdict.id]


def test_every_claim_is_reachable_from_its_speaker_and_its_subjects(corpus_400: BuiltSite) -> None:
    site = corpus_400.site
    per_page = site.config.claims_per_page
    paged = 0
    for actor in site.actors.values():
        page = html.parse(str(corpus_400.page(actor.path)))
        for section, claims, more in (
            ("claims-by", actor.claims_by, "claims"),
            ("claims-about", actor.claims_about, "about"),
        ):
            shown = page.xpath(f"//section[@aria-labelledby='{section}']//p[@class='claim-place']/a/@href")
            assert shown == [anchor(corpus_400, c) for c in claims[:per_page]]
            link = page.xpath(f"//section[@aria-labelledby='{section}']//p[@class='more']/a/@href")
            if len(claims) > per_page:
                paged += 1
                assert link == [f"/monitor/actors/{actor.id}/{more}/"]
                _, listed = walk(corpus_400, f"/actors/{actor.id}/{more}/")
                assert listed == [anchor(corpus_400, c) for c in claims]
            else:
                assert not link and not corpus_400.page(f"/actors/{actor.id}/{more}/").exists()
    assert paged  # the corpus has actors with more claims than one page holds


def test_no_html_page_is_over_512_kb(corpus_400: BuiltSite) -> None:
    sizes = {p: p.stat().st_size for p in corpus_400.html_files()}
    heavy = {str(p.relative_to(corpus_400.output)): s for p, s in sizes.items() if s > 512 * 1024}
    assert not heavy
    assert len(sizes) > 400


def test_a_reserved_actor_id_is_an_error(tmp_path: Path) -> None:

    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.toml").write_text('[site]\ntitle = "T"\nbase_url = "https://example.org/"\n')
    (site / "content" / "articles" / "a.md").write_text(
        "---\ntitle: A\ndate: 2025-01-01\npeople:\n  network: {name: Net Work}\n---\nText.\n"
    )
    result = run_ssg("build", "--site", str(site))
    assert result.returncode == 1
    assert "content/articles/a.md:5:3: error: the actor id 'network' is reserved" in result.stderr
