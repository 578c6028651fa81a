"""Near-duplicate groups made after a bulk load, in the background: the sketches the parse workers
left to make and the grouping itself (duplicates.find) run in a child process that reads the cache
on its own connection, and this thread writes what it found (duplicates.Duplicates.store).

A cold load of 20k files spent half its parse workers' time on sketches (cold load 5.7 s -> 11.7 s),
and grouping held the load's end (and the index's merge) for 1.7 s at 10k, 90 s at 100k. Now the
load ends and the index merges as before; the groups follow, in a process of its own at a lower
priority, so the app's interpreter stays free for the keys.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from contextlib import suppress
from pathlib import Path

from tui import budget, spawning
from tui.library.duplicates import Duplicates, Found, find
from tui.sqlite import Database, connect

CHILD_FROM = 2000  # articles to group from which a child process is worth its start (~0.3 s)
NICENESS = 10  # the child's: the app and the index's merge come first on a shared machine


class Grouping:
    """Runs one grouping at a time on a thread; `start` again while it runs makes it run once more."""

    def __init__(self, db: Database, duplicates: Duplicates) -> None:
        self._db = db
        self._duplicates = duplicates
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False
        self._idle = threading.Event()
        self._idle.set()
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Group what is left ungrouped, in the background."""
        with self._guard:
            if self._duplicates.stopping.is_set():
                return
            self._idle.clear()
            if self._thread is not None:
                self._again = True
                return
            self._thread = threading.Thread(target=self._run, name="kliping-groups", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no grouping is under way (True), or `timeout` seconds pass (False)."""
        return self._idle.wait(timeout)

    @property
    def busy(self) -> bool:
        return not self._idle.is_set()

    def close(self) -> None:
        """Stop: the child is ended at once; what was not stored is grouped by the next run."""
        self._duplicates.stopping.set()
        with self._guard:
            pool, self._pool = self._pool, None
        if pool is not None:
            _end(pool)

    def _run(self) -> None:
        try:
            while True:
                # a cache closed or gone bad meanwhile, a child that could not start: the next run tries again
                with suppress(sqlite3.Error, OSError, BrokenExecutor):
                    found = self._find()
                    if found is not None and not self._duplicates.stopping.is_set():
                        self._duplicates.store(self._db, found)
                with self._guard:
                    if not self._again or self._duplicates.stopping.is_set():
                        self._thread = None
                        self._idle.set()
                        return
                    self._again = False
        finally:
            with self._guard:
                self._thread = None
                self._idle.set()

    def _find(self) -> Found | None:
        duplicates, db = self._duplicates, self._db
        path = None if db.in_memory else db.path
        with db.lock:
            count = db.conn.execute("SELECT count(*) FROM sketches WHERE grouped = 0").fetchone()[0]
        if not count:
            return None
        if path is None or count < CHILD_FROM:
            return duplicates.find_with(db)
        budget.start_resource_tracker()
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=spawning.CONTEXT,  # "spawn" (the app has threads), and Ctrl+C ignored from its start
            initializer=_child_start,
            initargs=(os.getpid(),),
        )
        with self._guard:
            if duplicates.stopping.is_set():
                _end(pool)
                return None
            self._pool = pool
        try:
            future = pool.submit(find_in, str(path), duplicates.threshold)
            while not duplicates.stopping.is_set():
                with suppress(TimeoutError):
                    return future.result(timeout=0.2)
            return None
        finally:
            with self._guard:
                if self._pool is pool:
                    self._pool = None
            _end(pool)


def find_in(path: str, threshold: float) -> Found | None:
    """duplicates.find in the child process, on a connection of its own to the cache file."""
    conn = connect(str(Path(path)))
    try:
        return find(conn, threshold, lambda: False)
    finally:
        conn.close()


def _child_start(parent: int) -> None:
    budget.die_with_parent(parent)
    with suppress(OSError):
        os.nice(NICENESS)


def _end(pool: ProcessPoolExecutor) -> None:
    for process in list((pool._processes or {}).values()):
        with suppress(OSError, AttributeError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
