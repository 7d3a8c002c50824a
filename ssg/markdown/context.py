"""What one body may refer to (BodyContext, given) and what rendering it found (BodyState, per document)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from ssg.config import SiteConfig
from ssg.errors import Diagnostic, Severity, did_you_mean
from ssg.model.types import Actor, Claim


@dataclass(frozen=True)
class ClaimInfo:
    verdict_id: str | None
    quote: str | None  # only quotes are marked automatically (SPEC §4)
    review: str | None = None  # the reviewer's explanation, Markdown: rendered with the body
    speaker_name: str = ""  # for the claim's accessible name in the body ("Claim by <name>, rated <label>")
    verdict_label: str = ""  # the verdict's label, shown as text after the span (SPEC §6); "" -> the verdict id


def claim_info(claim: Claim, actors: Mapping[str, Actor], config: SiteConfig) -> ClaimInfo:
    """What the body needs of one claim: its verdict and quote, and the names its note shows (SPEC §6)."""
    verdict = config.verdict(claim.verdict_id) if claim.verdict_id else None
    speaker = actors.get(claim.speaker_id)
    return ClaimInfo(
        claim.verdict_id,
        claim.quote,
        claim.review,
        speaker_name=speaker.name if speaker else "",
        verdict_label=verdict.label if verdict else "",
    )


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


def claim_note_html(context: BodyContext, claim_id: str) -> str:
    """What follows a claim span (SPEC §6: the verdict as text, linked to the scale): a link to the claim's entry
    in the article's claims list, named for screen readers "Claim by <speaker>, rated <label>", then the label."""
    info = context.claims[claim_id]
    label = (info.verdict_label or info.verdict_id or "") if info.verdict_id else ""
    by = f" by {info.speaker_name}" if info.speaker_name else ""
    name = f"Claim{by}, rated {label}" if label else f"Claim{by}, not rated"
    scale = f"{context.base_path}verdicts/"
    if info.verdict_id:
        verdict = (
            f'<a class="verdict verdict-{escape(info.verdict_id)}" data-verdict="{escape(info.verdict_id)}" '
            f'href="{escape(scale)}#{escape(info.verdict_id)}">{escape(label)}</a>'
        )
    else:
        verdict = f'<a class="verdict verdict-none" href="{escape(scale)}#not-rated">Not rated</a>'
    return (
        f'<span class="claim-note" data-claim-note="{escape(claim_id)}">'
        f'<a class="claim-ref" href="#entry-{escape(claim_id)}" aria-label="{escape(name)}" '
        f'title="{escape(name)}">↓</a> {verdict}</span>'
    )


def mention_attrs(context: BodyContext, actor_id: str) -> dict[str, str]:
    """SPEC §4: a mention is an <a> to the actor page with data-actor."""
    return {"href": context.actor_url(actor_id), "class": "mention", "data-actor": actor_id}
