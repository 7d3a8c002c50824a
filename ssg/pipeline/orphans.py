"""Worker processes end when the build that forked them does, even when it is killed with SIGKILL (which runs
no cleanup): otherwise each waits for work on its pipe forever, holding the memory it inherited."""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 1.0  # the fallback's poll, where the kernel cannot tell us


def start_worker(parent: int, initializer: Callable[..., None], *initargs: object) -> None:
    """A pool's initializer: freeze what this process inherited (its collector, should it run, then never
    touches, and so copies, the parent's heap: a freeze moves whole lists, it visits no object), tie its life
    to `parent`'s, then run the real initializer."""
    gc.freeze()
    end_with_parent(parent)
    initializer(*initargs)


def end_with_parent(parent: int) -> None:
    """SIGKILL this process when `parent` dies: the kernel does it on Linux (PR_SET_PDEATHSIG); elsewhere a
    daemon thread notices the new parent. The parent may have died before this ran: checked right after."""
    if not sys.platform.startswith("linux") or not set_death_signal():
        threading.Thread(target=watch_parent, args=(parent,), name="ssg-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # reparented already: the death signal will never come
        os._exit(1)


def set_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when the thread that forked it ends; False when prctl is missing."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    return prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0


def watch_parent(parent: int) -> None:
    """The fallback: poll the parent process id and end this process once it changes."""
    stop = threading.Event()
    while not stop.wait(WATCH_SECONDS):
        if os.getppid() != parent:
            os._exit(1)
