"""`ssg serve` (SPEC §8): build with drafts, serve the output with live reload, rebuild what changed.

The Pipeline keeps its cache in memory between rebuilds, so an edit re-parses one file and re-renders only the
pages whose inputs changed; the output is updated in place, file by file, and only when bytes changed. A
failed build writes nothing: the last good pages stay served and the errors go to the terminal and browser.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ssg.config import CONFIG_FILE, load_config
from ssg.errors import Report, SiteError, format_diagnostic
from ssg.livereload import BuildResult, LiveReloadServer, PortInUseError
from ssg.model.types import Site
from ssg.output import OutputError
from ssg.pipeline import Pipeline, RunOptions
from ssg.pipeline.reuse.cache import CACHE_DIR, ContentCache
from ssg.pipeline.search import Indexer, MadeShard, SearchIndexError

PORT_TRIES = 10
Log = Callable[[str], None]


def preview_dir(site_dir: Path) -> Path:
    """The preview's own output: drafts are built here, never into build/ (which may be published)."""
    return site_dir / CACHE_DIR / "preview"


def watched_paths(site_dir: Path) -> list[Path]:
    """site.toml, content/ and templates/ (SPEC §8)."""
    return [site_dir / CONFIG_FILE, site_dir / "content", site_dir / "templates"]


class PreviewBuilder:
    """The builder callable the live-reload server calls after each burst of changes."""

    def __init__(self, options: RunOptions, log: Log):
        self.pipeline = Pipeline(replace(options, index_search=False), cache=ContentCache())
        self.log = log
        self.lock = threading.Lock()  # a build, or the search bundle moving into the output: one at a time
        self.search = BackgroundSearch(self.pipeline, self.lock, log)

    def __call__(self, changed: frozenset[Path]) -> BuildResult:
        with self.lock:
            self.search.interrupt()  # its documents are about to change: the CPU is the build's
            result = self.build(changed)
        settled = self.pipeline.state.settled
        if result.ok and settled is not None:
            self.search.submit(settled.loaded.site)
        return result

    def build(self, changed: frozenset[Path]) -> BuildResult:
        started = time.perf_counter()
        try:
            result = self.pipeline.run(in_place=True, changed=changed)
        except SiteError as exc:
            text = "\n".join(format_diagnostic(d) for d in exc.report.sorted())
            self.log(f"Build failed ({len(exc.report.errors)} errors); still serving the last good pages:\n{text}")
            return BuildResult(ok=False, error=text)
        except OutputError as exc:
            self.log(f"error: {exc}")
            return BuildResult(ok=False, error=f"error: {exc}")
        for diagnostic in result.report.sorted():
            self.log(format_diagnostic(diagnostic))
        names = ", ".join(sorted(p.name for p in changed)[:3]) + (" ..." if len(changed) > 3 else "")
        self.log(
            f"{'Rebuilt after ' + names if changed else 'Built'}: {result.rendered} of {result.pages} pages rendered, "
            f"{len(result.written.changed_paths)} files changed in {time.perf_counter() - started:.2f} s"
        )
        return BuildResult(ok=True, changed=result.written.changed_paths)


QUIET_SECONDS = 1.0  # after a build, before indexing begins


class BackgroundSearch:
    """Keeps the preview's /pagefind/ current without delaying a reload: after each good build, that build's
    site is indexed from a thread of its own (the shards an edit changed, then the merge: about 11 s at 10,000
    articles, while a body edit shows in 0.4 s), and its bundle moves into the output between builds. A new
    build stops an indexing in progress; the next good build's site is indexed instead (or the same one
    again, when the build failed)."""

    def __init__(self, pipeline: Pipeline, lock: threading.Lock, log: Log):
        self._pipeline = pipeline
        self._lock = lock
        self._log = log
        self._cond = threading.Condition()
        self._site: Site | None = None  # the site to index next
        self._indexer: Indexer | None = None
        self._shards: dict[str, MadeShard] = {}  # made by indexings stopped before their merge: the next goes on
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()

    def submit(self, site: Site) -> None:
        with self._cond:
            self._site = site
            if self._indexer is not None:  # it indexes an older site (it began while this one was built)
                self._indexer.stop()
            self._cond.notify_all()

    def interrupt(self) -> None:
        with self._cond:
            if self._indexer is not None:
                self._indexer.stop()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self.interrupt()

    def idle(self, timeout: float) -> bool:
        """Wait until nothing is left to index (tests and benchmarks); whether that happened in time."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._site is not None or self._indexer is not None:
                if not self._cond.wait(max(0.0, deadline - time.monotonic())):
                    return False
            return True

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._site is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                self._cond.wait(QUIET_SECONDS)  # the reload of the pages just built has the CPU first
                site, indexer = self._site, Indexer(self._shards)
                if self._stopping or site is None:
                    continue
                self._indexer = indexer
            started = time.perf_counter()
            try:
                self.index(site, indexer)
            except SearchIndexError as exc:
                if not indexer.stopped:
                    self._log(f"error: {exc}")
                    self.done(site)
            except Exception as exc:  # the server goes on; the message says what broke (our bug or the disk)
                self._log("".join(traceback.format_exception(exc)).rstrip())
                self.done(site)
            else:
                self.done(site)
                self._log(f"Search index up to date ({time.perf_counter() - started:.1f} s)")
            finally:
                with self._cond:
                    self._indexer = None
                    self._cond.notify_all()

    def index(self, site: Site, indexer: Indexer) -> None:
        made = self._pipeline.index_search(site, indexer)
        if made is not None:
            with self._lock:
                if indexer.stopped:  # a build began meanwhile: this bundle may already be stale
                    raise SearchIndexError("stopped")
                self._pipeline.install_search(*made)
        self._shards.clear()  # the bundle in the output holds them now

    def done(self, site: Site) -> None:
        with self._cond:
            if self._site is site:
                self._site = None


def start_preview(
    site_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    drafts: bool = True,
    output_dir: Path | None = None,
    log: Log = print,
) -> LiveReloadServer:
    """Build once, then start serving and watching; returns the running server (stop() it when done)."""
    output = output_dir or preview_dir(site_dir)
    options = RunOptions(site_dir=site_dir, output_dir=output, drafts=drafts, use_cache=False)
    base_path = preview_base_path(site_dir)
    builder = PreviewBuilder(options, log)
    first = builder(frozenset())
    if not first.ok:
        write_placeholder(output)
    for candidate in range(port, port + PORT_TRIES) if port else [0]:
        server = LiveReloadServer(
            root=output,
            builder=builder,
            watch=watched_paths(site_dir),
            host=host,
            port=candidate,
            base_path=base_path,
            on_stop=builder.search.stop,
        )
        try:
            server.start()
        except PortInUseError:
            log(f"Port {candidate} is in use, trying {candidate + 1}")
            continue
        break
    else:
        raise PortInUseError(f"ports {port} to {port + PORT_TRIES - 1} on {host} are all in use; pass --port")
    server.apply_result(first)
    return server


PLACEHOLDER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Build failed</title></head>
<body><main><h1>The site does not build yet</h1>
<p>The errors are shown above and in the terminal. Fix them and save: this page reloads by itself.</p></main></body>
</html>
"""


def write_placeholder(output: Path) -> None:
    """When even the first build fails there are no pages to show the error over: serve a placeholder (the
    live-reload script is injected into it as into every page) until the first good build replaces it."""
    output.mkdir(parents=True, exist_ok=True)
    for name in ("index.html", "404.html"):
        if not (output / name).exists():
            (output / name).write_text(PLACEHOLDER, encoding="utf-8")


def preview_base_path(site_dir: Path) -> str:
    """The base_url's path prefix (SPEC §8: the preview serves under it); '/' when site.toml is unreadable."""
    config = load_config(site_dir, Report())
    return config.base_path if config else "/"
