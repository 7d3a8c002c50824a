"""Front matter -> Article, Profile, Page: every rule of SPEC §3 and §5 that one file can check alone (an
article's claims: model/claims.py; the typed reads and the reporting: model/checker.py)."""

from __future__ import annotations

import datetime as dt
import posixpath
from typing import Any

from ssg.config import ID_PATTERN, SiteConfig
from ssg.errors import Report
from ssg.model.checker import Checker
from ssg.model.claims import ClaimArticle, parse_claims
from ssg.model.types import ActorEntry, Article, Correction, Page, Profile, Source, sort_key
from ssg.source import Position, SourceDoc, YamlList, YamlMap
from ssg.urls import Urls, slugify

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
PROFILE_KEYS = ("name", "type", "role", "aliases", "wikidata", "image", "url", "sort_name")
CORRECTION_KEYS = ("date", "text")
BIO_PLACEHOLDERS = ("Biography in Markdown.",)  # what older `ssg new actor` wrote: never to be published
PAGE_KEYS = ("title", "summary", "slug", "draft", "weight")


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
    of = ClaimArticle(doc.rel_path, title, path, date, updated or date)
    claims = parse_claims(check, meta, config, declared, of)
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
