"""One SQLite file's life, the same for the cache and the reading state.

Opened in WAL mode with ``synchronous=NORMAL`` (a write that has returned survives a killed
process; two kliping windows share the file, ``busy_timeout`` making the second writer wait its
turn instead of failing). The schema version is ``PRAGMA user_version``. A damaged file (or
someone else's) is moved aside as ``NAME.damaged-<time>``, never deleted, and a fresh one made.
A file that cannot be opened or written (a full disk, a read-only folder) is no reason to fail:
the database goes on in memory for the rest of the run, with what the file held, and says so once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tui.i18n import _

BUSY_TIMEOUT_MS = 10_000
WAL_TRIES = 100  # about 5 s

# SQLite's own words for "this file is not a usable database"; anything else (busy, permissions,
# a full disk) is not the file's fault and must not get it moved aside.
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
# What the disk or the folder refuses: the database goes on in memory.
_UNWRITABLE_CODES = {3, 8, 10, 13, 14}  # SQLITE_PERM, _READONLY, _IOERR, _FULL, _CANTOPEN
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, _LOCKED: another process holds the file for now

T = TypeVar("T")


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


def _code(error: sqlite3.Error) -> int:
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF  # the primary code of an extended one


def unwritable(error: sqlite3.Error) -> bool:
    """Whether the error is the disk's or the folder's (full, read-only), not the file's."""
    return _code(error) in _UNWRITABLE_CODES or "disk is full" in str(error) or "readonly" in str(error)


class Damaged(Exception):
    """The file is not a usable database of ours: set it aside rather than trust it."""


class Outdated(Exception):
    """The file is from another version of the schema and may simply be rebuilt."""


@dataclass(frozen=True)
class Schema:
    """What a database holds, and how its lifecycle treats it."""

    statements: str  # CREATE ... statements separated by semicolons
    version: int  # PRAGMA user_version
    tables: frozenset[str]
    rebuild_other_versions: bool  # a cache is rebuilt; user data is set aside, never dropped
    check: str = "integrity_check"  # or quick_check
    check_below: int | None = None  # bytes: larger files are not checked at open (None: all are)
    setup: tuple[str, ...] = ()  # statements run on every new connection (pragmas)
    created: tuple[str, ...] = ()  # statements run once after the tables are made
    upgrades: tuple[tuple[int, str], ...] = ()  # (from version, statements): user data kept, not rebuilt


@dataclass(frozen=True)
class Wording:
    """What to tell the user; each may use {problem}, {path}, {name}, {error}."""

    damaged: str  # set aside: {path} and {name} are the new place
    rebuilt: str  # another version, dropped
    unusable: str  # could not open: in memory from the start
    unwritable: str  # a write failed: in memory from now on
    busy: str = ""  # (with a retry) another process holds the file: in memory until it is free
    back: str = ""  # (with a retry) the file took what was done in memory meanwhile


def set_aside(path: Path) -> Path:
    """Move a damaged file (and its write-ahead log) out of the way, keeping it for inspection."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    count = 1
    while aside.exists():
        count += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{count}")
    os.replace(path, aside)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        os.replace(wal, aside.with_name(aside.name + "-wal"))
    _unlink(path.with_name(path.name + "-shm"))  # only an index into the WAL; SQLite rebuilds it
    return aside


def _unlink(path: Path) -> None:
    if path.exists():
        path.unlink()


class Database:
    """One SQLite file (or memory) behind a lock, safe to share between threads and windows."""

    def __init__(
        self,
        path: Path | None,
        schema: Schema,
        wording: Wording,
        *,
        retry_seconds: float | None = None,
        open_wait_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        """With `retry_seconds`, a file that is busy or cannot be written is tried again that often
        in the background, and what was done in memory meanwhile is written to it once it can be;
        `open_wait_ms` is how long opening waits for another process's lock before going on in memory.
        """
        self.path = path
        self.schema = schema
        self.wording = wording
        self.notice: str | None = None  # what opening found, told once by the caller
        self.later: list[str] = []  # what went wrong since, until taken
        self.heard: Callable[[str], object] | None = None  # hears later notices at once, from any thread
        self.lock = threading.RLock()
        self.in_memory = path is None
        self.retry_seconds = retry_seconds
        self.open_wait_ms = open_wait_ms
        self._pending: list[Callable[[sqlite3.Connection], object]] = []  # done in memory, for the file
        self._stop = threading.Event()
        self._retrying: threading.Thread | None = None
        self.conn = self._open()

    def reader(self) -> sqlite3.Connection | None:
        """A connection of its own for one long read, which then holds no lock the others wait
        for (WAL lets it read while they read and write); None when the database is in memory.
        The caller closes it."""
        path = None if self.in_memory else self.path  # no lock: the point is not to wait
        if path is None:
            return None
        try:
            return self._connect(str(path))
        except sqlite3.Error:
            return None

    # --- opening -------------------------------------------------------------------------

    def _connect(self, target: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
        conn = connect(target, busy_timeout_ms)
        for statement in self.schema.setup:
            conn.execute(statement)
        return conn

    def _memory(self, copy: Path | None = None) -> sqlite3.Connection:
        """A database in memory: a copy of what the file holds when it can be read, else empty."""
        self.in_memory = True
        conn = self._connect(":memory:")
        if copy is not None and copy.is_file():
            try:
                source = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    source.backup(conn)
                finally:
                    source.close()
                self._prepare(conn, check=False)
                return conn
            except (sqlite3.Error, Damaged, Outdated):
                conn.close()
                conn = self._connect(":memory:")
        self._prepare(conn, check=False)
        return conn

    def _open(self) -> sqlite3.Connection:
        """Open or create the file; set a damaged one aside; fall back to memory rather than fail."""
        if self.path is None:
            return self._memory()
        wording = self.wording
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return self._open_file(self.path)
            except Damaged as damage:
                aside = set_aside(self.path)
                self.notice = wording.damaged.format(
                    problem=damage, path=aside, name=aside.name, error=damage
                )
            except Outdated as other:
                for suffix in ("", "-wal", "-shm"):
                    _unlink(self.path.with_name(self.path.name + suffix))
                self.notice = wording.rebuilt.format(problem=other, path=self.path, name=self.path.name)
            return self._open_file(self.path)
        except (OSError, sqlite3.Error, Damaged, Outdated) as error:
            if isinstance(error, sqlite3.Error) and self._may_retry(error):
                busy = _code(error) in _BUSY_CODES
                worded = wording.busy if busy and wording.busy else wording.unwritable
                self.notice = worded.format(path=self.path, error=error, problem=error)
                conn = self._memory(copy=self.path)
                self._retry_later()
                return conn
            self.notice = wording.unusable.format(path=self.path, error=error, problem=error)
            return self._memory(copy=self.path if isinstance(error, sqlite3.Error) else None)

    def _open_file(self, path: Path) -> sqlite3.Connection:
        try:
            conn = self._connect(str(path), self.open_wait_ms)
        except sqlite3.DatabaseError as error:
            if _code(error) in _DAMAGE_CODES:
                raise Damaged(_("not a database: {error}").format(error=error)) from error
            raise
        try:
            self._prepare(conn, check=True)
        except sqlite3.DatabaseError as error:
            conn.close()
            if _code(error) in _DAMAGE_CODES:
                raise Damaged(_("not a database: {error}").format(error=error)) from error
            raise
        except BaseException:
            conn.close()
            raise
        if self.open_wait_ms != BUSY_TIMEOUT_MS:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # writes run off the event loop
        return conn

    def _prepare(self, conn: sqlite3.Connection, check: bool) -> None:
        """Check an existing database or create the tables, inside one write transaction so two
        windows opening a new file at once cannot both create it."""
        schema = self.schema
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            steps = dict(schema.upgrades)
            if 0 < version < schema.version and all(v in steps for v in range(version, schema.version)):
                for step in range(version, schema.version):
                    for statement in steps[step].split(";"):
                        if statement.strip():
                            conn.execute(statement)
                version = schema.version
                conn.execute(f"PRAGMA user_version={version}")
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version == 0 and not tables:
                # Statement by statement: executescript would commit the transaction half-way.
                for statement in schema.statements.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                for statement in schema.created:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={schema.version}")
            elif schema.rebuild_other_versions and version == 0 and tables & schema.tables:
                # Caches before tui/sqlite.py kept their version in a table: an older cache too.
                raise Outdated(f"an older cache, expected version {schema.version}")
            elif schema.rebuild_other_versions and 0 < version < schema.version:
                # An older kliping's cache (its tables may differ from ours): rebuilt, not "damaged".
                raise Outdated(f"version {version}, expected {schema.version}")
            elif version != schema.version and schema.rebuild_other_versions and tables >= schema.tables:
                raise Outdated(f"version {version}, expected {schema.version}")
            elif version > schema.version:
                raise Damaged(
                    _("written by a newer kliping, schema version {version}").format(version=version)
                )
            elif not tables >= schema.tables:
                raise Damaged(_("unexpected tables"))
            elif version != schema.version:
                raise Damaged(
                    _("unexpected schema version {version} with tables {tables}").format(
                        version=version, tables=sorted(tables)
                    )
                )
            elif check and self._worth_checking():
                result = [r[0] for r in conn.execute(f"PRAGMA {schema.check}")]
                if result != ["ok"]:
                    raise Damaged(_("integrity check failed: {result}").format(result=result[0]))
        except BaseException:
            if conn.in_transaction:  # SQLite may already have rolled back after some errors
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _worth_checking(self) -> bool:
        # A full check reads the whole file (2.7 s for a cache of 100k articles), so a large
        # cache is not checked at open; damage found later is handled by reset() when a read fails.
        limit = self.schema.check_below
        return limit is None or self.path is None or self.path.stat().st_size < limit

    # --- using ---------------------------------------------------------------------------

    def write(self, action: Callable[[sqlite3.Connection], T], undo: Callable[[], None] | None = None) -> T:
        """Run `action` as one transaction, all or nothing; `undo` forgets what it did on a rollback.

        When the disk will not take the write (full, read-only), the database moves to memory with
        everything committed so far and the action runs again there: the run goes on.
        """
        with self.lock:
            try:
                result = self._transaction(action, undo)
            except sqlite3.OperationalError as error:
                if self.in_memory or not unwritable(error):
                    raise
                self._to_memory(error)
                result = self._transaction(action, undo)
            if self._retrying is not None:
                self._pending.append(action)  # for the file, once it can be written again
            return result

    def _transaction(self, action: Callable[[sqlite3.Connection], T], undo: Callable[[], None] | None) -> T:
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            result = action(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may already have rolled back after some errors
                conn.execute("ROLLBACK")
            if undo is not None:
                undo()
            raise
        return result

    def _to_memory(self, error: sqlite3.Error) -> None:
        """Go on in memory with a copy of what the file holds, and say so once."""
        memory = self._connect(":memory:")
        try:
            self.conn.backup(memory)
        except sqlite3.Error:
            memory.close()
            memory = self._connect(":memory:")
            self._prepare(memory, check=False)
        self.conn.close()
        self.conn = memory
        self.in_memory = True
        self.later.append(self.wording.unwritable.format(path=self.path, error=error, problem=error))
        if self._may_retry(error):
            self._retry_later()

    # --- going back to the file ------------------------------------------------------------

    def _may_retry(self, error: sqlite3.Error) -> bool:
        return (
            self.retry_seconds is not None
            and self.path is not None
            and (_code(error) in _BUSY_CODES or unwritable(error))
        )

    def _retry_later(self) -> None:
        """Try the file again in the background, so a busy or read-only moment does not last the run."""
        if self._retrying is not None:
            return
        self._retrying = threading.Thread(target=self._keep_trying, name="kliping-reopen", daemon=True)
        self._retrying.start()

    def _keep_trying(self) -> None:
        assert self.retry_seconds is not None
        while not self._stop.wait(self.retry_seconds):
            if self.retry():
                return

    def retry(self) -> bool:
        """Open the file again and write to it what was done in memory meanwhile; whether it worked.

        All of it in one transaction: if the file still refuses, it holds nothing half-done and
        the database stays in memory, to be tried again.
        """
        if self.path is None or not self.in_memory or self._retrying is None:
            return not self.in_memory
        try:
            conn = self._open_file(self.path)
        except (OSError, sqlite3.Error, Damaged, Outdated):
            return False
        with self.lock:
            if self._stop.is_set() or not self.in_memory:  # closed, or done by the other caller
                conn.close()
                return not self.in_memory
            try:
                conn.execute("PRAGMA busy_timeout=200")  # the lock is held: the screen may be waiting
                conn.execute("BEGIN IMMEDIATE")
                for action in self._pending:
                    action(conn)
                conn.execute("COMMIT")
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            except sqlite3.Error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                conn.close()
                return False
            self.conn.close()
            self.conn, self.in_memory, self._pending = conn, False, []
            self._retrying = None
            if self.wording.back:
                self._tell(self.wording.back.format(path=self.path, name=self.path.name))
            return True

    def _tell(self, notice: str) -> None:
        if self.heard is not None:
            self.heard(notice)
        else:
            self.later.append(notice)

    def reset(self, problem: str) -> None:
        """Damage found while in use: keep the file for inspection and go on with an empty one."""
        with self.lock:
            self.conn.close()
            if self.path is None or self.in_memory:
                self.conn = self._memory()
                return
            try:
                aside = set_aside(self.path)
                self.notice = self.wording.damaged.format(
                    problem=problem, path=aside, name=aside.name, error=problem
                )
                self.conn = self._open_file(self.path)
            except (OSError, sqlite3.Error, Damaged, Outdated) as error:
                self.notice = self.wording.unusable.format(path=self.path, error=error, problem=error)
                self.conn = self._memory()

    def take_notices(self) -> list[str]:
        """What went wrong since the last call (the file turned unwritable), to be said once."""
        with self.lock:
            taken, self.later = self.later, []
            return taken

    def close(self) -> None:
        self._stop.set()
        with self.lock:
            self.conn.close()
