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

import base64
import contextlib
import gzip
import hashlib
import json
import os
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cbor2

from ssg.model.types import Site
from ssg.output import OutputError
from ssg.render.search import SearchDocument, search_documents

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
        self._errors: list[str] = []
        self._sent = threading.Event()  # every request written
        self._done = threading.Event()  # the answer to the last one came (or the process ended)
        self._last = -1
        self._files: dict[str, bytes] = {}
        self._reader = self._writer = threading.Thread()
        self._stopped = False
        self._lock = threading.Lock()

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            process = self._process
            if process is None or process.poll() is not None:
                return
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)

    def start(self, documents: Iterable[SearchDocument], language: str) -> None:
        """Start Pagefind's service and feed it the documents from a thread of their own: it indexes while
        the pages render. `finish` waits for the bundle."""
        command = [*pagefind_command(), "--service"]
        with self._lock:
            if self._stopped:
                raise SearchIndexError("stopped")
            self._process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        config = {"force_language": language.split("-")[0].lower() or "en"}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._writer = threading.Thread(target=self._write, args=(documents, config), daemon=True)
        self._writer.start()

    def _requests(self, documents: Iterable[SearchDocument], config: dict) -> Iterator[dict]:
        yield {"type": "NewIndex", "config": config}
        for doc in documents:
            url = "/" + doc.rel_path.removesuffix("index.html")
            yield {"type": "AddFile", "index_id": 0, "file_path": None, "url": url, "file_contents": doc.html}
        yield {"type": "GetFiles", "index_id": 0}  # in memory: its WriteFiles answers before the files are whole

    def _write(self, documents: Iterable[SearchDocument], config: dict) -> None:
        """Send every request, in order (the service handles them one by one: pages are numbered as sent, so
        the bundle does not depend on the order a folder lists its files in)."""
        assert self._process is not None and self._process.stdin is not None
        try:
            for number, payload in enumerate(self._requests(documents, config)):
                if self._stopped:
                    break
                if payload["type"] == "GetFiles":
                    self._last = number  # before it is sent: its answer cannot come first
                message = json.dumps({"message_id": number, "payload": payload}).encode("utf-8")
                self._process.stdin.write(base64.b64encode(message) + b",")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self._errors.append(f"the indexer stopped reading ({exc})")
        except BaseException as exc:  # a bug of ours: reported by finish(), not lost in this thread
            self._errors.append(repr(exc))
        finally:
            self._sent.set()

    def _read(self) -> None:
        """Collect the service's answers: errors, and the one to the last request."""
        assert self._process is not None and self._process.stdout is not None
        buffer = bytearray()
        while chunk := self._process.stdout.read1(1 << 20):
            start = len(buffer)
            buffer += chunk
            while (end := buffer.find(b",", start)) >= 0:
                answer = json.loads(base64.b64decode(buffer[:end]))
                del buffer[: end + 1]
                start = 0
                payload = answer.get("payload", {})
                if payload.get("type") == "Error":
                    self._errors.append(payload.get("message", "unknown error"))
                if answer.get("message_id") == self._last:
                    self._files = {f["path"]: base64.b64decode(f["content"]) for f in payload.get("files", [])}
                    self._done.set()
        self._done.set()  # the process ended

    def finish(self) -> dict[str, bytes]:
        """Wait for Pagefind; the bundle's files by output rel path (`pagefind/...`), made canonical (see the
        module's docstring). Raises SearchIndexError."""
        assert self._process is not None
        self._writer.join()
        self._done.wait()
        with contextlib.suppress(OSError):
            self._process.stdin.close()  # type: ignore[union-attr]
        stderr = self._process.stderr.read().decode("utf-8", "replace") if self._process.stderr else ""
        self._process.wait()
        if self._stopped:
            raise SearchIndexError("stopped")
        files = {path.removeprefix(f"{INDEX_DIR}/"): data for path, data in self._files.items()}
        if self._errors or "pagefind-entry.json" not in files:
            detail = "; ".join([*self._errors, stderr.strip()])[-2000:]
            raise SearchIndexError(f"the search index could not be made (Pagefind: {detail}); the output is unchanged")
        return {f"{INDEX_DIR}/{path}": data for path, data in sorted(canonical_bundle(files).items())}

    def build(self, documents: Iterable[SearchDocument], language: str) -> dict[str, bytes]:
        self.start(documents, language)
        return self.finish()


@dataclass
class SearchPlan:
    """What a build writes to /pagefind/: the bundle already in the output (`kept`), or a new one that
    `indexer` is making from documents with `digest`."""

    kept: SearchIndex | None = None
    indexer: Indexer | None = None
    digest: str = ""
    made: SearchIndex | None = None  # the new bundle, once `files` has given it

    def files(self) -> Iterator[tuple[str, bytes | None]]:
        """(output rel path, new bytes or None for a file kept as it is)."""
        if self.kept is not None:
            yield from ((rel_path, None) for rel_path in self.kept.files)
        if self.indexer is not None:
            made = self.indexer.finish()
            self.made = SearchIndex(self.digest, tuple(made))
            yield from made.items()

    def close(self) -> None:
        """Stop Pagefind if it still runs."""
        if self.indexer is not None:
            self.indexer.stop()


def new_digest(site: Site, current: SearchIndex | None) -> str | None:
    """The digest of the site's search documents, or None when the bundle `current` was made from them."""
    digest = documents_digest(search_documents(site))
    return None if current is not None and current.digest == digest else digest


def plan_search(site: Site, current: SearchIndex | None, index: bool) -> SearchPlan:
    """Keep `current` while its documents are the same (or while the caller makes a new bundle: `index`
    False); else start indexing now, so Pagefind works while the pages render."""
    digest = new_digest(site, current) if index else None
    if digest is None:
        return SearchPlan(kept=current)
    indexer = Indexer()
    plan = SearchPlan(indexer=indexer, digest=digest)
    try:
        indexer.start(search_documents(site), site.config.language)
    except BaseException:
        plan.close()
        raise
    return plan


def install_bundle(output: Path, made: dict[str, bytes], current: SearchIndex | None) -> list[str]:
    """Write a bundle into the output folder: every new or changed file first (each renamed into place), the
    entry file (which names the others) last, then remove the old bundle's files the new one lacks; so a search
    running meanwhile sees either bundle whole. The files removed."""
    entry = f"{INDEX_DIR}/pagefind-entry.json"
    for rel_path in sorted(made, key=lambda rel_path: (rel_path == entry, rel_path)):
        target = output / rel_path
        if target.is_file() and target.read_bytes() == made[rel_path]:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(made[rel_path])
        os.replace(temporary, target)
    removed = sorted(set(current.files) - set(made)) if current is not None else []
    for rel_path in removed:
        (output / rel_path).unlink(missing_ok=True)
    return removed


def decode(name: str, data: bytes) -> list:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise SearchIndexError(f"{name}: not a Pagefind file this version of ssg knows")
    return cbor2.loads(raw[len(SIGNATURE) :])


def encode(value: object) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)


def short_digest(data: bytes, length: int) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def canonical_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with each filter's values sorted and what Pagefind names by hash renamed (see the docstring)."""
    files = dict(files)
    entry = json.loads(files["pagefind-entry.json"])
    for language, info in sorted(entry["languages"].items()):
        meta_name = f"pagefind.{info['hash']}.pf_meta"
        meta = decode(meta_name, files.pop(meta_name))
        filters = []
        for name, old_hash in meta[3]:  # [version, pages, index chunks, filters, sorts, meta fields]
            old_name = f"filter/{old_hash}.pf_filter"
            filter_name, values = decode(old_name, files.pop(old_name))
            data = encode([filter_name, sorted(values, key=lambda value: value[0])])
            new_hash = f"{language}_{short_digest(data, 7)}"
            files[f"filter/{new_hash}.pf_filter"] = data
            filters.append([name, new_hash])
        meta[3] = sorted(filters)
        data = encode(meta)
        info["hash"] = f"{language}_{short_digest(data, 10)}"
        files[f"pagefind.{info['hash']}.pf_meta"] = data
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return files
