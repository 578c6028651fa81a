"""Opening SQLite files the way every kliping database wants them: WAL, patient with other windows."""

from __future__ import annotations

import sqlite3
import time

BUSY_TIMEOUT_MS = 10_000
WAL_TRIES = 100  # about 5 s


def connect(target: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A connection in autocommit mode (callers BEGIN themselves), WAL, synchronous=NORMAL.

    Switching a new file to WAL needs the file to itself, and SQLite does not wait for that the
    way it waits for ordinary locks, so two windows opening a new file at once retry here.
    """
    conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if target != ":memory:":
            for attempt in range(WAL_TRIES):
                try:
                    conn.execute("PRAGMA journal_mode=WAL")
                    break
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) or attempt == WAL_TRIES - 1:
                        raise
                    time.sleep(0.05)
        conn.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn
