"""Helpers of the theme tests: a built site, its output files and its model.

Both are built under a `monitor/` folder with base_url path prefix /monitor/ (SPEC §2), so a plain static server
rooted one level up serves them at the URLs the pages link to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ssg.errors import Report
from ssg.model.types import Site
from ssg.pipeline import Pipeline, RunOptions

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
PREFIX = "/monitor/"


@dataclass(frozen=True)
class BuiltSite:
    site_dir: Path
    root: Path  # what a server serves: the output sits in root/monitor/
    output: Path
    site: Site  # the model, to compare pages with

    def page(self, site_path: str) -> Path:
        """The output file of a site path (`/actors/x/` -> .../actors/x/index.html)."""
        rel = site_path.lstrip("/")
        return self.output / (rel + "index.html" if not rel or rel.endswith("/") else rel)

    def html_files(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))


def build_into(site_dir: Path, root: Path, base_url: str) -> BuiltSite:
    output = root / "monitor"
    builder = Pipeline(RunOptions(site_dir=site_dir, output_dir=output, base_url=base_url, use_cache=False))
    builder.run()
    loaded = builder.load(Report())
    return BuiltSite(site_dir, root, output, loaded.site)
