"""Reports problems in one file's front matter at the place of the offending value, and reads its typed
fields (strings, ids, dates, URLs, tags...): what the parsers of articles, claims, profiles and pages share."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ssg.config import ID_PATTERN, name_problem
from ssg.errors import Report, did_you_mean
from ssg.model.types import Date
from ssg.source import Position, SourceDoc, YamlList, YamlMap
from ssg.urls import tag_slug, url_problem

ACTOR_TYPES = ("person", "organization")
WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*\Z")  # ASCII digits only: str.isdigit() also takes '²' and '٣'


@dataclass
class Checker:
    """Reports problems in one file's front matter, at the place of the offending value."""

    doc: SourceDoc
    report: Report
    broken_claims: list[str] = field(default_factory=list)  # ids of claims left out for their errors

    def error(self, pos: Position, message: str, suggestion: str | None = None) -> None:
        self.report.error(self.doc.rel_path, pos.line, pos.col, message, suggestion)

    def warning(self, pos: Position, message: str, suggestion: str | None = None) -> None:
        self.report.warning(self.doc.rel_path, pos.line, pos.col, message, suggestion)

    def unknown_keys(self, data: YamlMap, known: tuple[str, ...], what: str) -> None:
        for key in data:
            if key not in known:
                self.warning(data.key_pos[key], f"unknown key '{key}' in {what}", did_you_mean(key, known))

    def string(self, data: YamlMap, key: str, required: bool = False, what: str = "") -> str | None:
        """A text field; numbers and dates are taken as written, an empty value counts as missing."""
        if key not in data or data[key] is None:
            if required:
                self.error(data.pos, f"missing required field '{key}'{what}")
            return None
        value = data[key]
        if isinstance(value, (YamlMap, YamlList)):
            self.error(data.where(key), f"'{key}' must be text")
            return None
        text = data.raw.get(key, str(value)) if not isinstance(value, str) else value
        text = text.strip()
        if not text and required:
            self.error(data.where(key), f"'{key}' must not be empty")
        return text or None

    def identifier(self, data: YamlMap, key: str, what: str) -> str | None:
        value = self.string(data, key, required=True, what=what)
        if value is not None and not ID_PATTERN.match(value):
            self.error(data.where(key), f"invalid {key_name(key)} '{value}': ids match [a-z0-9][a-z0-9-]*")
            return None
        return value

    def strings(self, data: YamlMap, key: str) -> tuple[str, ...]:
        """A list of texts; a single text is taken as a list of one."""
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value.strip(),) if value.strip() else ()
        if not isinstance(value, YamlList):
            self.error(data.where(key), f"'{key}' must be a list")
            return ()
        items = []
        for item, pos, raw in zip(value, value.item_pos, value.raw, strict=True):
            if isinstance(item, (YamlMap, YamlList)) or item is None:
                self.error(pos, f"each item of '{key}' must be text")
            else:
                items.append((item if isinstance(item, str) else raw or str(item)).strip())
        return tuple(dict.fromkeys(i for i in items if i))

    def date(self, data: YamlMap, key: str, required: bool = False) -> Date | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(data.pos, f"missing required field '{key}'")
            return None
        if isinstance(value, (dt.date, dt.datetime)):
            return value
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                pass
            else:
                return parsed.date() if len(value.strip()) == 10 else parsed
        self.error(data.where(key), f"invalid date '{data.raw.get(key, value)}': use YYYY-MM-DD or ISO 8601")
        return None

    def boolean(self, data: YamlMap, key: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.error(data.where(key), f"'{key}' must be true or false")
            return False
        return value

    def mapping(self, data: YamlMap, key: str) -> YamlMap | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, YamlMap):
            self.error(data.where(key), f"'{key}' must be a mapping")
            return None
        return value

    def actor_type(self, data: YamlMap) -> str | None:
        value = self.string(data, "type")
        if value is not None and value not in ACTOR_TYPES:
            self.error(
                data.where("type"),
                f"invalid type '{value}': use 'person' or 'organization'",
                did_you_mean(value, ACTOR_TYPES),
            )
            return None
        return value

    def url(self, data: YamlMap, key: str) -> str | None:
        """A link target: http(s), mailto or a site path (SPEC §3, the URL rule); else an error at its value."""
        value = self.string(data, key)
        return value if value is not None and self.url_ok(value, data.where(key), key) else None

    def url_ok(self, value: str, pos: Position, key: str = "evidence") -> bool:
        problem = url_problem(value)
        if problem is not None:
            self.error(pos, f"unsafe URL in '{key}': {problem}")
        return problem is None

    def folder_name(self, pos: Position, value: str, what: str) -> bool:
        """A slug, id or tag that names an output folder must be a plain file name on every system."""
        problem = name_problem(value)
        if problem is not None:
            shown = value if len(value) <= 40 else value[:40] + "…"
            self.error(pos, f"invalid {what} '{shown}': {problem}")
        return problem is None

    def tags(self, meta: YamlMap) -> tuple[str, ...]:
        """`tags`: each becomes /tags/<slug>/ (`tag_slug`); one that cannot name a folder is an error at it."""
        value, places = meta.get("tags"), {}
        if isinstance(value, YamlList):
            for item, pos, raw in zip(value, value.item_pos, value.raw, strict=True):
                places.setdefault(str(item if isinstance(item, str) else raw).strip(), pos)
        tags = []
        for tag in self.strings(meta, "tags"):
            slug, pos = tag_slug(tag), places.get(tag, meta.where("tags"))
            if not slug:
                self.error(pos, f"invalid tag '{tag}': it has no letters or digits to name its page")
            elif self.folder_name(pos, slug, "tag"):
                tags.append(slug)
        return tuple(dict.fromkeys(tags))

    def wikidata(self, data: YamlMap) -> str | None:
        value = self.string(data, "wikidata")
        if value is not None and not WIKIDATA_ID.match(value):
            self.error(data.where("wikidata"), f"invalid Wikidata id '{value}': it looks like Q6012")
            return None
        return value


def key_name(key: str) -> str:
    return {"id": "id", "by": "actor id", "about": "actor id"}.get(key, key)
