"""What keeps the preview answering under load and abuse (SPEC §8): a request head must arrive whole within a
deadline and a size budget, and connections and event streams are counted against caps.

A slow client (slowloris: headers a byte at a time) holds one daemon thread until its deadline, never the
server; a huge header gets 431 once the budget is spent, never megabytes of buffering.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from http.client import LineTooLong

HEAD_SECONDS = 5.0  # a request line and headers must arrive within this (an idle keep-alive connection too)
HEAD_BYTES = 64 * 1024  # request line and headers together
WRITE_SECONDS = 10.0  # a client that does not read what we send for this long is gone
MAX_CONNECTIONS = 512  # open connections (one daemon thread each); beyond, new ones are closed at once
MAX_STREAMS = 128  # open event streams (one per open preview tab); beyond, 503 and the page retries


class HeadReader(io.RawIOBase):
    """The socket as a raw stream for the request's BufferedReader: each recv gets only the time left before
    the head's deadline, and the bytes of one head are counted against HEAD_BYTES."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        self._deadline = float("inf")
        self._budget = HEAD_BYTES

    def start_head(self) -> None:
        """A new request: a fresh deadline and byte budget."""
        self._deadline = time.monotonic() + HEAD_SECONDS
        self._budget = HEAD_BYTES

    def end_head(self) -> None:
        """The head is read: what follows (our reply, an event stream) is bounded by WRITE_SECONDS alone."""
        self._deadline = float("inf")
        self._budget = HEAD_BYTES
        self._sock.settimeout(WRITE_SECONDS)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request head did not arrive in time")
        if self._budget <= 0:
            raise LineTooLong("request headers (more than 64 KiB)")  # http.server answers 431
        self._sock.settimeout(min(remaining, WRITE_SECONDS))
        received = self._sock.recv_into(buffer, min(len(buffer), self._budget))
        self._budget -= received
        return received


class Gauge:
    """A count with a cap, shared by the request threads: how many connections or streams are open now."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._count = 0
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    def enter(self) -> bool:
        """Take a place; False when all are taken."""
        with self._lock:
            if self._count >= self.cap:
                return False
            self._count += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self._count -= 1


def client_gone(sock: socket.socket) -> bool:
    """Whether the peer has closed its end: a peek without waiting finds the end of the stream (an event
    stream's client sends nothing after its request). Where MSG_DONTWAIT is missing, the next failed write
    tells instead."""
    flags = getattr(socket, "MSG_DONTWAIT", 0)
    if not flags:
        return False
    timeout = sock.gettimeout()
    sock.settimeout(0)  # with a timeout set, Python polls up to it before any recv, MSG_DONTWAIT or not
    try:
        return sock.recv(1, socket.MSG_PEEK | flags) == b""
    except BlockingIOError:
        return False  # open, nothing sent: still there
    except OSError:
        return True  # reset by the peer
    finally:
        sock.settimeout(timeout)
