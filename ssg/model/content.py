"""Front matter -> Article, Profile, Page: every rule of SPEC §3 and §5 that one file can check alone."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from ssg.config import ID_PATTERN, SiteConfig, name_problem
from ssg.errors import Report, did_you_mean
from ssg.model.evidence import parse_evidence
from ssg.model.types import ActorEntry, Article, Claim, Correction, Date, Page, Profile, Source, sort_key
from ssg.source import Position, SourceDoc, YamlList, YamlMap
from ssg.urls import Urls, slugify, tag_slug, url_problem

ARTICLE_KEYS = (
    "title",
    "date",
    "updated",
    "slug",
    "summary",
    "draft",
    "tags",
    "source",
    "people",
    "claims",
    "authors",
    "reviewers",
    "corrections",
)
ENTRY_KEYS = ("name", "role", "aliases", "type", "wikidata", "image", "url")
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
PROFILE_KEYS = ("name", "type", "role", "aliases", "wikidata", "image", "url", "sort_name")
CORRECTION_KEYS = ("date", "text")
BIO_PLACEHOLDERS = ("Biography in Markdown.",)  # what older `ssg new actor` wrote: never to be published
PAGE_KEYS = ("title", "summary", "slug", "draft", "weight")
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


# --- articles --------------------------------------------------------------------------------------------------


def parse_article(
    doc: SourceDoc, config: SiteConfig, urls: Urls, profile_ids: set[str], report: Report
) -> Article | None:
    """A validated Article from its SourceDoc (SPEC §3), or None when a required part is unusable."""
    check = Checker(doc, report)
    meta = doc.meta
    if meta is None:
        report.error(doc.rel_path, 1, 1, "missing front matter: an article starts with '---', title and date")
        return None
    check.unknown_keys(meta, ARTICLE_KEYS, "article front matter")
    title = check.string(meta, "title", required=True)
    date = check.date(meta, "date", required=True)
    updated = check.date(meta, "updated")
    corrections = parse_corrections(check, meta)
    slug = check.string(meta, "slug") or default_slug(doc.rel_path)
    if not ID_PATTERN.match(slug):
        where = meta.where("slug") if "slug" in meta else Position(1, 1)
        check.error(where, f"invalid slug '{slug}': slugs match [a-z0-9][a-z0-9-]*", slugify(slug) or None)
    elif not check.folder_name(meta.where("slug") if "slug" in meta else Position(1, 1), slug, "slug"):
        slug = "-"  # a stand-in: the error stops the build
    tags = check.tags(meta)
    people = parse_people(check, meta, profile_ids)
    declared = {entry.id for entry in people} | profile_ids
    complete = title is not None and date is not None
    # without a title or date the article is not built, but its claims and body are still checked (SPEC §7:
    # every error in one run); the stand-ins below never reach the output
    title = title or ""
    date = date or dt.date(1970, 1, 1)
    path = urls.article_path(slug, date)
    claims = parse_claims(check, meta, config, declared, doc.rel_path, title, path, date, updated or date)
    if updated is None and corrections:  # SPEC §3: `updated` follows the newest correction when not given
        updated = corrections[0].date
    return Article(
        key=doc.rel_path,
        slug=slug,
        title=title,
        date=date,
        updated=updated,
        summary=check.string(meta, "summary"),
        draft=check.boolean(meta, "draft"),
        tags=tags,
        source=parse_source_field(check, meta),
        people=people,
        claims=claims,
        body_line=doc.body_line,
        path=path,
        bundle_dir=posixpath.dirname(doc.rel_path) if doc.rel_path.endswith("/index.md") else None,
        complete=complete,
        broken_claims=tuple(check.broken_claims),
        authors=check.strings(meta, "authors"),
        reviewers=check.strings(meta, "reviewers"),
        corrections=corrections,
    )


def parse_corrections(check: Checker, meta: YamlMap) -> tuple[Correction, ...]:
    """`corrections: [{date, text}]`, newest first (SPEC §3)."""
    value = meta.get("corrections")
    if value is None:
        return ()
    if not isinstance(value, YamlList):
        check.error(meta.where("corrections"), "'corrections' must be a list of {date, text}")
        return ()
    corrections = []
    for item, pos in zip(value, value.item_pos, strict=True):
        if not isinstance(item, YamlMap):
            check.error(pos, "each correction must be a mapping with 'date' and 'text'")
            continue
        check.unknown_keys(item, CORRECTION_KEYS, "a correction")
        date = check.date(item, "date", required=True)
        text = check.string(item, "text", required=True, what=" in correction")
        if date is not None and text is not None:
            corrections.append(Correction(date=date, text=text, line=item.pos.line))
    return tuple(sorted(corrections, key=lambda c: (sort_key(c.date), c.line), reverse=True))


def default_slug(rel_path: str) -> str:
    """The file name, or the folder name of a page bundle's index.md (SPEC §3)."""
    stem = posixpath.splitext(posixpath.basename(rel_path))[0]
    return posixpath.basename(posixpath.dirname(rel_path)) if stem == "index" else stem


def parse_source_field(check: Checker, meta: YamlMap) -> Source | None:
    if isinstance(meta.get("source"), str):
        return Source(name=meta["source"].strip(), url=None)
    source = check.mapping(meta, "source")
    if source is None:
        return None
    check.unknown_keys(source, ("name", "url"), "'source'")
    return Source(name=check.string(source, "name"), url=check.url(source, "url"))


def parse_people(check: Checker, meta: YamlMap, profile_ids: set[str]) -> tuple[ActorEntry, ...]:
    """`people`: a mapping id -> entry | name | empty, or a list of ids that have profiles (SPEC §3)."""
    people = meta.get("people")
    if people is None:
        return ()
    entries: list[ActorEntry] = []
    if isinstance(people, YamlList):
        for item, pos, raw in zip(people, people.item_pos, people.raw, strict=True):
            actor_id = raw if isinstance(item, (str, int)) and raw is not None else None
            if actor_id is None or not ID_PATTERN.match(actor_id):
                check.error(pos, f"invalid actor id '{raw or item}': ids match [a-z0-9][a-z0-9-]*")
            elif actor_id not in profile_ids:
                check.error(pos, f"actor '{actor_id}' has no profile: declare it as '{actor_id}: Name'")
            elif any(e.id == actor_id for e in entries):
                check.error(pos, f"actor '{actor_id}' is listed twice")
            else:
                entries.append(ActorEntry(id=actor_id, line=pos.line, col=pos.col))
        return tuple(entries)
    if not isinstance(people, YamlMap):
        check.error(meta.where("people"), "'people' must be a mapping of actor ids (or a list of ids)")
        return ()
    for actor_id, value in people.items():
        key_pos = people.key_pos[actor_id]
        if ID_PATTERN.match(actor_id) and not check.folder_name(key_pos, actor_id, "actor id"):
            continue
        if not ID_PATTERN.match(actor_id):
            check.error(
                key_pos,
                f"invalid actor id '{actor_id}': ids match [a-z0-9][a-z0-9-]*",
                slugify(actor_id) or None,
            )
            continue
        entry = parse_entry(check, people, actor_id, value, key_pos, actor_id in profile_ids)
        if entry is not None:
            entries.append(entry)
    return tuple(entries)


def parse_entry(
    check: Checker, people: YamlMap, actor_id: str, value: Any, key_pos: Position, has_profile: bool
) -> ActorEntry | None:
    no_name = f"actor '{actor_id}' has no name: give one here or add content/actors/{actor_id}.md"
    if value is None:
        if not has_profile:
            check.error(key_pos, no_name)
            return None
        return ActorEntry(id=actor_id, line=key_pos.line, col=key_pos.col)
    if not isinstance(value, YamlMap):
        if isinstance(value, YamlList):
            check.error(people.where(actor_id), f"actor '{actor_id}' must be a name or a mapping")
            return None
        name = people.raw.get(actor_id, str(value)).strip()
        return ActorEntry(id=actor_id, name=name, line=key_pos.line, col=key_pos.col)
    check.unknown_keys(value, ENTRY_KEYS, f"actor '{actor_id}'")
    name = check.string(value, "name")
    if name is None and not has_profile:
        check.error(value.pos if value else key_pos, no_name)
    return ActorEntry(
        id=actor_id,
        name=name,
        role=check.string(value, "role"),
        aliases=check.strings(value, "aliases"),
        type=check.actor_type(value),
        wikidata=check.wikidata(value),
        image=check.url(value, "image"),
        url=check.url(value, "url"),
        line=key_pos.line,
        col=key_pos.col,
    )


def parse_claims(
    check: Checker,
    meta: YamlMap,
    config: SiteConfig,
    declared: set[str],
    article_key: str,
    article_title: str,
    article_path: str,
    article_date: Date,
    review_date: Date,
) -> tuple[Claim, ...]:
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
        claim = parse_claim(
            check, item, config, declared, article_key, article_title, article_path, article_date, review_date
        )
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
    check: Checker,
    data: YamlMap,
    config: SiteConfig,
    declared: set[str],
    article_key: str,
    article_title: str,
    article_path: str,
    article_date: Date,
    review_date: Date | None = None,
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
    date = check.date(data, "date") or article_date
    appearance = check.url(data, "appearance")  # an invalid one is reported; the claim is kept without it
    said_in = check.string(data, "said_in")
    reviewed = check.date(data, "reviewed") or review_date or article_date
    if not ok or claim_id is None or speaker is None:
        return None
    return Claim(
        id=claim_id,
        article_key=article_key,
        article_title=article_title,
        article_path=article_path,
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


# --- profiles and pages ----------------------------------------------------------------------------------------


def parse_profile(doc: SourceDoc, actor_id: str, report: Report) -> Profile | None:
    """content/actors/<id>.md (SPEC §5)."""
    check = Checker(doc, report)
    if not ID_PATTERN.match(actor_id):
        report.error(
            doc.rel_path,
            0,
            0,
            f"invalid actor id '{actor_id}' in the file name: ids match [a-z0-9][a-z0-9-]*",
        )
        return None
    if not check.folder_name(Position(0, 0), actor_id, "actor id"):
        return None
    meta = doc.meta if doc.meta is not None else YamlMap(Position(1, 1))
    check.unknown_keys(meta, PROFILE_KEYS, "an actor profile")
    if doc.body.strip() in BIO_PLACEHOLDERS:
        report.warning(
            doc.rel_path,
            doc.body_line + next(i for i, line in enumerate(doc.body.split("\n")) if line.strip()),
            1,
            f"the biography of '{actor_id}' is the placeholder '{doc.body.strip()}': write one or leave it empty",
        )
    return Profile(
        id=actor_id,
        key=doc.rel_path,
        name=check.string(meta, "name"),
        type=check.actor_type(meta),
        role=check.string(meta, "role"),
        aliases=check.strings(meta, "aliases"),
        wikidata=check.wikidata(meta),
        image=check.url(meta, "image"),
        url=check.url(meta, "url"),
        body=doc.body,
        body_line=doc.body_line,
        line=meta.pos.line,
        sort_name=check.string(meta, "sort_name"),
    )


def parse_page(doc: SourceDoc, urls: Urls, report: Report) -> Page | None:
    """content/pages/<slug>.md -> /<slug>/ (SPEC §6)."""
    check = Checker(doc, report)
    if doc.meta is None:
        report.error(doc.rel_path, 1, 1, "missing front matter: a page starts with '---' and a title")
        return None
    meta = doc.meta
    check.unknown_keys(meta, PAGE_KEYS, "page front matter")
    title = check.string(meta, "title", required=True)
    slug = check.string(meta, "slug") or default_slug(doc.rel_path)
    if not ID_PATTERN.match(slug):
        check.error(meta.where("slug") if "slug" in meta else Position(1, 1), f"invalid slug '{slug}'")
        return None
    if not check.folder_name(meta.where("slug") if "slug" in meta else Position(1, 1), slug, "slug"):
        return None
    weight = meta.get("weight", 0)
    if not isinstance(weight, int) or isinstance(weight, bool):
        check.error(meta.where("weight"), "'weight' must be a whole number")
        weight = 0
    if title is None:
        return None
    return Page(
        key=doc.rel_path,
        slug=slug,
        title=title,
        summary=check.string(meta, "summary"),
        body=doc.body,
        body_line=doc.body_line,
        path=urls.page_path(slug),
        weight=weight,
        draft=check.boolean(meta, "draft"),
    )
