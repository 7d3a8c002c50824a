"""A real moto S3 server in a subprocess on loopback, and a TCP proxy that can cut the line mid-publish."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MotoServer:
    """`python -m moto.server` with its request recorder, so tests can count the requests really made."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {"MOTO_RECORDER_FILEPATH": str(workdir / "recording.jsonl"), "PATH": "/usr/bin:/bin"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            cwd=workdir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:  # bounded wait for the port to accept connections
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"moto server did not start on port {self.port}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def _api(self, action: str) -> str:
        request = urllib.request.Request(f"{self.url}/moto-api/recorder/{action}", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read().decode("utf-8")

    def start_recording(self) -> None:
        self._api("reset-recording")
        self._api("start-recording")

    def recorded(self) -> list[tuple[str, str]]:
        """(method, path) of every request since start_recording; stops recording."""
        self._api("stop-recording")
        with urllib.request.urlopen(f"{self.url}/moto-api/recorder/download-recording", timeout=10) as response:
            lines = response.read().decode("utf-8").splitlines()
        return [(e["method"], urllib.parse.urlsplit(e["url"]).path) for e in map(json.loads, lines)]


class Proxy:
    """Forwards loopback TCP connections to a port until `cut()`, which drops them all and stops listening."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass  # the other direction closed or the line was cut: this pump is done
        finally:
            for end in (source, sink):
                end.close()

    def cut(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes accept() on Linux
        self.listener.close()
        with self.lock:
            for end in self.sockets:
                with contextlib.suppress(OSError):  # already closed
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
