"""A claim's `evidence` (SPEC §3): plain URLs or `{text: ..., url: ...}` items, every URL by the URL rule."""

from __future__ import annotations

from ssg.model.checker import Checker
from ssg.model.types import Evidence
from ssg.source import Position, YamlList, YamlMap
from ssg.urls import looks_like_url

EVIDENCE_KEYS = ("text", "url")


def parse_evidence(check: Checker, data: YamlMap) -> tuple[Evidence, ...]:
    """Every usable item of a claim's `evidence`; each bad one is an error at its place."""
    value = data.get("evidence")
    if value is None:
        return ()
    if not isinstance(value, YamlList):
        items, places, raws = [value], [data.where("evidence")], [data.raw.get("evidence")]
    else:
        items, places, raws = list(value), value.item_pos, value.raw
    found = []
    for item, pos, raw in zip(items, places, raws, strict=True):
        evidence = evidence_item(check, item, pos, raw)
        if evidence is not None and evidence not in found:
            found.append(evidence)
    return tuple(found)


def evidence_item(check: Checker, item: object, pos: Position, raw: str | None) -> Evidence | None:
    if isinstance(item, YamlMap):
        check.unknown_keys(item, EVIDENCE_KEYS, "an evidence item")
        url = check.url(item, "url")
        text = check.string(item, "text") or url
        if text is None:
            if item.get("url") is None:  # an unsafe url is reported already
                check.error(item.pos, "an evidence item needs 'text' or 'url'")
            return None
        return Evidence(text=text, url=url)
    if item is None or isinstance(item, YamlList):
        check.error(pos, "each item of 'evidence' must be a URL or {text: ..., url: ...}")
        return None
    text = (item if isinstance(item, str) else raw or str(item)).strip()
    if not looks_like_url(text):
        check.error(pos, f"evidence '{text}' is not a URL: write {{text: {text}}} for a source without a link")
        return None
    if not check.url_ok(text, pos):
        return None
    return Evidence(text=text, url=text)
