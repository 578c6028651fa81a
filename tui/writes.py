"""State writes on one background thread, in order, so the event loop never waits on SQLite."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


class WriteQueue:
    """Runs writes one after another on a thread of its own; a failure is reported, never raised.

    A mark written in another window holds the state file's write lock for a moment (the busy
    timeout is seconds): on the event loop that would freeze the screen, here it only delays the
    write. `close` waits for what is queued, so nothing the user did is lost on quit.
    """

    def __init__(
        self,
        failed: Callable[[BaseException], object] | None = None,
        notices: Callable[[], list[str]] | None = None,
        told: Callable[[str], object] | None = None,
    ) -> None:
        """`failed` hears of a write that raised; `notices` is asked after each write what the
        store has to say (it carried on in memory when the disk refused), and `told` hears it."""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kliping-state")
        self._failed = failed
        self._notices = notices
        self._told = told
        self._lock = threading.Lock()
        self._closed = False

    def __call__(self, write: Callable[[], object]) -> None:
        with self._lock:
            if self._closed:
                self._run(write)  # after close (the app is going): write now, in order
                return
            self._pool.submit(self._run, write)

    def _run(self, write: Callable[[], object]) -> None:
        try:
            write()
        except (OSError, sqlite3.Error, ValueError) as error:
            if self._failed is not None:
                self._failed(error)
        if self._notices is not None and self._told is not None:
            for notice in self._notices():
                self._told(notice)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True)
