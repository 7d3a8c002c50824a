"""The build cache: parsed files, rendered bodies and page digests from earlier builds, by content digest.

In memory it serves `ssg serve` between rebuilds; on disk (`.ssg-cache/`) it makes the next `ssg build` warm.
The file is versioned (an ssg upgrade or a new format invalidates it) and checksummed: a truncated or
corrupted file is ignored, never trusted. Deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, BinaryIO

from ssg import __version__
from ssg.errors import Diagnostic
from ssg.markdown import RenderedBody
from ssg.model.evidence import Evidence
from ssg.model.types import ActorEntry, Article, Claim, Page, Profile, Source
from ssg.pipeline.reuse.reads import PageRecord, ReadLog
from ssg.pipeline.search_bundle import SearchIndex, ShardBundle

# 2: recorded reads, not page digests; 3: field digests of text without its repr; 4: search; 5: shards;
# 6: the read log saved compactly; 7: field digests without the field's name; 8: the read log's pages and refs
# packed into long strings; 9: the pages' group numbers as one run of bytes; 10: search index chunks in order
FORMAT = 10
MAGIC = b"ssg-cache\n"
CACHE_DIR = ".ssg-cache"


def digest(*parts: object) -> str:
    """A content key: the reprs of the parts, hashed (with the ssg version, so upgrades never reuse entries)."""
    return hashlib.blake2b(repr((__version__, FORMAT, parts)).encode("utf-8"), digest_size=16).hexdigest()


@dataclass
class ContentCache:
    """What earlier builds computed; entries not used by a build are dropped when it is saved."""

    parsed: dict[str, Any] = field(default_factory=dict)  # file key -> (record or None, diagnostics)
    bodies: dict[str, Any] = field(default_factory=dict)  # body key -> RenderedBody
    reads: dict[str, ReadLog] = field(default_factory=dict)  # output folder -> what each page read (reads.py)
    derived: dict[str, str] = field(default_factory=dict)  # listing fingerprints of articles, biographies as HTML
    stats: dict[str, tuple] = field(default_factory=dict)  # rel_path -> ((size, mtime_ns), salt, key) at last read
    search: dict[str, Any] = field(default_factory=dict)  # output folder -> the SearchIndex it holds (search.py)
    used: set[str] = field(default_factory=set, repr=False)
    dirty: bool = field(default=False, repr=False)  # something was added or changed since it was loaded

    def get(self, table: dict[str, Any], key: str) -> Any:
        value = table.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, table: dict[str, Any], key: str, value: Any) -> None:
        table[key] = value
        self.used.add(key)
        self.dirty = True

    def has_unused(self) -> bool:
        """Whether the last build left entries unused (pruning them changes the file)."""
        return any(key not in self.used for table in (self.parsed, self.bodies, self.derived) for key in table)

    def prune(self) -> None:
        """Keep only what the last build used, so the cache does not grow with every edit."""
        for table in (self.parsed, self.bodies, self.derived):
            for key in [k for k in table if k not in self.used]:
                del table[key]
        for rel_path in [p for p, known in self.stats.items() if known[2] not in self.parsed]:
            del self.stats[rel_path]
        self.used.clear()


def cache_file(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR / f"build-v{FORMAT}.pickle"


def record_schema() -> str:
    """The field names of every class the cache pickles: a changed class makes old files unreadable on purpose
    (unpickling restores old instances without the new fields, which would fail far from here)."""
    classes = (
        ContentCache,
        Article,
        Claim,
        ActorEntry,
        Source,
        Page,
        Profile,
        RenderedBody,
        Diagnostic,
        PageRecord,
        Evidence,
        SearchIndex,
        ShardBundle,
    )
    names = [(cls.__name__, [f.name for f in fields(cls)]) for cls in classes]
    return hashlib.blake2b(repr(names).encode(), digest_size=8).hexdigest()


def header() -> bytes:
    return MAGIC + f"{__version__} {FORMAT} {record_schema()}\n".encode()


CHUNK = 2000  # entries per pickle of a big table: each pickle's memo of every object it wrote stays small
BIG_TABLES = ("parsed", "bodies", "derived", "stats")


def load_cache(site_dir: Path) -> ContentCache:
    """The saved cache, or an empty one when there is none or it is unreadable (never an error)."""
    values = read_checked(cache_file(site_dir))
    if not values or not isinstance(values[0], ContentCache):
        return ContentCache()
    cache = values[0]
    for name, chunk in values[1:]:
        getattr(cache, name).update(chunk)
    cache.dirty = False
    return cache


def cache_pickles(cache: ContentCache) -> Iterator[Any]:
    """The cache but its search indexes as a sequence of pickles: the small tables, each output's read log,
    then each big table in chunks of CHUNK entries. One pickle of everything kept a memo of every object until
    the end (100 MB more at 10,000 articles)."""
    yield replace(cache, **{name: {} for name in BIG_TABLES}, reads={}, search={}, used=set())
    for output, log in cache.reads.items():
        yield "reads", {output: log.compacted()}
    for name in BIG_TABLES:
        items = list(getattr(cache, name).items())
        for start in range(0, len(items), CHUNK):
            yield name, dict(items[start : start + CHUNK])


def search_pickles(cache: ContentCache) -> Iterator[Any]:
    """The search indexes, last: a build knows its own once the indexing process is done."""
    for output, index in cache.search.items():
        yield "search", {output: index}


def read_checked(path: Path) -> list[Any] | None:
    """The objects `write_checked` saved at `path`, or None when it is missing, from another ssg or damaged.

    The file is the header, the pickles, then the SHA-256 of the pickles: a file cut short or damaged anywhere
    fails the check and is ignored."""
    try:
        with path.open("rb") as stream:
            if stream.read(len(header())) != header():
                return None
            size = path.stat().st_size - len(header()) - TRAILER
            if size <= 0:
                return None
            checksum = hashlib.sha256()
            remaining = size
            while remaining:
                chunk = stream.read(min(remaining, 1 << 20))
                if not chunk:
                    return None
                checksum.update(chunk)
                remaining -= len(chunk)
            if stream.read(TRAILER) != checksum.hexdigest().encode():
                return None
            stream.seek(len(header()))
            end = len(header()) + size
            values = []
            while stream.tell() < end:
                values.append(pickle.load(stream))
            return values
    except Exception:
        return None


TRAILER = 64  # hex SHA-256


class HashingWriter:
    """A file wrapper that hashes what passes through (pickle.dump streams into it: no giant bytes in memory)."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.checksum = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.checksum.update(data)
        return self.stream.write(data)


def save_cache(site_dir: Path, cache: ContentCache) -> None:
    """Write the cache atomically (a temporary file renamed over the old one); nothing when nothing changed."""
    saving = CacheSave(site_dir, cache)
    saving.begin()
    saving.finish()


class CacheSave:
    """Saving the cache in two steps, so that most of it is written while a build waits for its search index:
    `begin` writes all but the search indexes to a temporary file, `finish` adds them and the checksum and
    renames the file over the old one (nothing is written when nothing changed); `discard` drops it.

    A build's new search index is not in the cache in memory: the indexing process pickles its entry to
    `search_part` (pipeline/search.py), and `finish` copies those bytes in, when told to (`add_search_part`).
    So the build never holds it (20 MB at 10,000 articles, at the largest moment of a build)."""

    def __init__(self, site_dir: Path, cache: ContentCache):
        self.path = cache_file(site_dir)
        self.cache = cache
        self.file: CheckedFile | None = None
        self.failed: OSError | None = None  # in `begin`, raised by `finish`: the build goes on without it
        self.search_part = self.path.with_name(f"{self.path.name}.{os.getpid()}.search")
        self.with_search_part = False

    def add_search_part(self) -> None:
        """The indexing process made a new index: its entry (in `search_part`) goes into the file."""
        self.with_search_part = True
        self.cache.dirty = True

    def begin(self) -> None:
        cache = self.cache
        if not cache.dirty and not cache.has_unused() and self.path.exists():
            return  # unless the search index changes: then finish writes it all
        try:
            self.start()
        except OSError as exc:  # a full disk, say: the output is still written
            self.discard()
            self.failed = exc

    def start(self) -> None:
        """All but the search indexes, pruned, into a new temporary file."""
        self.cache.prune()
        self.file = CheckedFile(self.path)
        self.file.write(cache_pickles(self.cache))

    def finish(self) -> None:
        """Raises OSError when the file could not be written (the old one may be left)."""
        try:
            self.finish_file()
        finally:
            forget(self.search_part)

    def finish_file(self) -> None:
        cache = self.cache
        if self.failed is not None:
            raise self.failed
        if self.with_search_part and not self.search_part.is_file():
            raise OSError("the indexing process could not write the search index's part")
        if self.file is None:
            if not cache.dirty and self.path.exists():
                cache.used.clear()
                return
            self.start()
        assert self.file is not None
        file, self.file = self.file, None
        file.write(search_pickles(cache))
        if self.with_search_part:
            file.append(self.search_part)
        file.close()
        cache.dirty = False

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()
            self.file = None
        forget(self.search_part)


def write_checked(path: Path, values: Iterable[Any]) -> None:
    """Pickle `values` one after another to `path` atomically (a temporary file renamed over the old one),
    framed for read_checked."""
    file = CheckedFile(path)
    file.write(values)
    file.close()


class CheckedFile:
    """A file framed for read_checked, written pickle by pickle to a temporary file beside `path`: `close`
    adds the checksum and renames it over `path`; `discard` (or any failure to write) removes it."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        forget_orphans(path.parent)
        self.path = path
        self.temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        self.stream = self.temporary.open("wb")
        try:
            self.stream.write(header())
        except BaseException:
            self.discard()
            raise
        self.writer = HashingWriter(self.stream)

    def write(self, values: Iterable[Any]) -> None:
        try:
            for value in values:
                pickle.dump(value, self.writer, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            self.discard()
            raise

    def append(self, path: Path) -> None:
        """The bytes of a file of pickles (one made elsewhere), as they are."""
        try:
            with path.open("rb") as source:
                while block := source.read(1 << 20):
                    self.writer.write(block)
        except BaseException:
            self.discard()
            raise

    def close(self) -> None:
        try:
            self.stream.write(self.writer.checksum.hexdigest().encode())
            self.stream.close()
            self.temporary.replace(self.path)
        finally:
            self.discard()

    def discard(self) -> None:
        self.stream.close()
        forget(self.temporary)


def forget(path: Path) -> None:
    """Remove a temporary file, if there is one (a cache folder that is a file, say, holds none)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


TEMPORARY = re.compile(r".+\.pickle\.(\d+)\.(?:tmp|search)")  # a CheckedFile's or a search part's, by pid


def forget_orphans(folder: Path) -> None:
    """The temporary files of builds killed while they saved (a cache file of 165 MB at 10,000 articles, each):
    those whose process is gone. A build that is still running keeps its own."""
    for path in folder.iterdir():
        found = TEMPORARY.fullmatch(path.name)
        if found is None or int(found[1]) == os.getpid():
            continue
        try:
            os.kill(int(found[1]), 0)
        except (ProcessLookupError, OverflowError):  # gone, or never a process
            forget(path)
        except OSError:  # another user's process: alive
            pass
