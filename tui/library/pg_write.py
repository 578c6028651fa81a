"""Bringing files into a team's library (`kliping sync --library`): one transaction per batch of
files, articles sent with COPY. Each file's row in `files` is locked first, in path order, so two
people syncing the same folder at once take turns file by file and never deadlock; a batch committed
survives a kill, and the next sync skips its files (same size and mtime), or keeps their rows when
only the mtime moved (same digests)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from tui.article import Article, Problem
from tui.i18n import encode
from tui.library import duplicates, pg_groups
from tui.library.duplicates import THRESHOLD
from tui.library.pg_connect import PgConnections, value
from tui.library.pg_schema import DOC_INDEXES
from tui.library.pg_text import document
from tui.library.records import Prepared, Row, prepare
from tui.library.writer import FileItems

_NUL = "\x00"  # PostgreSQL's text cannot hold it
NUL_STANDIN = "\ufffd"
_COPY = (
    "COPY articles(key, path, id, title, title_derived, date, minute, source, place, url, digest, record, "
    "words, tags, carried, whole_bytes, links, removed, blocks, exact, doc, title_doc, source_doc, "
    "place_doc) "
    "FROM STDIN"
)


def _clean(value: object) -> object:
    return value.replace(_NUL, NUL_STANDIN) if isinstance(value, str) and _NUL in value else value


def _stored_reason(reason: str) -> str:
    return reason.replace(_NUL, NUL_STANDIN)


class PgWriting(PgConnections):
    """The loader's side of a `PgLibrary`: files in, files forgotten, what they held."""

    _bulk = False  # a first sync's batches: their sketches wait for pg_groups.ALL_PENDING's grouping

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
        """A first sync into an empty library (or one holding only what this sync wrote so far)
        builds the word index once, after the articles
        (several times faster than keeping it up to date article by article); otherwise as usual.
        A sync killed meanwhile leaves the index to the next opening to build."""
        conn = self._conn()
        # Empty but for what this sync wrote first (sync.FIRST: the first rows a cold start shows
        # at once): asked whether the library was empty, every first sync kept its indexes.
        empty = value(
            conn, "SELECT NOT EXISTS (SELECT 1 FROM articles OFFSET %s)", (self.written["articles"],)
        )
        if empty:
            conn.execute(
                "DROP INDEX IF EXISTS articles_doc, articles_title_doc, articles_source_doc, "
                "articles_place_doc, sketches_bands"
            )
            conn.execute(pg_groups.ALL_PENDING)
            self._bulk = True
        try:
            yield
            if empty:  # grouped before the bands' index is made: marking 100k sketches grouped
                pg_groups.settle(conn, THRESHOLD)  # with it there updated it too (15 s at 100k)
        finally:
            self._bulk = False
            if empty:
                # (the GIN index of a million articles is built from fewer runs merged)
                conn.execute("SET maintenance_work_mem = '512MB'")
                for statement in DOC_INDEXES:
                    conn.execute(statement)
                conn.execute("ANALYZE articles")
        if not empty:
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
        return int(self._read(lambda c: value(c, f"SELECT count(*) FROM files WHERE {where}", args)))

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
            sketches: list[tuple[int, bytes, list[int], bool]] = []
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
                        made = (
                            article.sketch if article.sketch is not None else duplicates.sketch(article.text)
                        )
                        sketch = pg_groups.row(key, made, self._bulk)
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
        return int(self._read(lambda c: value(c, "SELECT count(*) FROM articles")))


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
