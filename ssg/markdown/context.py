"""What one body may refer to (BodyContext, given) and what rendering it found (BodyState, per document)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ssg.errors import Diagnostic, Severity, did_you_mean


@dataclass(frozen=True)
class ClaimInfo:
    verdict_id: str | None
    quote: str | None  # only quotes are marked automatically (SPEC §4)
    review: str | None = None  # the reviewer's explanation, Markdown: rendered with the body


@dataclass(frozen=True)
class BodyContext:
    """Everything the annotation plugin needs to know about the site for one body; picklable."""

    rel_path: str
    body_line: int  # the file line of the body's first line
    actor_url_prefix: str  # '/monitor/actors/': an actor's URL is prefix + id + '/'
    base_path: str  # '/monitor/': root-relative links get it (SPEC §4)
    declared: tuple[str, ...] = ()  # actor ids this body may mention besides the profiled ones (sorted)
    profiled: frozenset[str] = field(default=frozenset(), repr=False)  # the repr (a cache key) has its digest:
    profiled_digest: str = ""  # every article shares the set, and repr-ing it each time cost more than parsing
    names: tuple[tuple[str, str], ...] = ()  # (name or alias, actor id) for autolink
    claims: dict[str, ClaimInfo] = field(default_factory=dict)
    autolink: str = "first"

    def actor_url(self, actor_id: str) -> str:
        return f"{self.actor_url_prefix}{actor_id}/"

    def knows_actor(self, actor_id: str) -> bool:
        return actor_id in self.declared or actor_id in self.profiled

    def known_actors(self) -> list[str]:
        return sorted({*self.declared, *self.profiled})


class BodyState:
    """Per-document state kept in markdown-it's env while one body renders."""

    def __init__(self, context: BodyContext, source: str):
        self.context = context
        self.source_lines = source.split("\n")
        self.mentions: list[str] = []
        self.marked_claims: set[str] = set()
        self.links: list[tuple[str, int, int]] = []
        self.diagnostics: list[Diagnostic] = []

    def locate(self, block_map: list[int] | None, target: str, occurrence: int = 0) -> tuple[int, int]:
        """The file line and column of the `occurrence`-th link target `(target` inside a block; column 0 when
        it cannot be found (a reference-style link, say)."""
        start, end = block_map if block_map else (0, len(self.source_lines))
        pattern = re.compile(r"\(\s*<?" + re.escape(target) + r"(?=[>)\s])")
        seen = 0
        for number in range(start, min(end, len(self.source_lines))):
            for match in pattern.finditer(self.source_lines[number]):
                if seen == occurrence:
                    return number + self.context.body_line, match.end() - len(target) + 1
                seen += 1
        return start + self.context.body_line, 0

    def error(self, line: int, col: int, message: str, candidates: list[str] | None = None, word: str = "") -> None:
        suggestion = did_you_mean(word, candidates) if candidates else None
        self.diagnostics.append(Diagnostic(self.context.rel_path, line, col, Severity.ERROR, message, suggestion))


def claim_attrs(claim_id: str, verdict_id: str | None, anchor: bool = True) -> dict[str, str]:
    """SPEC §4: a claim span carries id="claim-<id>", data-claim and data-verdict."""
    attrs = {"class": "claim"}
    if anchor:
        attrs["id"] = f"claim-{claim_id}"
    attrs["data-claim"] = claim_id
    if verdict_id:
        attrs["data-verdict"] = verdict_id
        attrs["class"] = f"claim verdict-{verdict_id}"
    return attrs


def mention_attrs(context: BodyContext, actor_id: str) -> dict[str, str]:
    """SPEC §4: a mention is an <a> to the actor page with data-actor."""
    return {"href": context.actor_url(actor_id), "class": "mention", "data-actor": actor_id}
