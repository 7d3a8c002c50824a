"""Fixtures for the live-reload tests: servers on free ports, a no-op builder, raw SSE streams."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ssg.livereload import BuildResult, LiveReloadServer


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
