"""Pagefind's indexer (the `pagefind[bin]` wheel: a Rust binary inside a PyPI package, no download at run time),
run as its service (`--service`) over documents we hand it in our order: its command line numbers pages in
the order a folder lists its files (another file system gave another bundle), and its Python API reads one
answer every 0.1 s (100 s per 1,000 documents). pipeline/search.py runs one per shard.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import threading
from collections.abc import Iterable, Iterator

from ssg.output import OutputError
from ssg.pipeline.search_bundle import ENTRY
from ssg.render.search import SearchDocument

BUNDLE_DIR = "pagefind"  # the folder Pagefind names a bundle's files under


class SearchIndexError(OutputError):
    """Pagefind failed (its message), or was stopped because a newer build made its work moot."""


def pagefind_command() -> list[str]:
    """The indexer of the `pagefind_bin` wheel installed for this platform."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexError(f"the search index needs Pagefind (pip install 'pagefind[bin]'): {exc}") from exc


class PagefindService:
    """One Pagefind process over some documents (in the indexing process: `Indexer.stop` ends both)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._errors: list[str] = []
        self._done = threading.Event()  # the answer to the last one came (or the process ended)
        self._last = -1
        self._files: dict[str, bytes] = {}
        self._reader = self._writer = threading.Thread()

    def start(self, documents: Iterable[SearchDocument], language: str) -> None:
        """Start Pagefind's service and feed it the documents from a thread of their own (its answers are read
        by another). `finish` waits for the bundle."""
        command = [*pagefind_command(), "--service"]
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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
                if payload["type"] == "GetFiles":
                    self._last = number  # before it is sent: its answer cannot come first
                message = json.dumps({"message_id": number, "payload": payload}).encode("utf-8")
                self._process.stdin.write(base64.b64encode(message) + b",")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self._errors.append(f"the indexer stopped reading ({exc})")
        except BaseException as exc:  # a bug of ours: reported by finish(), not lost in this thread
            self._errors.append(repr(exc))

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
        """Wait for Pagefind; the bundle's files, by their names in the bundle. Raises SearchIndexError."""
        assert self._process is not None
        self._writer.join()
        self._done.wait()
        with contextlib.suppress(OSError):
            self._process.stdin.close()  # type: ignore[union-attr]
        stderr = self._process.stderr.read().decode("utf-8", "replace") if self._process.stderr else ""
        self._process.wait()
        files = {path.removeprefix(f"{BUNDLE_DIR}/"): data for path, data in self._files.items()}
        if self._errors or ENTRY not in files:
            detail = "; ".join([*self._errors, stderr.strip()])[-2000:]
            raise SearchIndexError(f"the search index could not be made (Pagefind: {detail}); the output is unchanged")
        return files
