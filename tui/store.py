"""One SQLite file per library: parsed articles, cache keys, a full-text index and its stems.

Design, measured at 100k articles of ~4 KB on two cores (see benchmarks/):

- FTS5 is contentless with ``detail=column`` and ``prefix='1 2 3'``: a 1–3 letter prefix is a
  lookup, not a scan, and the index is 40% the size of ``detail=full``. ``detail=column`` has no
  positions, so phrases are checked in Python on the candidates FTS5 finds, and bm25 cannot see
  term frequencies; relevance is therefore ranked in tiers (exact words in the title, exact words
  in the body, stem-only matches in the title, then in the body), newest first within a tier.
- Keys are the article's date (to the minute) in the high bits and an arrival number in the low
  ones, so the rowid order is the date order. Each tier is one FTS5 query read newest first,
  and a page of any answer is the first rows of the first tiers: FTS5 reads its lists lazily,
  so 200 rows out of 90,000 matches take about a millisecond. A date filter is a rowid range.
- A prefix longer than the prefix index is spelled out as the indexed words it stands for
  (FTS5 would merge all their lists at once, ~17 ms, before giving the first row).
- The whole answer is read the same way, in batches, and can be stopped between batches and
  (through SQLite's progress handler) inside one, so a search for text the user has already
  typed past gives way within a millisecond.
- Orders for the other sorts are kept in Python and rebuilt lazily after a write, so sorting
  the matches is a walk over a cached list rather than a SQL sort.
- Stemming (Sastrawi, ~50–200 µs a word) runs only on vocabulary never seen before; a large
  batch of new words is stemmed on a background thread so a cold load is not held up by it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from operator import itemgetter
from pathlib import Path

from tui.article import Article, Block, BlockKind, Problem
from tui.db import connect
from tui.fts import ALL, Expressions
from tui.i18n import _
from tui.query import Query, Term
from tui.search import stem
from tui.text import fold, fold_words

SORTS = ("relevance", "date", "title", "source", "words")

_CHUNK = 500  # SQL variables per IN (...) list
_INLINE_STEMS = 2000  # fewer new words than this are stemmed at once; more go to a thread
_FETCH = 2048  # keys fetched from a search cursor between checks for a newer search
# A dated article's key is _DATED + (minute of its date << _SEQ_BITS) + n, an undated one's counts
# up from 1, so the rowid order is the date order (undated last, newest first):
# FTS5 walks a doclist newest first and stops after a page, and a date range is a rowid range.
_SEQ_BITS = 6  # 64 keys a minute, and a full minute lends from the next: 92k articles a day
_SEQ_MASK = (1 << _SEQ_BITS) - 1
_DATED = 1 << 40
_FIRST_DAY = dt.date(1000, 1, 1).toordinal()
_LAST_MINUTE = (dt.date(9999, 12, 31).toordinal() - _FIRST_DAY + 1) * 1440
_NO_KEY = (1 << 63) - 1  # above every key: the largest integer SQLite holds
_BYTES_TO_WORDS = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\n\r\x0b\x0c",
    b"abcdefghijklmnopqrstuvwxyz" + b" " * 37,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles(
    arrival INTEGER PRIMARY KEY,  -- a cold load appends rows in this order instead of inserting them
    key INTEGER NOT NULL UNIQUE,  -- the index's rowid, in date order
    path TEXT NOT NULL,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    title_derived INTEGER NOT NULL,
    date TEXT,
    stamp REAL,
    day INTEGER,
    source TEXT,
    place TEXT,
    url TEXT,
    digest TEXT NOT NULL,
    record INTEGER,
    removed TEXT NOT NULL,
    words INTEGER NOT NULL,
    blocks TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE TABLE IF NOT EXISTS problems(path TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS problems_path ON problems(path);
CREATE TABLE IF NOT EXISTS terms(term TEXT PRIMARY KEY, stem TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS terms_stem ON terms(stem);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, source, place, every,
    content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3', detail=column
);
"""
# Merging eight segments at a time rather than four: a cold load of 100k articles writes 15% less.
_FTS_SETTINGS = "INSERT INTO fts(fts, rank) VALUES ('automerge', 8)"
_TABLES = {"meta", "files", "articles", "problems", "terms", "fts"}


@dataclass(frozen=True, slots=True)
class Row:
    """What the article list needs for one line, small enough to hold 100k in memory."""

    key: int  # the article's rowid in the library
    title: str
    date: dt.datetime | None
    source: str | None
    place: str | None
    words: int
    path: str
    digest: str


@dataclass(slots=True)
class _Orders:
    """Every sort order of every key, rebuilt after a write, so sorting matches is a list walk."""

    by_date: list[int]  # newest first, undated last: the keys from the highest down
    positions: dict[str, dict[int, int]]
    lists: dict[str, list[int]]
    added: list[int] = field(default_factory=list)  # written since by_date, not yet merged in
    removed: set[int] = field(default_factory=set)  # deleted since by_date, not yet taken out


@dataclass(frozen=True, slots=True)
class Page:
    """The first keys of an answer, and whether they are all of it."""

    keys: list[int]
    complete: bool


class Stopped(Exception):
    """A search given up because the caller no longer wants its answer."""


def _minute(date: dt.date | None) -> int | None:
    """Minutes from the year 1000 to the date by its own clock (the clock its day is counted by)."""
    if date is None:
        return None
    minutes = (date.toordinal() - _FIRST_DAY) * 1440
    if isinstance(date, dt.datetime):
        minutes += date.hour * 60 + date.minute
    return min(max(minutes, 0), _LAST_MINUTE)


def _first_key(minute: int) -> int:
    return _DATED + (minute << _SEQ_BITS)


def _day(date: dt.date | None) -> int | None:
    return None if date is None else date.year * 10000 + date.month * 100 + date.day


def _stamp(date: dt.datetime | None) -> float | None:
    if date is None:
        return None
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.UTC)
    return date.timestamp()


_first = itemgetter(0)


def _body(blocks_json: str) -> str:
    """The body exactly as it was indexed, rebuilt from stored blocks to delete its index entry."""
    return "\n\n".join(text for _kind, text in json.loads(blocks_json))


QUICK_CHECK_BELOW = 64 * 1024 * 1024  # bytes
ANSWERS_KEPT = 64  # recent search answers kept until the next write
ANSWER_KEYS_KEPT = 400_000  # and at most this many keys in all of them (about 16 MB)


_ESCAPED = "\ufffe"  # marks a path stored with its undecodable bytes spelled out


def _db_path(path: str) -> str:
    """A path as SQLite can store it: file names may hold bytes that are not UTF-8 (surrogates)."""
    if path.isascii():
        return path
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return _ESCAPED + path.encode("utf-8", "surrogateescape").decode("latin-1")
    return path


def _real_path(stored: str) -> str:
    if stored.startswith(_ESCAPED):
        return stored[1:].encode("latin-1").decode("utf-8", "surrogateescape")
    return stored


def _sound_text(article: Article) -> Article:
    """The article with any lone surrogates (from broken JSON escapes) replaced, so SQLite takes it."""

    def fix(text: str | None) -> str | None:
        return None if text is None else text.encode("utf-8", "replace").decode("utf-8")

    blocks = tuple(Block(b.kind, fix(b.text) or "") for b in article.blocks)
    return replace(
        article,
        title=fix(article.title) or "",
        blocks=blocks,
        source=fix(article.source),
        place=fix(article.place),
        url=fix(article.url),
        removed=tuple(fix(r) or "" for r in article.removed),
    )


class Library:
    """The cache and index of one collection, safe to share between a loader and search workers."""

    SCHEMA_VERSION = 3  # 3: keys in date order

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = None if path is None else Path(path)
        self.notice: str | None = None
        self._lock = threading.RLock()
        self._conn = self._open()
        self._orders: _Orders | None = None
        self._answers: dict[tuple[Query, str, bool], list[int]] = {}
        self._writes = 0  # counts writes, so an answer computed across one is not kept
        self._fts = Expressions(lambda: self._conn)
        self._slots: dict[int, int] | None = None  # see _key_slots
        self._slots_version = 0
        self._added: list[int] = []  # keys written and removed by the transaction under way
        self._removed: set[int] = set()
        self._known_terms: set[str] | None = None
        self._raw_seen: set[bytes] = set()
        self._pending: list[str] = []
        self._stemmer: threading.Thread | None = None
        self._closing = False
        leftover = [r[0] for r in self._conn.execute("SELECT term FROM terms WHERE stem IS NULL")]
        if leftover:
            self._queue_stems(leftover)

    # --- opening -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        target = ":memory:" if self.path is None else str(self.path)
        conn = connect(target)  # a second window waits its turn instead of failing
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA cache_size=-16384")  # 16 MB: the OS caches the file too
        return conn

    def _open(self) -> sqlite3.Connection:
        """Open the cache; rebuild one from another version, set a damaged one aside, never fail."""
        if self.path is None:
            memory = self._connect()
            self._create(memory)
            return memory
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn: sqlite3.Connection | None = None
        try:
            conn = self._connect()
            problem = self._check(conn)
        except sqlite3.DatabaseError as error:
            problem = _("not a database: {error}").format(error=error)
        if problem is None and conn is not None:
            return conn
        if conn is not None:
            conn.close()
        problem = problem or _("unreadable")
        if problem == "empty":
            conn = self._connect()
            self._create(conn)
            return conn
        if problem.startswith("version"):
            self._remove_files()
            self.notice = _("The cache was from another version of kliping ({problem}); rebuilt it.").format(
                problem=problem
            )
        else:
            self._move_aside(problem)
        conn = self._connect()
        self._create(conn)
        return conn

    def _move_aside(self, problem: str) -> None:
        assert self.path is not None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        os.replace(self.path, aside)
        self._remove_files(keep_main=True)
        self.notice = _("The cache was damaged ({problem}); moved it to {name} and rebuilt.").format(
            problem=problem, name=aside.name
        )

    def set_aside(self, problem: str) -> None:
        """Damage found while in use: keep the file for inspection and go on with an empty cache."""
        with self._lock:
            self._conn.close()
            if self.path is None:
                self._conn = self._connect()
            else:
                self._move_aside(problem)
                self._conn = self._connect()
            self._create(self._conn)
            self._orders = None
            self._slots = None
            self._fts.prefixes.clear()
            self._answers.clear()
            self._writes += 1

    def _remove_files(self, keep_main: bool = False) -> None:
        assert self.path is not None
        suffixes = ("-wal", "-shm") if keep_main else ("", "-wal", "-shm")
        for suffix in suffixes:
            with_suffix = self.path.with_name(self.path.name + suffix)
            if with_suffix.exists():
                with_suffix.unlink()

    def _check(self, conn: sqlite3.Connection) -> str | None:
        """Say what is wrong with an existing cache file, or None when it can be used."""
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")}
        if not tables:
            return "empty"
        if not tables >= _TABLES:
            return _("unexpected tables")
        found = conn.execute("SELECT value FROM meta WHERE name='schema'").fetchone()
        if found is None or found[0] != str(self.SCHEMA_VERSION):
            return f"version {found[0] if found else 'unknown'}, expected {self.SCHEMA_VERSION}"
        # A full check reads the whole file (2.7 s at 100k articles), so only small caches get it at
        # open; damage found later in a large one is handled by set_aside() when a read fails.
        assert self.path is not None
        small = self.path.stat().st_size < QUICK_CHECK_BELOW
        if small and conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            return _("integrity check failed")
        return None

    def _create(self, conn: sqlite3.Connection) -> None:
        conn.executescript(_SCHEMA)
        conn.execute(_FTS_SETTINGS)
        # Idempotent, because two windows opening a new cache at once may both get here.
        conn.execute(
            "INSERT OR IGNORE INTO meta(name, value) VALUES ('schema', ?)", (str(self.SCHEMA_VERSION),)
        )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction under the lock, so a batch is all or nothing and readers wait briefly."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            self._added, self._removed = [], set()
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                self._slots = None  # keys handed out in the transaction were not kept
                raise
            conn.execute("COMMIT")
            self._follow_writes()
            self._fts.prefixes.clear()
            self._answers.clear()
            self._writes += 1

    # --- writing -------------------------------------------------------------------------

    def file_state(self) -> dict[str, tuple[int, int]]:
        """Size and mtime of every cached file, so the loader re-reads only what changed."""
        with self._lock:
            return {_real_path(p): (s, m) for p, s, m in self._conn.execute("SELECT * FROM files")}

    def put_files(self, batch: Sequence[tuple[str, int, int, Sequence[Article | Problem]]]) -> list[Row]:
        """Replace what each file had with its newly parsed items, in one transaction."""
        rows: list[Row] = []
        article_values: list[tuple[object, ...]] = []
        index_values: list[tuple[object, ...]] = []
        problem_values: list[tuple[str, str]] = []
        raw: set[bytes] = set()
        with self._write() as conn:
            paths = [entry[0] for entry in batch]
            self._delete_paths(conn, paths)
            conn.executemany(
                "INSERT OR REPLACE INTO files(path, size, mtime_ns) VALUES (?, ?, ?)",
                [(_db_path(path), size, mtime) for path, size, mtime, _ in batch],
            )
            slots = self._key_slots(conn)
            for _path, _size, _mtime, items in batch:
                for item in items:
                    if isinstance(item, Problem):
                        # The reason is stored as text, in the language of the run that parsed the file:
                        # a warm start in the other language shows it as it was, until the file changes.
                        problem_values.append((_db_path(item.path), item.reason))
                        continue
                    try:
                        item.title.encode()
                        item.text.encode()
                    except UnicodeEncodeError:
                        item = _sound_text(item)
                    key = self._new_key(slots, _minute(item.date))
                    self._added.append(key)
                    blocks = json.dumps([[b.kind, b.text] for b in item.blocks], ensure_ascii=False)
                    body = item.text
                    article_values.append(
                        (
                            key,
                            _db_path(item.path),
                            item.id,
                            item.title,
                            int(item.title_derived),
                            None if item.date is None else item.date.isoformat(),
                            _stamp(item.date),
                            _day(item.date),
                            item.source,
                            item.place,
                            item.url,
                            item.digest,
                            item.record,
                            json.dumps(list(item.removed), ensure_ascii=False),
                            item.words,
                            blocks,
                        )
                    )
                    index_values.append((key, item.title, body, item.source, item.place, ALL))
                    raw.update(item.title.encode().translate(_BYTES_TO_WORDS).split())
                    raw.update(body.encode().translate(_BYTES_TO_WORDS).split())
                    rows.append(
                        Row(
                            key,
                            item.title,
                            item.date,
                            item.source,
                            item.place,
                            item.words,
                            item.path,
                            item.digest,
                        )
                    )
            # FTS5 writes out what it holds each time a rowid comes lower than the last one, so
            # inserting a batch's keys (dates) in random order made 100k articles 2.5 times slower.
            index_values.sort(key=_first)
            conn.executemany(
                "INSERT INTO articles(key, path, id, title, title_derived, date, stamp, day, source, place, "
                "url, digest, record, removed, words, blocks) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                article_values,
            )
            conn.executemany(
                "INSERT INTO fts(rowid, title, body, source, place, every) VALUES (?, ?, ?, ?, ?, ?)",
                index_values,
            )
            conn.executemany("INSERT INTO problems(path, reason) VALUES (?, ?)", problem_values)
            new_terms = self._new_terms(conn, raw)
            if new_terms:
                conn.executemany("INSERT OR IGNORE INTO terms(term) VALUES (?)", [(t,) for t in new_terms])
                if len(new_terms) < _INLINE_STEMS and self._stemmer is None:
                    self._store_stems(conn, new_terms)
        if new_terms and (len(new_terms) >= _INLINE_STEMS or self._stemmer is not None):
            self._queue_stems(new_terms)
        return rows

    def _key_slots(self, conn: sqlite3.Connection) -> dict[int, int]:
        """The next free key of every minute in use (-1: undated), read once, then kept up to date.

        It is read again when another window has written to the file since (PRAGMA data_version).
        """
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if self._slots is None or version != self._slots_version:
            slots: dict[int, int] = {}
            for (key,) in conn.execute("SELECT key FROM articles"):
                slot = -1 if key < _DATED else (key - _DATED) >> _SEQ_BITS
                if key >= slots.get(slot, 0):
                    slots[slot] = key + 1
            self._slots, self._slots_version = slots, version
        return self._slots

    @staticmethod
    def _new_key(slots: dict[int, int], minute: int | None) -> int:
        """A key after every other of the same minute, so keys sort by date, then by arrival."""
        if minute is None:
            key = slots.get(-1, 1)
            slots[-1] = key + 1
            return key
        slot = minute
        while True:
            key = slots.get(slot, _first_key(slot))
            if key < _first_key(slot + 1):
                break
            slot += 1  # 64 articles of one minute: the next minute lends its keys
        slots[slot] = key + 1
        return key

    def _new_terms(self, conn: sqlite3.Connection, raw: set[bytes]) -> list[str]:
        """Vocabulary never indexed before, found with C-speed splitting so stemming sees each word once."""
        if self._known_terms is None:
            self._known_terms = {r[0] for r in conn.execute("SELECT term FROM terms")}
        fresh = raw - self._raw_seen
        if len(self._raw_seen) > 2_000_000:
            self._raw_seen.clear()
        self._raw_seen |= fresh
        known = self._known_terms
        found: set[str] = set()
        for token in fresh:
            for word in fold_words(token.decode("utf-8", "replace")):
                if word not in known:
                    found.add(word)
        known |= found
        return sorted(found)

    def _store_stems(self, conn: sqlite3.Connection, terms: Sequence[str]) -> None:
        conn.executemany("UPDATE terms SET stem = ? WHERE term = ?", [(stem(term), term) for term in terms])
        self._fts.forms.clear()

    def _queue_stems(self, terms: Sequence[str]) -> None:
        """Stem a large vocabulary on a thread, so a cold load overlaps it with SQLite's work."""
        with self._lock:
            self._pending.extend(terms)
            if self._stemmer is None:
                self._stemmer = threading.Thread(target=self._stem_pending, name="kliping-stems", daemon=True)
                self._stemmer.start()

    def _stem_pending(self) -> None:
        while True:
            with self._lock:
                chunk, self._pending = self._pending[:2000], self._pending[2000:]
                if not chunk or self._closing:
                    self._stemmer = None
                    return
            pairs = [(stem(term), term) for term in chunk]
            with self._lock:
                if self._closing:
                    self._stemmer = None
                    return
                self._conn.execute("BEGIN")
                self._conn.executemany("UPDATE terms SET stem = ? WHERE term = ?", pairs)
                self._conn.execute("COMMIT")
                self._fts.forms.clear()

    def wait_for_stems(self, timeout: float | None = None) -> bool:
        """Block until background stemming is done (for tests and benchmarks); True when it is."""
        thread = self._stemmer
        if thread is not None:
            thread.join(timeout)
        return self._stemmer is None

    def _follow_writes(self) -> None:
        """Note this transaction's keys for the date order, merged when next needed; drop the rest.

        A load writes a batch every 0.1 s but refreshes the list far less often, so the merge
        (2 ms at 100k) is done per refresh, not per batch.
        """
        orders = self._orders
        if orders is None:
            return
        added = [key for key in orders.added if key not in self._removed] + self._added
        removed = orders.removed | self._removed
        self._orders = _Orders(orders.by_date, positions={}, lists={}, added=added, removed=removed)

    def _delete_paths(self, conn: sqlite3.Connection, paths: Sequence[str]) -> None:
        """Remove the articles, index entries and problems of these files."""
        paths = [_db_path(path) for path in paths]
        for start in range(0, len(paths), _CHUNK):
            chunk = paths[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            old = conn.execute(
                f"SELECT key, title, blocks, source, place FROM articles WHERE path IN ({marks})",
                chunk,
            ).fetchall()
            if old:
                self._removed.update(row[0] for row in old)
                conn.executemany(
                    "INSERT INTO fts(fts, rowid, title, body, source, place, every) "
                    "VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                    [(k, t, _body(b), s, p, ALL) for k, t, b, s, p in old],
                )
                conn.execute(f"DELETE FROM articles WHERE path IN ({marks})", chunk)
            conn.execute(f"DELETE FROM problems WHERE path IN ({marks})", chunk)

    def forget_files(self, paths: Iterable[str]) -> None:
        """Drop files deleted since the last run."""
        paths = list(paths)
        if not paths:
            return
        with self._write() as conn:
            self._delete_paths(conn, paths)
            stored = [_db_path(path) for path in paths]
            for start in range(0, len(stored), _CHUNK):
                chunk = stored[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM files WHERE path IN ({marks})", chunk)

    # --- reading -------------------------------------------------------------------------

    def rows(self, newest_first: bool = False, limit: int = -1) -> list[Row]:
        """Every article's list line, for a warm start without reading any file.

        Newest first is the list's own default order, so a first slice of it can be shown as is.
        """
        parse = dt.datetime.fromisoformat
        order = " ORDER BY key DESC" if newest_first else ""
        with self._lock:
            cursor = self._conn.execute(
                "SELECT key, title, date, source, place, words, path, digest FROM articles"
                + order
                + " LIMIT ?",
                (limit,),
            )
            return [
                Row(k, t, None if d is None else parse(d), s, p, w, _real_path(path), digest)
                for k, t, d, s, p, w, path, digest in cursor
            ]

    def problems(self) -> list[Problem]:
        """Problems found when the files were last read, so a warm start still reports them."""
        with self._lock:
            found = self._conn.execute("SELECT path, reason FROM problems")
            return [Problem(_real_path(p), r) for p, r in found]

    def article(self, key: int) -> Article | None:
        """The whole article, fetched only when the reader shows it."""
        with self._lock:
            found = self._conn.execute(
                "SELECT id, path, title, title_derived, date, source, place, url, digest, record, "
                "removed, words, blocks FROM articles WHERE key = ?",
                (key,),
            ).fetchone()
        if found is None:
            return None
        ident, path, title, derived, date, source, place, url, digest, record = found[:10]
        removed, words, blocks = found[10:]
        kinds: list[tuple[BlockKind, str]] = json.loads(blocks)
        return Article(
            id=ident,
            path=_real_path(path),
            title=title,
            blocks=tuple(Block(kind, text) for kind, text in kinds),
            title_derived=bool(derived),
            date=None if date is None else dt.datetime.fromisoformat(date),
            source=source,
            place=place,
            url=url,
            digest=digest,
            record=record,
            removed=tuple(json.loads(removed)),
            words=words,
        )

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def close(self) -> None:
        """Stop background stemming and close the database."""
        with self._lock:
            self._closing = True
        thread = self._stemmer
        if thread is not None:
            thread.join()
        with self._lock:
            self._conn.close()

    # --- searching -----------------------------------------------------------------------

    def _ensure_orders(self) -> _Orders:
        orders = self._orders
        if orders is None:
            by_date = [r[0] for r in self._conn.execute("SELECT key FROM articles ORDER BY key DESC")]
            orders = self._orders = _Orders(by_date=by_date, positions={}, lists={"date": by_date})
        elif orders.added or orders.removed:
            by_date = orders.by_date
            if orders.removed:
                by_date = [key for key in by_date if key not in orders.removed]
            # One long run and a short one: sorting them is a merge (2 ms at 100k, where reading
            # every key back from SQLite took 25 ms and held the loader up at every refresh).
            by_date = sorted(by_date + orders.added, reverse=True)
            orders = self._orders = _Orders(by_date=by_date, positions={}, lists={"date": by_date})
        elif "date" not in orders.lists:
            orders.lists["date"] = orders.by_date
        return orders

    def _order(self, sort: str) -> list[int]:
        orders = self._ensure_orders()
        if sort not in orders.lists:
            if sort == "title":
                sql = "SELECT key FROM articles ORDER BY title = '', lower(title), key"
            elif sort == "source":
                sql = (
                    "SELECT key FROM articles ORDER BY source IS NULL OR source = '', lower(source), key DESC"
                )
            else:
                sql = "SELECT key FROM articles ORDER BY words DESC, key DESC"
            orders.lists[sort] = [r[0] for r in self._conn.execute(sql)]
        return orders.lists[sort]

    def _position(self, sort: str) -> dict[int, int]:
        orders = self._ensure_orders()
        if sort not in orders.positions:
            orders.positions[sort] = {key: i for i, key in enumerate(self._order(sort))}
        return orders.positions[sort]

    @staticmethod
    def _key_range(query: Query) -> tuple[int, int]:
        """The keys of the query's dates, low <= key < high; undated articles only without dates."""
        if not query.has_dates:
            return 0, _NO_KEY
        low = _first_key(_minute(query.start) or 0) if query.start is not None else _DATED
        high = _first_key(_minute(query.end) or 0) if query.end is not None else _NO_KEY
        return low, high

    def _checker(
        self, query: Query, flags: Mapping[str, AbstractSet[int]]
    ) -> Callable[[list[int]], list[int]] | None:
        """What the index cannot tell, checked on each fetched batch: phrases and reading flags."""
        keep: list[AbstractSet[int]] = []
        drop: list[AbstractSet[int]] = []
        read = flags.get("read", frozenset())
        if "read" in query.flags:
            keep.append(read)
        if "unread" in query.flags:
            drop.append(read)
        if "starred" in query.flags:
            keep.append(flags.get("starred", frozenset()))
        phrase_groups = [group for group in query.groups if any(t.is_phrase for t in group)]
        excluded_phrases = [t for t in query.excluded if t.is_phrase]
        if not (keep or drop or phrase_groups or excluded_phrases):
            return None
        plain: dict[int, set[int]] = {}  # per group: keys matching its terms that are not phrases

        def check(keys: list[int]) -> list[int]:
            for wanted in keep:
                keys = [key for key in keys if key in wanted]
            for unwanted in drop:
                keys = [key for key in keys if key not in unwanted]
            if not keys or not (phrase_groups or excluded_phrases):
                return keys
            passed = set(keys)
            for number, group in enumerate(phrase_groups):
                others = [t for t in group if not t.is_phrase]
                if others and number not in plain:
                    plain[number] = self._keys(" OR ".join(self._fts.term(t, True)[0] for t in others))
                ok = passed & plain[number] if others else set()
                for phrase in (t for t in group if t.is_phrase):
                    ok |= self._phrase_check(passed - ok, [phrase])
                passed = ok
            for term in excluded_phrases:
                passed -= self._phrase_check(passed, [term])
            return [key for key in keys if key in passed]

        return check

    def _keys(self, expr: str) -> set[int]:
        found = self._conn.execute(
            "SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?", (expr,)
        ).fetchone()[0]
        return set(map(int, found.split(","))) if found else set()

    def _phrase_check(self, keys: set[int], terms: Sequence[Term]) -> set[int]:
        """Keep the keys whose text has each phrase word for word (the index stores no positions)."""
        if not keys or not terms:
            return keys
        patterns = []
        for term in terms:
            words = [re.escape(w) for w in term.words]
            tail = r"\w*" if term.prefix else ""
            body = r"[\W_]+".join(words)
            patterns.append((term.field, re.compile(rf"(?<![^\W_]){body}{tail}(?![^\W_])")))
        kept: set[int] = set()
        ordered = sorted(keys)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, title, blocks in self._conn.execute(
                f"SELECT key, title, blocks FROM articles WHERE key IN ({marks})", chunk
            ):
                title_text = fold(title)
                full_text: str | None = None
                for column, pattern in patterns:
                    if column == "title":
                        text = title_text
                    else:
                        if full_text is None:
                            full_text = title_text + "\n" + fold(_body(blocks))
                        text = full_text
                    if not pattern.search(text):
                        break
                else:
                    kept.add(key)
        return kept

    def _stream(
        self,
        tiers: Sequence[str],
        key_range: tuple[int, int],
        descending: bool,
        limit: int | None,
        check: Callable[[list[int]], list[int]] | None,
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        """The tiers' matches in order, fetched in batches, up to `limit`."""
        order = "DESC" if descending else "ASC"
        sql = f"SELECT rowid FROM fts WHERE fts MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid {order}"
        found: list[int] = []
        for expr in tiers if descending else tiers[::-1]:
            cursor = self._conn.execute(sql, (expr, *key_range))
            try:
                while limit is None or len(found) < limit:
                    size = _FETCH if limit is None or check is not None else min(_FETCH, limit - len(found))
                    rows = cursor.fetchmany(size)
                    if not rows:
                        break
                    keys = [row[0] for row in rows]
                    found.extend(keys if check is None else check(keys))
                    if stop is not None and stop():
                        raise Stopped
            finally:
                cursor.close()
        return found if limit is None else found[:limit]

    def search(
        self,
        query: Query,
        sort: str = "relevance",
        reverse: bool = False,
        flags: Mapping[str, AbstractSet[int]] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> list[int]:
        """Keys of the matching articles in display order; everything the filter bar can say.

        `stop` is asked now and then; when it says yes, the search raises Stopped within about a
        millisecond, so a search nobody waits for any more does not hold up the next one.
        """
        cached, written = self._recall(query, sort, reverse, flags)
        if cached is not None:
            return cached
        keys = self._search(query, sort, reverse, flags, None, stop)
        if not flags:
            self._remember((query, sort, reverse), keys, written)
        return keys

    def search_page(
        self,
        query: Query,
        sort: str = "relevance",
        reverse: bool = False,
        flags: Mapping[str, AbstractSet[int]] | None = None,
        limit: int = 200,
    ) -> Page:
        """The first `limit` keys of search()'s answer, found without finding the rest when it can be.

        `complete` says the keys are the whole answer, which they are, however many, when the
        whole answer was as cheap to give.

        In relevance or date order, with no phrase or reading flag to check, FTS5 walks its lists
        newest first and stops after a page: about a millisecond at 100k, however many match.
        """
        cached, written = self._recall(query, sort, reverse, flags)
        if cached is not None:
            return Page(cached, True)
        phrases = any(t.is_phrase for t in query.terms + query.excluded)
        if flags or phrases or sort not in ("relevance", "date") or query.is_empty:
            # No page to find: a phrase or a flag is checked on every match, another sort needs
            # them all, and without a filter the whole answer is a kept order.
            return Page(self.search(query, sort, reverse, flags), True)
        keys = self._search(query, sort, reverse, None, limit + 1, None)
        if len(keys) > limit:
            return Page(keys[:limit], False)
        self._remember((query, sort, reverse), keys, written)
        return Page(keys, True)

    def _recall(
        self, query: Query, sort: str, reverse: bool, flags: Mapping[str, AbstractSet[int]] | None
    ) -> tuple[list[int] | None, int]:
        """A kept answer, if there is one, and the count of writes to keep a new one against.

        Typing goes back and forth (backspace, retyping): answers are kept until the next write.
        Answers with reading flags are not kept, since marks change without a write here.
        """
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; expected one of {', '.join(SORTS)}")
        with self._lock:
            cached = None if flags else self._answers.get((query, sort, reverse))
            return cached, self._writes

    def _remember(self, remembered: tuple[Query, str, bool], keys: list[int], written: int) -> None:
        with self._lock:
            if self._writes != written:
                return  # a write landed meanwhile: this answer may already be out of date
            if len(keys) > ANSWER_KEYS_KEPT:
                return
            # Each remembered key costs about 40 bytes: a handful of answers of 90k keys is enough.
            kept = sum(map(len, self._answers.values()))
            while self._answers and (
                len(self._answers) >= ANSWERS_KEPT or kept + len(keys) > ANSWER_KEYS_KEPT
            ):
                kept -= len(self._answers.pop(next(iter(self._answers))))
            self._answers[remembered] = keys

    def _search(
        self,
        query: Query,
        sort: str,
        reverse: bool,
        flags: Mapping[str, AbstractSet[int]] | None,
        limit: int | None,
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        if query.empty_range:
            return []
        with self._lock:
            if query.is_empty:
                order = self._order("date" if sort == "relevance" else sort)
                keys = order[::-1] if reverse else list(order)
                return keys if limit is None else keys[:limit]
            check = self._checker(query, flags or {})
            if stop is not None:
                self._conn.set_progress_handler(lambda: int(stop()), 1000)
            try:
                tiers = self._fts.tiers(query, ranked=sort == "relevance")
                if sort in ("relevance", "date"):
                    return self._stream(tiers, self._key_range(query), not reverse, limit, check, stop)
                found = set(self._stream(tiers, self._key_range(query), True, None, check, stop))
            except sqlite3.OperationalError as error:
                if stop is not None and stop():
                    raise Stopped from error
                return []  # an FTS5 expression we did not foresee: match nothing rather than fail
            finally:
                if stop is not None:
                    self._conn.set_progress_handler(None, 0)
            keys = self._sorted(found, sort)
        return keys[::-1] if reverse else keys

    def _sorted(self, keys: set[int], sort: str) -> list[int]:
        """The keys in a cached order: walk the order for big sets, sort by position for small."""
        order = self._order(sort)
        if len(keys) * 8 > len(order):
            return [key for key in order if key in keys]
        position = self._position(sort)
        last = len(order)  # keys another window added since the orders were built go last
        return sorted(keys, key=lambda key: position.get(key, last))
