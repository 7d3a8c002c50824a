"""What each page read when it was last rendered, and so which pages an edit makes stale.

Every page's render records its reads (render/recording.py): the templates it loaded and, per record, the
fields it read with a digest of their values. `ReadLog` keeps them for the next build: a page is rendered
again when, and only when, its file is missing, its kind or URL, the config or a template it loaded changed,
or one of its (record, fields) groups now digests differently (or names a record that is gone). Groups are
numbered once and shared between pages (an actor's card is read by hundreds), so the log stays small.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from jinja2 import Environment, TemplateNotFound

from ssg.model.refs import Ref, Resolver, same_field
from ssg.model.types import Site, fingerprint
from ssg.pipeline.reuse.packing import (
    packed,
    packed_fieldsets,
    packed_refs,
    unpacked,
    unpacked_fieldsets,
    unpacked_refs,
)
from ssg.render import PageKind, PageReads, PageSpec
from ssg.render.recording import DIGEST_SIZE, GONE, Field, ReadDigests

Group = tuple[Ref, frozenset[Field]]


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One page as last rendered: what it was, its base digest (kind, URL, config, templates), its groups."""

    spec: PageSpec
    base: str
    templates: tuple[str, ...]
    groups: array  # group numbers in the ReadLog


@dataclass(frozen=True, slots=True)
class Rendered:
    """A page rendered by this build, its reads numbered, until the build commits."""

    spec: PageSpec
    base: str
    templates: tuple[str, ...]
    groups: array


class ReadLog:
    """The recorded reads of every page of one output folder."""

    def __init__(self) -> None:
        self.group_refs: list[Ref] = []  # by group number: its record's ref (one object per ref) ...
        self.group_fields: list[frozenset[Field]] = []  # ... and its fields (one object per set of fields)
        self.digests = bytearray()  # DIGEST_SIZE bytes a group, by number: the values as the pages showed them
        self.pages: dict[str, PageRecord] = {}  # by output rel_path
        self.by_ref: dict[Ref, dict[frozenset[Field], int]] = {}  # each record's groups: fields -> number
        self.versions: dict[Ref, str] = {}  # each record's version when the digests were last made (refs.versions)
        self.fieldsets: dict[frozenset[Field], frozenset[Field]] = {}  # the one object of each set of fields
        self.readers: dict[int, set[str]] = {}  # the pages reading a group, for those `reading` was asked (unsaved)

    @property
    def group_count(self) -> int:
        return len(self.group_refs)

    def key(self, group_id: int) -> Group:
        return self.group_refs[group_id], self.group_fields[group_id]

    def __getstate__(self) -> tuple:
        """Saved compactly: the groups as pairs of numbers (their record's ref, their set of fields), the digests
        as they are held (one run of bytes), and the refs, pages and versions as a few long strings and arrays.
        An object of its own per group, page and string made the pickle a million objects at 10,000 articles,
        and the pickler's memo of them 30 MB more while the cache was saved. The index of each record's groups
        is made again on load."""
        refs = {ref: number for number, ref in enumerate(self.by_ref)}
        fieldsets: dict[frozenset[Field], int] = {}
        pairs = array("I")
        for ref, fields in zip(self.group_refs, self.group_fields, strict=True):
            pairs.append(refs[ref])
            pairs.append(fieldsets.setdefault(fields, len(fieldsets)))
        records = list(self.pages.values())
        bases: dict[str, int] = {}
        templates: dict[tuple[str, ...], int] = {}
        pages = (
            packed(
                text
                for rel_path, record in self.pages.items()
                for text in (rel_path, record.spec.kind.value, record.spec.site_path, record.spec.key)
            ),
            array("I", (record.spec.number for record in records)),
            array("I", (bases.setdefault(record.base, len(bases)) for record in records)),
            array("I", (templates.setdefault(record.templates, len(templates)) for record in records)),
            all_groups(records),
            array("I", (len(record.groups) for record in records)),
        )
        versions = (packed_refs(self.versions), packed(self.versions.values()))
        groups = (packed_refs(refs), packed_fieldsets(fieldsets), pairs, self.digests)  # a bytearray: as it is
        return groups, pages, list(bases), list(templates), versions

    def __setstate__(self, state: tuple) -> None:
        self.__init__()  # type: ignore[misc]
        (refs_packed, fieldsets_packed, pairs, digests), pages, bases, templates, versions = state
        refs, fieldsets = unpacked_refs(*refs_packed), unpacked_fieldsets(*fieldsets_packed)
        self.fieldsets = {fields: fields for fields in fieldsets}
        self.by_ref = {ref: {} for ref in refs}
        for number in range(0, len(pairs), 2):
            ref, fields = refs[pairs[number]], fieldsets[pairs[number + 1]]
            self.by_ref[ref][fields] = len(self.group_refs)
            self.group_refs.append(ref)
            self.group_fields.append(fields)
        self.digests = bytearray(digests)
        packed_texts, numbers, base_of, templates_of, group_bytes, group_counts = pages
        texts = unpacked(*packed_texts)
        groups = array("I")
        groups.frombytes(group_bytes)
        start = 0
        for page, count in enumerate(group_counts):
            rel_path, kind, site_path, key = texts[4 * page : 4 * page + 4]
            spec = PageSpec(PageKind(kind), site_path, key, numbers[page])
            base, read = bases[base_of[page]], templates[templates_of[page]]
            self.pages[rel_path] = PageRecord(spec, base, read, groups[start : start + count])
            start += count
        version_refs, version_values = versions
        self.versions = dict(zip(unpacked_refs(*version_refs), unpacked(*version_values), strict=True))

    def digest(self, group_id: int) -> bytes:
        start = group_id * DIGEST_SIZE
        return bytes(self.digests[start : start + DIGEST_SIZE])

    def group_id(self, ref: Ref, fields: frozenset[Field], digest: bytes) -> int:
        """The number of a group (a new one starts with `digest`). The index is per record (a global one of
        330,000 (ref, fields) pairs at 10,000 articles held 40 MB more); refs and field sets are shared objects."""
        known = self.by_ref.get(ref)
        if known is None:
            known = self.by_ref[ref] = {}
        else:
            found = known.get(fields)
            if found is not None:
                return found
            ref = self.group_refs[next(iter(known.values()))]
        found = known[self.fieldsets.setdefault(fields, fields)] = len(self.group_refs)
        self.group_refs.append(ref)
        self.group_fields.append(self.fieldsets[fields])
        self.digests += digest
        return found

    def numbering(self, values: GroupValues) -> ReadNumbers:
        """What turns the pages' reads of one build into rendered pages of this log."""
        return ReadNumbers(self, values)

    def changed_versions(self, now: dict[Ref, str]) -> list[Ref]:
        """The records read by some page whose version is not the one their digests were made from (a one-shot
        build: no objects of the last build to compare, but the versions it saved)."""
        versions = self.versions
        return [ref for ref in self.by_ref if versions.get(ref) != now.get(ref, "(gone)")]

    def changed_refs(self, before: Site, after: Site) -> list[Ref]:
        """The records read by some page that are not the very same objects in both Sites (a long-lived
        pipeline keeps unchanged records by identity, so only these need their groups digested again)."""
        old, new = Resolver(before), Resolver(after)
        return [ref for ref in self.by_ref if old(ref) is not new(ref)]

    def changed_groups(
        self, refs: Iterable[Ref], values: GroupValues, same: SameFields | None = None
    ) -> dict[int, bytes]:
        """The groups of `refs` (the records that may have changed) whose values differ now (`values`, the new
        Site's) from when they were read, with their digests now. With `same` (a long-lived pipeline: the last
        build's Site), a group whose every field would digest as it did (`SameFields`) is not digested again."""
        changed: dict[int, bytes] = {}
        for ref in set(refs):
            unchanged = same.of(ref) if same is not None else None
            for fields, group_id in self.by_ref.get(ref, {}).items():
                if unchanged is not None and all(map(unchanged, fields)):
                    continue
                digest = values(ref, fields)
                if digest != self.digest(group_id):
                    changed[group_id] = digest
        return changed

    def stale(
        self,
        specs: Iterable[PageSpec],
        base: Callable[[PageSpec, tuple[str, ...]], str],
        changed: Iterable[int],
        kept: Callable[[str], bool],
    ) -> list[PageSpec]:
        """The pages to render again: new ones, those whose file is not `kept` in the output as it was written,
        and those whose base or groups changed."""
        changed = set(changed)
        stale = []
        for spec in specs:
            rel_path = spec.rel_path
            record = self.pages.get(rel_path)
            if (
                record is None
                or record.spec != spec
                or not kept(rel_path)
                or record.base != base(spec, record.templates)
                or (changed and not changed.isdisjoint(record.groups))
            ):
                stale.append(spec)
        return stale

    def reading(self, changed: Iterable[int]) -> list[PageSpec]:
        """The pages that read one of the `changed` groups: all that is stale when only records changed (the
        pages, their templates and the config are as the log has them: the preview's patch of bodies)."""
        changed = set(changed)
        if not changed:
            return []
        missing = changed.difference(self.readers)
        if missing:  # one pass over every page; the preview's next edit of the same article finds them here
            found: dict[int, set[str]] = {group: set() for group in missing}
            for rel_path, record in self.pages.items():
                if not missing.isdisjoint(record.groups):
                    for group in missing.intersection(record.groups):
                        found[group].add(rel_path)
            self.readers.update(found)
        paths = set().union(*(self.readers[group] for group in changed))
        return [record.spec for rel_path, record in self.pages.items() if rel_path in paths]

    def commit(self, changed: dict[int, bytes], rendered: Iterable[Rendered], present: set[str] | None) -> bool:
        """After a successful write: groups take their new digests, rendered pages their new reads, and pages
        the site no longer has (None: the same as before) are forgotten. Whether anything changed."""
        touched = bool(changed)
        for group_id, digest in changed.items():
            start = group_id * DIGEST_SIZE
            self.digests[start : start + DIGEST_SIZE] = digest
        for page in rendered:
            touched = True
            rel_path = page.spec.rel_path
            if self.readers:
                self.moved_readers(rel_path, page.groups)
            self.pages[rel_path] = PageRecord(page.spec, page.base, page.templates, page.groups)
        for rel_path in set(self.pages) - present if present is not None else ():
            del self.pages[rel_path]
            for readers in self.readers.values():
                readers.discard(rel_path)
            touched = True
        return touched

    def moved_readers(self, rel_path: str, groups: array) -> None:
        """Keep `readers` true when the page at `rel_path` now reads `groups`."""
        now = set(groups)
        before = self.pages.get(rel_path)
        for group in self.readers.keys() & (now.union(before.groups) if before is not None else now):
            if group in now:
                self.readers[group].add(rel_path)
            else:
                self.readers[group].discard(rel_path)

    def compacted(self) -> ReadLog:
        """The log with only the groups some page still reads, once a quarter of them are left behind by edits
        (before saving; a copy, so an edit that left a few behind does not pay for one: 50 MB at 10,000
        articles while the cache was saved). A group no page reads changes nothing but the file's size."""
        marks = bytearray(self.group_count)  # one byte a group (a set of their numbers was 30 MB at 10,000 articles)
        for record in self.pages.values():
            for i in record.groups:
                marks[i] = 1
        if marks.count(0) * UNREAD_SHARE <= self.group_count:
            return self
        used = [i for i, mark in enumerate(marks) if mark]
        renumber = {old: new for new, old in enumerate(used)}
        log = ReadLog()
        for i in used:
            log.group_id(self.group_refs[i], self.group_fields[i], self.digest(i))
        log.versions = self.versions
        for rel_path, record in self.pages.items():
            groups = array("I", (renumber[i] for i in record.groups))
            log.pages[rel_path] = PageRecord(record.spec, record.base, record.templates, groups)
        return log


class ReadNumbers:
    """The read log's group numbers for the numbers the render processes' tables sent in one build
    (render/recording.py: `ReadTable`). Each table's pages arrive in the order it numbered them (the
    renderers' results are taken in the order the pages were handed out), so each group and capture is
    defined before a page uses it. A group new to the log is digested by `finish`, in `values`, the Site the
    pages were rendered from (a known one is current already: `changed_groups` gave the new digest of every
    group whose record changed)."""

    def __init__(self, log: ReadLog, values: GroupValues):
        self.log, self.values = log, values  # values: anything with GroupValues.of_record (tests' own digests)
        self.groups: dict[tuple[int, int], list[int]] = {}  # table -> log number of each of its groups
        self.captures: dict[tuple[int, int], list[array]] = {}  # table -> log numbers of each capture's groups
        self.first_new = log.group_count  # the groups from here on are new in this build: digested by finish()

    def rendered(self, spec: PageSpec, base: str, reads: PageReads) -> Rendered:
        groups = self.groups.setdefault(reads.table, [])
        captures = self.captures.setdefault(reads.table, [])
        if reads.first_group != len(groups) or reads.first_capture != len(captures):
            raise RuntimeError(f"the reads of {spec.rel_path} arrived before the reads they refer to")
        log = self.log
        groups += [log.group_id(ref, fields, UNDIGESTED) for ref, fields in reads.new_groups]
        for numbers in reads.new_captures:
            captures.append(array("I", map(groups.__getitem__, numbers)))
        found = set(map(groups.__getitem__, reads.groups))
        for capture in reads.captures:
            found.update(captures[capture])
        return Rendered(spec, base, reads.templates, array("I", sorted(found)))

    def finish(self) -> None:
        """Digest the groups this build added, a record at a time: each field is digested once, and no digest
        of a field outlives its record's turn (kept for the whole build, they were 90 MB at 10,000 articles)."""
        log = self.log
        by_ref: dict[Ref, list[int]] = {}
        for number in range(self.first_new, log.group_count):
            by_ref.setdefault(log.group_refs[number], []).append(number)
        for ref, numbers in by_ref.items():
            digests = self.values.of_record(ref, [log.group_fields[number] for number in numbers])
            for number, digest in zip(numbers, digests, strict=True):
                start = number * DIGEST_SIZE
                log.digests[start : start + DIGEST_SIZE] = digest
        self.first_new = log.group_count


def all_groups(records: list[PageRecord]) -> bytearray:
    """The group numbers of every page as one run of bytes (an array's numbers), made at its size: pickled as it
    is, where an array is first copied to bytes (the cache save's passing peak 33 -> 29 MB at 10,000 articles)."""
    found = bytearray(array("I").itemsize * sum(len(record.groups) for record in records))
    with memoryview(found).cast("I") as numbers:
        start = 0
        for record in records:
            numbers[start : start + len(record.groups)] = record.groups
            start += len(record.groups)
    return found


UNREAD_SHARE = 4  # the log is compacted once one group in this many is read by no page
UNDIGESTED = b"\xff" * DIGEST_SIZE  # a new group's digest until ReadNumbers.finish makes it


class GroupValues:
    """The digest of a group's fields in one Site, each field digested once per build: the check of what
    changed asks it for the groups of records that may have changed (ReadNumbers.finish digests the groups
    new in a build with its resolver, a record at a time)."""

    def __init__(self, site: Site):
        self.resolve = Resolver(site)
        self.digests = ReadDigests()

    def __call__(self, ref: Ref, fields: frozenset[Field]) -> bytes:
        record = self.resolve(ref)
        return GONE if record is None else self.digests(record, fields)

    def of_record(self, ref: Ref, fieldsets: list[frozenset[Field]]) -> list[bytes]:
        """The digests of several groups of one record, its field digests kept only for this call."""
        record = self.resolve(ref)
        if record is None:
            return [GONE] * len(fieldsets)
        known: dict[Field, bytes] = {}
        return [self.digests.group(record, fields, known) for fields in fieldsets]


class SameFields:
    """Which fields of a record hold the same value in two Sites of a long-lived pipeline, as the digests see
    values (`model/refs.same_field`), told without digesting them. The site record is new in every build,
    and 11,000 groups at 10,000 articles read it (an actor's entry in `site.actors` here, a tag's there):
    digesting them all again was 0.33 s of a title edit in the preview, though an edit leaves nearly all of
    them as they were."""

    def __init__(self, before: Site, after: Site):
        self.old, self.new = Resolver(before), Resolver(after)

    def of(self, ref: Ref) -> Callable[[Field], bool] | None:
        """Whether a field of this record is unchanged (None: the record is new or gone)."""
        old, new = self.old(ref), self.new(ref)
        if old is None or new is None:
            return None
        known: dict[Field, bool] = {}

        def unchanged(field: Field) -> bool:
            found = known.get(field)
            if found is None:
                found = known[field] = same_field(old, new, field)
            return found

        return unchanged


class PageBases:
    """The base digest of pages in one build: the config and the source of each template a page loaded (its
    kind, URL and item are its spec, which `ReadLog.stale` compares as it is). Pages that loaded the same
    templates share a base, made once per build."""

    def __init__(self, env: Environment, site: Site):
        self.env = env
        self.config = fingerprint(site.config)
        self.sources: dict[str, str] = {}
        self.bases: dict[tuple[str, ...], str] = {}

    def template(self, name: str) -> str:
        found = self.sources.get(name)
        if found is None:
            try:
                source = self.env.loader.get_source(self.env, name)[0]  # type: ignore[union-attr]
            except TemplateNotFound:
                source = "(missing)"
            found = self.sources[name] = hashlib.blake2b(source.encode("utf-8"), digest_size=12).hexdigest()
        return found

    def __call__(self, spec: PageSpec, templates: tuple[str, ...]) -> str:
        found = self.bases.get(templates)
        if found is None:
            found = self.bases[templates] = fingerprint(
                self.config, [(name, self.template(name)) for name in templates]
            )
        return found
