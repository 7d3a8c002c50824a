"""Each folder in tests/broken/ is a site with one mistake; expected.txt holds the command, its exact
diagnostics and exit code. Every run must also leave the previous output untouched (SPEC §7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run_ssg

CASES = sorted(p for p in (Path(__file__).parent / "broken").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_site_reports_exactly_and_keeps_previous_output(case: Path, tmp_path: Path) -> None:
    site = tmp_path / case.name
    shutil.copytree(case, site, ignore=shutil.ignore_patterns("expected.txt"))
    expected = (case / "expected.txt").read_text().splitlines()
    command, *diagnostics, exit_line = expected
    previous = site / "build"
    previous.mkdir()
    (previous / "index.html").write_text("previous good build")

    result = run_ssg(*command.removeprefix("$ ssg ").split(), cwd=site)

    assert result.stderr.splitlines() == diagnostics
    assert f"exit {result.returncode}" == exit_line
    assert (previous / "index.html").read_text() == "previous good build"
    assert sorted(p.name for p in previous.iterdir()) == ["index.html"]
