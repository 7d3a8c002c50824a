"""Map request paths to files under the served root, refusing anything that would leave it (SPEC §8)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote

# Fixed types for the web formats, so a machine's /etc/mime.types cannot change what a preview serves.
WEB_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
}
_TEXT_APPLICATION = ("json", "xml", "javascript")


def resolve_url_path(root: Path, url_path: str) -> Path | None:
    """The file a URL path names under root, or None when it is malformed or would leave root.

    url_path is relative to the base path, without query, still percent-encoded. It is decoded exactly
    once (so '%252e' stays a literal '%2e'); NUL, backslashes, '..' segments and symlinks resolving
    outside root are refused.
    """
    try:
        decoded = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [part for part in decoded.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    real_root = root.resolve()
    candidate = real_root.joinpath(*parts)
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):  # symlink loops, unreadable components
        return None
    if not resolved.is_relative_to(real_root):
        return None
    return candidate


def content_type(path: Path) -> str:
    """The Content-Type header for a file, with charset=utf-8 for textual types."""
    suffix = path.suffix.lower()
    mime = WEB_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mime.startswith("text/") or mime == "image/svg+xml" or mime.endswith(_TEXT_APPLICATION):
        return f"{mime}; charset=utf-8"
    return mime
