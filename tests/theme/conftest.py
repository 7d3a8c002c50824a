"""Built sites for the theme tests: the example site and a generated corpus, each built once per run."""

from __future__ import annotations

import shutil
import subprocess
import sys

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


@pytest.fixture(scope="session", params=["example", "corpus"])
def built(request: pytest.FixtureRequest) -> BuiltSite:
    """Each built site in turn."""
    return request.getfixturevalue(f"{request.param}_site")
