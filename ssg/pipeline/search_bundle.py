"""Pagefind's bundle format (1.5): one bundle made of the bundles of several shards.

Pagefind holds every page it indexes in memory until it writes the index (about 230 MB per 1,000 documents
of the bench corpus: 2.4 GB at 10,000 articles), and indexes everything again when one page changes. So
pipeline/search.py splits the documents into shards, Pagefind indexes each shard on its own, and this module
merges the shards' bundles into the one bundle the browser loads. The merge is exact: Pagefind scores in the
browser from what the bundle stores (each word's pages and positions, each page's word count), so a merged
bundle answers every search as one made in a single run would.

A bundle (all but the entry file and the scripts gzip around the signature `pagefind_dcd` and CBOR):
- `pagefind.<hash>.pf_meta`: [version, pages [[fragment hash, word count]], index chunks [[from, to, hash]],
  filters [[name, hash]], sorts, meta fields];
- `index/<hash>.pf_index`: [[word, pages [[page number delta, locations, meta locations]], variants
  [[form, pages]]]], words in order, page numbers as deltas from the previous page of the same list;
- `filter/<hash>.pf_filter`: [name, [[value, [page numbers]]]];
- `fragment/<hash>.pf_fragment`: one page's URL, text, metadata and filters (JSON), no page number;
- `pagefind-entry.json` (names the meta file), the scripts, styles and WebAssembly of the UI.

Merged, pages are numbered shard after shard; a word's page list is the shards' lists one after another (only
the first delta of each changes); meta locations name their field by its place in the sorted meta fields,
remapped when a shard lacks a field; chunks are cut as Pagefind cuts them (20,000 locations, boundaries
trimmed to the shortest distinguishing prefixes). Every file is named by a digest of its bytes, and filter
values are sorted: Pagefind writes filter values in hash-map order, and the same site must build the same
bytes (SPEC §6).
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import itertools
import json
import marshal
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from operator import itemgetter

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
FORMAT_OF = "1.5."  # the Pagefind versions whose bundles this module reads (pyproject pins them)
CHUNK_LOCATIONS = 20_000  # Pagefind's default index chunk size
DELTA, LOCATIONS, META_LOCATIONS = itemgetter(0), itemgetter(1), itemgetter(2)  # of a page in a word's list
NAME_DIGITS = 14  # hex digits of sha256 in a file name: no two files of a 10-million-page bundle share one


class BundleError(Exception):
    """A bundle this version of ssg cannot read or merge."""


@dataclass(frozen=True, slots=True)
class ShardBundle:
    """What the merge needs of one shard's bundle: its meta, index and filter files (bundle-relative names).
    Its fragments go to the output as they are; its scripts are the same in every shard."""

    digest: str  # of the documents it was made from
    language: str
    files: dict[str, bytes]

    @property
    def meta(self) -> list:
        return decode(self.meta_name, self.files[self.meta_name])

    @property
    def meta_name(self) -> str:
        return f"pagefind.{self.language}.pf_meta"

    def fragment_names(self) -> list[str]:
        return [f"fragment/{page[0]}.pf_fragment" for page in self.meta[1]] if self.files else []


def decode(name: str, data: bytes) -> list:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise BundleError(f"{name}: not a Pagefind file this version of ssg knows")
    return cbor2.loads(raw[len(SIGNATURE) :])


def encode(value: object) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=6, mtime=0)  # Pagefind's level


def content_name(language: str, data: bytes) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:NAME_DIGITS]}"


def split_bundle(digest: str, files: dict[str, bytes]) -> tuple[ShardBundle, dict[str, bytes], dict[str, bytes]]:
    """A shard's bundle as Pagefind made it (bundle-relative names) -> (what the merge needs, its fragments
    named by their content, the UI's files). Fragments are renamed by a longer digest than Pagefind's seven
    digits, which two shards could share."""
    entry = json.loads(files[ENTRY])
    assets = {
        name: data
        for name, data in files.items()
        if not name.startswith(("index/", "filter/", "fragment/")) and not name.endswith(".pf_meta")
    }
    if not entry["languages"]:  # no documents: Pagefind writes no index at all
        return ShardBundle(digest, "", {}), {}, assets
    (language, info), *others = entry["languages"].items()
    if others:
        raise BundleError(f"{ENTRY}: one language expected, found {sorted(entry['languages'])}")
    meta = decode("pf_meta", files[f"pagefind.{info['hash']}.pf_meta"])
    fragments = {}
    for page in meta[1]:
        data = files[f"fragment/{page[0]}.pf_fragment"]
        page[0] = content_name(language, data)
        fragments[f"fragment/{page[0]}.pf_fragment"] = data
    parts = {name: data for name, data in files.items() if name.startswith(("index/", "filter/"))}
    parts[f"pagefind.{language}.pf_meta"] = encode(meta)
    return ShardBundle(digest, language, parts), fragments, assets


@dataclass(frozen=True, slots=True)
class Chunk:
    """An index chunk of a merged bundle: its first and last words (before Pagefind trims the bounds), the
    name of its file and a digest of its content (`chunk_key`)."""

    first: str
    last: str
    name: str
    key: str


BundleOut = tuple[dict[str, "bytes | None"], list[Chunk]]  # merged files (None: kept in the output), chunks


def merge(shards: list[ShardBundle], entry: bytes, kept: dict[str, str] | None = None) -> BundleOut:
    """The meta, index and filter files and the entry file of the bundle that holds every shard's pages, in
    the shards' order. `entry` is any shard's entry file (it names the version and the characters indexed).
    Shards without documents have no index: with no other, the bundle is the entry file alone, as Pagefind
    makes it.

    Also returns the index chunks, in order; `kept` names by their digest (`chunk_key`) the chunks of the
    bundle in the output: such a chunk is neither encoded nor compressed again (None: the file is kept)."""
    shards = [shard for shard in shards if shard.files]
    if not shards:
        return {ENTRY: entry}, []
    metas = [shard.meta for shard in shards]
    layout = layout_of(metas)
    words = merged_words(shards, metas, layout.offsets, layout.field_maps)
    return finish(shards, metas, layout, entry, cut(words), kept or {})


@dataclass(frozen=True, slots=True)
class Layout:
    """How shards sit in the merged bundle: its meta fields, each shard's first page number, and how each
    shard's meta fields map to the merged ones (None: the same)."""

    fields: list[str]
    offsets: list[int]
    field_maps: list[list[int] | None]


def layout_of(metas: list[list]) -> Layout:
    """The layout of shards with these metas. Raises BundleError for bundles this module does not merge."""
    versions = {meta[0] for meta in metas}
    if len(versions) != 1 or not next(iter(versions)).startswith(FORMAT_OF) or any(meta[4] for meta in metas):
        raise BundleError(f"shards of Pagefind {sorted(versions)}, or with sort orders: ssg merges {FORMAT_OF}x's")
    fields = sorted({name for meta in metas for name in meta[5]})
    offsets = list(itertools.accumulate((len(meta[1]) for meta in metas[:-1]), initial=0))
    field_maps = [None if meta[5] == fields else [fields.index(name) for name in meta[5]] for meta in metas]
    return Layout(fields, offsets, field_maps)


def finish(
    shards: list[ShardBundle],
    metas: list[list],
    layout: Layout,
    entry: bytes,
    chunks: Iterable[list[list] | Chunk],
    kept: dict[str, str],
) -> BundleOut:
    """The merged bundle's files from its index chunks, in order: the words of each (encoded here unless
    `kept` knows their digest), or a Chunk of the bundle in the output, kept as it is."""
    language = shards[0].language
    files: dict[str, bytes | None] = {}

    def store(folder: str, suffix: str, data: bytes) -> str:
        """A file of the bundle, named by its content."""
        name = content_name(language, data)
        if files.setdefault(f"{folder}{name}{suffix}", data) != data:
            raise BundleError(f"two files of the merged bundle are both named {name}")
        return name

    made: list[Chunk] = []
    compressing: list[tuple[int, Future[bytes]]] = []
    with ThreadPoolExecutor(max_workers=1) as compressor:  # zlib lets go of the interpreter lock: the next
        for chunk in chunks:  # chunk merges meanwhile (`chunks` is a generator in a full merge)
            if isinstance(chunk, Chunk):
                made.append(chunk)
                continue
            key = chunk_key(chunk)
            name = kept.get(key)
            if name is None:
                raw = SIGNATURE + cbor2.dumps([chunk])
                compressing.append((len(made), compressor.submit(gzip.compress, raw, 6, mtime=0)))
            made.append(Chunk(chunk[0][0], chunk[-1][0], name or "", key))
        for place, future in compressing:
            made[place] = replace(made[place], name=store("index/", ".pf_index", future.result()))
    for chunk in made:
        files.setdefault(f"index/{chunk.name}.pf_index", None)
    bounds = [[chunk.first, chunk.last, chunk.name] for chunk in made]
    trim_boundaries(bounds)
    filters = [
        [name, store("filter/", ".pf_filter", encode([name, values]))]
        for name, values in merged_filters(shards, metas, layout.offsets)
    ]
    pages = [page for meta in metas for page in meta[1]]
    meta_name = store("pagefind.", ".pf_meta", encode([metas[0][0], pages, bounds, filters, [], layout.fields]))
    entry_json = json.loads(entry)
    entry_json["languages"] = {language: {"hash": meta_name, "wasm": language, "page_count": len(pages)}}
    files[ENTRY] = json.dumps(entry_json, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return files, made


def chunk_key(words: list[list]) -> str:
    """A digest of an index chunk's content, to find it among the chunks of the bundle in the output. Made from
    marshal's serialisation (version 2: no references, so the same lists give the same bytes whatever objects
    they share), six times quicker than encoding CBOR (cbor2 checks every list against `collections.abc`)."""
    return hashlib.blake2b(marshal.dumps(words, 2), digest_size=16).hexdigest()


def shard_words(shard: ShardBundle, meta: list, shard_number: int) -> Iterator[tuple[str, int, list]]:
    """(word, shard number, [word, pages, variants]) in word order, one chunk decoded at a time."""
    for _start, _end, name in meta[2]:
        path = f"index/{name}.pf_index"
        for word in decode(path, shard.files[path])[0]:
            yield word[0], shard_number, word


def merged_words(
    shards: list[ShardBundle], metas: list[list], offsets: list[int], field_maps: list[list[int] | None]
) -> Iterator[list]:
    """Every word of every shard, in order, its page lists joined (page numbers offset by the shard's first)."""
    streams = [shard_words(shard, meta, n) for n, (shard, meta) in enumerate(zip(shards, metas, strict=True))]
    current: list | None = None
    last: dict[str | None, int] = {}  # the last page number of the merged word's list, and of each variant's
    for word, n, (_, word_pages, *rest) in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
        if current is None or current[0] != word:
            if current is not None:
                yield current
            current, last = [word, [], []], {}
        offset, field_map = offsets[n], field_maps[n]
        last[None] = join_pages(current[1], word_pages, offset, last.get(None, 0), field_map)
        for form, form_pages in rest[0] if rest else []:
            variant = next((v for v in current[2] if v[0] == form), None)
            if variant is None:
                variant = [form, []]
                current[2].append(variant)
            last[form] = join_pages(variant[1], form_pages, offset, last.get(form, 0), field_map)
    if current is not None:
        yield current


def join_pages(into: list, pages: list, offset: int, last: int, field_map: list[int] | None) -> int:
    """Append a shard's page list (deltas from 0) to a merged one whose last page number is `last`; the new last."""
    if not pages:
        return last
    first = pages[0][0] + offset
    pages[0][0] = first - last
    if field_map is not None:
        for page in pages:
            if len(page) > 2 and page[2]:
                page[2] = [-(field_map[-loc - 1] + 1) if loc < 0 else loc for loc in page[2]]
    into.extend(pages)
    return first + sum(map(DELTA, pages)) - pages[0][0]


def cut(words: Iterator[list]) -> Iterator[list[list]]:
    """Pagefind's chunking of words in order."""
    cutter = Cutter()
    for word in words:
        if full := cutter.add(word):
            yield full
    if cutter.words:
        yield cutter.words


class Cutter:
    """Pagefind's chunking: a chunk ends once its words' pages hold CHUNK_LOCATIONS locations (each page
    counting one more)."""

    def __init__(self) -> None:
        self.words: list[list] = []  # of the chunk under way
        self.size = 0

    def add(self, word: list) -> list[list] | None:
        """Add the next word; the chunk it ends, if it ends one."""
        self.words.append(word)
        self.size += word_size(word)
        if self.size < CHUNK_LOCATIONS:
            return None
        full, self.words, self.size = self.words, [], 0
        return full


def word_size(word: list) -> int:
    """A word's locations as Pagefind counts them to cut chunks (each page counting one more)."""
    pages = word[1]  # Pagefind writes every page as [delta, locations, meta locations]
    return len(pages) + sum(map(len, map(LOCATIONS, pages))) + sum(map(len, map(META_LOCATIONS, pages)))


def trim_boundaries(chunks: list[list]) -> None:
    """Pagefind's chunk bounds: between neighbours, the shortest prefixes that tell them apart."""
    for before, after in itertools.pairwise(chunks):
        common = 0
        for a, b in zip(before[1], after[0], strict=False):
            if a != b:
                break
            common += 1
        end, start = before[1][: common + 1], after[0][: common + 1]
        if end >= before[0]:
            before[1] = end
        after[0] = start


def merged_filters(shards: list[ShardBundle], metas: list[list], offsets: list[int]) -> list[tuple[str, list]]:
    """Each filter's values, sorted, with the pages of every shard (offset)."""
    merged: dict[str, dict[str, list[int]]] = {}
    for shard, meta, offset in zip(shards, metas, offsets, strict=True):
        for name, file_hash in meta[3]:
            path = f"filter/{file_hash}.pf_filter"
            _, values = decode(path, shard.files[path])
            into = merged.setdefault(name, {})
            for value, value_pages in values:
                into.setdefault(value, []).extend(page + offset for page in value_pages)
    return [(name, [[value, merged[name][value]] for value in sorted(merged[name])]) for name in sorted(merged)]


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """A bundle in the output: the digest of the documents it indexes, its files (output rel paths), and
    its shards (what a merge needs of each, in order)."""

    digest: str
    files: tuple[str, ...]
    shards: tuple[ShardBundle, ...] = ()
    chunks: tuple[Chunk, ...] = ()  # its index chunks, in order
