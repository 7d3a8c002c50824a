"""Watch source paths and turn bursts of events into one builder call (SPEC §8: one rebuild per burst)."""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from ssg.livereload.changes import BuildResult, is_ignored

Builder = Callable[[frozenset[Path]], BuildResult]
# Events that say nothing about content; a directory's own 'modified' only echoes a change inside it.
_SILENT_EVENTS = frozenset({"opened", "closed", "closed_no_write"})


def event_paths(event: FileSystemEvent) -> list[Path]:
    """The paths an event changes: both ends of a move, so write-temp-then-rename counts its target."""
    if event.event_type in _SILENT_EVENTS or (event.is_directory and event.event_type == "modified"):
        return []
    raw = [event.src_path, getattr(event, "dest_path", "")]
    return [Path(os.fsdecode(path)) for path in raw if path and not is_ignored(os.fsdecode(path))]


class Rebuilder:
    """Collects changed paths; after `debounce` seconds without events it calls the builder once.

    Events during a build are kept and give exactly one more build afterwards. A builder that raises
    becomes a failed BuildResult with the exception's last traceback line.
    """

    def __init__(
        self,
        builder: Builder,
        on_result: Callable[[BuildResult], None],
        debounce: float,
        log: Callable[[str], None],
    ) -> None:
        self._builder = builder
        self._on_result = on_result
        self._debounce = debounce
        self._log = log
        self._cond = threading.Condition()
        self._pending: set[Path] = set()
        self._last_event = 0.0
        self._stopping = False
        self._build_lock = threading.Lock()  # one build at a time, also for rebuild() from another thread
        self._thread = threading.Thread(target=self._run, name="livereload-build", daemon=True)

    def add(self, paths: Iterable[Path]) -> None:
        """Record changed paths and restart the quiet-period clock."""
        paths = set(paths)
        if not paths:
            return
        with self._cond:
            self._pending |= paths
            self._last_event = time.monotonic()
            self._cond.notify_all()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop after the running build (bounded wait: a stuck builder is left to its daemon thread)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _next_batch(self) -> frozenset[Path] | None:
        """Wait for a quiet period after some events; None when stopping."""
        with self._cond:
            while not self._stopping:
                if not self._pending:
                    self._cond.wait()
                    continue
                remaining = self._last_event + self._debounce - time.monotonic()
                if remaining <= 0:
                    batch = frozenset(self._pending)
                    self._pending.clear()
                    return batch
                self._cond.wait(remaining)
            return None

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            self._on_result(self.build(batch))

    def build(self, batch: frozenset[Path]) -> BuildResult:
        """Call the builder; an exception is a failed build, never the end of the server."""
        try:
            with self._build_lock:
                result = self._builder(batch)
        except Exception as exc:
            self._log("".join(traceback.format_exception(exc)).rstrip())
            return BuildResult(ok=False, error=traceback.format_exception_only(exc)[-1].strip())
        if not isinstance(result, BuildResult):
            return BuildResult(ok=False, error=f"builder returned {type(result).__name__}, not BuildResult")
        return result


class _Sink(FileSystemEventHandler):
    """Forwards relevant paths to the Rebuilder, dropping the output folder and unwatched siblings."""

    def __init__(self, rebuilder: Rebuilder, exclude: Path, only: Path | None) -> None:
        self._rebuilder = rebuilder
        self._exclude = exclude
        self._only = only

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [
            path
            for path in event_paths(event)
            if not path.is_relative_to(self._exclude) and (self._only is None or path == self._only)
        ]
        self._rebuilder.add(paths)


def start_observer(watch: Sequence[Path], rebuilder: Rebuilder, exclude: Path) -> BaseObserver:
    """Watch folders recursively; a file (or a not yet existing path) through its parent folder."""
    observer = Observer()
    for path in watch:
        if path.is_dir():
            observer.schedule(_Sink(rebuilder, exclude, None), str(path.resolve()), recursive=True)
        elif path.parent.is_dir():
            folder = path.parent.resolve()
            observer.schedule(_Sink(rebuilder, exclude, folder / path.name), str(folder), recursive=False)
        else:
            raise FileNotFoundError(f"cannot watch {path}: neither it nor its folder exists")
    observer.daemon = True
    observer.start()
    return observer
