"""Markdown -> HTML with annotations (SPEC §4): markdown-it-py in CommonMark mode plus one plugin.

`render_body` is the only entry point the build needs: a body, what it may refer to (`BodyContext`), and back
come the HTML and what the body marked (mentions, claim spans, links, summary) with any diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from ssg.errors import Diagnostic
from ssg.markdown.annotate import annotate_plugin
from ssg.markdown.context import BodyContext, BodyState

__all__ = ["BodyContext", "RenderedBody", "create_markdown", "render_body", "render_plain"]


@dataclass(frozen=True)
class RenderedBody:
    html_utf8: bytes  # UTF-8: half the memory of a str, which curly quotes make two bytes a character
    mentions: tuple[str, ...] = ()  # actor ids, in order of first mention
    marked_claims: frozenset[str] = frozenset()
    summary: str = ""  # the first paragraph as plain text
    links: tuple[tuple[str, int, int], ...] = ()  # (href, line, col) of links and images in the body
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    reviews: dict[str, str] = field(default_factory=dict)  # claim id -> the review as HTML

    @property
    def html(self) -> str:
        return self.html_utf8.decode("utf-8")


def create_markdown(raw_html: bool = False) -> MarkdownIt:
    """CommonMark, raw HTML escaped unless the site trusts it (SPEC §2 raw_html), with footnotes (`[^1]`: sources
    are cited so; no CommonMark example renders differently with them) and the annotation plugin."""
    return MarkdownIt("commonmark", {"html": raw_html}).use(footnote_plugin).use(annotate_plugin)


def render_body(md: MarkdownIt, text: str, context: BodyContext) -> RenderedBody:
    """Render one body with its annotations; never raises for bad input, reports it instead."""
    state = BodyState(context, text)
    env = {"ssg": state}
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env)
    return RenderedBody(
        html_utf8=html.encode("utf-8"),
        mentions=tuple(dict.fromkeys(state.mentions)),
        marked_claims=frozenset(state.marked_claims),
        summary=first_paragraph_text(tokens),
        links=tuple(state.links),
        diagnostics=tuple(state.diagnostics),
        reviews={claim_id: md.render(info.review, {}) for claim_id, info in context.claims.items() if info.review},
    )


def render_plain(md: MarkdownIt, text: str) -> str:
    """Markdown without annotations (reviews, biographies)."""
    return md.render(text, {})


def first_paragraph_text(tokens: list[Token]) -> str:
    """The body's first top-level paragraph as plain text: the default summary (SPEC §3)."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            return plain_text(tokens[index + 1].children or [])
    return ""


def plain_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(plain_text(child.children or []))
    return " ".join("".join(parts).split())
