"""The preview server under abuse (issue 13, SPEC §8): slow clients, malformed and huge requests and many open
event streams never stop it answering an ordinary request; connections and streams are counted and go away
with their clients. Only 127.0.0.1; no timing assertions: "answers before a generous timeout" only."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ssg.cli import main as cli_main
from ssg.livereload import LiveReloadServer, limits
from ssg.livereload import handler as handler_module

GENEROUS = 10.0  # seconds: a wait that only a stuck server exceeds
SLOW_CLIENTS = 60
STREAMS = 40
MALFORMED = [
    b"\x00\xff\xfe garbage\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /%zz%%/..%2f HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",  # one header over 64 KiB
    b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"b" * 1000) for i in range(80)) + b"\r\n",  # 80 KiB
    b"GET /" + b"c" * 70_000 + b" HTTP/1.1\r\n\r\n",  # a request line over 64 KiB
]
ODD = [b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", b"GET / HTTP/1.1\r\n"]  # answered or not


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    root.mkdir()
    (root / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
    return root


def get_home(port: int) -> int:
    """An ordinary page request; its status (raises if the server does not answer before GENEROUS)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=GENEROUS)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status
    finally:
        conn.close()


def send_raw(port: int, payload: bytes) -> bytes:
    """Send bytes as they are; what comes back before the server closes (bounded by GENEROUS)."""
    with socket.create_connection(("127.0.0.1", port), timeout=GENEROUS) as sock:
        with contextlib.suppress(ConnectionError):  # it may answer and close before reading it all
            sock.sendall(payload)
        reply = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            reply += chunk
            if reply.startswith(b"HTTP/") and b"\r\n\r\n" in reply:
                break
    return reply


def wait_for(condition: Callable[[], bool], timeout: float = GENEROUS) -> bool:
    """A bounded wait for a condition of the server's state (its counters have no event to wait on)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        threading.Event().wait(0.02)
    return True


def slowloris(port: int) -> socket.socket:
    """A connection that sent the start of a request head and then nothing more."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=GENEROUS)
    sock.sendall(b"GET / HTTP/1.1\r\nHo")
    return sock


def test_ordinary_requests_are_answered_while_clients_misbehave(site: Path, make_server, noop_builder, open_events):
    server: LiveReloadServer = make_server(site, noop_builder)
    port = server.port
    threads_before = threading.active_count()
    slow = [slowloris(port) for _ in range(SLOW_CLIENTS)]
    streams = [open_events(port) for _ in range(STREAMS)]
    assert wait_for(lambda: server.open_streams == STREAMS)
    assert get_home(port) == 200
    for payload in MALFORMED:
        reply = send_raw(port, payload)
        served = reply.startswith(b"HTTP/") and reply.split(b" ")[1].startswith(b"2")
        assert not served, (payload[:40], reply[:80])  # refused (an HTTP/0.9-looking one gets a bare error page)
        assert get_home(port) == 200
    for payload in ODD:
        send_raw(port, payload)
        assert get_home(port) == 200
    assert send_raw(port, MALFORMED[5]).startswith(b"HTTP/1.0 431")

    for sock in slow:  # each is cut off at its head's deadline, without a byte of reply
        assert sock.recv(1) == b""
        sock.close()
    for stream in streams:
        stream.response.close()
    assert wait_for(lambda: server.open_streams == 0 and server.open_connections == 0), (
        f"{server.open_streams} streams and {server.open_connections} connections still open"
    )
    assert wait_for(lambda: threading.active_count() <= threads_before), "request threads left behind"
    assert get_home(port) == 200


def test_a_client_sending_its_head_a_byte_at_a_time_is_cut_off_at_the_deadline(site: Path, make_server, noop_builder):
    port = make_server(site, noop_builder).port
    with socket.create_connection(("127.0.0.1", port), timeout=GENEROUS) as sock:
        started = time.monotonic()
        head = b"GET / HTTP/1.1\r\nX-Drip: " + b"d" * 10_000
        closed = False
        for byte in head:  # a byte every 50 ms: each recv is quick, the head as a whole is not
            try:
                sock.sendall(bytes([byte]))
            except (ConnectionError, BrokenPipeError):
                closed = True
                break
            threading.Event().wait(0.05)
            if time.monotonic() - started > limits.HEAD_SECONDS + GENEROUS:
                break
        assert closed or sock.recv(1) == b"", "the server kept waiting for a head that never ends"
    assert get_home(port) == 200


def test_event_streams_beyond_the_cap_get_503(site: Path, make_server, noop_builder, open_events, monkeypatch):
    monkeypatch.setattr(handler_module, "MAX_STREAMS", 3)
    server = make_server(site, noop_builder)
    streams = [open_events(server.port) for _ in range(3)]
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=GENEROUS)
    conn.request("GET", "/__livereload/events")
    refused = conn.getresponse()
    assert refused.status == 503 and refused.getheader("Retry-After")
    conn.close()
    assert get_home(server.port) == 200
    streams[0].response.close()
    assert wait_for(lambda: server.open_streams == 2)  # the closed tab's place is free again
    open_events(server.port)


def test_connections_beyond_the_cap_are_closed_at_once(site: Path, make_server, noop_builder, monkeypatch):
    monkeypatch.setattr(handler_module, "MAX_CONNECTIONS", 4)
    server = make_server(site, noop_builder)
    held = [slowloris(server.port) for _ in range(4)]
    assert wait_for(lambda: server.open_connections == 4)
    assert send_raw(server.port, b"GET / HTTP/1.0\r\n\r\n") == b""  # closed without a thread of its own
    for sock in held:
        sock.close()
    assert wait_for(lambda: server.open_connections == 0)
    assert get_home(server.port) == 200


def test_two_hundred_concurrent_clients_are_all_answered(site: Path, make_server, noop_builder):
    port = make_server(site, noop_builder).port
    statuses: list[int] = []
    lock = threading.Lock()

    def client() -> None:
        status = get_home(port)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=client) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(GENEROUS * 3)
    assert statuses == [200] * 200


def test_it_binds_loopback_unless_told_otherwise(site: Path, make_server, noop_builder):
    assert make_server(site, noop_builder).bound_address[0] == "127.0.0.1"
    assert make_server(site, noop_builder, host="127.0.0.2").bound_address[0] == "127.0.0.2"  # --host is obeyed
    host = next(p for p in cli_main.commands["serve"].params if p.name == "host")
    assert host.default == "127.0.0.1"
