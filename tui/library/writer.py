"""Writing parsed files into the cache: articles, index entries, problems and new vocabulary,
one transaction per batch, so a batch is all or nothing and readers wait only briefly."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter

from tui.article import Article, Problem
from tui.i18n import encode
from tui.library import schema
from tui.library.duplicates import Duplicates, sketch
from tui.library.fts import ALL
from tui.library.keys import KeySlots
from tui.library.paths import Paths
from tui.library.records import Copied, Prepared, Row, body, indexed_place, prepare
from tui.library.vocabulary import Vocabulary
from tui.sqlite import Database

CHUNK = 500  # SQL variables per IN (...) list

# A file's items: articles as parsed, or already prepared (records.prepare) by the worker that parsed them.
# (Copied: for a team library only, tui.library.pg_write)
FileItems = tuple[str, int, int, Sequence[Article | Prepared | Copied | Problem]]

_first = itemgetter(0)
_INSERT_ARTICLE = (
    "INSERT INTO articles(arrival, key, path, id, title, title_derived, date, stamp, day, source, place, "
    "url, digest, record, words, tags, carried, whole_bytes, links, places, acronyms) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_TEXT = "INSERT INTO texts(arrival, removed, blocks) VALUES (?, ?, ?)"
_INSERT_INDEX = "INSERT INTO fts(rowid, title, body, source, place, every) VALUES (?, ?, ?, ?, ?, ?)"


class Writer:
    """put_files and forget_files; tells the library, through `written`, which keys came and went."""

    def __init__(
        self,
        db: Database,
        paths: Paths,
        vocabulary: Vocabulary,
        written: Callable[[list[int], set[int]], None],
        duplicates: Duplicates | None = None,
    ) -> None:
        self._db = db
        self.duplicates = Duplicates() if duplicates is None else duplicates
        self._paths = paths
        self._vocabulary = vocabulary
        self._written = written  # after each commit: keys added, keys removed
        self.slots = KeySlots()
        self._added: list[int] = []  # keys written and removed by the transaction under way
        self._removed: set[int] = set()

    def _undo(self) -> None:
        self.slots.forget()  # keys handed out in the transaction were not kept
        self._vocabulary.forget()

    def _write(self, action: Callable[[sqlite3.Connection], None]) -> None:
        def run(conn: sqlite3.Connection) -> None:
            self._added, self._removed = [], set()
            action(conn)

        with self._db.lock:  # readers see the write and the orders that follow it together
            self._db.write(run, self._undo)
            self._written(self._added, self._removed)

    def bulk(self, on: bool) -> None:
        """Enter or leave bulk loading: FTS5 keeps its segments unmerged until it ends (schema.BULK)."""
        statements = schema.BULK if on else schema.SETTLED

        def settings(conn: sqlite3.Connection) -> None:
            for statement in statements:
                conn.execute(statement)

        with self._db.lock:
            self._db.write(settings)
        self.duplicates.deferred = on  # what a load stores ungrouped is grouped after it (grouping.py)

    def in_bulk(self) -> bool:
        """Whether the file was left in bulk mode (a load killed half-way)."""
        with self._db.lock:
            found = self._db.conn.execute("SELECT v FROM fts_config WHERE k = 'automerge'").fetchone()
        return found is not None and found[0] == 0

    def put_files(self, batch: Sequence[FileItems], keep: bool = False) -> list[Row]:
        """Replace what each file had with its newly parsed items, in one transaction; with `keep`,
        add them to what the file has (a large file written in pieces: sync.STREAM_FROM)."""
        rows: list[Row] = []
        unstemmed: list[str] = []

        def put(conn: sqlite3.Connection) -> None:
            nonlocal rows, unstemmed
            # Each file's path is stored in three places: made absolute once (abspath is not free
            # at 100k files).
            known = {path: self._paths.stored(path) for path, *_ in batch}

            def stored(path: str) -> str:
                found = known.get(path)
                return self._paths.stored(path) if found is None else found

            rows = []
            article_rows: list[tuple[object, ...]] = []
            index_rows: list[tuple[object, ...]] = []
            problem_rows: list[tuple[str, str]] = []
            raw: set[bytes] = set()
            if not keep:
                self._delete_paths(conn, list(known.values()), stored=True)
            conn.executemany(
                "INSERT OR REPLACE INTO files(path, size, mtime_ns) VALUES (?, ?, ?)",
                [(stored(path), size, mtime) for path, size, mtime, _ in batch],
            )
            self.slots.read(conn)
            arrival = conn.execute("SELECT max(arrival) FROM articles").fetchone()[0] or 0
            text_rows: list[tuple[object, ...]] = []
            sketches: list[tuple[int, bytes | None]] = []
            for _path, _size, _mtime, items in batch:
                for item in items:
                    if isinstance(item, Problem):
                        # The reason is stored as text, in the language of the run that parsed the file:
                        # a warm start in the other language shows it as it was, until the file changes.
                        problem_rows.append((stored(item.path), encode(item.said)))
                        continue
                    if isinstance(item, Article):
                        item = prepare(item)
                    if isinstance(item, Copied):
                        raise TypeError("an article made for a team library (pg_text.copied)")
                    key = self.slots.new_key(item.minute)
                    self._added.append(key)
                    arrival += 1
                    article_rows.append(
                        (arrival, key, stored(item.path), *item.columns, item.places, item.acronyms)
                    )
                    text_rows.append((arrival, item.removed, item.blocks))
                    place = indexed_place(item.place, item.places)
                    index_rows.append((key, item.title, item.text, item.source, place, ALL))
                    made = item.sketch
                    if made is None and not self.duplicates.deferred:  # a worker of a load that ended
                        made = sketch(item.text)
                    sketches.append((key, made))
                    raw.update(item.terms.split())
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
                            item.tags,
                            item.carried,
                            item.places,
                            item.acronyms,
                        )
                    )
            # FTS5 writes out what it holds each time a rowid comes lower than the last one, so
            # inserting a batch's keys (dates) in random order made 100k articles 2.5 times slower.
            index_rows.sort(key=_first)
            conn.executemany(_INSERT_ARTICLE, article_rows)
            conn.executemany(_INSERT_TEXT, text_rows)
            conn.executemany(_INSERT_INDEX, index_rows)
            conn.executemany("INSERT INTO problems(path, reason) VALUES (?, ?)", problem_rows)
            unstemmed = self._vocabulary.add(conn, raw)
            self.duplicates.add(conn, sketches)

        self._write(put)
        self._vocabulary.stem_later(unstemmed)
        return rows

    def _delete_paths(self, conn: sqlite3.Connection, paths: Sequence[str], stored: bool = False) -> None:
        """Remove the articles, index entries and problems of these files (paths as typed, or stored)."""
        stored_paths = list(paths) if stored else [self._paths.stored(path) for path in paths]
        for start in range(0, len(stored_paths), CHUNK):
            chunk = stored_paths[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            old = conn.execute(
                "SELECT key, title, blocks, source, place, places FROM articles JOIN texts USING (arrival) "
                f"WHERE path IN ({marks})",
                chunk,
            ).fetchall()
            if old:
                self._removed.update(row[0] for row in old)
                self.duplicates.remove(conn, [row[0] for row in old])
                conn.executemany(
                    "INSERT INTO fts(fts, rowid, title, body, source, place, every) "
                    "VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                    [(k, t, body(b), s, indexed_place(p, m), ALL) for k, t, b, s, p, m in old],
                )
                conn.execute(
                    "DELETE FROM texts WHERE arrival IN "
                    f"(SELECT arrival FROM articles WHERE path IN ({marks}))",
                    chunk,
                )
                conn.execute(f"DELETE FROM articles WHERE path IN ({marks})", chunk)
            conn.execute(f"DELETE FROM problems WHERE path IN ({marks})", chunk)

    def forget_files(self, paths: Iterable[str]) -> None:
        """Drop files deleted since the last run."""
        paths = list(paths)
        if not paths:
            return

        def forget(conn: sqlite3.Connection) -> None:
            self._delete_paths(conn, paths)
            stored = [self._paths.stored(path) for path in paths]
            for start in range(0, len(stored), CHUNK):
                chunk = stored[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM files WHERE path IN ({marks})", chunk)

        self._write(forget)
