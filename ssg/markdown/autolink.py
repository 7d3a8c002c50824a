"""Link the article's actors' names and aliases in the text (SPEC §4 autolink = "first" | "all" | "none").

Case-sensitive, whole words, outside links, code and headings; inside claim spans is fine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it.token import Token

from ssg.markdown.context import BodyState, mention_attrs

WORD = re.compile(r"\w+")  # a name's first word: what is searched for


class NameIndex:
    """The article's names and aliases by their first word: finding them in text needs no regex per article
    (compiling one alternation per article cost more than the rest of the plugin)."""

    def __init__(self, names: tuple[tuple[str, str], ...]):
        self.owner: dict[str, str] = {}
        for name, actor_id in names:
            self.owner.setdefault(name, actor_id)
        self.by_first_word: dict[str, list[str]] = {}
        for name in sorted(self.owner, key=lambda n: (-len(n), n)):  # longest first: 'Alexander Lukashenko' wins
            first = WORD.match(name)
            if first and first.start() == 0:
                self.by_first_word.setdefault(first.group(0), []).append(name)

    def __bool__(self) -> bool:
        return bool(self.by_first_word)

    def finditer(self, text: str, firsts: Iterable[str]) -> list[tuple[int, int, str]]:
        """(start, end, name) of each whole-word name in text, left to right, not overlapping; `firsts` are the
        first words worth looking for (those found in the text's block at all).

        str.find per distinct first word: a handful of C-speed scans beat a Python loop over every word."""
        found: list[tuple[int, int, str]] = []
        for first in firsts:
            names = self.by_first_word[first]
            start = text.find(first)
            while start >= 0:
                if start == 0 or not joined(text[start - 1], first[0]):
                    for name in names:  # longest first
                        end = start + len(name)
                        if text.startswith(name, start) and (end == len(text) or not joined(name[-1], text[end])):
                            found.append((start, -len(name), name))
                            break
                start = text.find(first, start + 1)
        result: list[tuple[int, int, str]] = []
        position = 0
        for start, negative_length, name in sorted(found):
            if start >= position:
                result.append((start, start - negative_length, name))
                position = start - negative_length
        return result


def is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


UNSPACED = re.compile(r"[\u0e00-\u0eff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def joined(left: str, right: str) -> bool:
    """Whether two neighbouring characters belong to one word. Scripts written without spaces (Chinese, Japanese,
    Thai) have no word boundary to see: a name in them ends where it ends (`艾达·奎尔说` links `艾达·奎尔`)."""
    if UNSPACED.match(left) and UNSPACED.match(right):
        return False
    return is_word(left) and is_word(right)


def autolink_names(blocks: list[tuple[Token, Token | None]], body: BodyState) -> None:
    mode = body.context.autolink
    if mode == "none":
        return
    index = NameIndex(body.context.names)
    if not index:
        return
    linked: set[str] = set()
    everyone = set(index.owner.values())
    for inline, opener in blocks:
        if mode == "first" and everyone <= linked:
            return  # every actor has its link: the rest of the text cannot gain one
        children = inline.children or []
        text = "".join(t.content for t in children if t.type == "text")
        firsts = [first for first in index.by_first_word if first in text]  # most blocks name nobody
        if not firsts or (opener is not None and opener.type == "heading_open"):
            linked.update(str(t.attrs["data-actor"]) for t in children if t.attrs.get("data-actor"))
            continue
        result: list[Token] = []
        in_link = 0
        for token in children:
            if token.type == "link_open":
                in_link += 1
                actor_id = token.attrs.get("data-actor")
                if actor_id:  # an explicit mention counts as the actor's first (SPEC §4 "first")
                    linked.add(str(actor_id))
            elif token.type == "link_close":
                in_link -= 1
            if token.type != "text" or in_link:
                result.append(token)
                continue
            result.extend(link_text(token, index, firsts, mode, linked, body))
        inline.children = result


def link_text(
    token: Token, index: NameIndex, firsts: list[str], mode: str, linked: set[str], body: BodyState
) -> list[Token]:
    """Split one text token around the names it links."""
    out: list[Token] = []
    position = 0
    text = token.content
    for start, end, name in index.finditer(text, firsts):
        actor_id = index.owner[name]
        if mode == "first" and actor_id in linked:
            continue
        linked.add(actor_id)
        if start > position:
            out.append(text_token(text[position:start]))
        opening = Token("link_open", "a", 1)
        opening.attrs = mention_attrs(body.context, actor_id)
        out.extend((opening, text_token(name), Token("link_close", "a", -1)))
        position = end
    if not out:
        return [token]
    if position < len(text):
        out.append(text_token(text[position:]))
    return out


def text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
