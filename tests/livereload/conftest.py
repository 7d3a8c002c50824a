"""Fixtures for the live-reload tests: a real copying builder and a server on a free port."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ssg.livereload import BuildResult, LiveReloadServer


class CopyBuilder:
    """A small real builder: copies src/ into out/, reports which outputs changed.

    A source containing the word BROKEN is an error, reported like a diagnostic, and nothing is written.
    """

    def __init__(self, src: Path, out: Path) -> None:
        self.src = src
        self.out = out
        self.calls: list[frozenset[Path]] = []
        self.built = threading.Condition()

    def __call__(self, changed: frozenset[Path]) -> BuildResult:
        errors = []
        for path in sorted(self.src.rglob("*")):
            if path.is_file() and b"BROKEN" in path.read_bytes():
                lines = path.read_text().splitlines()
                line_no, line = next((i, text) for i, text in enumerate(lines, 1) if "BROKEN" in text)
                rel = path.relative_to(self.src.parent).as_posix()
                errors.append(f"{rel}:{line_no}:{line.index('BROKEN') + 1}: error: broken marker <b>here</b>")
        if errors:
            result = BuildResult(ok=False, error="\n".join(errors))
        else:
            written = []
            for path in sorted(self.src.rglob("*")):
                if not path.is_file():
                    continue
                rel = path.relative_to(self.src).as_posix()
                target = self.out / rel
                data = path.read_bytes()
                if not target.is_file() or target.read_bytes() != data:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
                    written.append(rel)
            result = BuildResult(ok=True, changed=tuple(written))
        with self.built:
            self.calls.append(changed)
            self.built.notify_all()
        return result

    def wait_for_calls(self, count: int, timeout: float = 10.0) -> None:
        """Block until the builder has run count times (fails loudly otherwise)."""
        with self.built:
            ok = self.built.wait_for(lambda: len(self.calls) >= count, timeout)
        assert ok, f"builder ran {len(self.calls)} times, expected {count} within {timeout}s"


@pytest.fixture
def make_server() -> Iterator[Callable[..., LiveReloadServer]]:
    """Start LiveReloadServers on free ports; all are stopped after the test."""
    servers: list[LiveReloadServer] = []

    def make(root: Path, builder: Callable[[frozenset[Path]], BuildResult], **kwargs) -> LiveReloadServer:
        kwargs.setdefault("port", 0)
        kwargs.setdefault("log", lambda message: None)
        server = LiveReloadServer(root, builder, **kwargs)
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def noop_builder() -> Callable[[frozenset[Path]], BuildResult]:
    """A builder with nothing to do."""
    return lambda changed: BuildResult(ok=True)


class EventStream:
    """A raw Server-Sent Events connection to the preview server."""

    def __init__(self, port: int, base: str = "/") -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", base + "__livereload/events")
        self.response = conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"

    def read_event(self) -> tuple[str, dict]:
        """The next message (retry lines and keepalive comments skipped); bounded by the socket timeout."""
        event, data = "", ""
        while True:
            line = self.response.fp.readline().decode()
            assert line, "stream ended"
            line = line.rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif not line and event:
                return event, json.loads(data)


@pytest.fixture
def open_events() -> Callable[..., EventStream]:
    """Open an SSE connection: open_events(port, base='/')."""
    return EventStream
