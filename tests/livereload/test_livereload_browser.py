"""Real browser (Debian chromium through Playwright): reload, CSS swap, error overlay, restart (SPEC §8)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from copy_builder import CopyBuilder  # beside this file; pytest puts its folder on sys.path

from ssg.livereload import LiveReloadServer

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need Debian chromium at /usr/bin/chromium")
TIMEOUT = 10_000  # ms: a bound on a real condition, not a sleep

PAGE = """<!doctype html>
<html><head><title>t</title><link rel="stylesheet" href="style.css"></head>
<body>
<h1 id="title">{title}</h1>
<p style="height: 3000px">tall</p>
</body></html>
"""


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def project(tmp_path: Path) -> CopyBuilder:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    (src / "index.html").write_text(PAGE.format(title="Hello"))
    (src / "style.css").write_text("h1 { color: rgb(0, 0, 255); }\n")
    return CopyBuilder(src, out)


@pytest.fixture
def server(project: CopyBuilder, make_server) -> Iterator[LiveReloadServer]:
    server = make_server(project.out, project, watch=[project.src], debounce=0.1)
    assert server.rebuild(()).ok  # the initial build, as ssg serve does it
    yield server


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_editing_a_source_reloads_the_page(page, server: LiveReloadServer, project: CopyBuilder) -> None:
    page.goto(server.url)
    expect(page.locator("#title")).to_have_text("Hello")
    page.evaluate("window.__marker = 'before'")
    (project.src / "index.html").write_text(PAGE.format(title="Changed"))
    expect(page.locator("#title")).to_have_text("Changed", timeout=TIMEOUT)
    assert page.evaluate("window.__marker") is None  # it was a real reload


def test_editing_css_swaps_the_stylesheet_without_reloading(
    page, server: LiveReloadServer, project: CopyBuilder
) -> None:
    page.goto(server.url)
    title = page.locator("#title")
    expect(title).to_have_css("color", "rgb(0, 0, 255)")
    page.evaluate("window.__marker = 'kept'; window.scrollTo(0, 500)")
    (project.src / "style.css").write_text("h1 { color: rgb(255, 0, 0); }\n")
    expect(title).to_have_css("color", "rgb(255, 0, 0)", timeout=TIMEOUT)
    expect(page.locator('link[rel="stylesheet"]')).to_have_count(1, timeout=TIMEOUT)
    assert page.evaluate("window.__marker") == "kept"
    assert page.evaluate("window.scrollY") == 500


def test_a_failed_build_shows_the_overlay_until_a_good_build(
    browser, page, server: LiveReloadServer, project: CopyBuilder
) -> None:
    page.goto(server.url)
    expect(page.locator("#title")).to_have_text("Hello")
    served_before = (project.out / "index.html").read_bytes()
    (project.src / "index.html").write_text(PAGE.format(title="BROKEN"))
    overlay = page.locator("#ssg-error-overlay")
    expect(overlay).to_be_visible(timeout=TIMEOUT)
    expect(overlay.locator(".ssg-error-line")).to_have_text(["src/index.html:4:16: error: broken marker <b>here</b>"])
    assert overlay.locator("b").count() == 0  # error text is text, never markup
    assert (project.out / "index.html").read_bytes() == served_before  # last good page still served

    late = page.context.new_page()  # opened while the error is pending: overlay at once
    late.goto(server.url)
    expect(late.locator("#ssg-error-overlay")).to_be_visible(timeout=TIMEOUT)
    expect(late.locator("#title")).to_have_text("Hello")
    late.get_by_role("button", name="Close").click()
    expect(late.locator("#ssg-error-overlay")).to_have_count(0)

    (project.src / "index.html").write_text(PAGE.format(title="Fixed"))
    expect(page.locator("#title")).to_have_text("Fixed", timeout=TIMEOUT)
    expect(overlay).to_have_count(0, timeout=TIMEOUT)


def test_a_good_build_without_changes_clears_the_overlay(page, server: LiveReloadServer) -> None:
    page.goto(server.url)
    expect(page.locator("#title")).to_have_text("Hello")
    page.evaluate("window.__marker = 'kept'")
    server.set_error("content/a.md:1:1: error: first\ncontent/b.md:2:3: error: second")
    overlay = page.locator("#ssg-error-overlay")
    expect(overlay.locator(".ssg-error-line")).to_have_text(
        ["content/a.md:1:1: error: first", "content/b.md:2:3: error: second"], timeout=TIMEOUT
    )
    assert server.rebuild(()).changed == ()
    expect(overlay).to_have_count(0, timeout=TIMEOUT)
    assert page.evaluate("window.__marker") == "kept"


def test_the_script_is_served_but_never_written(page, server: LiveReloadServer, project: CopyBuilder) -> None:
    page.goto(server.url)
    expect(page.locator('script[src$="__livereload/client.js"]')).to_have_count(1)
    on_disk = (project.out / "index.html").read_text()
    assert on_disk == PAGE.format(title="Hello")
    assert "__livereload" not in on_disk


def test_pages_reload_after_a_server_restart(page, project: CopyBuilder) -> None:
    quiet = {"log": lambda message: None}
    first = LiveReloadServer(project.out, project, watch=[project.src], port=0, **quiet)
    first.rebuild(())
    url = first.start()
    try:
        page.goto(url)
        expect(page.locator("#title")).to_have_text("Hello")
        page.evaluate("window.__marker = 'old server'")
    finally:
        first.stop()
    second = LiveReloadServer(project.out, project, watch=[project.src], port=first.port, **quiet)
    second.start()
    try:
        page.wait_for_function("window.__marker === undefined", timeout=TIMEOUT)
        expect(page.locator("#title")).to_have_text("Hello")
    finally:
        second.stop()


def test_base_path_site_reloads_in_the_browser(page, project: CopyBuilder, make_server) -> None:
    server = make_server(project.out, project, watch=[project.src], base_path="/monitor/", debounce=0.1)
    server.rebuild(())
    page.goto(server.url.replace("/monitor/", "/"))  # '/' redirects under the prefix
    assert page.url == server.url
    expect(page.locator("#title")).to_have_css("color", "rgb(0, 0, 255)")
    (project.src / "index.html").write_text(PAGE.format(title="Prefixed"))
    expect(page.locator("#title")).to_have_text("Prefixed", timeout=TIMEOUT)
