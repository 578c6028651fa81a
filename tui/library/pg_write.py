"""Bringing files into a team's library (`kliping sync --library`): one transaction per batch of
files, articles sent with COPY. Each file's row in `files` is locked first, in path order, so two
people syncing the same folder at once take turns file by file and never deadlock; a batch committed
survives a kill, and the next sync skips its files (same size and mtime), or keeps their rows when
only the mtime moved (same digests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import Copy

from tui.article import Article, Problem
from tui.i18n import encode
from tui.library import pg_common, pg_groups, pg_mentions
from tui.library.duplicates import THRESHOLD
from tui.library.pg_connect import LibraryError, PgConnections, tune, unreachable, value
from tui.library.pg_schema import build_indexes
from tui.library.pg_text import NUL_STANDIN, copied, copy_text
from tui.library.records import Copied, Prepared, Row, prepare
from tui.library.writer import FileItems

INDEX_CONNECTIONS = 2  # connections a first sync's indexes are built on at once (one core each)
_COPY = (
    "COPY articles(key, path, id, title, title_derived, date, minute, source, place, url, digest, record, "
    "words, tags, carried, whole_bytes, links, removed, blocks, exact, doc, title_doc, source_doc, "
    "place_doc, common, places, acronyms) "
    "FROM STDIN"
)


def _stored_reason(reason: str) -> str:
    return reason.replace("\x00", NUL_STANDIN)


class PgWriting(PgConnections):
    """The loader's side of a `PgLibrary`: files in, files forgotten, what they held."""

    _bulk = False  # a first sync's batches: their sketches wait for pg_groups.ALL_PENDING's grouping
    _common_asked = False  # this sync tried to choose them (once it had written CHOOSE_FROM articles)

    def common_words(self) -> tuple[str, ...]:
        """The library's common words, for the parse workers to note in each article's row
        (interface.Copying); none until they are chosen (pg_common.py)."""
        return self._common

    def _fill_in_older_rows(self) -> None:
        """The sync's end: the common words chosen if they were not, and noted in the rows written
        before (a first sync's first articles, or every article of a library synced before them);
        the places and acronyms of the rows a library kept before it stored them."""
        conn = self._conn()
        started = time.perf_counter()
        if not self.common_words():
            self._common = pg_common.choose(conn)
        if pg_common.fill(conn, self._common, self._telling("common")):
            self.took["common"] = time.perf_counter() - started
        started = time.perf_counter()
        if pg_mentions.fill(conn, self._telling("mentions")):
            self.took["mentions"] = time.perf_counter() - started

    def _telling(self, step: str) -> Callable[[int, int], None] | None:
        telling = self.telling
        return None if telling is None else lambda done, of: telling(step, done, of)

    def copies(self) -> bool:
        """Articles come made for COPY (interface.Copying): sync.parse_files with `team`."""
        return True

    def set_aside(self, problem: str) -> None:
        """Nothing to set aside: the server keeps its own files (a local cache's damage is not ours)."""

    def merge_leftovers(self) -> None:
        """Nothing is left to merge (PostgreSQL's GIN index takes its pending entries in itself):
        the sync's new articles join their near-duplicate groups."""
        self._fill_in_older_rows()
        pg_groups.settle(self._conn(), THRESHOLD)

    def wait_for_merges(self, timeout: float | None = None) -> bool:
        return True

    def wait_for_stems(self, timeout: float | None = None) -> bool:
        return True  # stems are found while writing, not on a thread

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """A first sync into an empty library (or one holding only what this sync wrote so far)
        builds the word indexes once, after the articles (several times faster than keeping them
        up to date article by article), and groups the near-duplicates meanwhile; otherwise as
        usual. A sync killed meanwhile leaves the indexes to the next opening to build."""
        conn = self._conn()
        # Empty but for what this sync wrote first (sync.FIRST: the first rows a cold start shows
        # at once): asked whether the library was empty, every first sync kept its indexes.
        empty = value(
            conn, "SELECT NOT EXISTS (SELECT 1 FROM articles OFFSET %s)", (self.written["articles"],)
        )
        if empty:
            conn.execute(
                "DROP INDEX IF EXISTS articles_doc, articles_title_doc, articles_source_doc, "
                f"articles_place_doc, {pg_groups.BANDS_INDEX_NAMES}"
            )
            conn.execute(pg_groups.ALL_PENDING)
            self._bulk = True
        written = False
        try:
            yield
            written = True
        finally:
            self._bulk = False
            if written:  # (before the word indexes: a row noted after them changed them too)
                self._fill_in_older_rows()
            if empty:
                self._index_and_group(group=written)
        if not empty:
            pg_groups.settle(conn, THRESHOLD)  # (a sync stopped short leaves them to the next)

    def _index_and_group(self, group: bool) -> None:
        """A first sync's end: the word indexes built on INDEX_CONNECTIONS connections of their own
        (one GIN build keeps one core busy), while this thread groups the near-duplicates (the
        bands' index is not used for that: none were grouped before)."""
        started = time.perf_counter()
        failed: list[BaseException] = []

        def build() -> None:
            try:
                build_indexes(self._spare, INDEX_CONNECTIONS, self.took)
            except BaseException as error:  # noqa: BLE001 (raised again below, on this thread)
                failed.append(error)
            self.took["indexes"] = time.perf_counter() - started

        builder = threading.Thread(target=build, name="kliping-pg-indexes")
        builder.start()
        try:
            if group:
                pg_groups.settle(self._conn(), THRESHOLD)
                self.took["groups"] = time.perf_counter() - started
        finally:
            builder.join()
        if failed:
            raise failed[0]
        self._conn().execute("ANALYZE articles")

    def _spare(self) -> psycopg.Connection[Any]:
        """A connection of its own, for a thread that closes it (an index build)."""
        try:
            conn = psycopg.connect(
                self.url, autocommit=True, connect_timeout=self._timeout, application_name="kliping"
            )
        except psycopg.Error as error:
            raise LibraryError(unreachable(self.url, error)) from None
        tune(conn)
        return conn

    def file_state(self) -> dict[str, tuple[int, int]]:
        where, args = self._scope()
        shown = self._paths.shown
        found = self._read(
            lambda c: c.execute(f"SELECT path, size, mtime_ns FROM files WHERE {where}", args).fetchall()
        )
        return {shown(p): (s, m) for p, s, m in found}

    def file_count(self) -> int:
        where, args = self._scope()
        return int(self._read(lambda c: value(c, f"SELECT count(*) FROM files WHERE {where}", args)))

    def put_files(self, batch: Sequence[FileItems], keep: bool = False) -> list[Row]:
        """Replace what each file had with its newly parsed items, in one transaction; with `keep`,
        add them to what the file has (a large file written in pieces: sync.STREAM_FROM).

        The articles come made for COPY by the parse workers (pg_text.copied: sync.parse_files
        with `team`), or are made so here; the writer gives each its key and path and sends bytes."""
        files = sorted(
            ((self._paths.stored(path), path, size, mtime, items) for path, size, mtime, items in batch)
        )
        stored = [f[0] for f in files]
        rows: list[Row] = []
        conn = self._conn()
        new_terms: dict[str, str] = {}
        with conn.transaction():
            # The files' rows first, in path order: a second sync of the same file waits here. A
            # file new to the library has nothing to take back (most of a first sync's).
            existing = [
                path
                for path, inserted in conn.execute(
                    "INSERT INTO files(path, size, mtime_ns) "
                    "SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[]) ORDER BY 1 "
                    "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
                    "synced = now(), synced_by = current_user "
                    "RETURNING path, xmax = 0",
                    (stored, [f[2] for f in files], [f[3] for f in files]),
                )
                if not inserted
            ]
            kept: dict[str, list[tuple[int, str]]] = {}
            if existing:
                for key, path, digest in conn.execute(
                    "SELECT key, path, digest FROM articles WHERE path = ANY(%s) ORDER BY key", (existing,)
                ):
                    kept.setdefault(path, []).append((key, digest))
            prepared: list[tuple[str, list[Copied]]] = []
            problems: list[tuple[str, str]] = []
            unchanged: list[str] = []
            for path, _typed, _size, _mtime, items in files:
                made = [item for item in items if not isinstance(item, Problem)]
                articles = [_copied(item, new_terms, self._common or None) for item in made]
                problems += [(path, _stored_reason(encode(i.said))) for i in items if isinstance(i, Problem)]
                old = kept.get(path, [])
                if not keep and old and sorted(d for _k, d in old) == sorted(a.row.digest for a in articles):
                    unchanged.append(path)  # the same content, touched: its rows (and keys) stay
                    rows += [a.row._replace(key=key) for (key, _d), a in zip(old, articles, strict=True)]
                else:
                    prepared.append((path, articles))
            changed = [path for path, _articles in prepared if path in kept]
            if not keep and existing:
                pg_groups.forget(conn, "path = ANY(%s)", (changed,))
                conn.execute("DELETE FROM articles WHERE path = ANY(%s)", (changed,))
                conn.execute("DELETE FROM problems WHERE path = ANY(%s)", (existing,))
            count = sum(len(articles) for _path, articles in prepared)
            keys = [
                k
                for (k,) in conn.execute(
                    "SELECT nextval('articles_key') FROM generate_series(1, %s)", (count,)
                )
            ]
            key_of = iter(keys)
            lines: list[bytes] = []
            sketches: list[bytes] = []
            grouped = b"\tt\n" if self._bulk else b"\tf\n"
            for path, articles in prepared:
                head = b"\t" + copy_text(path).encode("utf-8", "replace") + b"\t"
                for article in articles:
                    key = next(key_of)
                    lines.append(b"%d%s%s" % (key, head, article.line))
                    rows.append(article.row._replace(key=key))
                    if article.sketch:
                        sketches.append(b"%d\t%s%s" % (key, article.sketch, grouped))
            with conn.cursor() as cursor, cursor.copy(_COPY) as copy:
                _send(copy, lines)
            with conn.cursor() as cursor, cursor.copy(pg_groups.COPY) as copy:
                _send(copy, sketches)
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
        if not self._common_asked and self.written["articles"] >= pg_common.CHOOSE_FROM:
            self._common_asked = True  # (the workers note them in the articles parsed from now on)
            if not self.common_words():
                self._common = pg_common.choose(conn)
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
        return int(self._read(lambda c: value(c, "SELECT count(*) FROM articles")))


_SENT = 1 << 20  # bytes of COPY data sent at once


def _send(copy: Copy, lines: list[bytes]) -> None:
    """COPY text lines, about _SENT bytes a write (a write a row cost more than the row's bytes)."""
    held: list[bytes] = []
    size = 0
    for line in lines:
        held.append(line)
        size += len(line)
        if size >= _SENT:
            copy.write(b"".join(held))
            held, size = [], 0
    if held:
        copy.write(b"".join(held))


def _copied(
    item: Article | Prepared | Copied, stems: dict[str, str], common: tuple[str, ...] | None
) -> Copied:
    """The item as COPY takes it (made here when the parse worker did not), its stems in `stems`."""
    if isinstance(item, Copied):
        if item.stems:
            stems.update(item.stems)
        return item
    return copied(prepare(item) if isinstance(item, Article) else item, stems, common or None)
