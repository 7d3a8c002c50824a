"""The HTTP side over real sockets: safety, 404 page, redirects, content types, base path, SSE, shutdown."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from ssg.livereload import LiveReloadServer, PortInUseError

SECRET = b"TOP-SECRET-OUTSIDE-ROOT"
NOT_FOUND_BODY = b"<html><body><h1>Custom not found</h1></body></html>"


def raw_get(port: int, target: bytes, method: bytes = b"GET") -> tuple[int, dict[str, str], bytes]:
    """Send one request line exactly as given (no client-side normalisation) and read the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(method + b" " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An output folder beside a secret file it must never serve."""
    (tmp_path / "secret.txt").write_bytes(SECRET)
    root = tmp_path / "out"
    (root / "posts" / "hello").mkdir(parents=True)
    (root / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
    (root / "posts" / "hello" / "index.html").write_text("<!doctype html><p>Hello</p>")
    (root / "404.html").write_bytes(NOT_FOUND_BODY)
    (root / "site.css").write_text("h1 { color: red }")
    (root / "feed.xml").write_text("<rss/>")
    (root / "data.bin").write_bytes(bytes(range(256)))
    (root / "noindex").mkdir()
    os.symlink(tmp_path / "secret.txt", root / "escape.txt")
    os.symlink(tmp_path, root / "escape-dir")
    return root


@pytest.fixture
def port(site: Path, make_server, noop_builder) -> int:
    return make_server(site, noop_builder).port


@pytest.mark.parametrize(
    "target",
    [
        b"/../secret.txt",
        b"/../../../../etc/passwd",
        b"/posts/../../secret.txt",
        b"/%2e%2e/secret.txt",
        b"/%2e%2e/%2e%2e/etc/passwd",
        b"/%2E%2E%2Fsecret.txt",
        b"/..%2fsecret.txt",
        b"/%252e%252e/secret.txt",
        b"/%252e%252e%252fsecret.txt",
        b"/..%5csecret.txt",
        b"/..%5c..%5cetc/passwd",
        b"/..\\secret.txt",
        b"/posts\\..\\..\\secret.txt",
        b"/index.html%00",
        b"/%00/../secret.txt",
        b"/escape.txt",
        b"/escape-dir/secret.txt",
        b"/escape-dir/",
        b"//etc/passwd",
    ],
)
@pytest.mark.parametrize("method", [b"GET", b"HEAD"])
def test_nothing_outside_root_is_served(port: int, target: bytes, method: bytes) -> None:
    status, _, body = raw_get(port, target, method)
    assert status in (400, 404)
    assert SECRET not in body
    assert b"root:" not in body


def test_unknown_path_gets_the_404_page(port: int) -> None:
    status, headers, body = raw_get(port, b"/no/such/page.html")
    assert status == 404
    assert body.startswith(NOT_FOUND_BODY[: -len(b"</body></html>")])
    assert b"__livereload/client.js" in body
    assert headers["content-length"] == str(len(body))


def test_folder_without_index_is_404_not_a_listing(port: int) -> None:
    status, _, body = raw_get(port, b"/noindex/")
    assert status == 404
    assert b"Custom not found" in body


def test_plain_404_when_the_site_has_no_404_page(site: Path, make_server, noop_builder) -> None:
    (site / "404.html").unlink()
    server = make_server(site, noop_builder)
    status, headers, body = raw_get(server.port, b"/missing")
    assert (status, body) == (404, b"404 Not Found\n")
    assert headers["content-type"] == "text/plain; charset=utf-8"


def test_a_file_url_with_a_trailing_slash_is_404(port: int) -> None:
    assert raw_get(port, b"/index.html/")[0] == 404


def test_serve_forever_blocks_until_stop(site: Path, noop_builder) -> None:
    server = LiveReloadServer(site, noop_builder, port=0, log=lambda message: None)
    server.start()  # binds; serve_forever() then only blocks
    runner = threading.Thread(target=server.serve_forever)
    runner.start()
    try:
        assert raw_get(server.port, b"/index.html")[0] == 200
        assert runner.is_alive()
    finally:
        server.stop()
        runner.join(5)
    assert not runner.is_alive(), "serve_forever() did not return after stop()"


def test_folder_without_slash_redirects(port: int) -> None:
    status, headers, _ = raw_get(port, b"/posts/hello?x=1")
    assert status == 301
    assert headers["location"] == "/posts/hello/?x=1"
    status, _, body = raw_get(port, b"/posts/hello/")
    assert status == 200
    assert body.startswith(b"<!doctype html><p>Hello</p>")


@pytest.mark.parametrize(
    ("target", "ctype"),
    [
        (b"/", "text/html; charset=utf-8"),
        (b"/index.html", "text/html; charset=utf-8"),
        (b"/site.css", "text/css; charset=utf-8"),
        (b"/feed.xml", "application/xml; charset=utf-8"),
        (b"/data.bin", "application/octet-stream"),
        (b"/__livereload/client.js", "text/javascript; charset=utf-8"),
    ],
)
def test_content_types_and_no_store(port: int, target: bytes, ctype: str) -> None:
    status, headers, body = raw_get(port, target)
    assert status == 200
    assert headers["content-type"] == ctype
    assert headers["cache-control"] == "no-store"
    assert headers["content-length"] == str(len(body))


def test_head_sends_headers_only(port: int) -> None:
    _, get_headers, get_body = raw_get(port, b"/index.html")
    status, headers, body = raw_get(port, b"/index.html", b"HEAD")
    assert (status, body) == (200, b"")
    assert headers["content-length"] == get_headers["content-length"] == str(len(get_body))


def test_only_html_gets_the_script_and_the_file_on_disk_stays_clean(site: Path, port: int) -> None:
    _, _, html = raw_get(port, b"/index.html")
    assert html.endswith(b"</script></body></html>")
    assert b"__livereload/client.js" in html
    assert b"__livereload" not in (site / "index.html").read_bytes()
    _, _, css = raw_get(port, b"/site.css")
    assert css == b"h1 { color: red }"
    _, _, binary = raw_get(port, b"/data.bin")
    assert binary == bytes(range(256))


def test_base_path_prefix(site: Path, make_server, noop_builder) -> None:
    server = make_server(site, noop_builder, base_path="/monitor/")
    assert server.url == f"http://127.0.0.1:{server.port}/monitor/"
    status, headers, _ = raw_get(server.port, b"/")
    assert (status, headers["location"]) == (302, "/monitor/")
    status, headers, _ = raw_get(server.port, b"/monitor")
    assert (status, headers["location"]) == (301, "/monitor/")
    status, _, body = raw_get(server.port, b"/monitor/")
    assert status == 200 and b"<h1>Home</h1>" in body
    assert b'src="/monitor/__livereload/client.js"' in body
    assert raw_get(server.port, b"/monitor/site.css")[0] == 200
    status, _, body = raw_get(server.port, b"/site.css")
    assert status == 404 and b"Custom not found" in body
    assert raw_get(server.port, b"/monitor/../secret.txt")[0] == 404
    assert raw_get(server.port, b"/monitor/__livereload/client.js")[0] == 200


def test_only_get_and_head(port: int) -> None:
    assert raw_get(port, b"/index.html", b"POST")[0] == 501


def test_port_in_use_is_a_clear_error(site: Path, make_server, noop_builder) -> None:
    first = make_server(site, noop_builder)
    second = LiveReloadServer(site, noop_builder, port=first.port)
    with pytest.raises(PortInUseError, match=f"port {first.port} .* already in use"):
        second.start()


def test_event_stream_messages(site: Path, make_server, noop_builder, open_events) -> None:
    server = make_server(site, noop_builder)
    stream = open_events(server.port)
    assert stream.read_event() == ("hello", {"version": server.version})
    first_version = server.version
    server.set_error("content/a.md:3:7: error: unknown actor 'x'")
    assert stream.read_event() == ("error", {"text": "content/a.md:3:7: error: unknown actor 'x'"})
    late = open_events(server.port)  # a page opened while the error is pending sees it at once
    assert late.read_event()[0] == "hello"
    assert late.read_event() == ("error", {"text": "content/a.md:3:7: error: unknown actor 'x'"})
    server.set_error(None)
    assert stream.read_event() == ("clear", {})
    server.reload(["css/site.css"])
    event, data = stream.read_event()
    assert (event, data["changed"]) == ("css", ["css/site.css"])
    assert data["version"] == server.version != first_version
    server.reload(["index.html", "site.css"])
    assert stream.read_event()[0] == "reload"


def test_versions_differ_between_server_runs(site: Path, make_server, noop_builder) -> None:
    assert make_server(site, noop_builder).version != make_server(site, noop_builder).version


def test_stop_ends_open_event_streams_promptly(site: Path, noop_builder, open_events) -> None:
    server = LiveReloadServer(site, noop_builder, port=0, log=lambda message: None)
    server.start()
    streams = [open_events(server.port) for _ in range(3)]
    for stream in streams:
        assert stream.read_event()[0] == "hello"
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    stopper.join(5)
    assert not stopper.is_alive(), "stop() hung with open event streams"
    for stream in streams:
        assert stream.response.fp.read() == b""  # the server closed the stream
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
