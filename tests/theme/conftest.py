"""Built sites for the theme tests: the example site and a generated corpus, each built once per run."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from .sites import MAKE_CORPUS, REPO, BuiltSite, build_into


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The repository's example site (site.toml + content/), copied so the build never touches the worktree."""
    site_dir = tmp_path_factory.mktemp("example-src")
    shutil.copy(REPO / "site.toml", site_dir / "site.toml")
    shutil.copytree(REPO / "content", site_dir / "content")
    return build_into(site_dir, tmp_path_factory.mktemp("example-out"), "https://example.org/monitor/")


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """A generated 100-article corpus (shared/bench/make_corpus.py), built with the /monitor/ prefix."""
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"corpus generator not found at {MAKE_CORPUS.resolve()} (the shared/ folder is missing)")
    site_dir = tmp_path_factory.mktemp("corpus-src") / "site"
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), str(site_dir), "--articles", "100"], check=True, capture_output=True
    )
    return build_into(site_dir, tmp_path_factory.mktemp("corpus-out"), "https://bench.example.org/monitor/")


SMALL_SITE = {
    "site.toml": """
[site]
title = "Small Monitor"
base_url = "https://small.example.org/monitor/"
description = "Edge cases of the default theme."

[build]
articles_per_page = 1

[[verdicts]]
id = "true"
label = "True"
[[verdicts]]
id = "disputed"
label = "Disputed"
[[verdicts]]
id = "false"
label = "False"
""",
    "content/articles/first.md": """---
title: First article
date: 2025-01-02T10:30:00+01:00
updated: 2025-01-03
tags: [talks]
source: {name: Wire}
people:
  ana: {name: Ana Example, role: Minister then}
  org: {name: Example Org, type: organization}
claims:
  - id: marked-one
    by: ana
    quote: we will meet
    verdict: "true"
    evidence: [https://example.org/a, https://example.org/b]
  - id: unmarked-paraphrase
    by: ana
    text: The talks will start soon.
    about: [org]
    verdict: disputed
    review: "*Disputed* by [the org](https://example.org/org)."
  - id: unmarked-quote
    by: org
    quote: words that never appear in the body
    date: 2024-12-30
---
[Ana](@ana) said: "we will meet". The [organization](@org) did not comment.
""",
    "content/articles/second.md": """---
title: Second article
date: 2025-02-01
people:
  ana: {name: Ana Example, role: Minister now}
claims:
  - id: later
    by: ana
    text: Things changed.
    verdict: "false"
---
Ana Example spoke again, and [said that things changed](claim:later).
""",
    "content/actors/ana.md": """---
name: Ana Example
aliases: [Ana]
wikidata: Q42
---
A fictional minister.
""",
    "content/pages/about.md": """---
title: About
---
About this site.
""",
}


@pytest.fixture(scope="session")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """A tiny site with the edge cases the big ones lack: unmarked claims, a site-defined verdict, datetimes."""
    site_dir = tmp_path_factory.mktemp("small-src")
    for rel, text in SMALL_SITE.items():
        (site_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / rel).write_text(text.lstrip("\n"), encoding="utf-8")
    return build_into(site_dir, tmp_path_factory.mktemp("small-out"), "https://small.example.org/monitor/")


@pytest.fixture(scope="session", params=["example", "corpus", "small"])
def built(request: pytest.FixtureRequest) -> BuiltSite:
    """Each built site in turn."""
    return request.getfixturevalue(f"{request.param}_site")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(example_site: BuiltSite) -> Iterator[str]:
    """The example site's output served at http://127.0.0.1:<port>/monitor/ (its base path)."""
    handler = functools.partial(QuietHandler, directory=str(example_site.root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)
