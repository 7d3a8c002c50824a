"""The cache file (ssg/pipeline/reuse/cache.py): what is saved is loaded; a damaged file is never trusted."""

from __future__ import annotations

import hashlib
from array import array
from pathlib import Path

from ssg.pipeline.reuse.cache import CHUNK, ContentCache, cache_file, load_cache, save_cache
from ssg.pipeline.reuse.reads import ReadLog
from ssg.render import PageKind, PageReads, PageSpec
from ssg.render.recording import DIGEST_SIZE, GONE

DIGEST = b"twelve bytes"


def short(text: str) -> bytes:
    """A stand-in digest of the log's size, made from `text`."""
    return hashlib.blake2b(text.encode(), digest_size=DIGEST_SIZE).digest()


class Table:
    """Numbers groups as a render process's ReadTable does: each the first time, sent with its definition."""

    def __init__(self) -> None:
        self.numbers: dict[tuple, int] = {}

    def reads(self, groups: tuple) -> PageReads:
        first = len(self.numbers)
        new = tuple(group for group in dict.fromkeys(groups) if group not in self.numbers)
        for group in new:
            self.numbers[group] = len(self.numbers)
        numbers = array("I", (self.numbers[group] for group in groups))
        return PageReads(("index.html",), (1, 0), numbers, array("I"), new, first)


class Digests:
    """Stand-in digests of groups (GroupValues digests the records of a Site)."""

    def __init__(self, digest) -> None:
        self.digest = digest

    def of_record(self, ref: tuple, fieldsets: list) -> list[bytes]:
        return [self.digest(ref, fields) for fields in fieldsets]


def keys(log: ReadLog) -> list[tuple]:
    """Every group of a log as (ref, fields), by number."""
    return [log.key(number) for number in range(log.group_count)]


def number_of(log: ReadLog, group: tuple) -> int:
    ref, fields = group
    return log.by_ref[ref][fields]


def filled_cache() -> ContentCache:
    cache = ContentCache()
    for number in range(2 * CHUNK + 7):  # the big tables are saved in chunks: more than two of them
        key = f"key-{number}"
        cache.put(cache.parsed, key, (f"record {number} ‘with’ curly quotes", ()))
        cache.put(cache.bodies, key, f"<p>body {number}</p>")
        cache.put(cache.derived, key, f"listing {number}")
        cache.stats[f"content/articles/a{number}.md"] = ((number, number * 10), "salt", key)
    log = cache.reads.setdefault("/site/build", ReadLog())
    reads = Table().reads(((("article", "a.md"), frozenset({"title"})),))
    spec = PageSpec(PageKind.HOME, "/", number=1)
    numbers = log.numbering(Digests(lambda ref, fields: DIGEST))  # type: ignore[arg-type]
    page = numbers.rendered(spec, "base", reads)
    numbers.finish()
    log.commit({}, [page], {"index.html"})
    return cache


def test_a_read_log_loads_group_for_group(tmp_path: Path) -> None:
    """Groups share refs and field sets; a record gone since is digested GONE: all come back as saved, so
    the next build finds the same pages stale."""
    cache = ContentCache()
    log = cache.reads.setdefault("/site/build", ReadLog())
    title, card = frozenset({"title"}), frozenset({"name", ("roles", 0)})
    pages = (
        ((("article", "a.md"), title), (("actor", "ada"), card), (("article", "b.md"), title)),
        ((("actor", "ada"), card), (("actor", "ada"), title), (("actor", "bo"), card)),
    )
    rendered = []
    digest = lambda ref, fields: GONE if ref == ("actor", "bo") else short(f"{ref}{sorted(map(str, fields))}")  # noqa: E731
    numbers, table = log.numbering(Digests(digest)), Table()  # type: ignore[arg-type]
    for number, groups in enumerate(pages, start=1):
        spec = PageSpec(PageKind.HOME, "/" if number == 1 else f"/page/{number}/", number=number)
        rendered.append(numbers.rendered(spec, "base", table.reads(groups)))
    numbers.finish()
    log.commit({}, rendered, {r.spec.rel_path for r in rendered})
    save_cache(tmp_path, cache)
    loaded = load_cache(tmp_path).reads["/site/build"]
    assert keys(loaded) == keys(log) and loaded.digests == log.digests and loaded.by_ref == log.by_ref
    assert loaded.pages == log.pages and loaded.group_fields == log.group_fields
    assert loaded.stale([r.spec for r in rendered], lambda spec, templates: "base", [], lambda rel_path: True) == []
    changed = number_of(loaded, (("actor", "bo"), card))
    assert loaded.reading([changed]) == [rendered[1].spec]  # the page that read it, and only that one


def test_a_saved_cache_loads_entry_for_entry(tmp_path: Path) -> None:
    saved = filled_cache()
    expected = {name: dict(getattr(saved, name)) for name in ("parsed", "bodies", "derived", "stats")}
    save_cache(tmp_path, saved)
    loaded = load_cache(tmp_path)
    assert {name: getattr(loaded, name) for name in expected} == expected
    log = loaded.reads["/site/build"]
    assert log.pages == saved.reads["/site/build"].pages
    assert keys(log) == [(("article", "a.md"), frozenset({"title"}))] and log.digest(0) == DIGEST
    assert not loaded.dirty and not loaded.used


def test_a_cache_cut_anywhere_is_ignored(tmp_path: Path) -> None:
    save_cache(tmp_path, filled_cache())
    path = cache_file(tmp_path)
    data = path.read_bytes()
    for cut in (len(data) // 3, len(data) - 70, len(data) - 1):  # in a chunk, in the last chunk, in the checksum
        path.write_bytes(data[:cut])
        assert load_cache(tmp_path).parsed == {}
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(flipped))
    assert load_cache(tmp_path).parsed == {}
