"""Broadcast state for the Server-Sent Events clients: page version, pending error, recent messages."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterable

Message = tuple[int, str, str]  # (sequence number, event name, JSON data)


class Channel:
    """Thread-safe: the build thread publishes, every SSE connection waits for what it has not seen."""

    def __init__(self, instance: str, backlog: int = 64) -> None:
        self._instance = instance  # differs per server run, so reconnecting pages after a restart reload
        self._cond = threading.Condition()
        self._generation = 0
        self._seq = 0
        self._messages: deque[Message] = deque(maxlen=backlog)
        self._error: str | None = None
        self._closed = False

    @property
    def version(self) -> str:
        """The current output version; the injected script carries the one its page was served at."""
        with self._cond:
            return self._version()

    @property
    def error(self) -> str | None:
        """The pending build error, if any."""
        with self._cond:
            return self._error

    def _version(self) -> str:
        return f"{self._instance}.{self._generation}"

    def _push(self, event: str, payload: dict[str, object]) -> None:
        self._seq += 1
        self._messages.append((self._seq, event, json.dumps(payload)))
        self._cond.notify_all()

    def publish_change(self, kind: str, changed: Iterable[str] = ()) -> None:
        """Bump the generation and tell clients to 'reload' or swap 'css'."""
        with self._cond:
            self._generation += 1
            self._push(kind, {"version": self._version(), "changed": sorted(changed)})

    def set_error(self, text: str | None) -> None:
        """Show text in every page's overlay, or clear it with None."""
        with self._cond:
            if text is None:
                if self._error is not None:
                    self._error = None
                    self._push("clear", {})
                return
            self._error = text
            self._push("error", {"text": text})

    def close(self) -> None:
        """End every stream (server shutdown)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def hello(self) -> tuple[int, list[Message]]:
        """What a newly connected client needs: the current version and the pending error, if any."""
        with self._cond:
            first: list[Message] = [(self._seq, "hello", json.dumps({"version": self._version()}))]
            if self._error is not None:
                first.append((self._seq, "error", json.dumps({"text": self._error})))
            return self._seq, first

    def wait(self, after: int, timeout: float) -> list[Message] | None:
        """Messages newer than sequence number after ([] on timeout), or None once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._seq > after, timeout)
            if self._closed:
                return None
            fresh = [message for message in self._messages if message[0] > after]
            if fresh and fresh[0][0] > after + 1:  # fell behind the backlog: start over
                return [(self._seq, "reload", json.dumps({"version": self._version()}))]
            return fresh
