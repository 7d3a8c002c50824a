"""The HTTP side: files from the root under the base path, the injected script, the SSE stream (SPEC §8)."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from ssg.livereload.channel import Channel
from ssg.livereload.client import CLIENT_JS
from ssg.livereload.inject import inject_script, script_tag
from ssg.livereload.paths import content_type, resolve_url_path

RESERVED = "__livereload/"
KEEPALIVE_SECONDS = 10.0


@dataclass(frozen=True)
class SiteConfig:
    """What the handler serves: shared, read-only, by every request thread."""

    root: Path
    base_path: str  # starts and ends with '/'
    not_found: str  # '/'-separated path of the 404 page, relative to root
    channel: Channel
    log: Callable[[str], None]


class PreviewHTTPServer(ThreadingHTTPServer):
    """Daemon request threads that never block shutdown (SSE streams stay open for minutes)."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], config: SiteConfig) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.config = config
        super().__init__(address, PreviewHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away is normal; anything else is logged once, without a traceback spam."""
        exc = sys.exception()
        if not isinstance(exc, ConnectionError):
            self.config.log(f"preview server: error serving {client_address}: {exc!r}")


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD only; everything is Cache-Control: no-store so a preview is never stale."""

    server: PreviewHTTPServer
    server_version = "ssg-preview"

    def log_message(self, format: str, *args: object) -> None:
        """No per-request lines on stderr."""

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
        """Server-Sent Events until the client leaves or the server stops."""
        channel = self.server.config.channel
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        if head:
            return
        seq, messages = channel.hello()
        try:
            self.wfile.write(b"retry: 500\n\n")
            while messages is not None:
                chunk = b"".join(_frame(event, data) for _, event, data in messages) or b": keepalive\n\n"
                self.wfile.write(chunk)
                self.wfile.flush()
                seq = messages[-1][0] if messages else seq
                messages = channel.wait(seq, KEEPALIVE_SECONDS)
        except (ConnectionError, TimeoutError):
            return  # the page was closed or reloaded
        self.close_connection = True


def _frame(event: str, data: str) -> bytes:
    """One SSE message; data is single-line JSON."""
    return f"event: {event}\ndata: {data}\n\n".encode()


def _folder_location(path: str) -> str:
    """Where a folder URL without its slash redirects; never '//host' (an open redirect)."""
    return "/" + path.lstrip("/") + "/"
