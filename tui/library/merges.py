"""Merging the index's segments after a bulk load, in one go, on a connection of its own.

A bulk load leaves FTS5's segments unmerged (schema.BULK): about 50 for 100k articles, and a
first page searched in them took 15-60 ms where it takes under 2 merged. FTS5's 'optimize'
merges them all at once (5 s of CPU at 100k, where merging in small steps rewrote the data at
every level: 12 s). It runs on a connection of its own in a background thread, so searches go
on reading what was there before (WAL) and wait for nothing; closing interrupts it, and the
next load or start merges again.

The same transaction stores the words a bulk load left to the index in the terms table
(vocabulary.index_words) and every word's document count (related.read_counts), read on a second
connection while 'optimize' runs, from what the index held before it: the other core is idle then.
A mark in FTS5's own settings table says the words are still to be read, so a run that quits
before then leaves them to the next merge.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

from tui.library.related import read_counts, store_counts
from tui.library.schema import WORDS_PENDING
from tui.library.vocabulary import index_words, store_words
from tui.sqlite import Database

LEFTOVERS_FROM = 24  # segments an earlier run left that are worth merging at start: a bulk load
# leaves about 50, while automerge keeps everyday writes under 8 a level


STRUCTURE_ID = 10  # FTS5's structure record in fts_data: its levels and segments


def words_pending(conn: sqlite3.Connection) -> bool:
    """Whether a bulk load left words for the merge to read from the index."""
    return conn.execute("SELECT 1 FROM fts_config WHERE k = ?", (WORDS_PENDING,)).fetchone() is not None


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


def _words_only(conn: sqlite3.Connection, found: list[str] | None = None) -> list[str]:
    """Store the words the index holds and the terms table lacks (`found`, when read already)."""
    learned = (index_words(conn) if found is None else found) if words_pending(conn) else []
    store_words(conn, learned)
    conn.execute("DELETE FROM fts_config WHERE k = ?", (WORDS_PENDING,))
    return learned


class Merges:
    """Runs FTS5's 'optimize' in a background thread, once per start() call, or until closed."""

    def __init__(self, db: Database, learned: Callable[[list[str]], None] = lambda terms: None) -> None:
        self._db = db
        self._learned = learned  # words the merge stored, once committed (Vocabulary.learned)
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None
        self._words_conn: sqlite3.Connection | None = None  # reading the words beside the merge
        self._stop = threading.Event()
        self._guard = threading.Lock()  # the connection, between the thread and close()

    def start(self, at_least: int = 2) -> None:
        """Merge in the background when the index is in `at_least` segments or more."""
        with self._db.lock:
            if self._thread is not None:
                return
            if not self._db.in_memory:
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._run, args=(at_least,), name="kliping-merges", daemon=True
                )
                self._thread.start()
                return
            learned = self._db.write(_words_only)  # no second connection: the words now, no merging
        self._learned(learned)

    def _run(self, at_least: int) -> None:
        conn = self._db.reader()
        try:
            if conn is None:
                return
            with self._guard:
                if self._stop.is_set():
                    return
                self._conn = conn
            pending = words_pending(conn)
            if segments(conn) < at_least and not pending:
                return
            found: list[list[str]] = []
            counted: list[list[tuple[str, int]]] = []
            reading = threading.Thread(target=self._read_words, args=(found, counted), name="kliping-words")
            reading.start()
            conn.execute("BEGIN IMMEDIATE")
            try:
                if segments(conn) >= 2:
                    conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
            finally:
                reading.join()
            learned = _words_only(conn, found[0] if found else None) if pending else []
            if counted:
                store_counts(conn, counted[0])
            conn.execute("COMMIT")
            self._learned(learned)
        except sqlite3.Error:
            # Interrupted, busy, damaged or unwritable: the next load merges again; searches work.
            if conn is not None and conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            with self._guard:
                self._conn = None
            if conn is not None:
                conn.close()
            self._thread = None

    def _read_words(self, found: list[list[str]], counted: list[list[tuple[str, int]]]) -> None:
        """index_words (when a bulk load left them) and the words' document counts (related.py)
        on a connection of its own; nothing found when it fails (the merge reads the words, and
        related articles ask the index)."""
        conn = self._db.reader()
        if conn is None:
            return
        try:
            with self._guard:
                if self._stop.is_set():
                    return
                self._words_conn = conn
            conn.execute("BEGIN")  # both read from the same index, as it was before the merge
            if words_pending(conn):
                found.append(index_words(conn))
            counted.append(read_counts(conn))
            conn.execute("COMMIT")
        except sqlite3.Error:
            pass
        finally:
            with self._guard:
                self._words_conn = None
            conn.close()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until merging is done (for tests and benchmarks); True when it is."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._thread is None

    def close(self) -> None:
        self._stop.set()
        with self._guard:
            if self._conn is not None:
                self._conn.interrupt()  # a merge half done is rolled back, at once
            if self._words_conn is not None:
                self._words_conn.interrupt()
        thread = self._thread
        if thread is not None:
            thread.join()
