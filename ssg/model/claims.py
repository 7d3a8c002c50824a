"""A claim's front matter -> Claim (SPEC §3): who said it, about whom, the words, the verdict and its review."""

from __future__ import annotations

from dataclasses import dataclass

from ssg.config import ID_PATTERN, SiteConfig
from ssg.errors import did_you_mean
from ssg.model.checker import Checker
from ssg.model.evidence import parse_evidence
from ssg.model.types import Claim, Date
from ssg.source import Position, YamlList, YamlMap

CLAIM_KEYS = (
    "id",
    "by",
    "quote",
    "text",
    "about",
    "date",
    "verdict",
    "review",
    "evidence",
    "appearance",
    "said_in",
    "reviewed",
)


@dataclass(frozen=True, slots=True)
class ClaimArticle:
    """What a claim takes from the article it is in."""

    key: str
    title: str
    path: str
    date: Date
    review_date: Date  # SPEC §3 `reviewed` by default: the article's `updated`, else its `date`


def parse_claims(
    check: Checker, meta: YamlMap, config: SiteConfig, declared: set[str], article: ClaimArticle
) -> tuple[Claim, ...]:
    """An article's `claims`: each checked, a broken one left out (and noted), ids unique."""
    value = meta.get("claims")
    if value is None:
        return ()
    if not isinstance(value, YamlList):
        check.error(meta.where("claims"), "'claims' must be a list of claims (each starting with '- id:')")
        return ()
    claims: list[Claim] = []
    first_line: dict[str, int] = {}
    for item, pos in zip(value, value.item_pos, strict=True):
        if not isinstance(item, YamlMap):
            check.error(pos, "each claim must be a mapping starting with '- id:'")
            continue
        claim = parse_claim(check, item, config, declared, article)
        if claim is None:
            claim_id = item.get("id")
            if isinstance(claim_id, str) and ID_PATTERN.match(claim_id):
                check.broken_claims.append(claim_id)  # reported once: its spans in the body are not errors too
            continue
        if claim.id in first_line:
            check.error(item.where("id"), f"duplicate claim id '{claim.id}' (first at line {first_line[claim.id]})")
            continue
        first_line[claim.id] = item.where("id").line
        claims.append(claim)
    return tuple(claims)


def parse_claim(
    check: Checker, data: YamlMap, config: SiteConfig, declared: set[str], article: ClaimArticle
) -> Claim | None:
    check.unknown_keys(data, CLAIM_KEYS, "a claim")
    claim_id = check.identifier(data, "id", what=" in claim")
    label = f"claim '{claim_id}'" if claim_id else "claim"
    speaker = check.string(data, "by", required=True, what=f" in {label}")
    ok = claim_id is not None and speaker is not None
    if speaker is not None and not known_actor(check, data.where("by"), speaker, declared):
        ok = False
    about = check.strings(data, "about")
    about_list = data.get("about")
    for index, actor_id in enumerate(about):
        pos = about_list.item_pos[index] if isinstance(about_list, YamlList) else data.where("about")
        if not known_actor(check, pos, actor_id, declared):
            ok = False
    has_quote, has_text = data.get("quote") is not None, data.get("text") is not None
    if has_quote and has_text:
        second = max(("quote", "text"), key=lambda k: (data.key_pos[k].line, data.key_pos[k].col))
        check.error(data.key_pos[second], f"{label} has both 'quote' and 'text': a claim is one or the other")
        ok = False
    elif not has_quote and not has_text:
        check.error(data.pos, f"{label} needs 'quote' (verbatim words) or 'text' (a paraphrase)")
        ok = False
    quote = check.string(data, "quote")
    text = check.string(data, "text")
    verdict_id = check.string(data, "verdict")
    if verdict_id is not None and config.verdict(verdict_id) is None:
        known = [v.id for v in config.verdicts]
        hint = f" (the verdicts are {', '.join(known)})" if known else " (site.toml defines no [[verdicts]])"
        check.error(data.where("verdict"), f"unknown verdict '{verdict_id}'{hint}", did_you_mean(verdict_id, known))
        ok = False
    date = check.date(data, "date") or article.date
    appearance = check.url(data, "appearance")  # an invalid one is reported; the claim is kept without it
    said_in = check.string(data, "said_in")
    reviewed = check.date(data, "reviewed") or article.review_date
    if not ok or claim_id is None or speaker is None:
        return None
    return Claim(
        id=claim_id,
        article_key=article.key,
        article_title=article.title,
        article_path=article.path,
        speaker_id=speaker,
        about_ids=about,
        quote=quote,
        text=text,
        date=date,
        verdict_id=verdict_id,
        review=check.string(data, "review"),
        evidence=parse_evidence(check, data),
        line=data.pos.line,
        col=data.pos.col,
        appearance=appearance,
        said_in=said_in,
        reviewed=reviewed,
    )


def known_actor(check: Checker, pos: Position, actor_id: str, declared: set[str]) -> bool:
    """SPEC §3: an actor id used in an article is declared in its `people` or has a profile."""
    if actor_id in declared:
        return True
    check.error(pos, f"unknown actor '{actor_id}'", did_you_mean(actor_id, declared))
    return False
