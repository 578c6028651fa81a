"""The connections of a team's library (`PgLibrary`): one per thread (psycopg's are not for
concurrent use), a read retried once on a fresh one when the server went away, the event loop's own
quick one, and the messages that name the library without its password."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from tui.i18n import said
from tui.library.paths import Paths

WARM_UP = (  # the shape of a keystroke's page (pg_search._page_at_once), asking for nothing
    "SELECT key FROM ((SELECT key FROM articles WHERE title_doc @@ 'kliping'::tsquery "
    "AND doc @@ 'kliping'::tsquery ORDER BY minute DESC NULLS LAST, key DESC LIMIT 1) UNION ALL "
    "(SELECT key FROM articles WHERE doc @@ '''kliping'':*'::tsquery "
    "ORDER BY minute DESC NULLS LAST, key DESC LIMIT 1)) AS page LIMIT 0"
)
QUICK_TRIP = 0.002  # seconds: a server this near answers a keystroke's page on the event loop


class LibraryError(Exception):
    """The library cannot be used: the server is unreachable, refuses us, or holds something else.
    The message names the library without its password (`shown_url`)."""


def shown_url(url: str) -> str:
    """A library's URL as it may be shown: never a password (libpq reads those from .pgpass)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(a PostgreSQL library)"
    host = str(parts.get("host") or "localhost")
    port = f":{parts['port']}" if parts.get("port") else ""
    user = f"{parts['user']}@" if parts.get("user") else ""
    return f"postgresql://{user}{host}{port}/{parts.get('dbname') or ''}"


class PgConnections:
    """What every part of a `PgLibrary` shares: its URL, its connections and its notices."""

    def __init__(self, url: str, *, syncing: bool = False, connect_timeout: int = 10) -> None:
        self.url = url
        self.notice: str | None = None
        self._syncing = syncing
        self._timeout = connect_timeout
        self._paths = Paths()
        self._roots: list[str] = []  # stored forms of the folders typed (typed_as): a sync's scope
        self._local = threading.local()
        self._connections: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._notices: list[str] = []
        self._known_terms: set[str] = set()
        self._closed = False
        self._given: dict[int, str] = {}  # the rows shared_rows gave last, by key: their paths
        self._listener: psycopg.Connection[Any] | None = None
        self._quick: psycopg.Connection[Any] | None = None  # the event loop's (page_at_once)
        self._quick_lock = threading.Lock()
        self._connecting = False
        self._common: tuple[str, ...] = ()  # the library's common words (pg_common.py), as last read
        self._mentions_kept = False  # its rows have their places and acronyms (pg_schema.MENTIONS)
        # What this process's writes did, for the sync command's summary.
        self.written = {"files": 0, "unchanged": 0, "articles": 0, "forgotten": 0}
        self.took: dict[str, float] = {}  # seconds of a first sync's last steps (pg_write, bench_pg)
        # Told how far a sync's one-time last steps are (step, done, of): the common words' notes
        # ("common", pg_common.fill) and the places and acronyms ("mentions", pg_mentions.fill) of
        # a library synced before they were kept (minutes at 1M): the sync command's bar.
        self.telling: Callable[[str, int, int], None] | None = None

    @property
    def shared(self) -> bool:
        return not self._syncing

    # --- connections -----------------------------------------------------------------------

    def _conn(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is not None and not conn.closed:
            return conn
        try:
            conn = psycopg.connect(
                self.url, autocommit=True, connect_timeout=self._timeout, application_name="kliping"
            )
        except psycopg.Error as error:
            raise LibraryError(unreachable(self.url, error)) from None
        if self._syncing:
            tune(conn)
        else:
            searching(conn)
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def _read(self, action: Callable[[psycopg.Connection[Any]], Any]) -> Any:
        """Run a read on this thread's connection, once more on a new one if the server went away."""
        try:
            return action(self._conn())
        except psycopg.errors.QueryCanceled:
            raise  # asked for (a timeout, a stop): the connection is still there
        except psycopg.OperationalError:
            self._local.conn = None
            try:
                return action(self._conn())
            except psycopg.OperationalError as error:
                self._local.conn = None
                raise LibraryError(unreachable(self.url, error)) from None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._listener is not None:
                self._listener.close()
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    def typed_as(self, roots: Iterable[str | os.PathLike[str]]) -> None:
        """Paths come back as typed this run; a sync's files are those under these roots."""
        roots = list(roots)
        self._paths.typed_as(roots)
        self._roots = [self._paths.stored(str(root)) for root in roots]

    def _scope(self, column: str = "path") -> tuple[str, tuple[object, ...]]:
        """The files under the typed roots (a sync's), or all of them."""
        if not self._roots:
            return "TRUE", ()
        under = [root.rstrip(os.sep) + os.sep for root in self._roots]
        patterns = [like_escaped(prefix) + "%" for prefix in under]
        return f"({column} = ANY(%s) OR {column} LIKE ANY(%s))", (self._roots, patterns)

    def take_notices(self) -> list[str]:
        with self._lock:
            notices, self._notices = self._notices, []
        return notices

    def _connect_quick(self) -> None:
        """The event loop's own connection, made on a thread (connecting may take seconds), and
        kept only when a round trip takes under QUICK_TRIP."""
        with self._lock:
            if self._connecting or self._closed:
                return
            self._connecting = True

        def connect() -> None:
            try:
                conn = psycopg.connect(
                    self.url, autocommit=True, connect_timeout=self._timeout, application_name="kliping"
                )
                searching(conn)
                trips = []
                for _ in range(3):
                    started = time.perf_counter()
                    conn.execute("SELECT 1")
                    trips.append(time.perf_counter() - started)
                # A first search on a new connection plans cold (its catalogue caches are empty):
                # the first key's page missed its time on the event loop and came from the thread.
                with suppress(psycopg.Error), conn.transaction():
                    conn.execute("SET LOCAL statement_timeout = 2000")
                    conn.execute(WARM_UP)
                if min(trips) < QUICK_TRIP:
                    with self._lock:
                        self._connections.append(conn)
                    self._quick = conn
                else:
                    conn.close()
            except psycopg.Error:
                pass
            finally:
                self._connecting = False

        threading.Thread(target=connect, name="kliping-pg-connect", daemon=True).start()


def tune(conn: psycopg.Connection[Any]) -> None:
    """A sync's session: its commits are not waited for to reach the disk (synchronous_commit off:
    a crash of the server itself may lose the last moment's batches, whole, which the next sync
    brings again; a kill of kliping loses nothing committed), text goes as UTF-8 (the COPY rows
    are made so: pg_text.copied), and TOAST compresses with lz4 where the server has it (pglz
    took a fifth of the server's time in a sync)."""
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET client_encoding = 'UTF8'")
    with suppress(psycopg.Error):
        conn.execute("SET default_toast_compression = 'lz4'")


def searching(conn: psycopg.Connection[Any]) -> None:
    """Settings for an app's searches: no JIT (compiling a first page's plan took 10-30 ms more than
    running it), and room for a word index's bitmap of every match (past the 4 MB default it
    kept pages, not rows, and PostgreSQL read every article on them again: 1-5 s for a tier at 1M)."""
    with suppress(psycopg.Error):
        conn.execute("SET jit = off")
        conn.execute("SET work_mem = '64MB'")


def value(conn: psycopg.Connection[Any], sql: str, args: Sequence[object] = ()) -> Any:
    """The one value a query gives."""
    found = conn.execute(sql, args).fetchone()
    assert found is not None
    return found[0]


def in_batches(
    conn: psycopg.Connection[Any],
    where: str,
    columns: str,
    size: int,
    report: Callable[[int, int], None] | None = None,
    tell_from: int = 0,
) -> Iterator[list[tuple[Any, ...]]]:
    """The articles' rows `where` picks (their key, then `columns`), `size` at a time in key order,
    each batch in a transaction of its own that the caller's writes to it share (a sync killed
    meanwhile leaves only the rest to the next). `report(done, of)` is told before the first batch
    and after each, when at least `tell_from` rows are to do. The caller's writes must take the
    batch out of `where`, or it comes again."""
    todo = 0 if report is None else value(conn, f"SELECT count(*) FROM articles WHERE {where}")
    if todo < tell_from:
        report = None
    if report is not None:
        report(0, todo)
    done, after = 0, -1
    while True:
        with conn.transaction():
            found = conn.execute(
                f"SELECT key{columns} FROM articles WHERE {where} AND key > %s ORDER BY key LIMIT %s",
                (after, size),
            ).fetchall()
            if not found:
                return
            yield found
        done += len(found)
        after = found[-1][0]
        if report is not None:
            report(min(done, todo), todo)


def like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def unreachable(url: str, error: psycopg.Error) -> str:
    """Why the library cannot be reached, in one line that names it without a password."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return str(said("cannot use the library {url}: {reason}", url=shown_url(url), reason=reason))
