"""The search index (SPEC §6, `/pagefind/`): Pagefind's indexer run over the documents of render/search.py.

Pagefind (the `pagefind[bin]` wheel: a Rust binary inside a PyPI package, no download at run time) makes a
chunked index that the browser loads a piece at a time, so search stays fast on a phone at 10,000 articles.
pipeline/pagefind.py runs the binary as its service and hands it the documents in our order.

Pagefind holds every page in memory until it writes the index (2.4 GB at 10,000 articles) and indexes all of
them again when one changes. So the documents are split into shards by a digest of their path (an edit
touches one shard; see shard_layout for their size), Pagefind indexes them (PAGEFINDS at a time) from a
process of its own, and pipeline/search_bundle.py merges the shards' bundles into one (after an edit,
pipeline/search_splice.py). A shard is indexed again only when its documents changed (its digest); the others
come from the cache.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

from ssg.model.types import Site
from ssg.output import Destination, OutputError, OutputFile
from ssg.pipeline.orphans import end_with_parent
from ssg.pipeline.pagefind import PagefindService, SearchIndexError
from ssg.pipeline.parallel import can_fork
from ssg.pipeline.reuse.cache import forget
from ssg.pipeline.search_bundle import ENTRY, BundleError, SearchIndex, ShardBundle, merge, split_bundle
from ssg.pipeline.search_splice import merge_edit
from ssg.render.search import SearchEntry, document_digest, search_document, search_entries

INDEX_DIR = "pagefind"  # in the output (SPEC §6)
NICENESS = 10  # the indexing process's, and its Pagefind's
SHARD_DOCUMENTS = 2000  # at most, a shard: Pagefind's memory is about 230 MB per 1,000 documents (bench corpus)
SHARD_BALANCE = 17  # shards of about sqrt(17 n) documents: see shard_layout
# Pagefinds at once: the pages render first (the indexing is niced), then the shards left use every core; a
# Pagefind uses one core and about 190 MB for a shard of the bench corpus
PAGEFINDS = max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class Shard:
    """The documents of one shard: their digest and the entries they are made from."""

    digest: str
    entries: tuple[SearchEntry, ...]


def shard_layout(site: Site) -> tuple[str, list[Shard]]:
    """The digest of all documents, and the shards: 2**k of them, each document in the one a digest of its
    path names (so adding an article leaves the other shards as they were). An edit indexes its shard again and
    merges it in, reading only the index chunks whose words it changed (search_splice.merge_edit), so small
    shards make an edit quicker, while each shard is a Pagefind run of its own: about sqrt(17 n) documents a
    shard (11,000 documents: 32 shards, an edit build 6.1 s, with 16 shards 6.6 s, a cold build the same within
    1%; 1,100: 16 shards, an edit build 1.1 s, with 4 shards 1.6 s), never more than SHARD_DOCUMENTS."""
    entries = list(search_entries(site))
    count = 1
    while count * count * SHARD_BALANCE < len(entries) or count * SHARD_DOCUMENTS < len(entries):
        count *= 2
    hashers = [hashlib.blake2b(digest_size=16) for _ in range(count)]
    members: list[list[SearchEntry]] = [[] for _ in range(count)]
    for entry in entries:
        path, digest = document_digest(site, entry)
        place = int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest()) % count
        hashers[place].update(path.encode("utf-8") + b"\0" + digest)
        members[place].append(entry)
    shards = [Shard(h.hexdigest(), tuple(m)) for h, m in zip(hashers, members, strict=True)]
    total = hashlib.blake2b("".join(shard.digest for shard in shards).encode(), digest_size=16).hexdigest()
    return total, shards


@dataclass(frozen=True, slots=True)
class MadeShard:
    bundle: ShardBundle
    fragments: dict[str, bytes]  # bundle-relative names
    assets: dict[str, bytes]  # the entry file and the UI's scripts, styles and WebAssembly


BundleFiles = dict[str, bytes | Path | None]  # by output rel path: new bytes, a file prepared, or None (kept)


@dataclass(frozen=True, slots=True)
class Work:
    """What an Indexer does: lay the site's documents out in shards (`shard_layout`); unless they are those of
    `current` (the bundle in `output`, whose index chunks an edit's merge reads), index the shards whose
    documents changed and merge every shard in their order: those made now, those in `ready` (a long-lived
    caller's pool, made by an earlier indexing that was stopped before its merge), the others from `current`.
    With a `destination` (a build's), the indexing process prepares the new files there itself and sends their
    paths, not their bytes (40 MB the build process need not hold at 10,000 articles). With a `cache_entry`,
    it pickles the new index (shards and all) for the build's cache itself (20 MB more it need not hold)."""

    site: Site
    current: SearchIndex | None
    ready: dict[str, MadeShard]
    destination: Destination | None = None
    output: Path | None = None
    cache_entry: tuple[str, Path] | None = None  # a build's: (output key, file) to pickle the new index to


class Indexer:
    """Makes a bundle while the pages render: Pagefind indexes the shards whose documents changed, PAGEFINDS
    at a time, then they are merged with the others (`make_bundle`). It runs in a forked process of its own:
    as a thread it held the build's interpreter lock for seconds at a time (the documents, the merge), and the
    build and the index each took longer. `stop()`, from any thread, ends it (and its Pagefind) at once when
    its result would be stale; the shards it finished stay in `made`, the pool a long-lived caller (the
    preview) hands to its next Indexer, so an index interrupted by edit after edit still gets done."""

    def __init__(self, made: dict[str, MadeShard] | None = None) -> None:
        """`made`: the caller's pool of finished shards, which this indexing adds to; without one, the shards
        stay in the indexing process (a one-shot build: 50 MB the build need not hold at 10,000 articles)."""
        self.pooled = made is not None
        self.made = made if made is not None else {}
        self._lock = threading.Lock()
        self._stopped = False
        self._process: multiprocessing.process.BaseProcess | None = None
        self._reader = threading.Thread()
        self._outcome: tuple[str, object] = ("error", "the indexing process sent nothing")

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            process = self._process
        if process is not None and process.is_alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # the process and the Pagefind it runs
            process.kill()  # in case it had not made its group yet (then it had started no Pagefind either)
            process.join()

    def start(self, work: Work) -> None:
        context = multiprocessing.get_context("fork" if can_fork() else "spawn")
        receiver, sender = context.Pipe(duplex=False)
        args = (os.getpid(), work, sender, self.pooled)
        process = context.Process(target=index_in_child, args=args, daemon=True)
        with self._lock:
            if self._stopped:
                raise SearchIndexError("stopped")
            process.start()
            self._process = process
        sender.close()
        self._reader = threading.Thread(target=self._receive, args=(receiver,), name="search-results", daemon=True)
        self._reader.start()

    def _receive(self, receiver: Connection) -> None:
        """Each shard as the process finishes it (into `made`), then the merged index's shards one by one, then
        its outcome: read as they come, so the process never waits on a full pipe while the build renders, and
        never one message of 40 MB (held twice while it is unpickled)."""
        parts: list[ShardBundle] = []
        try:
            while True:
                kind, value = receiver.recv()
                if kind == "shard":
                    self.made[value.bundle.digest] = value
                elif kind == "part":
                    parts.append(value)
                elif kind == "ok":
                    index, files = value
                    self._outcome = (kind, (replace(index, shards=tuple(parts)), files))
                    return
                elif kind == "kept":
                    self._outcome = (kind, None)
                    return
                else:
                    self._outcome = (kind, value)
                    return
        except (EOFError, OSError):
            assert self._process is not None
            self._outcome = ("error", f"the indexing process ended (exit status {self._process.exitcode})")
        finally:
            receiver.close()

    def finish(self) -> tuple[SearchIndex, BundleFiles] | None:
        """The new bundle: its SearchIndex, and its files by output rel path: bytes, or a file prepared in the
        work's destination, or None (the file in the output is kept); None when the documents are those of the
        current bundle. Raises SearchIndexError, or OutputError when the disk refused a file."""
        assert self._process is not None
        self._reader.join()
        self._process.join()
        kind, value = self._outcome
        if self._stopped:
            raise SearchIndexError("stopped")
        if kind == "bug":  # ssg's own: its traceback, not a user's error
            raise RuntimeError(f"the search indexer failed:\n{value}")
        if kind == "output":
            raise OutputError(str(value))
        if kind == "error":
            raise SearchIndexError(f"the search index could not be made ({value}); the output is unchanged")
        return value  # type: ignore[return-value]


def index_in_child(parent: int, work: Work, result: Connection, send_shards: bool) -> None:
    """The indexing process, in a process group of its own (stopped with its Pagefind at once): `make_bundle`,
    each shard (when `send_shards`), the new index's shards (or its cache entry pickled to a file) and then
    the outcome sent to the build. No garbage collection: it would walk (and so copy) every object inherited
    from the build, and the merge makes millions of lists. A lower priority: the pages of a build, and the
    preview's next rebuild and reload, come first."""
    gc.disable()
    os.setpgrp()
    os.nice(NICENESS)
    end_with_parent(parent)
    try:
        made_one = (lambda shard: result.send(("shard", shard))) if send_shards else (lambda shard: None)
        bundle = make_bundle(work, made_one)
        if bundle is None:
            result.send(("kept", None))
            return
        index, files = bundle
        if work.cache_entry is not None:  # a one-shot build's cache file takes the index as pickled here
            pickle_cache_entry(index, *work.cache_entry)
        else:  # a long-lived caller keeps it in memory
            for part in index.shards:
                result.send(("part", part))
        result.send(("ok", (replace(index, shards=()), files)))
    except (BundleError, SearchIndexError) as exc:
        result.send(("error", str(exc)))
    except OutputError as exc:  # preparing a file in the destination
        result.send(("output", str(exc)))
    except BaseException:
        result.send(("bug", traceback.format_exc()))


def pickle_cache_entry(index: SearchIndex, output_key: str, path: Path) -> None:
    """The cache's entry for a new index, as the cache file holds it (reuse/cache.py: CacheSave appends it).
    A disk that refuses it costs the cache its entry (CacheSave reports that), not the build its output."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # a first build's cache folder may not be made yet
        with path.open("wb") as stream:
            pickle.dump(("search", {output_key: index}), stream, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        forget(path)


def make_bundle(work: Work, made_one: Callable[[MadeShard], None]) -> tuple[SearchIndex, BundleFiles] | None:
    """Lay the documents out in shards; None when they are those of the current bundle. Else index the shards
    whose documents changed, PAGEFINDS at a time (each handed to `made_one` when done), and merge them all."""
    digest, shards = shard_layout(work.site)
    current = work.current
    if current is not None and current.digest == digest:
        return None
    have = {shard.digest for shard in current.shards} if current is not None else set()
    made = {shard.digest: work.ready[shard.digest] for shard in shards if shard.digest in work.ready}
    todo = list({s.digest: s for s in shards if s.digest not in have and s.digest not in made}.values())
    if not todo and not made:  # the same shards in another order: one is made again, for the UI's files
        todo = shards[:1]
    running: list[tuple[Shard, PagefindService]] = []
    while todo or running:
        while todo and len(running) < PAGEFINDS:
            shard = todo.pop(0)
            service = PagefindService()
            service.start((search_document(work.site, entry) for entry in shard.entries), work.site.config.language)
            running.append((shard, service))
        shard, service = running.pop(0)
        made[shard.digest] = MadeShard(*split_bundle(shard.digest, service.finish()))
        made_one(made[shard.digest])
    return merged_bundle(work, digest, tuple(shard.digest for shard in shards), made)


def merged_bundle(
    work: Work, digest: str, order: tuple[str, ...], made: dict[str, MadeShard]
) -> tuple[SearchIndex, BundleFiles]:
    """The shards (their digests in `order`; `digest`: of them all) merged (search_bundle.merge): the scripts of
    a new shard, the merged index, and every shard's fragments (those of a kept shard are in the output
    already); prepared in the work's destination when it has one."""
    reused = {shard.digest: shard for shard in work.current.shards} if work.current is not None else {}
    shards = [made[digest].bundle if digest in made else reused[digest] for digest in order]
    assets = next(iter(made.values())).assets  # the same in every shard
    files: dict[str, bytes | None] = dict(assets)
    made_bundle = None
    if work.current is not None and work.output is not None:
        chunks = list(work.current.chunks)
        made_bundle = merge_edit(list(work.current.shards), chunks, shards, assets[ENTRY], chunk_reader(work.output))
    if made_bundle is None:
        kept = {chunk.key: chunk.name for chunk in work.current.chunks} if work.current is not None else {}
        made_bundle = merge(shards, assets[ENTRY], kept)
    merged, chunks = made_bundle
    files.update(merged)
    for shard in shards:
        fragments = made[shard.digest].fragments if shard.digest in made else None
        for name in shard.fragment_names():
            files.setdefault(name, fragments[name] if fragments is not None else None)
    names = tuple(f"{INDEX_DIR}/{name}" for name in sorted(files))
    index = SearchIndex(digest, names, tuple(shards), tuple(chunks))
    bundle: BundleFiles = {f"{INDEX_DIR}/{name}": files.pop(name) for name in sorted(files)}
    if work.destination is not None:
        for rel_path, data in bundle.items():
            if isinstance(data, bytes):  # None: a file of a kept shard, in the output already
                bundle[rel_path] = work.destination.prepare(rel_path, data)  # None: the output has these bytes
    return index, bundle


def chunk_reader(output: Path) -> Callable[[str], bytes | None]:
    """An index chunk's file in the bundle in `output`, by name (None: it cannot be read)."""

    def read(name: str) -> bytes | None:
        try:
            return (output / INDEX_DIR / "index" / f"{name}.pf_index").read_bytes()
        except OSError:
            return None

    return read


@dataclass
class SearchPlan:
    """What a build writes to /pagefind/: the bundle already in the output (`current`), unless `indexer` makes
    a new one."""

    current: SearchIndex | None = None
    indexer: Indexer | None = None
    made: SearchIndex | None = None  # the new bundle (without shards, given a cache entry), once `files` gave it

    def files(self) -> Iterator[OutputFile]:
        """The bundle's files: new bytes, files prepared by the indexer, or those in the output kept as they are."""
        bundle = self.indexer.finish() if self.indexer is not None else None
        if bundle is None:
            if self.current is not None:
                yield from (OutputFile(rel_path) for rel_path in self.current.files)
            return
        self.made, files = bundle
        for rel_path, made in files.items():
            if isinstance(made, Path):
                yield OutputFile(rel_path, prepared=made)
            else:
                yield OutputFile(rel_path, data=made)

    def close(self) -> None:
        """Stop Pagefind if it still runs."""
        if self.indexer is not None:
            self.indexer.stop()


def plan_search(
    site: Site,
    current: SearchIndex | None,
    index: bool,
    indexer: Indexer | None = None,
    destination: Destination | None = None,
    output: Path | None = None,
    cache_entry: tuple[str, Path] | None = None,
) -> SearchPlan:
    """Keep `current` (its documents known to be the same, or the caller makes a new bundle itself: `index`
    False), or start the indexing process
    now, so the documents are laid out and compared with those of `current`, and the shards whose documents
    changed are indexed, while the build goes on (given a build's `destination`, it prepares the new files
    there; `output` holds `current`, whose index chunks an edit's merge reads; a `cache_entry` takes the new
    index's shards, which the plan's `made` then lacks)."""
    if not index:
        return SearchPlan(current)
    indexer = indexer or Indexer()
    plan = SearchPlan(current, indexer)
    try:
        indexer.start(Work(site, current, indexer.made, destination, output, cache_entry))
    except BaseException:
        plan.close()
        raise
    return plan


def install_bundle(output: Path, made: BundleFiles, current: SearchIndex | None) -> list[str]:
    """Write a bundle into the output folder: every new or changed file first (each renamed into place; None:
    already there), the entry file (which names the others) last, then remove the old bundle's files the new
    one lacks; so a search running meanwhile sees either bundle whole. The files removed."""
    entry = f"{INDEX_DIR}/{ENTRY}"
    for rel_path in sorted(made, key=lambda rel_path: (rel_path == entry, rel_path)):
        data = made[rel_path]
        target = output / rel_path
        assert not isinstance(data, Path), "made without a destination"
        if data is None or (target.is_file() and target.read_bytes() == data):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    removed = sorted(set(current.files) - set(made)) if current is not None else []
    for rel_path in removed:
        (output / rel_path).unlink(missing_ok=True)
    return removed
