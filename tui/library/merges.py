"""Merging the index's segments after a bulk load, a little at a time, on a background thread.

A bulk load leaves FTS5's segments unmerged (schema.BULK): about 50 for 100k articles. Searches
work on them (a first page in ~2 ms instead of ~1), and merging them all took 6 s of CPU, so it
is done after the load in steps of a few milliseconds, each its own transaction, with a pause
between steps so searches and writes never wait for more than one step.
"""

from __future__ import annotations

import sqlite3
import threading

from tui.library import schema
from tui.sqlite import Database

STEP_PAGES = 32  # leaf pages merged per step: ~10 ms at 100k articles
PAUSE = 0.02  # seconds between steps, for the searches and writes that want the lock


STRUCTURE_ID = 10  # FTS5's structure record in fts_data: its levels and segments


def segments(conn: sqlite3.Connection) -> int:
    """How many segments FTS5's index is in now (fts5_index.c, fts5StructureDecode): a cookie,
    an optional version marker, then the counts of levels and of segments as SQLite varints."""
    found = conn.execute("SELECT block FROM fts_data WHERE id = ?", (STRUCTURE_ID,)).fetchone()
    if found is None:
        return 0
    data: bytes = found[0]
    at = 8 if data[4:8] == b"\xff\x00\x00\x01" else 4
    for _ in range(2):  # skip the level count, then read the segment count
        value = 0
        while True:
            byte = data[at]
            at += 1
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
    return value


class Merges:
    """Runs FTS5 'merge' steps until nothing is left to merge, or until closed."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        with self._db.lock:
            if self._thread is not None or self._db.in_memory:
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="kliping-merges", daemon=True)
            self._thread.start()

    def _step(self, conn: sqlite3.Connection) -> bool:
        before = conn.total_changes
        conn.execute(schema.MERGE_STEP, (STEP_PAGES,))
        return conn.total_changes - before >= 2  # SQLite's sign that the step merged something

    def _run(self) -> None:
        try:
            while not self._stop.wait(PAUSE):
                with self._db.lock:
                    if self._db.in_memory or not self._db.write(self._step):
                        return
        except sqlite3.Error:
            return  # damaged or unwritable: the next bulk load merges again, searches work meanwhile
        finally:
            self._thread = None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until merging is done (for tests and benchmarks); True when it is."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._thread is None

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join()
