#!/usr/bin/env python3
"""Load and abuse the preview server on loopback, then report what it served and the memory it took.

    python bench/load_preview.py [--seconds 10] [--clients 200] [--slow 100] [--streams 100]

The server (ssg.livereload.LiveReloadServer, a no-op builder, a folder of a few pages) runs in a child
process, bound to 127.0.0.1 on a free port. For --seconds (at most 60) this process runs at once:
  clients   threads each requesting pages over keep-alive connections, as fast as they are answered
  slow      slowloris sockets: a request head a byte every 0.5 s (each is cut off, and opens another)
  streams   open event streams (preview tabs)
  malformed a thread sending garbage, oversize heads and half requests
  probe     an ordinary GET every 0.1 s on a fresh connection: its slowest answer is the figure that matters
Then it stops the server and prints one JSON object: requests served, errors by kind, the probe's latencies,
and the server process's peak RSS (VmHWM) and peak thread count. Loopback only; it stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ssg.livereload import BuildResult, LiveReloadServer

HOST = "127.0.0.1"
MALFORMED = [
    b"\x00\xff garbage\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"BREW / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",
    b"GET /" + b"c" * 70_000 + b" HTTP/1.1\r\n\r\n",
]


def make_site(root: Path) -> None:
    """A few pages of realistic size (20 KB of HTML each) and a stylesheet."""
    root.mkdir(parents=True, exist_ok=True)
    body = "<p>" + "Lorem ipsum dolor sit amet. " * 700 + "</p>"
    for name in ("index.html", "a/index.html", "b/index.html", "404.html"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"<!DOCTYPE html><html><head><title>{name}</title></head><body>{body}</body></html>")
    (root / "style.css").write_text("body { color: #222 }\n" * 200)


def serve(root: str, ports: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    """The child process: serve until told to stop."""
    server = LiveReloadServer(Path(root), lambda changed: BuildResult(ok=True), host=HOST, port=0, log=lambda m: None)
    ports.put(server.start().split(":")[2].split("/")[0])
    stop.wait(120)
    server.stop()


class Tally:
    """Counts shared by the load threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n


def client(port: int, until: float, tally: Tally) -> None:
    paths = ["/", "/a/", "/b/", "/style.css", "/missing"]
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    i = 0
    while time.monotonic() < until:
        try:
            conn.request("GET", paths[i % len(paths)])
            response = conn.getresponse()
            response.read()
            tally.add("served")
        except (OSError, http.client.HTTPException) as exc:
            tally.add(f"client error: {type(exc).__name__}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
        i += 1
    conn.close()


def slowloris(port: int, until: float, tally: Tally) -> None:
    head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 1000
    while time.monotonic() < until:
        try:
            with socket.create_connection((HOST, port), timeout=10) as sock:
                for byte in head:
                    if time.monotonic() >= until:
                        return
                    sock.sendall(bytes([byte]))
                    threading.Event().wait(0.5)
        except OSError:
            tally.add("slow clients cut off")


def stream(port: int, until: float, tally: Tally) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=15)  # longer than the server's 10 s keepalive
    try:
        conn.request("GET", "/__livereload/events")
        response = conn.getresponse()
        tally.add(f"event streams: {response.status}")
        while time.monotonic() < until and response.status == 200 and response.fp.readline():
            pass
    except (OSError, http.client.HTTPException) as exc:
        tally.add(f"stream error: {type(exc).__name__}")
    finally:
        conn.close()


def malformed(port: int, until: float, tally: Tally) -> None:
    i = 0
    while time.monotonic() < until:
        try:
            with socket.create_connection((HOST, port), timeout=10) as sock:
                sock.sendall(MALFORMED[i % len(MALFORMED)])
                while sock.recv(65536):
                    pass
            tally.add("malformed sent")
        except OSError:
            tally.add("malformed sent")  # refused half-way: what it is for
        i += 1


def probe(port: int, until: float, results: multiprocessing.Queue) -> None:
    """In a process of its own, so that its figures are not the load threads' wait for this one's GIL:
    each GET's seconds, or None when it failed."""
    times: list[float | None] = []
    while time.monotonic() < until:
        started = time.monotonic()
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            conn.request("GET", "/")
            conn.getresponse().read()
            times.append(time.monotonic() - started)
        except (OSError, http.client.HTTPException):
            times.append(None)
        finally:
            conn.close()
        threading.Event().wait(0.1)
    results.put(times)


def server_status(pid: int) -> dict[str, int]:
    """VmHWM (peak RSS, kB), VmRSS and Threads of the server process, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS", "Threads"):
            fields[name] = int(value.split()[0])
    return fields


def run(seconds: float, clients: int, slow: int, streams: int) -> dict[str, object]:
    context = multiprocessing.get_context("fork")
    ports, stop = context.Queue(), context.Event()
    with tempfile.TemporaryDirectory(prefix="ssg-load-") as folder:
        make_site(Path(folder) / "out")
        child = context.Process(target=serve, args=(str(Path(folder) / "out"), ports, stop), daemon=True)
        child.start()
        try:
            port = int(ports.get(timeout=30))
            idle = server_status(child.pid)
            tally = Tally()
            until = time.monotonic() + seconds
            probed = context.Queue()
            prober = context.Process(target=probe, args=(port, until, probed), daemon=True)
            prober.start()
            jobs = [(client, clients), (slowloris, slow), (stream, streams), (malformed, 1)]
            threads = [
                threading.Thread(target=f, args=(port, until, tally), daemon=True) for f, n in jobs for _ in range(n)
            ]
            for thread in threads:
                thread.start()
            peak_threads = 0
            while time.monotonic() < until:
                peak_threads = max(peak_threads, server_status(child.pid)["Threads"])
                threading.Event().wait(0.2)
            for thread in threads:
                thread.join(20)
            probe_times = probed.get(timeout=30)
            prober.join(10)
            final = server_status(child.pid)
        finally:
            stop.set()
            child.join(10)
            if child.is_alive():
                child.kill()
    answered = sorted(t for t in probe_times if t is not None) or [float("nan")]
    return {
        "seconds": seconds,
        "load": {"clients": clients, "slowloris": slow, "event_streams": streams},
        "requests_served": tally.counts.pop("served", 0),
        "other_counts": dict(sorted(tally.counts.items())),
        "probe": {
            "requests": len(probe_times),
            "failed": probe_times.count(None),
            "median_ms": round(statistics.median(answered) * 1000, 1),
            "max_ms": round(answered[-1] * 1000, 1),
        },
        "server_rss_idle_kb": idle["VmRSS"],
        "server_peak_rss_kb": final["VmHWM"],
        "server_peak_threads": peak_threads,
        "server_threads_after": final["Threads"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--slow", type=int, default=100)
    parser.add_argument("--streams", type=int, default=100)
    args = parser.parse_args()
    seconds = min(max(args.seconds, 1.0), 60.0)
    figures = run(seconds, min(args.clients, 400), min(args.slow, 300), min(args.streams, 120))
    figures["requests_per_second"] = round(int(figures["requests_served"]) / seconds)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
