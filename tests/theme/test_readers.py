"""What readers see of who said what and how it was checked, in a real browser (Debian's chromium): claims reached
by keyboard and named for screen readers, verdicts as text linked to the rating scale, axe-core on every page kind."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html

from .sites import BuiltSite

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def tree(built: BuiltSite, site_path: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(built.page(site_path).read_bytes())


def html_paths(built: BuiltSite) -> list[str]:
    return sorted(
        "/" + p.relative_to(built.output).as_posix().removesuffix("index.html")
        for p in built.output.rglob("*.html")
        if "pagefind" not in p.parts
    )


def expected_name(built: BuiltSite, claim_id: str) -> str:
    site = built.site
    claim = next(c for c in site.articles[0].claims if c.id == claim_id)
    verdict = site.verdict(claim.verdict_id)
    rated = f"rated {verdict.label}" if verdict else "not rated"
    return f"Claim by {site.actors[claim.speaker_id].name}, {rated}"


# --- without a browser: the HTML -----------------------------------------------------------------------------------


def test_every_verdict_label_links_to_its_entry_on_the_scale(example_site: BuiltSite) -> None:
    scale = example_site.site.urls.url("/verdicts/")
    seen = 0
    for path in html_paths(example_site):
        if path == "/verdicts/":
            continue
        for label in tree(example_site, path).xpath("//*[contains(concat(' ', @class, ' '), ' verdict ')]"):
            seen += 1
            verdict_id = label.get("data-verdict")
            assert label.tag == "a", f"{path}: a verdict label that is not a link: {lxml_html.tostring(label)!r}"
            assert label.get("href") == f"{scale}#{verdict_id or 'not-rated'}", path
            assert label.text_content().strip(), f"{path}: a verdict label without text"
    assert seen
    scale_page = tree(example_site, "/verdicts/")
    for verdict in example_site.site.config.verdicts:
        assert scale_page.get_element_by_id(verdict.id, None) is not None
    assert scale_page.get_element_by_id("not-rated", None) is not None


def test_the_scale_lists_every_verdict_best_first_with_the_models_counts(example_site: BuiltSite) -> None:
    site = example_site.site
    counts = Counter(c.verdict_id for c in site.claims)
    entries = tree(example_site, "/verdicts/").xpath("//li[contains(@class, 'scale-entry')]")
    scored = [v for v in site.config.verdicts if v.scored]
    unscored = [v for v in site.config.verdicts if not v.scored]
    assert [e.get("id") for e in entries] == [v.id for v in scored + unscored]
    for entry, verdict in zip(entries, scored + unscored, strict=True):
        assert verdict.label in entry.text_content()
        assert verdict.description in entry.text_content()
        count = entry.xpath(".//*[contains(@class, 'scale-count')]")[0].text_content()
        assert count.split()[0] == str(counts[verdict.id]), verdict.id
    unscored_ids = tree(example_site, "/verdicts/").xpath("//ul[contains(@class, 'scale-unscored')]/li/@id")
    assert unscored_ids == [v.id for v in unscored]  # shown apart


def test_each_claim_span_is_followed_by_its_verdict_and_a_link_to_its_entry(example_site: BuiltSite) -> None:
    article = example_site.site.articles[0]
    doc = tree(example_site, article.path)
    for claim in article.claims:
        if claim.id not in article.marked_claims:
            continue
        (note,) = doc.xpath(f"//*[@data-claim-note='{claim.id}']")
        (ref,) = note.xpath(".//a[contains(@class, 'claim-ref')]")
        assert ref.get("href") == f"#entry-{claim.id}"
        assert doc.get_element_by_id(f"entry-{claim.id}").get("data-claim-ref") == claim.id
        verdict = example_site.site.verdict(claim.verdict_id)
        label = note.xpath(".//*[contains(@class, 'verdict')]")[0].text_content()
        assert label == (verdict.label if verdict else "Not rated")
        assert ref.get("aria-label") == expected_name(example_site, claim.id)


# --- in a browser -------------------------------------------------------------------------------------------------

browser_only = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)")


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@browser_only
def test_tabbing_reaches_every_claim_named_for_its_speaker_and_verdict(page, server, example_site) -> None:  # type: ignore[no-untyped-def]
    article = example_site.site.articles[0]
    page.goto(server + example_site.site.urls.url(article.path))
    reached: dict[str, str] = {}
    for _ in range(400):  # every link of the page, at most
        page.keyboard.press("Tab")
        found = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e && e.classList.contains('claim-ref') ? [e.getAttribute('href'), e.getAttribute('aria-label')]"
            " : e === document.body ? ['END', ''] : null; }"
        )
        if found and found[0] == "END":
            break
        if found:
            reached[found[0].removeprefix("#entry-")] = found[1]
    assert set(reached) == set(article.marked_claims)
    for claim_id, name in reached.items():
        assert name == expected_name(example_site, claim_id)


@browser_only
def test_activating_a_claim_lands_on_its_entry_in_the_claims_list(page, server, example_site) -> None:  # type: ignore[no-untyped-def]
    expect = pytest.importorskip("playwright.sync_api").expect
    article = example_site.site.articles[0]
    page.goto(server + example_site.site.urls.url(article.path))
    claim = next(c for c in article.claims if c.id in article.marked_claims and c.verdict_id)
    ref = page.locator(f"[data-claim-note='{claim.id}'] a.claim-ref")
    ref.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server}{example_site.site.urls.url(article.path)}#entry-{claim.id}")
    entry = page.locator(":target")
    expect(entry).to_have_attribute("data-claim-ref", claim.id)
    expect(entry.locator(".claim-speaker a")).to_have_text(example_site.site.actors[claim.speaker_id].name)
    expect(entry.locator(".claim-verdict .verdict")).to_have_text(example_site.site.verdict(claim.verdict_id).label)
    assert entry.is_visible() and entry.bounding_box()["y"] < 900


@browser_only
def test_verdict_badges_take_the_colour_of_their_place_on_the_scale(page, server, example_site) -> None:  # type: ignore[no-untyped-def]
    """The colours come from site.toml's order (/verdicts/tones.css), not from the ids: the best verdict's badge
    is green, the worst scored one's red, an unscored one's grey; on the scale page, where every verdict is."""
    config = example_site.site.config
    page.goto(server + example_site.site.urls.url("/verdicts/"))
    colours = page.evaluate(
        "() => { const pill = n => getComputedStyle(document.documentElement).getPropertyValue(n).trim();"
        " const rgb = c => { const e = document.createElement('i'); e.style.color = c; document.body.append(e);"
        " const v = getComputedStyle(e).color; e.remove(); return v; };"
        " const badges = {}; for (const b of document.querySelectorAll('.scale-label .verdict[data-verdict]'))"
        " badges[b.dataset.verdict] = getComputedStyle(b).backgroundColor;"
        " return {badges, true: rgb(pill('--pill-true')), false: rgb(pill('--pill-false')),"
        " none: rgb(pill('--pill-none'))}; }"
    )
    scale, unscored = config.scale, [v for v in config.verdicts if not v.scored]
    assert colours["badges"][scale[0].id] == colours["true"]
    assert colours["badges"][scale[-1].id] == colours["false"]
    for verdict in unscored:
        assert colours["badges"][verdict.id] == colours["none"]


AXE_KINDS = {
    "home": "/",
    "article": "article",
    "actor": "actor",
    "actors": "/actors/",
    "claims": "/claims/",
    "verdicts": "/verdicts/",
    "corrections": "/corrections/",
    "tags": "/tags/",
    "tag": "tag",
    "page": "page",
    "404": "/404.html",
}


@browser_only
@pytest.mark.parametrize("kind", AXE_KINDS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(browser, server, example_site, kind: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    axe_module = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="pip install axe-playwright-python"
    )
    site = example_site.site
    path = {
        "article": site.articles[0].path,
        "actor": next(iter(site.actors.values())).path,
        "tag": next(iter(site.tags.values())).path,
        "page": site.pages[0].path if site.pages else "/",
    }.get(AXE_KINDS[kind], AXE_KINDS[kind])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(server + site.urls.url(path))
        results = axe_module.Axe().run(page)
        violations = results.response["violations"]
        assert not violations, results.generate_report()
    finally:
        context.close()
