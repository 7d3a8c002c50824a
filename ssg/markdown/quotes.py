"""Find each claim quote in the body and mark its first occurrence (SPEC §4).

Text is compared after folding curly/straight quotes and runs of whitespace (both sides are already NFC); a
quote may run across emphasis or links, in which case the span is split so the HTML stays well nested.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from markdown_it.token import Token

from ssg.markdown.context import BodyState, claim_attrs

QUOTE_FOLD = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"'}
BARRIER = "\x00"  # code spans: a quote never matches across them
WHITESPACE = re.compile(r"\s+")  # str.isspace() characters, exactly


def straight_quotes(text: str) -> str:
    """Curly and typographic quotes made straight (str.replace per mark: thirty times str.translate's speed)."""
    for curly, straight in QUOTE_FOLD.items():
        if curly in text:
            text = text.replace(curly, straight)
    return text


def fold(text: str) -> str:
    """The form quotes are compared in: straight quotes, one space for any run of whitespace."""
    return " ".join(straight_quotes(text).split())


class FoldedInline:
    """The folded text of one inline block, and where each folded character came from (`origin`).

    Built from whole strings (str.replace, one regex); the origin of a character is worked out only when asked,
    by walking the one child it came from: quotes need two of them, the text all of them."""

    def __init__(self, children: list[Token]):
        self.children = children
        parts: list[str] = []
        self.starts: list[int] = []  # where each piece starts in the folded text
        self.pieces: list[tuple[int, bool]] = []  # (child index, whether the text before it ended in a space)
        length, ends_in_space = 0, False
        for index, child in enumerate(children):
            if child.type == "text":
                piece = WHITESPACE.sub(" ", straight_quotes(child.content))
                if ends_in_space and piece.startswith(" "):
                    piece = piece[1:]
            elif child.type in ("softbreak", "hardbreak"):
                piece = " " if length and not ends_in_space else ""
            elif child.type in ("code_inline", "image", "html_inline"):
                piece = BARRIER
            else:
                continue
            if piece:
                self.starts.append(length)
                self.pieces.append((index, ends_in_space))
                parts.append(piece)
                length += len(piece)
                ends_in_space = piece.endswith(" ")
        self.text = "".join(parts)

    def origin(self, position: int) -> tuple[int, int]:
        """(child index, offset in its text) of a folded character; offset -1 for a break or a barrier."""
        number = bisect.bisect_right(self.starts, position) - 1
        index, after_space = self.pieces[number]
        child = self.children[index]
        if child.type != "text":
            return index, -1
        wanted = position - self.starts[number]
        for offset, ch in enumerate(straight_quotes(child.content)):
            if ch.isspace():
                if after_space:
                    continue
                after_space = True
            else:
                after_space = False
            if wanted == 0:
                return index, offset
            wanted -= 1
        raise IndexError(position)


def mark_quotes(blocks: list[tuple[Token, Token | None]], body: BodyState) -> None:
    """Mark every quote not marked explicitly at its first occurrence in document order."""
    pending = [
        (claim_id, fold(info.quote))
        for claim_id, info in body.context.claims.items()
        if info.quote and claim_id not in body.marked_claims and fold(info.quote)
    ]
    for inline, opener in blocks:
        if not pending or (opener is not None and opener.type == "heading_open"):
            continue
        quick = fold("".join(c.content if c.type == "text" else " " for c in inline.children or []))
        if not any(quote in quick for _, quote in pending):  # cheap test before building the origin map
            continue
        folded = FoldedInline(inline.children or [])
        still = []
        for claim_id, quote in pending:
            start = folded.text.find(quote)
            if start < 0:
                still.append((claim_id, quote))
                continue
            verdict = body.context.claims[claim_id].verdict_id
            wrap(
                inline, folded, start, start + len(quote), lambda first, c=claim_id, v=verdict: claim_attrs(c, v, first)
            )
            body.marked_claims.add(claim_id)
            folded = FoldedInline(inline.children or [])
        pending = still


def wrap(inline: Token, folded: FoldedInline, start: int, end: int, attrs: Callable[[bool], dict[str, str]]) -> None:
    """Wrap folded text [start, end) of an inline block in claim spans, split where nesting demands."""
    children = inline.children or []
    first_child, first_offset = folded.origin(start)
    last_child, last_offset = folded.origin(end - 1)
    # split text tokens so the quote starts and ends on token boundaries (the end first: indices stay valid)
    if last_offset >= 0:
        split_text(children, last_child, last_offset + 1)
    if first_offset > 0:
        split_text(children, first_child, first_offset)
        first_child += 1
        last_child += 1
    segments = balanced_segments(children, first_child, last_child + 1)
    for number, (seg_start, seg_end) in enumerate(reversed(segments)):
        first = number == len(segments) - 1
        opening = Token("claim_open", "span", 1)
        opening.attrs = attrs(first)
        children.insert(seg_end, Token("claim_close", "span", -1))
        children.insert(seg_start, opening)
    inline.children = children


def split_text(children: list[Token], index: int, offset: int) -> None:
    token = children[index]
    if offset <= 0 or offset >= len(token.content):
        return
    tail = Token("text", "", 0)
    tail.content = token.content[offset:]
    token.content = token.content[:offset]
    children.insert(index + 1, tail)


def balanced_segments(children: list[Token], start: int, end: int) -> list[tuple[int, int]]:
    """Split children[start:end] into runs that each open and close the same elements."""
    segments: list[tuple[int, int]] = []
    stack: list[int] = []
    seg_start = start
    for index in range(start, end):
        nesting = children[index].nesting
        if nesting == 1:
            stack.append(index)
        elif nesting == -1:
            if stack:
                stack.pop()
            else:  # closes an element opened before the quote: end the run before it, go on after it
                if index > seg_start:
                    segments.append((seg_start, index))
                seg_start = index + 1
    cuts = [*stack, end]  # elements opened inside and still open at the end: runs between them
    for cut in cuts:
        if cut > seg_start:
            segments.append((seg_start, cut))
        seg_start = cut + 1
    return segments
