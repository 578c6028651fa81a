"""Child processes that start with Ctrl+C already ignored, so a Ctrl+C during their start is no traceback.

A terminal's Ctrl+C goes to the whole foreground process group, children included. A child set
SIGINT aside only once its own code ran (budget._serve, the workers' initializer): a Ctrl+C during
the interpreter's start, the spawn bootstrap or its imports raised KeyboardInterrupt there, and
its traceback went to the user's stderr. Kliping ends its children itself, so they need no
Ctrl+C of their own.

A disposition of SIG_IGN stays across fork and exec (multiprocessing's spawn keeps it: it does
not restore signals, and CPython's vfork path resets only handled signals), and a Python started
with SIGINT ignored installs no KeyboardInterrupt handler. So SIGINT is set to SIG_IGN in the whole
process for the moment of each spawn, at the C level (signal.signal works on the main thread only;
spawns happen on others), and put back exactly as it was. A Ctrl+C in those few milliseconds is
lost. A thread's signal mask would not do: the spawned child does not keep it. Linux only;
elsewhere children start as before.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.popen_fork import Popen

SIGACTION_BYTES = 1024  # more than any C library's struct sigaction: the old one is kept whole, unread

_lock = threading.RLock()  # two threads spawning at once put back what was there before both
_libc: ctypes.CDLL | None = None


def _c_library() -> ctypes.CDLL | None:
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.sigaction.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
            libc.sigaction.restype = ctypes.c_int
            libc.signal.argtypes = [ctypes.c_int, ctypes.c_void_p]
            libc.signal.restype = ctypes.c_void_p
            _libc = libc
    return _libc


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored in the whole process meanwhile, at the C level; Python's own handler is untouched."""
    libc = _c_library()
    if libc is None:
        yield
        return
    with _lock:
        old = ctypes.create_string_buffer(SIGACTION_BYTES)
        if libc.sigaction(signal.SIGINT, None, old) != 0:
            yield
            return
        libc.signal(signal.SIGINT, signal.SIG_IGN.value)
        try:
            yield
        finally:
            libc.sigaction(signal.SIGINT, old, None)


class Process(SpawnProcess):
    """multiprocessing's spawned process, started with SIGINT ignored."""

    @staticmethod
    def _Popen(process_obj: SpawnProcess) -> Popen:  # type: ignore[override]
        with sigint_ignored():
            return SpawnProcess._Popen(process_obj)


class Context(SpawnContext):
    """The "spawn" context (the app has threads: forking it is unsafe) whose processes ignore Ctrl+C."""

    Process = Process


CONTEXT = Context()
