"""Shared fixtures: the repo's example site, generated corpora, and running the real `ssg` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium: tests never download a browser
# no background traffic (the machine's network is closed), no sandbox (CI runs as root)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def run_ssg(*args: str, cwd: Path | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `python -m ssg ARGS` as a user would, capturing its output."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "ssg", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"ssg {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def copy_example_site(target: Path) -> Path:
    """The repo's example site (site.toml, content/, templates/) copied to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "site.toml", target / "site.toml")
    for folder in ("content", "templates"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder)
    return target


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    return copy_example_site(tmp_path / "site")


def make_corpus(target: Path, articles: int, seed: int = 1) -> Path:
    if not MAKE_CORPUS.exists():
        pytest.skip(f"the corpus generator is not at {MAKE_CORPUS} (shared/ missing)")
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), str(target), "--articles", str(articles), "--seed", str(seed)],
        check=True,
        capture_output=True,
    )
    return target


@pytest.fixture(scope="session")
def corpus_100(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 100-article site (read-only: copy it before changing it)."""
    return make_corpus(tmp_path_factory.mktemp("corpus") / "site", 100)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, one per test module; the tests skip without it."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def installed_tool(name: str) -> str | None:
    """A command installed on PATH or beside this Python (a virtual environment's scripts, when pytest runs as
    `.venv/bin/python -m pytest` without the environment activated), or None."""
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
