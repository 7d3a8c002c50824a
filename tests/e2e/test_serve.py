"""`ssg serve` end to end (SPEC §8): a real `ssg serve` process, a real headless Chromium, files edited on disk.

Each test starts the server on a free port in a copy of the example site and asserts what the browser shows.
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_example_site

CHROMIUM = "/usr/bin/chromium"
ARTICLE = "content/articles/lukashenko-peace-talks/index.md"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium at /usr/bin/chromium")


class ServeProcess:
    """`python -m ssg serve` in a site folder; its output is read line by line in the background."""

    def __init__(self, site: Path):
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ssg", "serve", "--site", str(site), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(r"at (http://127\.0\.0\.1:\d+/\S*)").group(1)
        self.port = int(re.search(r":(\d+)/", self.url).group(1))

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """The first new output line matching `pattern`; fails with everything printed if none comes."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"ssg serve never printed {pattern!r}; it printed:\n" + "\n".join(self.log)
                ) from None
            self.log.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example_site(tmp_path / "site")


@pytest.fixture
def server(site: Path) -> Iterator[ServeProcess]:
    serve = ServeProcess(site)
    yield serve
    serve.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_an_edited_article_shows_its_new_text_without_any_browser_action(
    site: Path, server: ServeProcess, page
) -> None:
    page.goto(server.url + "articles/lukashenko-peace-talks/")
    expect(page.locator("h1")).to_contain_text("Lukashenko Offers to Host")
    path = site / ARTICLE
    path.write_text(
        path.read_text(encoding="utf-8") + "\nA sentence the preview must show at once.\n", encoding="utf-8"
    )
    expect(page.locator(".e-content")).to_contain_text("A sentence the preview must show at once.", timeout=15_000)


def test_a_css_edit_swaps_the_stylesheet_and_keeps_the_page_state(site: Path, server: ServeProcess, page) -> None:
    page.goto(server.url)
    page.evaluate("window.__marker = 'still here'")
    css = site / "templates" / "static" / "style.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    theme_css = REPO / "ssg" / "theme" / "static" / "style.css"
    css.write_text(theme_css.read_text() + "\nbody { background-color: rgb(1, 2, 3) !important; }\n")
    page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'", timeout=15_000)
    assert page.evaluate("window.__marker") == "still here"  # no reload happened


def test_a_broken_front_matter_shows_the_error_over_the_page_until_fixed(
    site: Path, server: ServeProcess, page
) -> None:
    page.goto(server.url + "articles/lukashenko-peace-talks/")
    path = site / ARTICLE
    good = path.read_text(encoding="utf-8")
    line = good[: good.index("verdict: true")].count("\n") + 1
    path.write_text(good.replace("verdict: true", "verdict: ture", 1), encoding="utf-8")
    overlay = page.locator("#ssg-error-overlay")
    expect(overlay).to_be_visible(timeout=15_000)
    expect(overlay).to_contain_text(f"{ARTICLE}:{line}:")
    expect(overlay).to_contain_text("unknown verdict 'ture'")
    expect(page.locator("h1")).to_contain_text("Lukashenko Offers to Host")  # the last good page stays
    server.wait_for(rf"{re.escape(ARTICLE)}:{line}:\d+: error: unknown verdict")  # the terminal shows it too
    path.write_text(good, encoding="utf-8")
    expect(overlay).to_have_count(0, timeout=15_000)


def test_a_deleted_article_becomes_a_404_and_leaves_its_actor_pages(site: Path, server: ServeProcess, page) -> None:
    extra = site / "content" / "articles" / "harbour.md"
    extra.write_text(
        "---\ntitle: Harbour Master Speaks\ndate: 2025-03-07\npeople:\n  vera-lind: {name: Vera Lind}\n"
        "  peskov:\n---\nVera Lind, a fictional harbour master, spoke.\n",
        encoding="utf-8",
    )
    server.wait_for(r"Rebuilt after harbour\.md")
    page.goto(server.url + "actors/peskov/")
    expect(page.locator("main")).to_contain_text("Harbour Master Speaks")
    extra.unlink()
    expect(page.locator("main")).not_to_contain_text("Harbour Master Speaks", timeout=15_000)
    response = page.goto(server.url + "articles/harbour/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_contain_text("Page not found")


def test_a_burst_of_saves_gives_one_rebuild(site: Path, server: ServeProcess) -> None:
    path = site / ARTICLE
    text = path.read_text(encoding="utf-8")
    for number in range(20):  # an editor's write-temp-then-rename, twenty times in a row
        temporary = path.with_name(".index.md.tmp")
        temporary.write_text(text + f"\nSave number {number}.\n", encoding="utf-8")
        temporary.replace(path)
    output = site / ".ssg-cache" / "preview" / "articles" / "lukashenko-peace-talks" / "index.html"
    server.wait_for(r"Rebuilt after index\.md")
    while "Save number 19." not in output.read_text(encoding="utf-8"):  # every save is seen, the last one shown
        server.wait_for(r"Rebuilt after index\.md")
    # a later, separate save marks the end: count every rebuild the burst caused before it
    sentinel = site / "content" / "pages" / "about.md"
    sentinel.write_text(sentinel.read_text(encoding="utf-8") + "\nSentinel.\n", encoding="utf-8")
    server.wait_for(r"Rebuilt after about\.md")
    rebuilds = [line for line in server.log if "Rebuilt after" in line and "about.md" not in line]
    assert 1 <= len(rebuilds) <= 2, f"a burst of saves gave {len(rebuilds)} rebuilds (two only if one overlapped)"
    assert "Save number 19." in output.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "target",
    ["/monitor/../site.toml", "/monitor/%2e%2e/site.toml", "/monitor/%252e%252e/site.toml", "/monitor/..%5csite.toml"],
)
def test_the_preview_serves_nothing_outside_its_output(server: ServeProcess, target: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest("GET", target, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    assert response.status in (400, 404)
    assert b"base_url" not in body


def test_the_preview_binds_loopback_only(server: ServeProcess) -> None:
    """SPEC §8: never a public interface unless --host says so: the listening socket is on 127.0.0.1."""
    listening = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if state == "0A" and int(port, 16) == server.port:  # 0A: LISTEN
            listening.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    assert listening == ["127.0.0.1"]


def test_when_even_the_first_build_fails_the_browser_shows_the_error_and_recovers(site: Path, page) -> None:
    path = site / ARTICLE
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("by: peskov", "by: peskvo", 1), encoding="utf-8")
    serve = ServeProcess(site)
    try:
        page.goto(serve.url)
        overlay = page.locator("#ssg-error-overlay")
        expect(overlay).to_contain_text("unknown actor 'peskvo'", timeout=15_000)
        path.write_text(good, encoding="utf-8")
        expect(overlay).to_have_count(0, timeout=15_000)
        expect(page.locator("main")).to_contain_text("Lukashenko Offers to Host", timeout=15_000)
    finally:
        serve.stop()
