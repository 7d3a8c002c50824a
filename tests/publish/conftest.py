"""A small built output folder, as the build would leave it, for every publish test."""

from __future__ import annotations

from pathlib import Path

import pytest

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + bytes(range(256))

OUTPUT_FILES: dict[str, bytes] = {
    "index.html": b"<!doctype html><title>Monitor</title><link rel=stylesheet href=/static/style.css>",
    "404.html": b"<!doctype html><title>Not found</title>",
    "articles/talks/index.html": b"<!doctype html><title>Talks</title><p>Who said what.",
    "articles/summit/index.html": b"<!doctype html><title>Summit</title><p>And was it true?",
    "actors/lukashenko/index.html": b"<!doctype html><title>Lukashenko</title>",
    "static/style.css": b"body { font-family: serif; }\n",
    "static/app.js": b"console.log('monitor');\n",
    "static/img/logo.png": PNG,
    "_private/keep.txt": b"a folder GitHub Pages would hide without .nojekyll\n",
    "feed.xml": b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>',
}


def write_files(root: Path, files: dict[str, bytes]) -> None:
    for rel_path, content in files.items():
        path = root / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def read_tree(root: Path, skip: tuple[str, ...] = (".git",)) -> dict[str, bytes]:
    """Every file under root by rel_path, leaving out the named top-level folders."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in skip
    }


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    """The output folder of a freshly built site."""
    output = tmp_path / "site" / "public"
    write_files(output, OUTPUT_FILES)
    return output


def rebuild(output: Path, changed: dict[str, bytes] = {}, removed: tuple[str, ...] = ()) -> None:  # noqa: B006
    """Change and remove files in the output, as a new build would."""
    write_files(output, changed)
    for rel_path in removed:
        (output / rel_path).unlink()
