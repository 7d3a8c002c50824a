"""The theme in a real browser (Debian's chromium, never a downloaded one): mention cards, phones, screenshots.

Set SSG_SCREENSHOTS=<dir> to keep the screenshots for a look; otherwise they go to pytest's tmp folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .sites import BuiltSite

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)")
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (no browser download needed)")
expect = sync_api.expect


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("SSG_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def role_then(built: BuiltSite, article_index: int, actor_id: str) -> str:
    article = built.site.articles[article_index]
    entry = article.entry(actor_id)
    return (entry.role if entry else None) or built.site.actors[actor_id].role or ""


def test_focusing_a_mention_shows_its_card_and_escape_hides_it(page, server: str, example_site: BuiltSite) -> None:
    article = example_site.site.articles[0]
    page.goto(server + example_site.site.urls.url(article.path))
    card = page.locator("#actor-card")
    expect(card).to_be_hidden()
    mention = page.locator(".e-content a[data-actor]").first
    actor_id = mention.get_attribute("data-actor")
    actor = example_site.site.actors[actor_id]
    mention.focus()
    expect(card).to_be_visible()
    expect(card).to_have_attribute("role", "tooltip")
    expect(card.locator(".card-name")).to_have_text(actor.name)
    expect(card.locator(".card-role")).to_have_text(role_then(example_site, 0, actor_id))
    expect(card.locator("a")).to_have_attribute("href", example_site.site.urls.url(actor.path))
    expect(mention).to_have_attribute("aria-describedby", "actor-card")
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    expect(mention).not_to_have_attribute("aria-describedby", "actor-card")
    expect(mention).to_be_focused()


def test_hovering_a_mention_shows_that_actors_card(page, server: str, example_site: BuiltSite) -> None:
    article = example_site.site.articles[0]
    page.goto(server + example_site.site.urls.url(article.path))
    mentions = page.locator(".e-content a[data-actor]")
    ids = [mentions.nth(i).get_attribute("data-actor") for i in range(mentions.count())]
    other = next(i for i, actor_id in enumerate(ids) if actor_id != ids[0])
    card = page.locator("#actor-card")
    for index in (0, other):
        mentions.nth(index).hover()
        actor_id = ids[index]
        expect(card).to_be_visible()
        expect(card.locator(".card-name")).to_have_text(example_site.site.actors[actor_id].name)
        expect(card.locator(".card-role")).to_have_text(role_then(example_site, 0, actor_id))
        box, anchor = card.bounding_box(), mentions.nth(index).bounding_box()
        assert box and anchor, "card or mention not laid out"
        below = abs(box["y"] - (anchor["y"] + anchor["height"]))
        above = abs(box["y"] + box["height"] - anchor["y"])  # opens above when there is no room below
        assert min(below, above) < 40, "card not by the mention"
    page.mouse.move(5, 5)
    expect(card).to_be_hidden()


@pytest.mark.parametrize("path", ["/", "article", "actor", "/actors/", "/claims/", "/tags/", "/404.html"])
def test_phones_get_one_column_without_horizontal_scroll(browser, server: str, example_site: BuiltSite, path: str):
    site = example_site.site
    if path == "article":
        path = site.articles[0].path
    elif path == "actor":
        path = max(site.actors.values(), key=lambda a: len(a.claims_by)).path
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(server + site.urls.url(path))
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] <= 375, f"{path}: content {widths[0]}px wide in a {widths[1]}px viewport"
        main = page.locator("main").bounding_box()
        assert main and main["width"] <= 375
    finally:
        context.close()


def test_desktop_measure_stays_readable(page, server: str, example_site: BuiltSite) -> None:
    article = example_site.site.articles[0]
    page.goto(server + example_site.site.urls.url(article.path))
    width = page.locator(".e-content p").first.bounding_box()["width"]
    font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.e-content p')).fontSize)")
    assert 45 * font * 0.5 < width < 80 * font * 0.6, f"line {width}px at {font}px type: not ~70ch"
    line_height = page.evaluate("() => getComputedStyle(document.body).lineHeight")
    assert abs(float(line_height.removesuffix("px")) / font - 1.6) < 0.05


def test_skip_link_is_first_and_visible_on_focus(page, server: str, example_site: BuiltSite) -> None:
    page.goto(server + example_site.site.urls.url("/"))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0, "the focused skip link must be on screen"


def test_screenshots_of_the_article_and_an_actor_page(browser, server: str, example_site: BuiltSite, shots: Path):
    site = example_site.site
    actor = max(site.actors.values(), key=lambda a: len(a.claims_by))
    for scheme in ("light", "dark"):
        for width, label in ((1280, "desktop"), (375, "phone")):
            context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            for name, path in (("article", site.articles[0].path), ("actor", actor.path)):
                page.goto(server + site.urls.url(path))
                if name == "article":
                    page.locator(".e-content a[data-actor]").first.focus()
                    expect(page.locator("#actor-card")).to_be_visible()
                target = shots / f"{name}-{label}-{scheme}.png"
                page.screenshot(path=str(target), full_page=True)
                assert target.stat().st_size > 10_000
            context.close()


def test_a_network_node_leads_to_its_actor_page_and_pictures_have_names(page, server: str, example_site: BuiltSite):
    """Issue 15: nodes of /actors/network/ are links to actor pages; the charts are images with accessible names."""
    site = example_site.site
    page.goto(f"{server}/monitor/actors/network/")
    picture = page.locator("svg.network-site")
    expect(picture).to_be_visible()
    expect(picture).to_have_accessible_name(re.compile("most connected actors"))
    shown = page.locator("svg.network a.node").evaluate_all("nodes => nodes.map(n => n.dataset.actor)")
    actor = next(site.actors[i] for i in shown if site.actors[i].claims_by)
    node = page.locator(f'svg.network a.node[data-actor="{actor.id}"]')
    node.locator("circle").click()
    expect(page).to_have_url(f"{server}{site.urls.url(actor.path)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(actor.name)
    expect(page.get_by_role("img", name=f"Claims by {actor.name} per verdict")).to_be_visible()
    page.goto(f"{server}/monitor/claims/")
    expect(page.get_by_role("img", name="Claims per month by verdict")).to_be_visible()
