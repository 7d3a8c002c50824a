"""LiveReloadServer: serve a folder, watch sources, rebuild through a callable, reload browsers (SPEC §8)."""

from __future__ import annotations

import errno
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from watchdog.observers.api import BaseObserver

from ssg.livereload.changes import BuildResult, classify_changes
from ssg.livereload.channel import Channel
from ssg.livereload.handler import PreviewHTTPServer, SiteConfig
from ssg.livereload.watcher import Builder, Rebuilder, start_observer


class PortInUseError(OSError):
    """The port is taken by another program (often a preview server already running)."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def normalize_base_path(base_path: str) -> str:
    """'/monitor' or 'monitor/' -> '/monitor/'; '' -> '/'."""
    inner = base_path.strip("/")
    return f"/{inner}/" if inner else "/"


class LiveReloadServer:
    """Serves root under base_path, calls builder(changed source paths) after each burst of changes.

    One run per object: start() (or serve_forever()), then stop().
    """

    def __init__(
        self,
        root: Path,
        builder: Builder,
        watch: Sequence[Path] = (),
        host: str = "127.0.0.1",
        port: int = 8000,
        base_path: str = "/",
        not_found: str = "404.html",
        debounce: float = 0.1,
        log: Callable[[str], None] = _stderr,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.root = Path(root)
        self._on_stop = on_stop  # ends what the builder runs beside the builds (the preview's search indexing)
        self.watch = tuple(Path(path) for path in watch)
        self.host = host
        self.port = port
        self.base_path = normalize_base_path(base_path)
        self._log = log
        self._channel = Channel(uuid.uuid4().hex[:12])
        self._config = SiteConfig(self.root, self.base_path, not_found, self._channel, log)
        self._rebuilder = Rebuilder(builder, self.apply_result, debounce, log)
        self._httpd: PreviewHTTPServer | None = None
        self._http_thread: threading.Thread | None = None
        self._observer: BaseObserver | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The preview's address (the bound port once started)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.base_path}"

    def start(self) -> str:
        """Bind, start the HTTP and watcher threads; return the URL. Raises PortInUseError."""
        with self._lock:
            if self._httpd is not None:
                return self.url
            try:
                httpd = PreviewHTTPServer((self.host, self.port), self._config)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise PortInUseError(
                        exc.errno, f"port {self.port} on {self.host} is already in use; choose another port"
                    ) from exc
                raise
            self._httpd = httpd
            self.port = httpd.server_address[1]
            self._http_thread = threading.Thread(
                target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="livereload-http", daemon=True
            )
            self._http_thread.start()
            self._rebuilder.start()
            try:
                self._observer = start_observer(self.watch, self._rebuilder, self.root.resolve())
            except Exception:
                self._shutdown()
                raise
        return self.url

    def serve_forever(self) -> None:
        """Start if needed and block until stop() or Ctrl-C."""
        self.start()
        try:
            while not self._stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """End SSE streams, the watcher and the HTTP server; bounded waits, safe to call twice."""
        with self._lock:
            self._shutdown()

    def _shutdown(self) -> None:
        self._stopped.set()
        self._channel.close()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(2.0)
            self._observer = None
        self._rebuilder.stop()
        if self._on_stop is not None:
            self._on_stop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._http_thread is not None:
            self._http_thread.join(2.0)
            self._http_thread = None

    def rebuild(self, changed: Iterable[Path]) -> BuildResult:
        """Run the builder now on the calling thread (e.g. the initial build) and publish its result."""
        result = self._rebuilder.build(frozenset(Path(path) for path in changed))
        self.apply_result(result)
        return result

    def apply_result(self, result: BuildResult) -> None:
        """Tell the browsers: error overlay when not ok, else clear it and reload or swap CSS."""
        if not result.ok:
            self.set_error(result.error or "build failed")
            return
        self.set_error(None)
        if classify_changes(result.changed) is not None:
            self.reload(result.changed)

    def reload(self, changed: Iterable[str] = ()) -> None:
        """Reload every page; only swap stylesheets when changed names only .css files."""
        changed = tuple(changed)
        self._channel.publish_change(classify_changes(changed) or "reload", changed)

    def set_error(self, text: str | None) -> None:
        """Show text in the error overlay of every open page (and pages opened later); None clears it."""
        self._channel.set_error(text)

    @property
    def open_connections(self) -> int:
        """Connections being served now (each holds a daemon thread; capped by limits.MAX_CONNECTIONS)."""
        httpd = self._httpd
        return httpd.connections.count if httpd is not None else 0

    @property
    def open_streams(self) -> int:
        """Open event streams, one per open preview tab (capped by limits.MAX_STREAMS)."""
        httpd = self._httpd
        return httpd.streams.count if httpd is not None else 0

    @property
    def bound_address(self) -> tuple[str, int]:
        """The interface and port the server listens on (the host is loopback unless the caller chose one)."""
        httpd = self._httpd
        return (str(httpd.server_address[0]), int(httpd.server_address[1])) if httpd else (self.host, self.port)

    @property
    def version(self) -> str:
        """The output version the injected script carries (changes on every reload and server run)."""
        return self._channel.version
