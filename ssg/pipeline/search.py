"""The search index (SPEC §6, `/pagefind/`): Pagefind's indexer run over the documents of render/search.py.

Pagefind (the `pagefind[bin]` wheel: a Rust binary inside a PyPI package, no download at run time) makes a
chunked index that the browser loads a piece at a time, so search stays fast on a phone at 10,000 articles.
We run its command line over the documents written to a folder of their own: its Python API reads one answer
every 0.1 s (100 s per 1,000 documents), the binary indexes 11,000 documents in about 20 s.

Pagefind 1.5 writes its filter files in hash-map order, so the same site gave other bytes (and other file
names) on every build, against SPEC §6's byte-identical output. `canonical_bundle` sorts each filter's values,
names the filter files and the metadata file by a digest of their new bytes and points the entry file at
them: the bundle is then a function of the documents alone. It reads and writes them with cbor2 (Pagefind's
own encoding: gzip around the signature `pagefind_dcd` and CBOR).

A bundle is reused as long as the documents it was made from are the same (`SearchIndex.digest`).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cbor2

from ssg.output import OutputError
from ssg.render.search import SearchDocument

INDEX_DIR = "pagefind"  # in the output (SPEC §6)
SIGNATURE = b"pagefind_dcd"


class SearchIndexError(OutputError):
    """Pagefind failed (its message), or was stopped because a newer build made its work moot."""


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """A bundle in the output: the digest of the documents it indexes, and its files (output rel paths)."""

    digest: str
    files: tuple[str, ...]


def documents_digest(documents: Iterable[SearchDocument]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for doc in documents:
        h.update(doc.rel_path.encode("utf-8") + b"\0" + doc.html.encode("utf-8") + b"\0")
    return h.hexdigest()


def pagefind_command() -> list[str]:
    """The indexer of the `pagefind_bin` wheel installed for this platform."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexError(f"the search index needs Pagefind (pip install 'pagefind[bin]'): {exc}") from exc


class Indexer:
    """Runs Pagefind once; `stop()` (from another thread) ends it early, when its result would be stale."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._bundle = Path()
        self._stopped = False
        self._lock = threading.Lock()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            process = self._process
            if process is None or process.poll() is not None:
                return
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)

    def start(self, documents: Iterable[SearchDocument], language: str, workdir: Path) -> None:
        """Write the documents under `workdir` and start Pagefind on them (it runs while the pages render)."""
        source, self._bundle = workdir / "documents", workdir / INDEX_DIR
        shutil.rmtree(workdir, ignore_errors=True)
        source.mkdir(parents=True)
        for doc in documents:
            if self._stopped:
                raise SearchIndexError("stopped")
            path = source / doc.rel_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(doc.html, encoding="utf-8")
        command = [*pagefind_command(), "--site", str(source), "--output-path", str(self._bundle), "--silent"]
        command += ["--force-language", language.split("-")[0].lower() or "en"]
        with self._lock:
            if self._stopped:
                raise SearchIndexError("stopped")
            self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish(self) -> dict[str, Path]:
        """Wait for Pagefind; the bundle's files by output rel path (`pagefind/...`), made canonical (see the
        module's docstring). Raises SearchIndexError."""
        assert self._process is not None
        output, _ = self._process.communicate()
        if self._stopped:
            raise SearchIndexError("stopped")
        if self._process.returncode != 0:
            detail = output.strip()[-2000:]
            raise SearchIndexError(f"the search index could not be made (Pagefind: {detail}); the output is unchanged")
        bundle = self._bundle
        shutil.rmtree(bundle.parent / "documents", ignore_errors=True)
        canonical_bundle(bundle)
        return {f"{INDEX_DIR}/{p.relative_to(bundle).as_posix()}": p for p in sorted(bundle.rglob("*")) if p.is_file()}

    def build(self, documents: Iterable[SearchDocument], language: str, workdir: Path) -> dict[str, Path]:
        self.start(documents, language, workdir)
        return self.finish()


@dataclass
class SearchPlan:
    """What a build writes to /pagefind/: the bundle already in the output (`kept`), or a new one that
    `indexer` is making in `workdir` from documents with `digest`."""

    kept: SearchIndex | None = None
    indexer: Indexer | None = None
    workdir: Path | None = None
    digest: str = ""
    made: SearchIndex | None = None  # the new bundle, once `files` has given it

    def files(self) -> Iterator[tuple[str, Path | None]]:
        """(output rel path, new file or None for a file kept as it is)."""
        if self.kept is not None:
            yield from ((rel_path, None) for rel_path in self.kept.files)
        if self.indexer is not None:
            made = self.indexer.finish()
            self.made = SearchIndex(self.digest, tuple(made))
            yield from made.items()

    def close(self) -> None:
        """Stop Pagefind if it still runs, and remove its folder."""
        if self.indexer is not None:
            self.indexer.stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def decode(path: Path) -> object:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise SearchIndexError(f"{path.name}: not a Pagefind file this version of ssg knows")
    return cbor2.loads(raw[len(SIGNATURE) :])


def encode(value: object) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)


def short_digest(data: bytes, length: int) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def canonical_bundle(bundle: Path) -> None:
    """Sort what Pagefind wrote in hash-map order and rename what it named by hash (see the docstring)."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = decode(meta_path)
        filters = []
        for name, old_hash in meta[3]:  # [version, pages, index chunks, filters, sorts, meta fields]
            old = bundle / "filter" / f"{old_hash}.pf_filter"
            filter_name, values = decode(old)
            data = encode([filter_name, sorted(values, key=lambda value: value[0])])
            new_hash = f"{language}_{short_digest(data, 7)}"
            old.unlink()
            (bundle / "filter" / f"{new_hash}.pf_filter").write_bytes(data)
            filters.append([name, new_hash])
        meta[3] = sorted(filters)
        data = encode(meta)
        info["hash"] = f"{language}_{short_digest(data, 10)}"
        meta_path.unlink()
        (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
