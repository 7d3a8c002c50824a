"""The HTTP side: files from the root under the base path, the injected script, the SSE stream (SPEC §8)."""

from __future__ import annotations

import io
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.client import LineTooLong
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from ssg.livereload.channel import Channel
from ssg.livereload.client import CLIENT_JS
from ssg.livereload.inject import inject_script, script_tag
from ssg.livereload.limits import MAX_CONNECTIONS, MAX_STREAMS, Gauge, HeadReader, client_gone
from ssg.livereload.paths import content_type, resolve_url_path

RESERVED = "__livereload/"
KEEPALIVE_SECONDS = 10.0
POLL_SECONDS = 1.0  # how soon an event stream notices its client left (counted in `streams`)


@dataclass(frozen=True)
class SiteConfig:
    """What the handler serves: shared, read-only, by every request thread."""

    root: Path
    base_path: str  # starts and ends with '/'
    not_found: str  # '/'-separated path of the 404 page, relative to root
    channel: Channel
    log: Callable[[str], None]


class PreviewHTTPServer(ThreadingHTTPServer):
    """Daemon request threads that never block shutdown (SSE streams stay open for minutes); open connections
    and event streams counted against caps (`limits.py`), so no client can exhaust threads or memory."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024  # the listen backlog: a burst of connections waits instead of SYNs being dropped

    def __init__(self, address: tuple[str, int], config: SiteConfig) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.config = config
        self.connections = Gauge(MAX_CONNECTIONS)
        self.streams = Gauge(MAX_STREAMS)
        super().__init__(address, PreviewHandler)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        """A thread per connection while there are places; beyond the cap the connection is closed at once."""
        if not self.connections.enter():
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.leave()

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away, was too slow or sent too much is normal; anything else is logged once,
        without a traceback spam."""
        exc = sys.exception()
        if not isinstance(exc, (ConnectionError, TimeoutError, LineTooLong)):
            self.config.log(f"preview server: error serving {client_address}: {exc!r}")


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD only; everything is Cache-Control: no-store so a preview is never stale."""

    server: PreviewHTTPServer
    server_version = "ssg-preview"

    def log_message(self, format: str, *args: object) -> None:
        """No per-request lines on stderr."""

    def setup(self) -> None:
        """Requests are read through a HeadReader: a deadline and a byte budget for each request head."""
        super().setup()
        self.rfile.close()  # the plain reader: a socket is only really closed once all its readers are
        self.head = HeadReader(self.connection)
        self.rfile = io.BufferedReader(self.head)

    def handle_one_request(self) -> None:
        self.head.start_head()
        super().handle_one_request()

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        self.head.end_head()
        return parsed

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        config = self.server.config
        base = config.base_path
        path, _, query = self.path.partition("?")
        path = path.partition("#")[0]
        if not path.startswith("/"):
            self._send(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", b"Bad request\n", head)
            return
        if path == base + RESERVED + "events":
            self._stream_events(head)
            return
        if path == base + RESERVED + "client.js":
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", CLIENT_JS.encode(), head)
            return
        if base != "/" and path in ("/", base[:-1]):
            status = HTTPStatus.FOUND if path == "/" else HTTPStatus.MOVED_PERMANENTLY
            self._redirect(status, base, query, head)
            return
        if not path.startswith(base):
            self._not_found(head)
            return
        rel = path[len(base) :]
        target = resolve_url_path(config.root, rel)
        if target is not None and target.is_dir():
            if not path.endswith("/"):
                self._redirect(HTTPStatus.MOVED_PERMANENTLY, _folder_location(path), query, head)
                return
            target = resolve_url_path(config.root, rel + "index.html")
        elif path.endswith("/"):
            target = None  # 'page.html/' names no folder
        if target is None or not self._send_file(target, HTTPStatus.OK, head):
            self._not_found(head)

    def _send_file(self, path: Path, status: HTTPStatus, head: bool) -> bool:
        """Send a file (HTML with the reload script); False when it is not a readable regular file."""
        try:
            if not path.is_file():
                return False
            body = path.read_bytes()
        except OSError:
            return False
        ctype = content_type(path)
        if ctype.startswith("text/html"):
            config = self.server.config
            body = inject_script(body, script_tag(config.base_path, config.channel.version))
        self._send(status, ctype, body, head)
        return True

    def _not_found(self, head: bool) -> None:
        """The root's 404 page with status 404, or a plain text one when there is none."""
        config = self.server.config
        page = resolve_url_path(config.root, quote(config.not_found)) if config.not_found else None
        if page is None or not self._send_file(page, HTTPStatus.NOT_FOUND, head):
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"404 Not Found\n", head)

    def _redirect(self, status: HTTPStatus, location: str, query: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Location", location + ("?" + query if query else ""))
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _send(self, status: HTTPStatus, ctype: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _stream_events(self, head: bool) -> None:
        """Server-Sent Events until the client leaves or the server stops; at most MAX_STREAMS at once."""
        streams = self.server.streams
        if not streams.enter():
            self.send_response(HTTPStatus.SERVICE_UNAVAILABLE)
            self.send_header("Retry-After", "5")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            self._send_events(head)
        finally:
            streams.leave()
        self.close_connection = True

    def _send_events(self, head: bool) -> None:
        channel = self.server.config.channel
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        if head:
            return
        seq, messages = channel.hello()
        quiet_since = time.monotonic()
        try:
            self.wfile.write(b"retry: 500\n\n")
            while messages is not None:
                if messages:
                    self.wfile.write(b"".join(_frame(event, data) for _, event, data in messages))
                    seq, quiet_since = messages[-1][0], time.monotonic()
                elif client_gone(self.connection):
                    return  # the page was closed or reloaded
                elif time.monotonic() - quiet_since >= KEEPALIVE_SECONDS:
                    self.wfile.write(b": keepalive\n\n")
                    quiet_since = time.monotonic()
                self.wfile.flush()
                messages = channel.wait(seq, POLL_SECONDS)
        except (ConnectionError, TimeoutError):
            return  # the page was closed or reloaded, or stopped reading


def _frame(event: str, data: str) -> bytes:
    """One SSE message; data is single-line JSON."""
    return f"event: {event}\ndata: {data}\n\n".encode()


def _folder_location(path: str) -> str:
    """Where a folder URL without its slash redirects; never '//host' (an open redirect)."""
    return "/" + path.lstrip("/") + "/"
