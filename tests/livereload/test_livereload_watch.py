"""Watching and rebuilding: bursts coalesce, nothing is lost during a build, crashes are survived."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from watchdog.events import DirModifiedEvent, FileClosedEvent, FileModifiedEvent, FileMovedEvent

from ssg.livereload import BuildResult
from ssg.livereload.watcher import Rebuilder, event_paths


class Recorder:
    """A builder that records the batches it is given; optionally blocks in its first call."""

    def __init__(self, block_first: bool = False) -> None:
        self.calls: list[frozenset[Path]] = []
        self.cond = threading.Condition()
        self.in_build = threading.Event()
        self.release = threading.Event()
        if not block_first:
            self.release.set()

    def __call__(self, changed: frozenset[Path]) -> BuildResult:
        self.in_build.set()
        assert self.release.wait(10), "test never released the build"
        with self.cond:
            self.calls.append(changed)
            self.cond.notify_all()
        return BuildResult(ok=True, changed=("index.html",))

    def wait_until(self, predicate, timeout: float = 10.0) -> None:
        with self.cond:
            ok = self.cond.wait_for(lambda: predicate(self.calls), timeout)
        assert ok, f"condition never met; builder calls: {self.calls}"


def covered(expected: set[Path]):
    return lambda calls: expected <= set().union(*calls)


def test_event_paths_counts_the_rename_target() -> None:
    assert event_paths(FileMovedEvent("/s/post.md.tmp", "/s/post.md")) == [Path("/s/post.md")]
    assert event_paths(FileMovedEvent("/s/a.md", "/s/b.md")) == [Path("/s/a.md"), Path("/s/b.md")]
    assert event_paths(FileModifiedEvent("/s/.post.md.swp")) == []
    assert event_paths(DirModifiedEvent("/s/content")) == []
    assert event_paths(FileClosedEvent("/s/post.md")) == []
    assert event_paths(FileModifiedEvent("/s/post.md")) == [Path("/s/post.md")]


def test_events_during_a_build_give_exactly_one_more_build() -> None:
    recorder = Recorder(block_first=True)
    results: list[BuildResult] = []
    rebuilder = Rebuilder(recorder, results.append, debounce=0.05, log=lambda message: None)
    rebuilder.start()
    try:
        rebuilder.add([Path("/s/a.md")])
        assert recorder.in_build.wait(10), "first build never started"
        rebuilder.add([Path("/s/b.md")])
        rebuilder.add([Path("/s/c.md"), Path("/s/b.md")])
        recorder.release.set()
        recorder.wait_until(lambda calls: len(calls) == 2)
    finally:
        rebuilder.stop()
    assert recorder.calls == [frozenset({Path("/s/a.md")}), frozenset({Path("/s/b.md"), Path("/s/c.md")})]


def test_a_raising_builder_becomes_a_failed_build() -> None:
    def broken(changed: frozenset[Path]) -> BuildResult:
        raise ValueError("content/a.md: cannot parse")

    logged: list[str] = []
    result = Rebuilder(broken, print, 0.0, logged.append).build(frozenset())
    assert result == BuildResult(ok=False, error="ValueError: content/a.md: cannot parse")
    assert "Traceback" in logged[0]  # the whole traceback goes to the terminal log
    assert Rebuilder(lambda changed: None, print, 0.0, logged.append).build(frozenset()).ok is False


@pytest.fixture
def src(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "out").mkdir()
    return tmp_path / "src"


def test_a_burst_of_saves_gives_one_rebuild_with_every_path(src: Path, make_server) -> None:
    recorder = Recorder()
    server = make_server(src.parent / "out", recorder, watch=[src], debounce=0.3)
    expected = {(src / "content").resolve()}  # the new folder is a change too
    for index in range(50):
        path = src / "content" / f"post-{index:02}.md" if index % 2 else src / f"page-{index:02}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"post {index}\n")
        expected.add(path.resolve())
    # An editor's safe save: write a temp file, then rename it over the real one.
    temp = src / "article.md.tmp"
    temp.write_text("new text\n")
    os.replace(temp, src / "article.md")
    expected.add((src / "article.md").resolve())
    (src / ".article.md.swp").write_text("swap")
    (src / "4913").write_text("")
    (src / "4913").unlink()

    recorder.wait_until(covered(expected))
    server.stop()  # no further builds: count what happened
    assert 1 <= len(recorder.calls) <= 2, recorder.calls
    everything = set().union(*recorder.calls)
    assert everything == expected  # noise and the temp name are not there


def test_a_change_during_a_build_is_not_lost(src: Path, make_server) -> None:
    recorder = Recorder(block_first=True)
    make_server(src.parent / "out", recorder, watch=[src], debounce=0.05)
    (src / "a.md").write_text("a")
    assert recorder.in_build.wait(10), "first build never started"
    (src / "b.md").write_text("b")
    recorder.release.set()
    recorder.wait_until(covered({(src / "b.md").resolve()}))
    assert (src / "a.md").resolve() in recorder.calls[0]


def test_a_watched_file_ignores_its_siblings_and_the_output_folder(src: Path, make_server) -> None:
    out = src / "_site"  # output inside a watched folder must not trigger rebuild loops
    out.mkdir()
    recorder = Recorder()
    make_server(out, recorder, watch=[src / "site.toml", src / "content"], debounce=0.2)
    (src / "content").mkdir()  # created after start: seen through the parent folder
    (src / "notes.txt").write_text("unwatched sibling")
    (out / "index.html").write_text("output")
    (src / "site.toml").write_text("title = 'x'")
    expected = {(src / "site.toml").resolve(), (src / "content").resolve()}
    recorder.wait_until(covered(expected))
    assert set().union(*recorder.calls) == expected


def test_the_server_survives_a_crashing_builder(src: Path, make_server, open_events) -> None:
    outcomes = iter([RuntimeError("template exploded"), BuildResult(ok=True, changed=("a.html",))])

    def flaky(changed: frozenset[Path]) -> BuildResult:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    server = make_server(src.parent / "out", flaky, watch=[src], debounce=0.2)
    stream = open_events(server.port)
    assert stream.read_event()[0] == "hello"
    (src / "a.md").write_text("1")
    assert stream.read_event() == ("error", {"text": "RuntimeError: template exploded"})
    (src / "a.md").write_text("2")
    assert stream.read_event() == ("clear", {})
    event, data = stream.read_event()
    assert (event, data["changed"]) == ("reload", ["a.html"])
