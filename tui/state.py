"""Reading state that lasts: read and starred marks, reading positions and filter history.

State is keyed by an article's content digest, so renaming or moving a file loses nothing. The
file is SQLite in WAL mode with ``synchronous=NORMAL``: a write that has returned survives the
process being killed, two kliping windows can share the file (``busy_timeout`` makes the second
writer wait its turn instead of failing), and every change is one transaction. A damaged file is
moved aside, never deleted, and a fresh one is made, with ``notice`` saying where the old one went.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import platformdirs

from tui.db import connect
from tui.i18n import _

SCHEMA_VERSION = 1
HISTORY_LIMIT = 500
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks(
    digest TEXT PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    position REAL,
    changed REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history(query TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS history_seq ON history(seq);
"""
_TABLES = {"marks", "history"}

# SQLite's own words for "this file is not a usable database"; anything else (busy, permissions,
# a full disk) is not the file's fault and must not get it moved aside.
_DAMAGE_CODES = {getattr(sqlite3, "SQLITE_CORRUPT", 11), getattr(sqlite3, "SQLITE_NOTADB", 26)}


class _Damaged(Exception):
    """Raised while opening when the file itself is unusable, so it is set aside rather than trusted."""


def default_state_path() -> Path:
    """Where reading state lives, so it follows the platform's conventions (XDG data dir on Linux)."""
    return Path(platformdirs.user_data_dir("kliping", appauthor=False)) / "state.sqlite3"


class ReadingState:
    """Read / starred marks, positions and filter history, safe to share between threads and windows."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = None if path is None else Path(path)
        self.notice: str | None = None
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = self._open()

    # --- opening -------------------------------------------------------------------------

    def _connect(self, target: str) -> sqlite3.Connection:
        return connect(target, BUSY_TIMEOUT_MS)

    def _open(self) -> sqlite3.Connection:
        """Open or create the state file; set a damaged one aside; fall back to memory rather than fail."""
        if self.path is None:
            conn = self._connect(":memory:")
            self._prepare(conn)
            return conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return self._open_file()
            except _Damaged as damage:
                aside = self._set_aside()
                self.notice = _(
                    "The reading state file was unusable ({problem}), so it was moved to {path} "
                    "and a fresh one started."
                ).format(problem=damage, path=aside)
                return self._open_file()
        except (OSError, sqlite3.Error, _Damaged) as error:
            self.notice = _(
                "Could not open the reading state file {path} ({error}), so read marks, stars "
                "and history will not be kept this session."
            ).format(path=self.path, error=error)
            conn = self._connect(":memory:")
            self._prepare(conn)
            return conn

    def _open_file(self) -> sqlite3.Connection:
        assert self.path is not None
        try:
            conn = self._connect(str(self.path))
        except sqlite3.DatabaseError as error:
            if getattr(error, "sqlite_errorcode", None) in _DAMAGE_CODES:
                raise _Damaged(str(error)) from error
            raise
        try:
            self._prepare(conn)
        except _Damaged:
            conn.close()
            raise
        except sqlite3.DatabaseError as error:
            conn.close()
            if getattr(error, "sqlite_errorcode", None) in _DAMAGE_CODES:
                raise _Damaged(str(error)) from error
            raise
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Check an existing database or create the tables, inside one write transaction so two
        windows opening a new file at once cannot both create it."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version == 0 and not tables:
                # Statement by statement: executescript would commit the transaction half-way.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            elif version > SCHEMA_VERSION:
                raise _Damaged(
                    _("written by a newer kliping, schema version {version}").format(version=version)
                )
            elif version != SCHEMA_VERSION or not tables >= _TABLES:
                raise _Damaged(
                    _("unexpected schema version {version} with tables {tables}").format(
                        version=version, tables=sorted(tables)
                    )
                )
            else:
                result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
                if result != ["ok"]:
                    raise _Damaged(_("integrity check failed: {result}").format(result=result[0]))
        except BaseException:
            if conn.in_transaction:  # SQLite may already have rolled back after some errors
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _set_aside(self) -> Path:
        """Move the damaged file (and its write-ahead log) out of the way, keeping it for inspection."""
        assert self.path is not None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        count = 1
        while aside.exists():
            count += 1
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{count}")
        os.replace(self.path, aside)
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + "-wal"))
        shm = self.path.with_name(self.path.name + "-shm")
        if shm.exists():
            shm.unlink()  # only an index into the WAL; SQLite rebuilds it
        return aside

    # --- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction under the lock, taken for writing up front so another window waits, not fails."""
        with self._lock:
            conn = self._live()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite may already have rolled back after some errors
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("the reading state is closed")
        return self._conn

    def _column(self, sql: str) -> list[str]:
        with self._lock:
            return [r[0] for r in self._live().execute(sql)]

    @staticmethod
    def _tidy(conn: sqlite3.Connection, digest: str) -> None:
        """Drop a row that no longer says anything, so the file holds only what users marked."""
        conn.execute(
            "DELETE FROM marks WHERE digest = ? AND read = 0 AND starred = 0 AND position IS NULL",
            (digest,),
        )

    def _set_flag(self, column: str, digest: str, value: bool | None) -> bool:
        """Set (or with None, flip) one flag in a single transaction, so concurrent toggles never race."""
        with self._write() as conn:
            row = conn.execute(f"SELECT {column} FROM marks WHERE digest = ?", (digest,)).fetchone()
            current = bool(row[0]) if row else False
            new = (not current) if value is None else value
            conn.execute(
                f"INSERT INTO marks(digest, {column}, changed) VALUES (?, ?, ?) "
                f"ON CONFLICT(digest) DO UPDATE SET {column} = excluded.{column}, changed = excluded.changed",
                (digest, int(new), time.time()),
            )
            self._tidy(conn, digest)
        return new

    # --- marks ---------------------------------------------------------------------------

    def read(self) -> set[str]:
        """Digests marked read, fetched at once so the list can dim them without a query per row."""
        return set(self._column("SELECT digest FROM marks WHERE read = 1"))

    def starred(self) -> set[str]:
        """Digests starred, fetched at once for the same reason as `read`."""
        return set(self._column("SELECT digest FROM marks WHERE starred = 1"))

    def set_read(self, digest: str, read: bool = True) -> None:
        """Mark an article read or unread, as opening it or a key press asks."""
        self._set_flag("read", digest, bool(read))

    def toggle_read(self, digest: str) -> bool:
        """Flip the read mark and say what it is now, so the caller need not read it back."""
        return self._set_flag("read", digest, None)

    def set_starred(self, digest: str, starred: bool = True) -> None:
        """Star or unstar an article: the value the user sees, whatever another window did meanwhile."""
        self._set_flag("starred", digest, bool(starred))

    def toggle_star(self, digest: str) -> bool:
        """Flip the star and say what it is now, so the caller need not read it back."""
        return self._set_flag("starred", digest, None)

    def position(self, digest: str) -> float | None:
        """How far through an article the reader got (0.0–1.0), so reopening it resumes there."""
        with self._lock:
            row = self._live().execute("SELECT position FROM marks WHERE digest = ?", (digest,)).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def set_position(self, digest: str, fraction: float) -> None:
        """Remember the reading position, clamped to 0.0–1.0 so a stale scroll size cannot overshoot."""
        if math.isnan(fraction):
            raise ValueError("a reading position cannot be NaN")
        fraction = min(1.0, max(0.0, float(fraction)))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO marks(digest, position, changed) VALUES (?, ?, ?) "
                "ON CONFLICT(digest) DO UPDATE SET position = excluded.position, changed = excluded.changed",
                (digest, fraction, time.time()),
            )

    def clear_position(self, digest: str) -> None:
        """Forget a reading position, for when an article has been read to the end."""
        with self._write() as conn:
            conn.execute("UPDATE marks SET position = NULL WHERE digest = ?", (digest,))
            self._tidy(conn, digest)

    # --- filter history ------------------------------------------------------------------

    def history(self) -> list[str]:
        """Past filters, oldest first, so the filter bar can step back through them like a shell."""
        return self._column("SELECT query FROM history ORDER BY seq")

    def add_history(self, query: str) -> None:
        """Remember a filter at the end of the history, moving it there if it was used before."""
        query = query.strip()
        if not query:
            return
        with self._write() as conn:
            top = conn.execute("SELECT coalesce(max(seq), 0) FROM history").fetchone()[0]
            conn.execute("INSERT OR REPLACE INTO history(query, seq) VALUES (?, ?)", (query, top + 1))
            conn.execute(
                "DELETE FROM history WHERE seq < "
                "(SELECT seq FROM history ORDER BY seq DESC LIMIT 1 OFFSET ?)",
                (HISTORY_LIMIT - 1,),
            )

    # --- closing -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the file so the WAL is checkpointed and folded back in; safe to call twice."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> ReadingState:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
