"""Built sites for the machine-readable output tests: the example site under a path prefix and at the root, and a
generated 100-article corpus (SPEC §6). Each is built once per test run."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html

from ssg.errors import Report
from ssg.model.types import Site
from ssg.pipeline import Pipeline, RunOptions
from ssg.render import PageSpec, plan_pages
from ssg.urls import Urls

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
PREFIX_URL = "https://example.org/monitor/"
ROOT_URL = "https://example.org/"
BASE_URLS = {"prefix": PREFIX_URL, "root": ROOT_URL}


@dataclass(frozen=True)
class Built:
    """One build: its output folder and the model it was built from, to cross-check against."""

    out: Path
    base_url: str
    site: Site

    def file(self, site_path: str) -> Path:
        return self.out / Urls.rel_path(site_path)

    def text(self, site_path: str) -> str:
        return self.file(site_path).read_text(encoding="utf-8")

    def absolute(self, site_path: str) -> str:
        return self.site.urls.absolute(site_path)

    def specs(self, *kinds: str) -> list[PageSpec]:
        return [s for s in plan_pages(self.site) if not kinds or s.kind in kinds]

    def html_specs(self) -> list[PageSpec]:
        return [s for s in plan_pages(self.site) if Urls.rel_path(s.site_path).endswith(".html")]

    def tree(self, site_path: str) -> lxml_html.HtmlElement:
        return lxml_html.fromstring(self.file(site_path).read_bytes())


def build(site_dir: Path, out: Path, base_url: str) -> Built:
    builder = Pipeline(RunOptions(site_dir=site_dir, output_dir=out, base_url=base_url, use_cache=False))
    builder.run()
    loaded = builder.load(Report())
    return Built(out, base_url, loaded.site)


def make_corpus(out: Path, articles: int = 100) -> Path:
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"no corpus generator at {MAKE_CORPUS} (the shared/ folder beside the repository is absent)")
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), str(out), "--articles", str(articles)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Lazily built sites by name: `example-prefix`, `example-root`, `corpus-prefix`, `corpus-root`."""
    root = tmp_path_factory.mktemp("structured")

    class Builds(dict):
        def __missing__(self, name: str) -> Built:
            site, where = name.split("-")
            site_dir = REPO if site == "example" else _corpus(root)
            self[name] = build(site_dir, root / name, BASE_URLS[where])
            return self[name]

    return Builds()


def _corpus(root: Path) -> Path:
    corpus = root / "corpus-src"
    return corpus if corpus.is_dir() else make_corpus(corpus)


@pytest.fixture(params=["prefix", "root"])
def example(request: pytest.FixtureRequest, builds: dict[str, Built]) -> Built:
    """The example site, under https://example.org/monitor/ and at https://example.org/."""
    return builds[f"example-{request.param}"]


@pytest.fixture(params=["example-prefix", "example-root", "corpus-prefix", "corpus-root"])
def any_site(request: pytest.FixtureRequest, builds: dict[str, Built]) -> Built:
    """Every built site: the example one and the 100-article corpus, each under a prefix and at the root."""
    return builds[request.param]


@pytest.fixture(params=["prefix", "root"])
def corpus(request: pytest.FixtureRequest, builds: dict[str, Built]) -> Built:
    return builds[f"corpus-{request.param}"]
