"""Inject the reload script into served HTML (SPEC §8: only served pages, never the build output)."""

from __future__ import annotations

import html
import re

_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.DOTALL)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)


def _last_outside_comments(pattern: re.Pattern[bytes], data: bytes) -> int:
    """Start of the last match of pattern not inside an HTML comment, or -1."""
    comments = [match.span() for match in _COMMENT.finditer(data)]
    for match in reversed(list(pattern.finditer(data))):
        start = match.start()
        if not any(begin <= start < end for begin, end in comments):
            return start
    return -1


def inject_script(html_bytes: bytes, script: bytes) -> bytes:
    """Insert script before the last real </body>, else before </html>, else at the end."""
    for pattern in (_BODY_END, _HTML_END):
        at = _last_outside_comments(pattern, html_bytes)
        if at != -1:
            return html_bytes[:at] + script + html_bytes[at:]
    return html_bytes + script


def script_tag(base_path: str, version: str) -> bytes:
    """The <script> element that loads the client and tells it the page's build version."""
    src = html.escape(base_path + "__livereload/client.js")
    events = html.escape(base_path + "__livereload/events")
    tag = f'<script src="{src}" data-events="{events}" data-version="{html.escape(version)}"></script>'
    return tag.encode("utf-8")
