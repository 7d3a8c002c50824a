"""The cache file (ssg/pipeline/reuse/cache.py): what is saved is loaded; a damaged file is never trusted."""

from __future__ import annotations

from pathlib import Path

from ssg.pipeline.reuse.cache import CHUNK, ContentCache, cache_file, load_cache, save_cache
from ssg.pipeline.reuse.reads import ReadLog
from ssg.render import PageKind, PageReads, PageSpec


def filled_cache() -> ContentCache:
    cache = ContentCache()
    for number in range(2 * CHUNK + 7):  # the big tables are saved in chunks: more than two of them
        key = f"key-{number}"
        cache.put(cache.parsed, key, (f"record {number} ‘with’ curly quotes", ()))
        cache.put(cache.bodies, key, f"<p>body {number}</p>")
        cache.put(cache.derived, key, f"listing {number}")
        cache.stats[f"content/articles/a{number}.md"] = ((number, number * 10), "salt", key)
    log = cache.reads.setdefault("/site/build", ReadLog())
    reads = PageReads(("index.html",), ((("article", "a.md"), frozenset({"title"})),))
    spec = PageSpec(PageKind.HOME, "/", number=1)
    log.commit({}, [log.intern(spec, "base", reads, lambda ref, fields: "digest")], {"index.html"})
    return cache


def test_a_saved_cache_loads_entry_for_entry(tmp_path: Path) -> None:
    saved = filled_cache()
    expected = {name: dict(getattr(saved, name)) for name in ("parsed", "bodies", "derived", "stats")}
    save_cache(tmp_path, saved)
    loaded = load_cache(tmp_path)
    assert {name: getattr(loaded, name) for name in expected} == expected
    log = loaded.reads["/site/build"]
    assert log.pages == saved.reads["/site/build"].pages
    assert log.keys == [(("article", "a.md"), frozenset({"title"}))] and log.digests == ["digest"]
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
