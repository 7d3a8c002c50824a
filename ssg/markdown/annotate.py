"""The annotation plugin: a core rule after `inline` that turns links into mentions and claim spans (SPEC §4).

Order matters: explicit annotations first, then quotes found in the text, then names (autolink), which may
sit inside claim spans but never inside links, code or headings.
"""

from __future__ import annotations

from collections import Counter

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ssg.markdown.autolink import autolink_names
from ssg.markdown.context import BodyState, claim_attrs, claim_note_html, mention_attrs
from ssg.markdown.quotes import mark_quotes

MENTION_PREFIX = "@"
CLAIM_PREFIX = "claim:"


def annotate_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("ssg_annotate", annotate_rule)


def annotate_rule(state: StateCore) -> None:
    body: BodyState | None = state.env.get("ssg") if isinstance(state.env, dict) else None
    if body is None:
        return
    blocks = [(t, state.tokens[i - 1] if i else None) for i, t in enumerate(state.tokens) if t.type == "inline"]
    for inline, _ in blocks:
        explicit_annotations(inline, body)
    mark_quotes(blocks, body)
    autolink_names(blocks, body)
    for inline, _ in blocks:
        claim_notes(inline, body)
        record_links(inline, body)
        body.mentions.extend(
            str(t.attrs["data-actor"]) for t in walk(inline.children or []) if t.attrs.get("data-actor")
        )


def explicit_annotations(inline: Token, body: BodyState) -> None:
    """`[text](@id)` -> a mention; `[text](claim:id)` -> a claim span; unknown ids are diagnostics."""
    children = inline.children or []
    drop: set[int] = set()
    seen: Counter[str] | None = None  # how often each target occurred before in this block: to find its column
    for index, token in enumerate(children):
        if token.type != "link_open" or token.markup in ("autolink", "linkify"):
            continue
        seen = seen if seen is not None else Counter()
        href = str(token.attrs.get("href", ""))
        close = next(i for i in range(index + 1, len(children)) if children[i].type == "link_close")
        occurrence = seen[href]
        seen[href] += 1
        if href.startswith(MENTION_PREFIX):
            if not mention(token, href[len(MENTION_PREFIX) :], inline, body, occurrence):
                drop.update((index, close))
        elif href.startswith(CLAIM_PREFIX) and not claim_span(
            token, children[close], href[len(CLAIM_PREFIX) :], inline, body, occurrence
        ):
            drop.update((index, close))
    if drop:
        inline.children = [t for i, t in enumerate(children) if i not in drop]


def id_place(body: BodyState, inline: Token, href: str, prefix: str, occurrence: int) -> tuple[int, int]:
    """Where the id of a link target stands (its first character), for diagnostics."""
    line, col = body.locate(inline.map, href, occurrence)
    return line, col + len(prefix) if col else 0


def mention(token: Token, actor_id: str, inline: Token, body: BodyState, occurrence: int) -> bool:
    if not body.context.knows_actor(actor_id):
        line, col = id_place(body, inline, MENTION_PREFIX + actor_id, MENTION_PREFIX, occurrence)
        if not actor_id:
            body.error(line, col, "a mention needs an actor id: [text](@actor-id)")
        else:
            body.error(line, col, f"unknown actor '{actor_id}'", body.context.known_actors(), actor_id)
        return False
    token.attrs = mention_attrs(body.context, actor_id)
    return True


def claim_span(opening: Token, closing: Token, claim_id: str, inline: Token, body: BodyState, occurrence: int) -> bool:
    claims = body.context.claims
    if claim_id not in claims or claim_id in body.marked_claims:
        line, col = id_place(body, inline, CLAIM_PREFIX + claim_id, CLAIM_PREFIX, occurrence)
        if not claim_id:
            body.error(line, col, "a claim span needs a claim id: [text](claim:claim-id)")
        elif claim_id not in claims:
            body.error(line, col, f"unknown claim '{claim_id}'", sorted(claims), claim_id)
        else:
            body.error(line, col, f"claim '{claim_id}' is marked twice in the body")
        return False
    body.marked_claims.add(claim_id)
    for token, nesting in ((opening, 1), (closing, -1)):
        token.type = "claim_open" if nesting == 1 else "claim_close"
        token.tag = "span"
        token.markup = ""
    opening.attrs = claim_attrs(claim_id, claims[claim_id].verdict_id)
    closing.attrs = {}
    return True


def claim_notes(inline: Token, body: BodyState) -> None:
    """After the last piece of each claim span, its note: verdict label and a link to its entry (SPEC §6).
    A span that ends inside a link gets its note after that link (links do not nest)."""
    children = inline.children or []
    stack: list[Token] = []
    last_close: dict[str, int] = {}
    for index, token in enumerate(children):
        if token.nesting == 1:
            stack.append(token)
        elif token.nesting == -1 and stack:
            opened = stack.pop()
            if opened.type == "claim_open" and opened.attrs.get("data-claim"):
                last_close[str(opened.attrs["data-claim"])] = index
    for claim_id, index in sorted(last_close.items(), key=lambda item: -item[1]):
        at = index + 1
        if sum(t.type == "link_open" for t in children[:at]) > sum(t.type == "link_close" for t in children[:at]):
            at = next(i for i in range(at, len(children)) if children[i].type == "link_close") + 1
        note = Token("html_inline", "", 0)
        note.content = claim_note_html(body.context, claim_id)
        children.insert(at, note)
    inline.children = children


def record_links(inline: Token, body: BodyState) -> None:
    """Root-relative links get the base path (SPEC §4); every internal link is kept for `ssg check`, as written."""
    seen: Counter[str] | None = None
    for token in walk(inline.children or []):
        attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
        if attr is None or token.attrs.get("data-actor"):
            continue
        seen = seen if seen is not None else Counter()
        target = str(token.attrs.get(attr, ""))
        if "://" in target or target.startswith(("mailto:", "tel:", "#", "//")) or not target:
            continue
        if target.startswith("/"):
            token.attrs[attr] = body.context.base_path + target[1:]
        line, col = body.locate(inline.map, target, seen[target])
        seen[target] += 1
        body.links.append((target, line, col))


def walk(tokens: list[Token]):
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)
