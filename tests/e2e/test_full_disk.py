"""A full disk (issue 13): a clear error, not a traceback, and nothing lost. The disk is real: a small tmpfs
mounted for the test (it needs root, as CI runs; elsewhere the tests skip), filled up to a few pages' worth."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_example_site, make_corpus, run_ssg

pytestmark = pytest.mark.skipif(shutil.which("mount") is None, reason="needs mount(8)")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MB tmpfs, unmounted after the test (the 300-article output is 17 MB; an update of every page holds
    two of them until its commit)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (root needed): {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """A ballast file that leaves about `leave` bytes free on the disk."""
    stat = os.statvfs(disk)
    ballast = disk / "ballast"
    ballast.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))
    return ballast


def retitle(site: Path, title: str) -> None:
    """A new site title: every page changes, so a build writes every page again."""
    config = site / "site.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index('title = "') + len('title = "')
    config.write_text(text[:start] + title + text[text.index('"', start) :], encoding="utf-8")


def test_a_full_disk_stops_the_build_with_a_message_and_keeps_the_previous_output(
    tmp_path: Path, small_disk: Path
) -> None:
    site = make_corpus(tmp_path / "site", 300)
    output = small_disk / "out"
    run_ssg("build", "--site", str(site), "--output", str(output), "--jobs", "2", check=True)
    before = tree(output)
    ballast = fill(small_disk, 256 * 1024)
    retitle(site, "A Title That Changes Every Page")

    failed = run_ssg("build", "--site", str(site), "--output", str(output), "--jobs", "2")

    assert failed.returncode == 2, failed.stderr
    assert "No space left on device" in failed.stderr and "Traceback" not in failed.stderr, failed.stderr
    assert tree(output) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["ballast", "out"]  # nothing half-written beside it
    ballast.unlink()
    run_ssg("build", "--site", str(site), "--output", str(output), "--jobs", "2", check=True)
    clean = tmp_path / "clean"
    run_ssg("build", "--site", str(site), "--output", str(clean), "--no-cache", check=True)
    assert tree(output) == tree(clean)


def test_a_full_disk_while_the_search_index_is_written_keeps_the_previous_output(
    tmp_path: Path, small_disk: Path
) -> None:
    """A body edit renders one page, which fits, and makes a new search bundle, which the indexing process
    writes itself (pipeline/search.py): the disk refusing it is the same clear error, and nothing is lost."""
    site = make_corpus(tmp_path / "site", 300)
    output = small_disk / "out"
    run_ssg("build", "--site", str(site), "--output", str(output), "--jobs", "2", check=True)
    before = tree(output)
    article = sorted((site / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nThe ferry to Norrvik was late.\n", encoding="utf-8")
    ballast = fill(small_disk, 96 * 1024)

    failed = run_ssg("build", "--site", str(site), "--output", str(output), "--jobs", "2")

    assert failed.returncode == 2, failed.stderr
    assert "No space left on device" in failed.stderr and "Traceback" not in failed.stderr, failed.stderr
    assert "pagefind/" in failed.stderr, failed.stderr  # the file the disk refused is named
    assert tree(output) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["ballast", "out"]
    ballast.unlink()
    run_ssg("build", "--site", str(site), "--output", str(output), "--jobs", "2", check=True)
    clean = tmp_path / "clean"
    run_ssg("build", "--site", str(site), "--output", str(clean), "--no-cache", check=True)
    assert tree(output) == tree(clean)


def test_a_full_disk_on_a_dir_target_fails_the_publish_and_keeps_the_published_site(
    tmp_path: Path, small_disk: Path
) -> None:
    if shutil.which("rsync") is None:
        pytest.skip("needs rsync (apt-get install rsync)")
    site = copy_example_site(tmp_path / "site")
    www = small_disk / "www"
    with (site / "site.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[publish.mirror]\nkind = "dir"\npath = "{www}"\n')
    run_ssg("publish", "--site", str(site), check=True)
    before = tree(www)
    fill(small_disk, 64 * 1024)
    retitle(site, "A Title That Changes Every Page")

    failed = run_ssg("publish", "--site", str(site))

    assert failed.returncode == 1, failed.stderr
    assert "No space left on device" in failed.stderr and "Traceback" not in failed.stderr, failed.stderr
    assert tree(www) == before  # no half-sent file, no rsync temporary folder left in the site


def test_a_full_disk_for_the_build_cache_still_writes_the_output(tmp_path: Path, small_disk: Path) -> None:
    """`.ssg-cache/` is written while the build waits for its search index (pipeline/reuse/cache.py: CacheSave):
    a disk that refuses it costs the next build its head start, never this build's output."""
    site = make_corpus(small_disk / "site", 300)
    output = tmp_path / "out"
    ballast = fill(small_disk, 64 * 1024)

    built = run_ssg("build", "--site", str(site), "--output", str(output), "--jobs", "2")

    assert built.returncode == 0, built.stderr
    assert "build cache could not be saved" in built.stderr and "No space left on device" in built.stderr
    assert not any((site / ".ssg-cache").glob("*.pickle*")), "a cache file, or half of one, was left"
    clean = tmp_path / "clean"
    run_ssg("build", "--site", str(site), "--output", str(clean), "--no-cache", check=True)
    assert tree(output) == tree(clean)
    ballast.unlink()
    again = run_ssg("build", "--site", str(site), "--output", str(output), "--jobs", "2", check=True)
    assert "could not be saved" not in again.stderr and any((site / ".ssg-cache").glob("*.pickle"))
    assert tree(output) == tree(clean)
