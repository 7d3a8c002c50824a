"""Recorded reads: what rendering one page read of the model, learnt while it renders (STYLE.md: Hugo's
dependency tracking, Salsa's queries, in miniature).

Jinja sends every `a.b` and `a[b]` (and `map(attribute=)`, `sort(attribute=)`, `selectattr`...) through
`Environment.getattr` / `getitem`, and every `extends`, `include` and `import` through `_load_template`:
`RecordingEnvironment` notes there which field of which keyed record (model/refs.py) the page read, and
which templates it used. A mapping field (`site.actors`) is handed out as a `ReadMap`, so `site.actors[x]`
is a read of that one entry and only a loop over it a read of the whole. Python helpers the templates call
(JSON-LD, social meta, sitemap, feed dates) and the open data, which read the model without Jinja, get the
records wrapped in `Tracked` proxies that note the same reads. Nothing here is kept by hand per template.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import MethodType
from typing import Any

from jinja2 import Environment

from ssg.model.refs import KEYED, Ref, field_digest, method_reads, ref_of

PLAIN = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, bytes})  # values that hold no record
Field = str | tuple[str, Any]  # a field, or one entry of a mapping field: ("actors", "ada-quill")
DIGEST_SIZE = 12  # bytes of a group's digest
GONE = bytes(DIGEST_SIZE)  # the digest of a group whose record is gone


@dataclass(frozen=True, slots=True)
class PageReads:
    """What one page read, as numbers of the `ReadTable` of the process that rendered it (`table` names it):
    the (record, fields) groups the page read itself and the captures (a memoized macro's reads) it used. With
    them come the groups and captures that table numbered since it last sent any, so the read log learns each
    once (pipeline/reuse/reads.py: `ReadNumbers`); `first_group` and `first_capture` are their numbers."""

    templates: tuple[str, ...]
    table: tuple[int, int]
    groups: array
    captures: array
    new_groups: tuple[tuple[Ref, frozenset[Field]], ...] = ()
    first_group: int = 0
    new_captures: tuple[array, ...] = ()
    first_capture: int = 0


class ReadTable:
    """Numbers for what pages read, made in the process that renders them (one table per Jinja environment,
    so per render worker and build): a group, (record, fields), and a capture, the groups a memoized macro's
    output read (the same claim's list item on hundreds of pages), are numbered the first time they are seen.
    A page then sends numbers, not a million (ref, fields) pairs to pickle, unpickle and look up again, and a
    capture is one number wherever its macro output is used."""

    def __init__(self) -> None:
        self.token = (os.getpid(), next(_TABLES))
        # by id: the record (kept, so its id stays unique) and the number of each set of its fields read
        self.records: dict[int, tuple[Any, dict[frozenset[Field], int]]] = {}
        self.count = 0  # groups numbered
        self.fieldsets: dict[frozenset[Field], frozenset[Field]] = {}  # one object per set of fields (memory)
        self.captures: list[array] = []  # by number: the numbers of the groups each capture read
        self.new_groups: list[tuple[Ref, frozenset[Field]]] = []
        self.new_captures: list[array] = []

    def groups(self, fields: dict[int, tuple[Any, set[Field]]]) -> array:
        """The numbers of what a recorder noted (records without a ref are part of one that has)."""
        records = self.records
        found = array("I")
        for key, (record, names) in fields.items():
            entry = records.get(key)
            if entry is None:
                entry = records[key] = (record, {})
            frozen = frozenset(names)
            number = entry[1].get(frozen)
            if number is None:
                ref = ref_of(record)
                if ref is None:
                    continue
                frozen = self.fieldsets.setdefault(frozen, frozen)
                number = entry[1][frozen] = self.count
                self.count += 1
                self.new_groups.append((ref, frozen))
            found.append(number)
        return found

    def capture(self, fields: dict[int, tuple[Any, set[Field]]], captures: set[int]) -> int:
        """A new capture: these groups and those of the captures used inside it."""
        numbers = set(self.groups(fields))
        for inner in captures:
            numbers.update(self.captures[inner])
        found = array("I", sorted(numbers))
        self.captures.append(found)
        self.new_captures.append(found)
        return len(self.captures) - 1

    def page_reads(self, templates: tuple[str, ...], groups: array, captures: set[int]) -> PageReads:
        """A page's reads, with what this table numbered since the last page it sent."""
        reads = PageReads(
            templates,
            self.token,
            groups,
            array("I", sorted(captures)),
            tuple(self.new_groups),
            self.count - len(self.new_groups),
            tuple(self.new_captures),
            len(self.captures) - len(self.new_captures),
        )
        self.new_groups.clear()
        self.new_captures.clear()
        return reads


_TABLES = itertools.count()


class Recorder:
    """The reads of one page as it renders: by record identity, the record and the fields read; the captures
    of memoized macros it used; template names."""

    __slots__ = ("captures", "fields", "frames", "table", "templates")

    def __init__(self, table: ReadTable | None = None) -> None:
        self.fields: dict[int, tuple[Any, set[Field]]] = {}  # the record is kept: its id stays unique
        self.captures: set[int] = set()
        self.templates: set[str] = set()
        self.frames: list[tuple[dict[int, tuple[Any, set[Field]]], set[int]]] = []
        self.table = table if table is not None else ReadTable()

    def wrap(self, value: Any) -> Any:
        """What Python helpers get for a value they read. A method, not a closure kept on the recorder: that
        would be a reference cycle, and a build pauses the cyclic collector (every page's reads stayed in the
        render workers' memory until the end)."""
        return track(value, self)

    def note(self, record: Any, name: Field) -> None:
        self.noted(record).add(name)

    def noted(self, record: Any) -> set[Field]:
        """The fields of `record` this page read so far (the set to add to)."""
        entry = self.fields.get(id(record))
        if entry is None:
            entry = self.fields[id(record)] = (record, set())
        return entry[1]

    def begin(self) -> None:
        """Start capturing apart (a memoized macro's first call), to replay the reads on later calls."""
        self.frames.append((self.fields, self.captures))
        self.fields, self.captures = {}, set()

    def end(self) -> int:
        """The reads since `begin`, as a capture, which also counts for the page (or capture) around them."""
        capture = self.table.capture(self.fields, self.captures)
        self.fields, self.captures = self.frames.pop()
        self.captures.add(capture)
        return capture

    def replay(self, capture: int) -> None:
        self.captures.add(capture)

    def reads(self) -> PageReads:
        """What the page read, as its table's numbers (once the page is rendered)."""
        return self.table.page_reads(tuple(sorted(self.templates)), self.table.groups(self.fields), self.captures)

    def read(self, record: Any, name: str, wrap: Callable[[Any], Any]) -> Any:
        """`record.name`, noted; a method's declared reads are noted instead, and a mapping is a ReadMap."""
        value = getattr(record, name)
        kind = type(value)
        if kind is MethodType:
            for field in method_reads(record, name):
                self.note(record, field)
            return value if wrap is _same else _tracked_call(value, self)
        if kind is dict:
            return ReadMap(self, record, name, value, wrap)
        self.note(record, name)
        return value if wrap is _same else wrap(value)


def _same(value: Any) -> Any:
    return value


class ReadMap(Mapping):
    """A record's mapping field as templates see it: one entry read is a read of that entry; iterating it, its
    length or its keys a read of the whole."""

    __slots__ = ("_mapping", "_name", "_record", "_recorder", "_wrap")

    def __init__(self, recorder: Recorder, record: Any, name: str, mapping: dict, wrap: Callable[[Any], Any]):
        self._recorder, self._record, self._name, self._mapping, self._wrap = recorder, record, name, mapping, wrap

    def __getitem__(self, key: Any) -> Any:
        self._recorder.note(self._record, (self._name, key))
        return self._wrap(self._mapping[key])

    def __contains__(self, key: object) -> bool:
        self._recorder.note(self._record, (self._name, key))
        return key in self._mapping

    def __iter__(self) -> Iterator[Any]:
        self._recorder.note(self._record, self._name)
        return iter(self._mapping)

    def __len__(self) -> int:
        self._recorder.note(self._record, self._name)
        return len(self._mapping)

    def values(self) -> Any:
        self._recorder.note(self._record, self._name)
        return [self._wrap(v) for v in self._mapping.values()]

    def items(self) -> Any:
        self._recorder.note(self._record, self._name)
        return [(k, self._wrap(v)) for k, v in self._mapping.items()]


_own = object.__getattribute__


class Tracked:
    """A record as Python helpers see it: every attribute read is noted, records inside come wrapped too.
    `isinstance` sees the record's class."""

    __slots__ = ("_record", "_recorder")

    def __init__(self, record: Any, recorder: Recorder):
        self._record = record
        self._recorder = recorder

    def __getattribute__(self, name: str) -> Any:
        """Every attribute goes through here: `__getattr__` would run only after the usual look-up failed,
        and raising and catching that AttributeError made a read twice as slow (3 million reads at 10,000
        articles). Names with an underscore are the proxy's own (record fields have none)."""
        if name[0] == "_":
            return _own(self, name)
        record = _own(self, "_record")
        value = getattr(record, name)
        if type(value) in PLAIN:  # the usual case, inlined: a scalar field
            recorder = _own(self, "_recorder")
            fields = recorder.fields
            entry = fields.get(id(record))
            if entry is None:
                entry = fields[id(record)] = (record, set())
            entry[1].add(name)
            return value
        recorder = _own(self, "_recorder")
        return recorder.read(record, name, recorder.wrap)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self._record)

    def __eq__(self, other: object) -> bool:
        return self._record == (other._record if type(other) is Tracked else other)

    def __hash__(self) -> int:
        return hash(self._record)

    def __repr__(self) -> str:
        return f"Tracked({self._record!r})"


def read_fields(record: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    """Several fields of one record at once, for Python code that reads the same fields of thousands of records
    (the open data: 12 of each of 35,000 claims). A tracked record's fields are noted as one read each, as
    `Tracked` would note them one by one, without a proxy call per field; a plain record's are just read."""
    if type(record) is not Tracked:
        return tuple(getattr(record, name) for name in names)
    inner, recorder = _own(record, "_record"), _own(record, "_recorder")
    noted = recorder.noted(inner)
    values = []
    for name in names:
        value = getattr(inner, name)
        if type(value) in PLAIN:
            noted.add(name)
            values.append(value)
        else:
            values.append(recorder.read(inner, name, recorder.wrap))
    return tuple(values)


def track(value: Any, recorder: Recorder) -> Any:
    """A value for a Python helper: keyed records (also inside tuples and lists) wrapped, the rest as it is."""
    kind = type(value)
    if kind in KEYED:
        return Tracked(value, recorder)
    if (kind is tuple or kind is list) and value and type(value[0]) not in PLAIN:  # model tuples hold one kind
        return TrackedSequence(value, recorder)
    return value


class TrackedSequence(Sequence):
    """A tuple or list as Python helpers see it: its items wrapped as they are taken, so a helper that asks
    for the length of 35,000 claims or the first ten of them pays for what it takes."""

    __slots__ = ("_items", "_recorder")

    def __init__(self, items: Sequence[Any], recorder: Recorder):
        self._items, self._recorder = items, recorder

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return TrackedSequence(self._items[index], self._recorder)
        return track(self._items[index], self._recorder)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        recorder = self._recorder
        return (Tracked(v, recorder) if type(v) in KEYED else track(v, recorder) for v in self._items)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"TrackedSequence({self._items!r})"


def _tracked_call(method: Callable[..., Any], recorder: Recorder) -> Callable[..., Any]:
    return lambda *args, **kwargs: track(method(*args, **kwargs), recorder)


class RecordingEnvironment(Environment):
    """A Jinja environment that notes, while `recorder` is set, what the template reads of the model."""

    recorder: Recorder | None = None

    def getattr(self, obj: Any, attribute: str) -> Any:
        recorder = self.recorder
        if recorder is None or type(obj) not in KEYED:  # Environment.getattr, inlined: no extra call per `a.b`
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
            try:
                return obj[attribute]
            except (TypeError, LookupError, AttributeError):
                return self.undefined(obj=obj, name=attribute)
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return self.undefined(obj=obj, name=attribute)
        kind = type(value)
        if kind is dict or kind is MethodType:
            return recorder.read(obj, attribute, _same)
        entry = recorder.fields.get(id(obj))  # Recorder.note, inlined: this runs for every `a.b` of a page
        if entry is None:
            entry = recorder.fields[id(obj)] = (obj, set())
        entry[1].add(attribute)
        return value

    def getitem(self, obj: Any, argument: Any) -> Any:
        if self.recorder is not None and type(obj) in KEYED and isinstance(argument, str):
            return self.getattr(obj, argument)
        return super().getitem(obj, argument)

    def _load_template(self, name: Any, globals: Any) -> Any:
        if self.recorder is not None and isinstance(name, str):
            self.recorder.templates.add(name)
        return super()._load_template(name, globals)


def recorded(env: Environment, helper: Callable[..., Any], *bound: Any) -> Callable[..., Any]:
    """A Python helper for templates whose record arguments (and `bound` ones) reach it tracked."""

    def call(*args: Any, **kwargs: Any) -> Any:
        recorder = getattr(env, "recorder", None)
        if recorder is None:
            return helper(*bound, *args, **kwargs)
        wrapped = [track(a, recorder) for a in (*bound, *args)]
        return helper(*wrapped, **{k: track(v, recorder) for k, v in kwargs.items()})

    return call


@contextmanager
def recording(env: Environment) -> Iterator[Recorder]:
    """Record what is rendered with `env` inside the block (numbered in the environment's `ReadTable`)."""
    table = getattr(env, "read_table", None)
    if table is None:
        table = env.read_table = ReadTable()  # type: ignore[attr-defined]
    recorder = Recorder(table)
    env.recorder = recorder  # type: ignore[attr-defined]
    try:
        yield recorder
    finally:
        env.recorder = None  # type: ignore[attr-defined]


class ReadDigests:
    """The digest of some fields of a record: each field's token digested once per build and process (records
    are frozen), a group's digest made of its fields' digests. Groups are not kept: the read log asks for each
    one once a build (330,000 at 10,000 articles; keeping them held 50 MB)."""

    def __init__(self) -> None:
        self.records: dict[int, tuple[Any, dict[Field, bytes]]] = {}  # the record is kept: its id stays unique
        self.orders: dict[frozenset[Field], tuple[Field, ...]] = {}  # each field set's fields in digest order

    def __call__(self, record: Any, fields: frozenset[Field]) -> bytes:
        entry = self.records.get(id(record))
        if entry is None:
            entry = self.records[id(record)] = (record, {})
        return self.group(record, fields, entry[1])

    def group(self, record: Any, fields: frozenset[Field], known: dict[Field, bytes]) -> bytes:
        """The digest of `fields` of `record`, its fields' digests taken from and kept in `known`."""
        order = self.orders.get(fields)
        if order is None:
            order = self.orders[fields] = tuple(sorted(fields, key=repr))
        parts = []
        for name in order:
            digest = known.get(name)
            if digest is None:
                digest = known[name] = field_digest(record, name)
            parts.append(digest)
        return hashlib.blake2b(b"".join(parts), digest_size=DIGEST_SIZE).digest()
