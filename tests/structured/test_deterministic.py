"""SPEC §6: the same input builds byte-identical files (dates come from content, never the clock)."""

from __future__ import annotations

from pathlib import Path

from .conftest import PREFIX_URL, REPO, build, make_corpus


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def assert_identical(site_dir: Path, tmp_path: Path) -> None:
    first = files(build(site_dir, tmp_path / "one", PREFIX_URL).out)
    second = files(build(site_dir, tmp_path / "two", PREFIX_URL).out)
    assert list(first) == list(second)
    different = [name for name in first if first[name] != second[name]]
    assert not different, f"differ between two builds: {different[:10]}"
    assert {"feed.xml", "sitemap.xml", "robots.txt", "data/claims.json", "data/actors.csv"} <= set(first)


def test_example_builds_are_byte_identical(tmp_path: Path) -> None:
    assert_identical(REPO, tmp_path)


def test_corpus_builds_are_byte_identical(tmp_path: Path) -> None:
    assert_identical(make_corpus(tmp_path / "corpus", articles=30), tmp_path)
