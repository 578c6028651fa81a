"""A team's library on PostgreSQL: the same articles, list lines and filter language as the local
cache (`Library`), kept by `kliping sync --library URL PATH...` and read by everyone's app.

What is shared is the articles (and the problems found reading their files). Reading marks,
positions, tags and notes stay in each person's own state file, by content digest, as with the
local cache: the app passes them in as key sets (`flags`), as it does to `Library`.

Design (docs/ARCHITECTURE.md, "The team library"):

- One table of articles with a `tsvector` built in Python from kliping's own words and stems
  (pg_text.py), a GIN index on it and a btree on (minute, key) for the date order; queries are
  `tsquery` literals (pg_query.py), so both back ends answer a filter the same way.
- A write is one transaction per batch of files, articles sent with COPY. Each file's row in
  `files` is locked first, in path order, so two people syncing the same folder at once take
  turns file by file and never deadlock; a batch committed survives a kill, and the next sync
  skips its files (same size and mtime), or keeps their rows when only the mtime moved (same
  digests).
- Each thread has its own connection (psycopg's are not for concurrent use); reads retry once on
  a fresh connection when the server went away meanwhile.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from tui.article import Article, Problem
from tui.i18n import _, decode, encode, said
from tui.library import pg_groups
from tui.library.duplicates import THRESHOLD, asks_groups
from tui.library.interface import Flags
from tui.library.keys import minute
from tui.library.orders import SORTS
from tui.library.paths import Paths
from tui.library.pg_query import COLUMNS, DATE_DESC, Plan, forward_order, matches, plan, term_query
from tui.library.pg_text import document
from tui.library.records import (
    ARTICLE_COLUMNS,
    AtOnce,
    Page,
    Prepared,
    Row,
    Stopped,
    article_from,
    body,
    prepare,
    tags_from,
)
from tui.library.writer import FileItems
from tui.query import Flag, Period, Query, Term

# Of the tables below (4: links; 3: a vector a field); a library of another version is refused, never rebuilt.
VERSION = 4
FETCH = 2048  # keys read from the server between checks of flags, long articles and `stop`
QUICK_TRIP = 0.002  # seconds: a server this near answers a keystroke's page on the event loop
WALK_SECONDS = 0.15  # a first page's walk of the date index, before the word index is asked instead
QUIET, BUSY = 1.0, 5.0  # seconds: a sync's batches are one change once none came for QUIET (at most BUSY)
_NUL = "\x00"  # PostgreSQL's text cannot hold it
_NUL_STANDIN = "\ufffd"

_TABLES = """
CREATE TABLE IF NOT EXISTS kliping(name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    path text PRIMARY KEY, size bigint NOT NULL, mtime_ns bigint NOT NULL,
    synced timestamptz NOT NULL DEFAULT now(), synced_by name NOT NULL DEFAULT current_user
);
CREATE SEQUENCE IF NOT EXISTS articles_key;
CREATE TABLE IF NOT EXISTS articles(
    key bigint PRIMARY KEY DEFAULT nextval('articles_key'),
    path text NOT NULL,
    id text NOT NULL,
    title text NOT NULL,
    title_derived integer NOT NULL,
    date text,  -- ISO 8601 as the loader read it (with its own clock, when it has one)
    minute bigint,  -- minutes since the year 1000 by the date's own clock (tui.library.keys.minute)
    source text,
    place text,
    url text,
    digest text NOT NULL,
    record integer,
    words integer NOT NULL,
    tags text NOT NULL DEFAULT '',
    carried text NOT NULL DEFAULT '',
    whole_bytes bigint NOT NULL DEFAULT 0,
    links text NOT NULL DEFAULT '',  -- the body's links, one per line (records.LINK_SEPARATOR)
    removed text NOT NULL,
    blocks text NOT NULL,
    exact boolean NOT NULL,  -- every word's position is in `doc` (pg_text.document)
    doc tsvector NOT NULL,  -- the title's and the body's words (pg_text.document)
    title_doc tsvector NOT NULL,  -- the title's alone: small, kept in the row (relevance tiers)
    source_doc tsvector NOT NULL,
    place_doc tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE INDEX IF NOT EXISTS articles_date ON articles(minute DESC NULLS LAST, key DESC);
CREATE TABLE IF NOT EXISTS problems(path text NOT NULL, reason text NOT NULL);
CREATE INDEX IF NOT EXISTS problems_path ON problems(path);
CREATE TABLE IF NOT EXISTS terms(term text PRIMARY KEY, stem text NOT NULL);
"""
_DOC_INDEXES = (
    "CREATE INDEX IF NOT EXISTS articles_doc ON articles USING gin(doc)",
    "CREATE INDEX IF NOT EXISTS articles_title_doc ON articles USING gin(title_doc)",
    "CREATE INDEX IF NOT EXISTS articles_source_doc ON articles USING gin(source_doc)",
    "CREATE INDEX IF NOT EXISTS articles_place_doc ON articles USING gin(place_doc)",
    pg_groups.BANDS_INDEX,
)
_ROW_COLUMNS = "key, title, date, source, place, words, path, digest, tags, carried"
_COPY = (
    "COPY articles(key, path, id, title, title_derived, date, minute, source, place, url, digest, record, "
    "words, tags, carried, whole_bytes, links, removed, blocks, exact, doc, title_doc, source_doc, "
    "place_doc) "
    "FROM STDIN"
)


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


def _clean(value: object) -> object:
    return value.replace(_NUL, _NUL_STANDIN) if isinstance(value, str) and _NUL in value else value


def _stored_reason(reason: str) -> str:
    return reason.replace(_NUL, _NUL_STANDIN)


def _reason(stored: str) -> str:
    return stored.replace(_NUL_STANDIN, _NUL, 1) if stored.startswith(_NUL_STANDIN) else stored


class PgLibrary:
    """A library on a PostgreSQL server, read by the app and the command as `Library` is.

    `syncing`: this process brings folders into it (`kliping sync --library`); the app opens it
    without, and then shows what the library holds instead of reading folders (`shared`).
    """

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
        # What this process's writes did, for the sync command's summary.
        self.written = {"files": 0, "unchanged": 0, "articles": 0, "forgotten": 0}
        try:
            self._open(self._conn())
            if not syncing:
                self._connect_quick()  # for the keystrokes' first pages (page_at_once)
        except psycopg.Error as error:  # a read-only role or a standby asked to sync, say
            self.close()
            raise LibraryError(_unreachable(url, error)) from None
        except LibraryError:
            self.close()
            raise

    def _open(self, conn: psycopg.Connection[Any]) -> None:
        """Check the library's version; make its tables first when syncing into a new database."""
        url, syncing = self.url, self._syncing
        if _value(conn, "SELECT to_regclass('kliping') IS NULL"):
            if not syncing:
                raise LibraryError(
                    str(
                        said(
                            "{url} holds no kliping library yet: fill it with kliping sync --library",
                            url=shown_url(url),
                        )
                    )
                )
            with conn.transaction():
                # One creator at a time: two first syncs at once must not both create the tables.
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('kliping schema'))")
                conn.execute(_TABLES)
                conn.execute(
                    "INSERT INTO kliping VALUES ('version', %s) ON CONFLICT DO NOTHING", (str(VERSION),)
                )
        found = conn.execute("SELECT value FROM kliping WHERE name = 'version'").fetchone()
        if found is None or found[0] != str(VERSION):
            version = "?" if found is None else found[0]
            raise LibraryError(
                str(
                    said(
                        "{url} is a library of another kliping version ({found}; this one reads {version})",
                        url=shown_url(url),
                        found=version,
                        version=str(VERSION),
                    )
                )
            )
        if syncing:  # a sync killed during a first load left the word indexes to build
            # lz4 where the server has it: pglz took a fifth of the server's time in a sync
            with suppress(psycopg.Error):
                conn.execute("SET default_toast_compression = 'lz4'")
            with conn.transaction():
                # The same lock: two syncs starting at once both made the indexes, and one failed
                # on PostgreSQL's own catalogue ("duplicate key value ... pg_class_relname_nsp_index").
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('kliping schema'))")
                conn.execute(pg_groups.TABLES)  # (a library synced before groups were kept gets them)
                for statement in _DOC_INDEXES:
                    conn.execute(statement)

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
            raise LibraryError(_unreachable(self.url, error)) from None
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def _read(self, action: Callable[[psycopg.Connection[Any]], Any]) -> Any:
        """Run a read on this thread's connection, once more on a new one if the server went away."""
        try:
            return action(self._conn())
        except psycopg.OperationalError:
            self._local.conn = None
            try:
                return action(self._conn())
            except psycopg.OperationalError as error:
                self._local.conn = None
                raise LibraryError(_unreachable(self.url, error)) from None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._listener is not None:
                self._listener.close()
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    # --- what the loader asks (a sync) -----------------------------------------------------

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
        patterns = [_like_escaped(prefix) + "%" for prefix in under]
        return f"({column} = ANY(%s) OR {column} LIKE ANY(%s))", (self._roots, patterns)

    def group(self, key: int) -> list[int]:
        """(tui.library.interface) The key's near-duplicate group, face first (pg_groups.py)."""
        found: list[int] = self._groups(lambda c: pg_groups.group_of(c, key), [key])
        return found

    def group_sizes(self) -> dict[int, int]:
        found: dict[int, int] = self._groups(pg_groups.group_sizes, {})
        return found

    def group_ids(self) -> dict[str, str]:
        found: dict[str, str] = self._groups(pg_groups.group_ids, {})
        return found

    def _groups(self, action: Callable[[psycopg.Connection[Any]], Any], none: Any) -> Any:
        """A read of the groups; `none` from a library whose sync has not made their tables yet."""
        try:
            return self._read(action)
        except psycopg.errors.UndefinedTable:
            return none

    def related(self, key: int, limit: int = 10) -> list[int]:
        """(tui.library.interface) "More like this" is not available in a team library yet."""
        message = _("related articles are not available in a team library yet")
        with self._lock:
            if message not in self._notices:
                self._notices.append(message)
        return []

    def take_notices(self) -> list[str]:
        with self._lock:
            notices, self._notices = self._notices, []
        return notices

    def set_aside(self, problem: str) -> None:
        """Nothing to set aside: the server keeps its own files (a local cache's damage is not ours)."""

    def merge_leftovers(self) -> None:
        """Nothing is left to merge (PostgreSQL's GIN index takes its pending entries in itself):
        the sync's new articles join their near-duplicate groups."""
        pg_groups.settle(self._conn(), THRESHOLD)

    def wait_for_merges(self, timeout: float | None = None) -> bool:
        return True

    def wait_for_stems(self, timeout: float | None = None) -> bool:
        return True  # stems are found while writing, not on a thread

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """A first sync into an empty library builds the word index once, after the articles
        (several times faster than keeping it up to date article by article); otherwise as usual.
        A sync killed meanwhile leaves the index to the next opening to build."""
        conn = self._conn()
        empty = _value(conn, "SELECT NOT EXISTS (SELECT 1 FROM articles)")
        if empty:
            conn.execute(
                "DROP INDEX IF EXISTS articles_doc, articles_title_doc, articles_source_doc, "
                "articles_place_doc, sketches_bands"
            )
        try:
            yield
        finally:
            if empty:
                conn.execute("SET maintenance_work_mem = '256MB'")
                for statement in _DOC_INDEXES:
                    conn.execute(statement)
                conn.execute("ANALYZE articles")
        pg_groups.settle(conn, THRESHOLD)  # (a sync stopped short leaves them to the next)

    def file_state(self) -> dict[str, tuple[int, int]]:
        where, args = self._scope()
        shown = self._paths.shown
        found = self._read(
            lambda c: c.execute(f"SELECT path, size, mtime_ns FROM files WHERE {where}", args).fetchall()
        )
        return {shown(p): (s, m) for p, s, m in found}

    def file_count(self) -> int:
        where, args = self._scope()
        return int(self._read(lambda c: _value(c, f"SELECT count(*) FROM files WHERE {where}", args)))

    def put_files(self, batch: Sequence[FileItems], keep: bool = False) -> list[Row]:
        """Replace what each file had with its newly parsed items, in one transaction; with `keep`,
        add them to what the file has (a large file written in pieces: sync.STREAM_FROM)."""
        files = sorted(
            ((self._paths.stored(path), path, size, mtime, items) for path, size, mtime, items in batch)
        )
        stored = [f[0] for f in files]
        rows: list[Row] = []
        conn = self._conn()
        new_terms: dict[str, str] = {}
        with conn.transaction():
            # The files' rows first, in path order: a second sync of the same file waits here.
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO files(path, size, mtime_ns) VALUES (%s, %s, %s) "
                    "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
                    "synced = now(), synced_by = current_user",
                    [(path, size, mtime) for path, _typed, size, mtime, _items in files],
                )
            kept: dict[str, list[tuple[int, str]]] = {}
            for key, path, digest in conn.execute(
                "SELECT key, path, digest FROM articles WHERE path = ANY(%s) ORDER BY key", (stored,)
            ):
                kept.setdefault(path, []).append((key, digest))
            prepared: list[tuple[str, list[Prepared]]] = []
            problems: list[tuple[str, str]] = []
            unchanged: list[str] = []
            for path, _typed, _size, _mtime, items in files:
                articles = [
                    prepare(i) if isinstance(i, Article) else i for i in items if not isinstance(i, Problem)
                ]
                problems += [(path, _stored_reason(encode(i.said))) for i in items if isinstance(i, Problem)]
                old = kept.get(path, [])
                if not keep and old and sorted(d for _k, d in old) == sorted(a.digest for a in articles):
                    unchanged.append(path)  # the same content, touched: its rows (and keys) stay
                    rows += [_row(key, a) for (key, _d), a in zip(old, articles, strict=True)]
                else:
                    prepared.append((path, articles))
            changed = [path for path, _articles in prepared]
            if not keep:
                pg_groups.forget(conn, "path = ANY(%s)", (changed,))
                conn.execute("DELETE FROM articles WHERE path = ANY(%s)", (changed,))
                conn.execute("DELETE FROM problems WHERE path = ANY(%s)", (stored,))
            count = sum(len(articles) for _path, articles in prepared)
            keys = [
                k
                for (k,) in conn.execute(
                    "SELECT nextval('articles_key') FROM generate_series(1, %s)", (count,)
                )
            ]
            key_of = iter(keys)
            sketches: list[tuple[int, bytes, list[int]]] = []
            with conn.cursor() as cursor, cursor.copy(_COPY) as copy:
                for path, articles in prepared:
                    for article in articles:
                        key = next(key_of)
                        vectors = document(
                            article.title, article.text, article.source, article.place, new_terms
                        )
                        (ident, title, derived, date, _stamp, _day, source, place, url, digest, record, words,
                         tags, carried, whole, links) = article.columns  # fmt: skip
                        copy.write_row(
                            [
                                _clean(value)
                                for value in (
                                    key,
                                    path,
                                    ident,
                                    title,
                                    derived,
                                    date,
                                    article.minute,
                                    source,
                                    place,
                                    url,
                                    digest,
                                    record,
                                    words,
                                    tags,
                                    carried,
                                    whole,
                                    links,
                                    article.removed,
                                    article.blocks,
                                    vectors.exact,
                                    vectors.doc,
                                    vectors.title,
                                    vectors.source,
                                    vectors.place,
                                )
                            ]  # fmt: skip
                        )
                        rows.append(_row(key, article))
                        sketch = pg_groups.row(key, article.sketch)
                        if sketch is not None:
                            sketches.append(sketch)
            with conn.cursor() as cursor, cursor.copy(pg_groups.COPY) as copy:
                for sketch in sketches:
                    copy.write_row(sketch)
            conn.execute("SELECT pg_notify('kliping', 'files')")  # told to readers at commit
            if problems:
                with conn.cursor() as cursor:
                    cursor.executemany("INSERT INTO problems(path, reason) VALUES (%s, %s)", problems)
            fresh = sorted(term for term in new_terms if term not in self._known_terms)
            if fresh:
                conn.execute(
                    "INSERT INTO terms(term, stem) SELECT * FROM unnest(%s::text[], %s::text[]) "
                    "ON CONFLICT DO NOTHING",
                    (fresh, [new_terms[t] for t in fresh]),
                )
        self._known_terms.update(new_terms)
        self.written["files"] += len(files)
        self.written["unchanged"] += len(unchanged)
        self.written["articles"] += count
        return rows

    def forget_files(self, paths: Iterable[str]) -> None:
        """Drop files deleted since the last sync."""
        stored = sorted(self._paths.stored(path) for path in paths)
        if not stored:
            return
        conn = self._conn()
        with conn.transaction():
            conn.execute("DELETE FROM files WHERE path = ANY(%s)", (stored,))
            pg_groups.forget(conn, "path = ANY(%s)", (stored,))
            conn.execute("DELETE FROM articles WHERE path = ANY(%s)", (stored,))
            conn.execute("DELETE FROM problems WHERE path = ANY(%s)", (stored,))
            conn.execute("SELECT pg_notify('kliping', 'files')")
        self.written["forgotten"] += len(stored)

    def article_count(self) -> int:
        """How many articles the library holds (for the sync command's summary)."""
        return int(self._read(lambda c: _value(c, "SELECT count(*) FROM articles")))

    # --- reading ---------------------------------------------------------------------------

    def rows(self, newest_first: bool = False, limit: int = -1) -> list[Row]:
        where, args = self._scope()
        order = f" ORDER BY {DATE_DESC}" if newest_first else ""
        sql = f"SELECT {_ROW_COLUMNS} FROM articles WHERE {where}{order} LIMIT %s"
        found = self._read(lambda c: c.execute(sql, (*args, None if limit < 0 else limit)).fetchall())
        parse = dt.datetime.fromisoformat
        shown = self._paths.shown
        return [
            Row(k, t, None if d is None else parse(d), s, p, w, shown(path), digest, tags_from(g), c)
            for k, t, d, s, p, w, path, digest, g, c in found
        ]

    def shared_rows(self) -> tuple[list[Row], set[str]]:
        rows = self.rows(newest_first=True)
        given, self._given = self._given, {row.key: row.path for row in rows}
        gone = {path for key, path in given.items() if key not in self._given}
        return rows, gone

    def wait_for_change(self, timeout: float) -> bool:
        """Whether a sync committed within `timeout` s (LISTEN/NOTIFY); once one has, until none
        has for QUIET s (at most BUSY s), so a sync's many batches make one reload, not dozens."""
        try:
            listener = self._listener
            if listener is None or listener.closed:
                listener = self._listener = psycopg.connect(
                    self.url, autocommit=True, connect_timeout=self._timeout, application_name="kliping"
                )
                listener.execute("LISTEN kliping")
            if not any(True for _note in listener.notifies(timeout=timeout, stop_after=1)):
                return False
            started = time.monotonic()
            while time.monotonic() - started < BUSY and any(
                True for _note in listener.notifies(timeout=QUIET, stop_after=1)
            ):
                pass
            return True
        except psycopg.Error:  # the server went away: reads say so; listen again on the next call
            self._listener = None
            time.sleep(timeout)
            return False

    def problems(self) -> list[Problem]:
        where, args = self._scope()
        found = self._read(
            lambda c: c.execute(f"SELECT path, reason FROM problems WHERE {where}", args).fetchall()
        )
        return [Problem(self._paths.shown(p), decode(_reason(r))) for p, r in found]

    def article(self, key: int) -> Article | None:
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE key = %s"
        found = self._read(lambda c: c.execute(sql, (key,)).fetchone())
        return None if found is None else article_from(found, self._paths.shown(found[1]))

    def neighbours(self, article: Article, limit: int = 200, longest: int | None = None) -> list[list[str]]:
        """The block texts of up to `limit` articles of the same source (or folder), for `tui.chrome`."""
        if article.source:
            where, args = "source = %s", (article.source,)
        else:
            folder = self._paths.stored(os.path.dirname(article.path) or ".") + os.sep
            where, args = "source IS NULL AND path LIKE %s", (_like_escaped(folder) + "%",)
        found = self._read(
            lambda c: c.execute(
                f"SELECT blocks FROM articles WHERE {where} LIMIT %s", (*args, limit)
            ).fetchall()
        )
        return [
            [text for _kind, text in json.loads(blocks) if longest is None or len(text) <= longest]
            for (blocks,) in found
        ]

    def stems(self, most: int) -> list[tuple[str, str]]:
        found = self._read(lambda c: c.execute("SELECT term, stem FROM terms LIMIT %s", (most,)).fetchall())
        return [(term, root) for term, root in found]

    # --- searching -------------------------------------------------------------------------

    def search(
        self,
        query: Query,
        sort: str = "relevance",
        reverse: bool = False,
        flags: Flags | None = None,
        *,
        limit: int | None = None,
        stop: Callable[[], bool] | None = None,
        at_once: AtOnce | None = None,
    ) -> Page:
        """Keys of the matching articles in display order (each thread reads on a connection of its
        own); `at_once` is met only on a connection of its own with quick round trips."""
        if at_once is not None:
            page = None if flags else self._page_at_once(query, sort, reverse, limit or 200, at_once.seconds)
            if page is None:
                raise Stopped
            return page
        if limit is None:
            return Page(self._answer(query, sort, reverse, flags, None, stop), True)
        keys = self._answer(query, sort, reverse, flags, limit + 1, stop)
        return Page(keys[:limit], len(keys) <= limit)

    def _page_at_once(
        self, query: Query, sort: str, reverse: bool, limit: int, seconds: float
    ) -> Page | None:
        """A first page for the event loop (search's `at_once`), or None where it could keep the loop waiting.

        Only words (no phrase, no marks) in relevance or date order, only on a connection of its
        own that answered a round trip within QUICK_TRIP (a server across a network never does),
        and each statement bounded by the server to what is left of `seconds`: the caller then
        asks for it on a thread. Through a thread the page reached the screen 5-8 times the
        floor of a keystroke at 100k (benchmarks/bench_pty.py --library).
        """
        if not query.groups or query.uses_marks or sort not in ("relevance", "date"):
            return None
        if any(term.is_phrase for term in query.terms + query.excluded):
            return None
        conn = self._quick
        if conn is None or conn.closed or not self._quick_lock.acquire(blocking=False):
            self._connect_quick()
            return None
        deadline = time.perf_counter() + seconds
        found = plan(query, sort, reverse)
        keys: list[int] = []
        try:
            for where, args in found.tiers:
                left = deadline - time.perf_counter()
                if len(keys) > limit:
                    break
                if left < 0.001:
                    return None
                sql = f"SELECT key FROM articles WHERE {where} ORDER BY {found.order} LIMIT %s"
                with conn.pipeline(), conn.transaction():
                    conn.execute(f"SET LOCAL statement_timeout = {max(1, int(left * 1000))}")
                    answer = conn.execute(sql, (*args, limit + 1 - len(keys)))
                keys += [key for (key,) in answer.fetchall()]
        except psycopg.errors.QueryCanceled:
            return None  # a slow page: the thread finds it
        except psycopg.Error:
            self._quick = None  # gone: the thread's search says so, and connects again
            return None
        finally:
            self._quick_lock.release()
        return Page(keys[:limit], len(keys) <= limit)

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
                trips = []
                for _ in range(3):
                    started = time.perf_counter()
                    conn.execute("SELECT 1")
                    trips.append(time.perf_counter() - started)
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

    def _answer(
        self,
        query: Query,
        sort: str,
        reverse: bool,
        flags: Flags | None,
        limit: int | None,
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; expected one of {', '.join(SORTS)}")
        if query.empty_range:
            return []
        if asks_groups(query):  # is:dup and dup:ID are key sets the library holds
            flags = {**(flags or {}), **self._group_flags(query)}
        found = plan(query, sort, reverse)
        keep, drop = _sets(query, flags or {})
        if query.either:  # tag:a OR tag:b, banjir OR is:starred: a key test for each group
            keep = [*keep, _EitherSets(self, query, flags or {})]
        checked = bool(keep or drop or found.loose)
        columns = "key, exact" if found.loose else "key, TRUE"
        if limit is None:
            whole: list[int] = self._read(lambda conn: self._whole(conn, query, found, keep, drop, stop))
            return whole

        def read(conn: psycopg.Connection[Any]) -> list[int]:
            keys: list[int] = []
            for where, args in found.tiers:
                if len(keys) >= limit:
                    break
                sql = f"SELECT {columns} FROM articles WHERE {where} ORDER BY {found.order}"
                try:
                    keys += self._tier_page(
                        conn, query, sql, args, limit - len(keys), checked, keep, drop, True
                    )
                except psycopg.errors.QueryCanceled:
                    keys += self._tier_page(
                        conn, query, sql, args, limit - len(keys), checked, keep, drop, False
                    )
            return keys[:limit]

        keys: list[int] = self._read(read)
        return keys

    def _group_flags(self, query: Query) -> dict[str, set[int]]:
        """The key sets of the filter's `is:dup` and `dup:ID` (pg_groups.py)."""
        names = [name for name in query.flag_names if name == "dup" or name.startswith("dup:")]

        def read(conn: psycopg.Connection[Any]) -> dict[str, set[int]]:
            return {
                name: pg_groups.copies(conn) if name == "dup" else pg_groups.named(conn, name[4:])
                for name in names
            }

        found: dict[str, set[int]] = self._groups(read, dict.fromkeys(names, set()))
        return found

    def _tier_page(
        self,
        conn: psycopg.Connection[Any],
        query: Query,
        sql: str,
        args: tuple[object, ...],
        want: int,
        checked: bool,
        keep: list[Any],
        drop: list[Any],
        walk: bool,
    ) -> list[int]:
        """The first `want` keys of one tier. PostgreSQL walks the date index and checks each
        article when it expects matches to be many (a page of a common word in 2 ms), but it cannot
        tell a word in no article from a rare one: walking every article for nothing took 6 s at
        100k. So the walk gets WALK_SECONDS; past them, the tier is read through the word index
        and sorted (`walk` false), which a rare word makes quick."""
        setting = (
            f"SET LOCAL statement_timeout = {int(WALK_SECONDS * 1000)}"
            if walk
            else "SET LOCAL enable_indexscan = off"
        )
        if not checked:  # one round trip: the keys are the answer as they come
            with conn.pipeline(), conn.transaction():
                conn.execute(setting)
                found = conn.execute(sql + " LIMIT %s", (*args, want))
            return [key for key, _exact in found.fetchall()]
        keys: list[int] = []
        with conn.transaction(), conn.cursor(name="kliping_page") as cursor:
            conn.execute(setting)
            cursor.execute(sql, args)  # read in batches until the page is full
            size = want  # a page's worth first: a fetch of FETCH rows walked ten times as far
            while len(keys) < want:
                batch = cursor.fetchmany(size)
                size = min(size * 2, FETCH)
                if not batch:
                    break
                keys += self._checked(conn, query, batch, keep, drop)
        return keys

    def _whole(
        self,
        conn: psycopg.Connection[Any],
        query: Query,
        found: Plan,
        keep: list[Any],
        drop: list[Any],
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        """Every match in the order, then sorted by tier (stable: the order stays within a tier).

        Each tier's condition is its own query for the keys it holds, which the GIN index answers
        alone; asked of every match row by row, it read each article's vector again (TOAST),
        and the planner, which does not count that, read the whole table so (seconds at 100k).
        """
        where, args = found.whole
        exact = "exact" if found.loose else "TRUE"
        sql = f"SELECT key, {exact} FROM articles WHERE {where} ORDER BY {forward_order(found)}"
        # One round trip (a pipeline): the indexes, however common the word; read at once, not
        # through a cursor, which PostgreSQL plans for its first rows (a word in no article
        # walked the date index through every article).
        with conn.pipeline(), conn.transaction():
            conn.execute("SET LOCAL enable_seqscan = off")
            answer = conn.execute(sql, args)
            tiers = [
                conn.execute(f"SELECT key FROM articles WHERE {rank}", rank_args)
                for rank, rank_args in found.ranks
            ]
        rows: list[tuple[int, bool]] = answer.fetchall()
        held = [{k for (k,) in tier.fetchall()} for tier in tiers]
        if stop is not None and stop():
            raise Stopped
        keys = (
            self._checked(conn, query, rows, keep, drop)
            if found.loose or keep or drop
            else [k for k, _e in rows]
        )
        if held:
            weight = [1 << (len(held) - 1 - i) for i in range(len(held))]
            keys.sort(
                key=lambda key: sum(w for w, keys_in in zip(weight, held, strict=True) if key not in keys_in)
            )
        return keys[::-1] if found.reverse else keys

    def _checked(
        self,
        conn: psycopg.Connection[Any],
        query: Query,
        rows: list[tuple[int, bool]],
        keep: list[Any],
        drop: list[Any],
    ) -> list[int]:
        """The keys of the rows that pass the flags, and long articles' phrases checked in Python."""
        wanted = [
            (key, exact)
            for key, exact in rows
            if all(key in s for s in keep) and not any(key in s for s in drop)
        ]
        long = [key for key, exact in wanted if not exact]
        passed = self._long_matches(conn, query, long) if long else set()
        return [key for key, exact in wanted if exact or key in passed]

    @staticmethod
    def _long_matches(conn: psycopg.Connection[Any], query: Query, keys: list[int]) -> set[int]:
        """The keys of articles too long for PostgreSQL's positions whose text has the phrases."""
        found = conn.execute(
            "SELECT key, title, blocks, source, place FROM articles WHERE key = ANY(%s)", (keys,)
        ).fetchall()
        return {
            key
            for key, title, blocks, source, place in found
            if matches(query, title, body(blocks), source, place)
        }


def _row(key: int, article: Prepared) -> Row:
    return Row(
        key,
        article.title,
        article.date,
        article.source,
        article.place,
        article.words,
        article.path,
        article.digest,
        article.tags,
        article.carried,
    )


class _EitherSets:
    """The keys passing every OR group of `Query.either`, as a set `in` asks: a key is in when it is
    in one of a group's flags' key sets (or out of a left-out one's), or found by the group's words
    or dates, read from the server once, the first time a key is asked about."""

    def __init__(self, library: PgLibrary, query: Query, flags: Flags) -> None:
        self._library, self._flags = library, flags
        self._groups = query.either
        self._found: list[set[int]] | None = None

    def __contains__(self, key: object) -> bool:
        if self._found is None:
            self._found = [self._read(group) for group in self._groups]
        flags = self._flags
        for group, found in zip(self._groups, self._found, strict=True):
            if key in found:
                continue
            for term in group:
                if isinstance(term, Flag):
                    name = "read" if term.name == "unread" else term.name
                    inside = key in flags.get(name, frozenset())
                    if inside != (term.negated != (term.name == "unread")):
                        break
            else:
                return False
        return True

    def _read(self, group: Sequence[Term | Flag | Period]) -> set[int]:
        parts: list[str] = []
        args: list[object] = []
        for term in group:
            if isinstance(term, Term):
                parts.append(f"{COLUMNS[term.field]} @@ %s::tsquery")
                args.append(term_query(term, expand=True))
            elif isinstance(term, Period):
                dates = ["minute IS NOT NULL"]
                if term.start is not None:
                    dates.append("minute >= %s")
                    args.append(minute(term.start))
                if term.end is not None:
                    dates.append("minute < %s")
                    args.append(minute(term.end))
                parts.append("(" + " AND ".join(dates) + ")")
        if not parts:
            return set()
        sql = "SELECT key FROM articles WHERE " + " OR ".join(parts)
        rows = self._library._read(lambda conn: conn.execute(sql, args).fetchall())
        return {key for (key,) in rows}


def _sets(query: Query, flags: Flags) -> tuple[list[Any], list[Any]]:
    """The key sets an answer must be in, and those it must not be in (as tui.library.matching)."""
    keep = [flags.get(flag, frozenset()) for flag in query.flags if flag != "unread"]
    drop = [flags.get(flag, frozenset()) for flag in query.without]
    if "unread" in query.flags:
        drop.append(flags.get("read", frozenset()))
    return keep, drop


def _value(conn: psycopg.Connection[Any], sql: str, args: Sequence[object] = ()) -> Any:
    """The one value a query gives."""
    found = conn.execute(sql, args).fetchone()
    assert found is not None
    return found[0]


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _unreachable(url: str, error: psycopg.Error) -> str:
    """Why the library cannot be reached, in one line that names it without a password."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return str(said("cannot use the library {url}: {reason}", url=shown_url(url), reason=reason))
