"""A build killed with SIGKILL at any moment (issue 13): no process left behind, no stray file in the output, the
output complete (each file whole: its previous or its new version), and the next build as good as a clean one."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, make_corpus, run_ssg

KILLS = 10
SEED = 13
EDITED = 15  # articles whose body the edit changes (the set of pages stays the same)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def beside(output: Path) -> list[str]:
    """What lies next to the output folder (a build's staging and journal folders)."""
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


def start_build(site: Path) -> subprocess.Popen[bytes]:
    """`ssg build --jobs 2` in its own session, so its process group holds it and every worker it forks."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "ssg", "build", "--site", str(site), "--jobs", "2"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def live_members(group: int) -> list[int]:
    """Processes of a process group that still run (zombies, already dead but not yet reaped, do not count)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        state, _ppid, pgrp = stat.rpartition(")")[2].split()[:3]
        if int(pgrp) == group and state != "Z":
            members.append(int(entry.name))
    return members


def wait_until_gone(group: int, timeout: float = 10.0) -> list[int]:
    """A bounded wait for a process group to empty; what is left when the time is up."""
    deadline = time.monotonic() + timeout
    while (left := live_members(group)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


def strays(site: Path, timeout: float = 10.0) -> list[str]:
    """Processes of the killed build outside its group: the search indexer (a process group of its own, with
    the build's command line) and its Pagefind. What still runs when the time is up."""

    def running() -> list[str]:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
            except (OSError, IndexError):
                continue
            if state != "Z" and (str(site) in command or "pagefind --service" in command):
                found.append(command)
        return found

    deadline = time.monotonic() + timeout
    while (left := running()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def pages(files: dict[str, bytes]) -> set[str]:
    """The output's files but the search bundle (SPEC §6 /pagefind/), whose files are named by their content."""
    return {rel_path for rel_path in files if not rel_path.startswith("pagefind/")}


def edit(site: Path) -> None:
    """A new site title (every page is rendered again, by the workers) and new text in some articles."""
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("News Monitor", "News Watch", 1), encoding="utf-8")
    for path in sorted((site / "content" / "articles").glob("*.md"))[:EDITED]:
        path.write_text(path.read_text(encoding="utf-8") + "\nA paragraph added by the edit.\n", encoding="utf-8")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_a_build_killed_at_any_moment_leaves_no_process_and_a_complete_output(tmp_path: Path) -> None:
    site = make_corpus(tmp_path / "site", 300)
    output = site / "build"
    run_ssg("build", "--site", str(site), "--jobs", "2", check=True)
    old = tree(output)
    originals = {p: p.read_bytes() for p in [site / "site.toml", *(site / "content" / "articles").glob("*.md")]}
    edit(site)
    clean = tmp_path / "clean"
    run_ssg("build", "--site", str(site), "--output", str(clean), "--no-cache", "--jobs", "2", check=True)
    new = tree(clean)
    assert pages(new) == pages(old) and new != old  # the search bundle's files are named by their content

    measured = shutil.copytree(site, tmp_path / "measured", symlinks=True)
    started = time.monotonic()
    run_ssg("build", "--site", str(measured), "--jobs", "2", check=True)
    duration = time.monotonic() - started  # an uninterrupted build of the edit: the kills fall within it

    delays = random.Random(SEED)
    in_commit = 0
    for kill in range(KILLS):
        build = start_build(site)
        try:
            build.wait(delays.uniform(0.05, duration * 0.95))
        except subprocess.TimeoutExpired:
            build.kill()  # SIGKILL to the build alone: its workers must notice by themselves
        build.wait(10)
        left = wait_until_gone(build.pid)
        if left:
            os.killpg(build.pid, signal.SIGKILL)  # not left running after the test
        assert left == [], f"kill {kill}: processes left behind"
        assert strays(site) == [], f"kill {kill}: the search indexer or its Pagefind left behind"
        now = tree(output)
        assert pages(now) == pages(old), f"kill {kill}: files missing or stray in the output"
        assert now.keys() <= old.keys() | new.keys(), f"kill {kill}: stray files in the output"
        torn = [p for p, data in now.items() if data not in (old.get(p), new.get(p))]
        assert not torn, f"kill {kill}: files neither old nor new (half-written): {torn[:5]}"
        in_commit += any(".undo-" in name for name in beside(output))

    run_ssg("build", "--site", str(site), "--jobs", "2", check=True)
    assert tree(output) == new
    assert beside(output) == []
    for path, data in originals.items():  # back to the first version: the cache must know what the output holds
        path.write_bytes(data)
    run_ssg("build", "--site", str(site), "--jobs", "2", check=True)
    assert tree(output) == old
    print(f"{KILLS} kills over {duration:.2f} s builds, {in_commit} during a commit")


def test_a_build_killed_while_it_saves_its_cache_leaves_no_temporary_file_after_the_next(tmp_path: Path) -> None:
    """The cache is written to a temporary file while the build waits for its search index (165 MB at 10,000
    articles): a build killed then leaves it behind, and the next build that saves the cache removes it."""
    site = make_corpus(tmp_path / "site", 300)
    cache = site / ".ssg-cache"
    build = start_build(site)
    deadline = time.monotonic() + 120
    while build.poll() is None and not any(cache.glob("*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(10)
    assert wait_until_gone(build.pid) == [] and strays(site) == []
    left = [p.name for p in cache.iterdir() if ".pickle." in p.name]
    assert left, "the build was not killed while it saved its cache"
    edit(site)
    run_ssg("build", "--site", str(site), "--jobs", "2", check=True)
    assert [p.name for p in cache.iterdir() if ".pickle." in p.name] == [], f"left behind: {left}"
