"""Link the article's actors' names and aliases in the text (SPEC §4 autolink = "first" | "all" | "none").

Case-sensitive, whole words, outside links, code and headings; inside claim spans is fine.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from ssg.markdown.context import BodyState, mention_attrs


def names_pattern(names: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One regex for every name (longest first, so 'Alexander Lukashenko' beats 'Lukashenko')."""
    owner: dict[str, str] = {}
    for name, actor_id in names:
        owner.setdefault(name, actor_id)
    if not owner:
        return None, owner
    alternatives = "|".join(re.escape(n) for n in sorted(owner, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), owner


def autolink_names(blocks: list[tuple[Token, Token | None]], body: BodyState) -> None:
    mode = body.context.autolink
    if mode == "none":
        return
    pattern, owner = names_pattern(body.context.names)
    if pattern is None:
        return
    linked: set[str] = set()
    for inline, opener in blocks:
        if opener is not None and opener.type == "heading_open":
            linked.update(str(t.attrs["data-actor"]) for t in inline.children or [] if t.attrs.get("data-actor"))
            continue
        result: list[Token] = []
        in_link = 0
        for token in inline.children or []:
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
            result.extend(link_text(token, pattern, owner, mode, linked, body))
        inline.children = result


def link_text(
    token: Token,
    pattern: re.Pattern[str],
    owner: dict[str, str],
    mode: str,
    linked: set[str],
    body: BodyState,
) -> list[Token]:
    """Split one text token around the names it links."""
    out: list[Token] = []
    position = 0
    text = token.content
    for match in pattern.finditer(text):
        actor_id = owner[match.group(0)]
        if mode == "first" and actor_id in linked:
            continue
        linked.add(actor_id)
        if match.start() > position:
            out.append(text_token(text[position : match.start()]))
        opening = Token("link_open", "a", 1)
        opening.attrs = mention_attrs(body.context, actor_id)
        out.extend((opening, text_token(match.group(0)), Token("link_close", "a", -1)))
        position = match.end()
    if not out:
        return [token]
    if position < len(text):
        out.append(text_token(text[position:]))
    return out


def text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
