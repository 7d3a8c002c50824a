"""Pure logic, no threads: script injection, change classification, ignore rules, path safety."""

from __future__ import annotations

import ast
import os
import socket
from pathlib import Path

import pytest

from ssg.livereload import classify_changes, content_type, inject_script, is_ignored, resolve_url_path
from ssg.livereload.channel import Channel
from ssg.livereload.inject import script_tag
from ssg.livereload.limits import client_gone
from ssg.livereload.server import normalize_base_path

S = b"<script>R</script>"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (b"<html><body><p>x</p></body></html>", b"<html><body><p>x</p><script>R</script></body></html>"),
        (b"<HTML><BODY>x</BODY></HTML>", b"<HTML><BODY>x<script>R</script></BODY></HTML>"),
        (b"<body>x</Body >", b"<body>x<script>R</script></Body >"),
        (b"<html><p>no body</p></html>", b"<html><p>no body</p><script>R</script></html>"),
        (b"<p>fragment</p>", b"<p>fragment</p><script>R</script>"),
        (b"", b"<script>R</script>"),
        (
            b"<body><script>var s = '</body>';</script><!-- </body> --></body>",
            b"<body><script>var s = '</body>';</script><!-- </body> --><script>R</script></body>",
        ),
        (
            b"<body>x</body><!-- old </body> -->\n</html>",
            b"<body>x<script>R</script></body><!-- old </body> -->\n</html>",
        ),
        (b"<body>x</bodyguard>", b"<body>x</bodyguard><script>R</script>"),
        ("<body>é – ü</body>".encode(), "<body>é – ü<script>R</script></body>".encode()),
    ],
)
def test_inject_script_places_script_before_the_last_real_body_end(html: bytes, expected: bytes) -> None:
    assert inject_script(html, S) == expected


def test_script_tag_escapes_attributes() -> None:
    tag = script_tag('/a"b/', "v1.2")
    assert tag.startswith(b'<script src="/a&quot;b/__livereload/client.js"')
    assert b'data-version="v1.2"' in tag


@pytest.mark.parametrize(
    ("changed", "kind"),
    [
        ((), None),
        (("",), None),
        (("css/site.css",), "css"),
        (("a.css", "b/MAIN.CSS"), "css"),
        (("a.css", "index.html"), "reload"),
        (("feed.xml",), "reload"),
        (("style.css.map",), "reload"),
    ],
)
def test_classify_changes(changed: tuple[str, ...], kind: str | None) -> None:
    assert classify_changes(changed) == kind


@pytest.mark.parametrize(
    "path",
    [
        "/s/content/.post.md.swp",
        "/s/content/post.md~",
        "/s/content/.#post.md",
        "/s/content/4913",
        "/s/.DS_Store",
        "/s/x.tmp",
        "/s/#post.md#",
        "/s/.git/index",
        "/s/a/__pycache__/m.pyc",
    ],
)
def test_editor_noise_is_ignored(path: str) -> None:
    assert is_ignored(path)


@pytest.mark.parametrize("path", ["/s/content/post.md", "/s/site.toml", "/s/templates/base.html", "/s/4913.md"])
def test_sources_are_not_ignored(path: str) -> None:
    assert not is_ignored(path)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "root" / "sub").mkdir(parents=True)
    (tmp_path / "root" / "sub" / "a b.html").write_text("x")
    (tmp_path / "secret.txt").write_text("outside")
    return tmp_path / "root"


@pytest.mark.parametrize(
    "url_path",
    [
        "../secret.txt",
        "sub/../../secret.txt",
        "%2e%2e/secret.txt",
        "%2E%2E%2fsecret.txt",
        "sub%2f..%2f..%2fsecret.txt",
        "..%5csecret.txt",
        "sub\\..\\..\\secret.txt",
        "index.html%00.txt",
        "a\x00b",
        "%ff%fe",
    ],
)
def test_resolve_url_path_refuses_traversal(root: Path, url_path: str) -> None:
    assert resolve_url_path(root, url_path) is None


def test_resolve_url_path_decodes_once(root: Path) -> None:
    # '%252e%252e' is the literal name '%2e%2e', a missing file inside root, not '..'.
    resolved = resolve_url_path(root, "%252e%252e/secret.txt")
    assert resolved == root.resolve() / "%2e%2e" / "secret.txt"


def test_resolve_url_path_maps_inside_paths(root: Path) -> None:
    real = root.resolve()
    assert resolve_url_path(root, "sub/a%20b.html") == real / "sub" / "a b.html"
    assert resolve_url_path(root, "") == real
    assert resolve_url_path(root, "./sub//x/") == real / "sub" / "x"


def test_resolve_url_path_refuses_symlink_escape(root: Path) -> None:
    os.symlink(root.parent / "secret.txt", root / "link.txt")
    os.symlink(root.parent, root / "updir")
    os.symlink(root / "sub" / "a b.html", root / "inside.html")
    assert resolve_url_path(root, "link.txt") is None
    assert resolve_url_path(root, "updir/secret.txt") is None
    assert resolve_url_path(root, "inside.html") == root.resolve() / "inside.html"


@pytest.mark.parametrize(
    ("name", "ctype"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("site.css", "text/css; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("feed.xml", "application/xml; charset=utf-8"),
        ("data.json", "application/json; charset=utf-8"),
        ("logo.svg", "image/svg+xml; charset=utf-8"),
        ("photo.JPG", "image/jpeg"),
        ("font.woff2", "font/woff2"),
        ("blob.unknownext", "application/octet-stream"),
    ],
)
def test_content_type(name: str, ctype: str) -> None:
    assert content_type(Path(name)) == ctype


@pytest.mark.parametrize(("given", "base"), [("", "/"), ("/", "/"), ("monitor", "/monitor/"), ("/a/b/", "/a/b/")])
def test_normalize_base_path(given: str, base: str) -> None:
    assert normalize_base_path(given) == base


def test_channel_versions_errors_and_backlog() -> None:
    channel = Channel("run1", backlog=2)
    seq, hello = channel.hello()
    assert [event for _, event, _ in hello] == ["hello"]
    assert '"run1.0"' in hello[0][2]
    channel.set_error("a.md:1:1: error: x")
    channel.set_error(None)
    channel.set_error(None)  # clearing twice sends one 'clear'
    assert [event for _, event, _ in channel.wait(seq, 0)] == ["error", "clear"]
    channel.publish_change("css", ["a.css"])
    assert channel.version == "run1.1"
    # seq 0 has fallen out of a backlog of two: the client is told to reload.
    assert [event for _, event, _ in channel.wait(seq, 0)] == ["reload"]
    channel.set_error("boom")
    _, hello = channel.hello()
    assert [event for _, event, _ in hello] == ["hello", "error"]
    channel.close()
    assert channel.wait(seq, 0) is None


def test_livereload_imports_nothing_else_from_ssg() -> None:
    """Layer 0 (STYLE.md): the package works with any builder, so it must not reach into ssg."""
    package = Path(__file__).parents[2] / "ssg" / "livereload"
    upward = []
    for module in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(), str(module))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = ["." * node.level + (node.module or "")]
            for name in names:
                leaves = name.startswith("..")  # a relative import above the package
                if leaves or (name.split(".")[0] == "ssg" and not name.startswith("ssg.livereload")):
                    upward.append(f"{module.name}:{node.lineno}: imports {name}")
    assert package.is_dir() and not upward


def test_an_event_stream_with_a_write_timeout_sees_its_client_as_present_until_it_leaves() -> None:
    """The stream's socket carries a write timeout; the check for a departed client must not wait on it (it did:
    Python polls up to a socket's timeout before any recv, so a quiet, present client counted as gone, its
    stream closed, and a reload published meanwhile reached the page only after it reconnected)."""
    server_side, client_side = socket.socketpair()
    with server_side, client_side:
        server_side.settimeout(2.0)
        assert client_gone(server_side) is False
        assert server_side.gettimeout() == 2.0  # the write timeout is kept
        client_side.close()
        assert client_gone(server_side) is True
