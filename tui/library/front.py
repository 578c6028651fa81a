"""The one class callers use: the cache and full-text index of one collection.

Design, measured at 100k articles of ~4 KB on two cores (see benchmarks/):

- FTS5 is contentless with ``detail=column`` and ``prefix='1 2 3'``: a 1–3 letter prefix is a
  lookup, not a scan, and the index is 40% the size of ``detail=full``. ``detail=column`` has no
  positions, so phrases are checked in Python on the candidates FTS5 finds, and bm25 cannot see
  term frequencies; relevance is therefore ranked in tiers (exact words in the title, exact words
  in the body, stem-only matches in the title, then in the body), newest first within a tier.
- Keys are in date order (keys.py), so each tier is one FTS5 query read newest first, and a page
  of any answer is the first rows of the first tiers: FTS5 reads its lists lazily, so 200 rows
  out of 90,000 matches take about a millisecond. A date filter is a rowid range.
- The whole answer is read the same way, in batches, and can be stopped between batches and
  (through SQLite's progress handler) inside one, so a search for text the user has already
  typed past gives way within a millisecond (matching.py).
- Orders for the other sorts are kept in Python (orders.py); stems are found on a thread
  (vocabulary.py); recent answers are kept until the next write (answers.py).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager, nullcontext
from pathlib import Path

from tui.article import Article, Problem
from tui.i18n import decode
from tui.library import duplicates, related, schema
from tui.library.answers import Answers
from tui.library.finder import Finder
from tui.library.fts import Expressions
from tui.library.grouping import Grouping
from tui.library.matching import Matcher
from tui.library.merges import LEFTOVERS_FROM, Merges
from tui.library.orders import Orders
from tui.library.paths import Paths
from tui.library.records import (
    ARTICLE_COLUMNS,
    MENTION_COLUMNS,
    AtOnce,
    Page,
    Row,
    article_from,
    tags_from,
)
from tui.library.vocabulary import Vocabulary
from tui.library.writer import FileItems, Writer
from tui.query import Query
from tui.sqlite import Database
from tui.state import ReadingState, StateLike

Flags = Mapping[str, AbstractSet[int]]


class Library:
    """The cache and index of one collection, safe to share between a loader and search workers."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, duplicates_at: float = duplicates.THRESHOLD
    ) -> None:
        self.path = None if path is None else Path(path)
        self._db = Database(self.path, schema.SCHEMA, schema.wording())
        self.notice: str | None = self._db.notice
        self._paths = Paths()
        self._fts = Expressions(lambda: self._db.conn)
        self._orders = Orders(lambda: self._db.conn)
        self._answers = Answers()
        self._finder = Finder(
            self._db,
            self._fts,
            self._orders,
            self._answers,
            Matcher(lambda: self._db.conn, self._fts, self._orders),
        )
        self._vocabulary = Vocabulary(self._db, self._fts.forms.clear)
        self._writer = Writer(
            self._db, self._paths, self._vocabulary, self._written, duplicates.Duplicates(duplicates_at)
        )
        self._merges = Merges(self._db, self._learned)
        self._grouping = Grouping(self._db, self._writer.duplicates)
        if self._writer.in_bulk():  # a bulk load was cut short: back to merging as usual
            self._settle()
        else:
            self._settle_groups()

    @property
    def shared(self) -> bool:
        """A local cache is this process's to fill from the folders (tui.library.interface)."""
        return False

    def reading_state(self, local: ReadingState) -> StateLike:
        """One person's library keeps their marks in their own file (tui.library.interface)."""
        return local

    @property
    def _conn(self) -> sqlite3.Connection:  # for benchmarks that count what is stored
        return self._db.conn

    def _written(self, added: list[int], removed: set[int]) -> None:
        self._orders.follow(added, removed)
        self._fts.prefixes.clear()
        self._answers.written()

    def _learned(self, terms: list[str]) -> None:
        """Words the merge read from the index: the prefixes and answers kept may lack them."""
        if terms:
            with self._db.lock:
                self._fts.prefixes.clear()
                self._answers.written()
            self._vocabulary.learned(terms)

    def typed_as(self, roots: Iterable[str | os.PathLike[str]]) -> None:
        """Paths are stored absolute, so any spelling of a folder finds its cache; give them back
        in the form these roots were typed in this run."""
        self._paths.typed_as(roots)

    def take_notices(self) -> list[str]:
        """What went wrong since opening (the cache could no longer be written), to be said once."""
        return self._db.take_notices()

    def set_aside(self, problem: str) -> None:
        """Damage found while in use: keep the file for inspection and go on with an empty cache."""
        with self._db.lock:
            self._db.reset(problem)
            self.notice = self._db.notice
            self._orders.forget()
            self._writer.slots.forget()
            self._vocabulary.forget()
            self._fts.prefixes.clear()
            self._fts.forms.clear()
            self._answers.written()

    # --- writing -------------------------------------------------------------------------

    def put_files(self, batch: Sequence[FileItems], keep: bool = False) -> list[Row]:
        """Replace what each file had with its newly parsed items, in one transaction; with `keep`,
        add them to what the file has (a large file written in pieces: sync.STREAM_FROM)."""
        return self._writer.put_files(batch, keep)

    def forget_files(self, paths: Iterable[str]) -> None:
        """Drop files deleted since the last run."""
        self._writer.forget_files(paths)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Write a large load faster: the index's segments are merged after it, in the background.

        For thousands of files at once (a new cache): put_files in transactions of a thousand
        files or more inside it. Searches work throughout, a little slower until merged.
        """
        self._merges.close()  # no merging under a load
        self._writer.bulk(True)
        try:
            yield
        finally:
            self._settle()

    def _settle(self) -> None:
        try:
            self._writer.bulk(False)
        except sqlite3.Error:
            return  # the file went bad or read-only: nothing to merge
        self._merges.start()
        self._grouping.start()  # after the merge has started: the groups need not hold it up

    def _settle_groups(self) -> None:
        """Group, in the background, what a bulk load stopped early left ungrouped (grouping.py)."""
        with self._db.lock:
            try:
                waiting = self._writer.duplicates.pending(self._db.conn)
            except sqlite3.Error:
                return
        if waiting:
            self._grouping.start()

    def merge_leftovers(self) -> None:
        """Go on merging what an earlier run left unmerged, in the background.

        A run that quits within seconds of a bulk load leaves the index in ~50 segments, and
        every later run searched them all: 15-60 ms for a first page at 100k instead of under 2.
        Everyday writes leave a few segments that FTS5 merges as it goes: those are left be.
        """
        self._merges.start(at_least=LEFTOVERS_FROM)

    def wait_for_merges(self, timeout: float | None = None) -> bool:
        """Block until the index's segments left by a bulk load are merged; True when they are."""
        return self._merges.wait(timeout)

    def wait_for_stems(self, timeout: float | None = None) -> bool:
        """Block until background stemming is done (for tests and benchmarks); True when it is."""
        return self._vocabulary.wait(timeout)

    def wait_for_groups(self, timeout: float | None = None) -> bool:
        """Block until the near-duplicate groups a bulk load left to make are made (grouping.py);
        True when they are (at once when none were)."""
        return self._grouping.wait(timeout)

    # --- reading -------------------------------------------------------------------------

    def file_state(self) -> dict[str, tuple[int, int]]:
        """Size and mtime of every cached file, so the loader re-reads only what changed."""
        shown = self._paths.shown
        with self._db.lock:
            return {shown(p): (s, m) for p, s, m in self._db.conn.execute("SELECT * FROM files")}

    def file_count(self) -> int:
        """How many files the cache knows, without reading them all (file_state does)."""
        with self._db.lock:
            return int(self._db.conn.execute("SELECT count(*) FROM files").fetchone()[0])

    def rows(self, newest_first: bool = False, limit: int = -1) -> list[Row]:
        """Every article's list line, for a warm start without reading any file.

        Newest first is the list's own default order, so a first slice of it can be shown as is.
        """
        parse = dt.datetime.fromisoformat
        shown = self._paths.shown
        # The same source, place, places or acronyms one string, not one a row (a third of a 1M
        # team list's memory: pg_read._rows_where).
        same: dict[str, str] = {}
        one = same.setdefault
        order = " ORDER BY key DESC" if newest_first else ""
        with self._db.lock:
            cursor = self._db.conn.execute(
                "SELECT key, title, date, source, place, words, path, digest, tags, carried, "
                "places, acronyms FROM articles" + order + " LIMIT ?",
                (limit,),
            )
            return [
                Row(k, t, None if d is None else parse(d), s and one(s, s), p and one(p, p), w, shown(path),
                    digest, tags_from(g), c, m and one(m, m), a and one(a, a))
                for k, t, d, s, p, w, path, digest, g, c, m, a in cursor
            ]  # fmt: skip

    def shared_rows(self) -> tuple[list[Row], set[str], int]:
        """(tui.library.interface) A local cache is not shared: its rows, and nothing gone."""
        rows = self.rows(newest_first=True)
        return rows, set(), len(rows)

    def wait_for_change(self, timeout: float) -> bool:
        """(tui.library.interface) Nobody else writes a local cache: its folders are watched."""
        time.sleep(timeout)
        return False

    def problems(self) -> list[Problem]:
        """Problems found when the files were last read, so a warm start still reports them."""
        with self._db.lock:
            found = self._db.conn.execute("SELECT path, reason FROM problems")
            return [Problem(self._paths.shown(p), decode(r)) for p, r in found]

    def article(self, key: int) -> Article | None:
        """The whole article, fetched only when the reader shows it."""
        with self._db.lock:
            found = self._db.conn.execute(
                f"SELECT {ARTICLE_COLUMNS}, {MENTION_COLUMNS} FROM articles JOIN texts USING (arrival) "
                "WHERE key = ?",
                (key,),
            ).fetchone()
        return None if found is None else article_from(found, self._paths.shown(found[1]))

    def neighbours(self, article: Article, limit: int = 200, longest: int | None = None) -> list[list[str]]:
        """The block texts of up to `limit` articles of the same source (or folder, without one),
        for learning what repeats there (`tui.chrome`); only those of at most `longest` characters
        when given, picked out by SQLite, so 200 long articles are never all in memory."""
        args: tuple[object, ...]
        if article.source:
            where, args = "source = ?", (article.source,)
        else:
            folder = self._paths.stored(os.path.dirname(article.path) or ".") + os.sep
            where, args = "source IS NULL AND path > ? AND path < ?", (folder, folder + "\U0010ffff")
        with self._db.lock:
            conn = self._db.conn
            arrivals = [
                a
                for (a,) in conn.execute(
                    f"SELECT arrival FROM articles WHERE {where} LIMIT ?", (*args, limit)
                )
            ]
            lines: dict[int, list[str]] = {arrival: [] for arrival in arrivals}
            text = "json_extract(block.value, '$[1]')"
            short = f"AND length({text}) <= ?" if longest is not None else ""
            for start in range(0, len(arrivals), 500):
                chunk = arrivals[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found = conn.execute(
                    f"SELECT texts.arrival, {text} FROM texts, json_each(texts.blocks) AS block "
                    f"WHERE texts.arrival IN ({marks}) {short}",
                    (*chunk, *(() if longest is None else (longest,))),
                )
                for arrival, line in found:
                    lines[arrival].append(line)
        return list(lines.values())

    def stems(self, most: int) -> list[tuple[str, str]]:
        """Words of the index with their stems (search.learn_stems), at most `most` of them."""
        with self._db.lock:
            found = self._db.conn.execute(
                "SELECT term, stem FROM terms WHERE stem IS NOT NULL LIMIT ?", (most,)
            ).fetchall()
        return [(term, root) for term, root in found]

    # --- near-duplicate groups (duplicates.py) ---------------------------------------------

    def group(self, key: int) -> list[int]:
        """The keys of the article's near-duplicate group, its face first (the key alone when it
        has no copies)."""
        with self._db.lock:
            return duplicates.group_of(self._db.conn, key)

    def group_sizes(self) -> dict[int, int]:
        """Each group's face and how many articles the group has, for the list's `×3`."""
        with self._db.lock:
            try:
                return duplicates.group_sizes(self._db.conn)
            except sqlite3.Error:  # a cache gone bad under us: no marks rather than a crash
                return {}

    def group_faces(self) -> dict[int, int]:
        """Each grouped article's key and its group's face, for folding groups in the list."""
        with self._db.lock:
            try:
                return dict(self._db.conn.execute("SELECT key, face FROM groups").fetchall())
            except sqlite3.Error:  # a cache gone bad under us: nothing folded rather than a crash
                return {}

    def group_ids(self) -> dict[str, str]:
        """Each grouped article's id and its group's id (its face's `Article.id`), for exports."""
        with self._db.lock:
            return duplicates.group_ids(self._db.conn)

    def related(self, key: int, limit: int = 10) -> list[int]:
        """ "More like this": the keys of the articles sharing the key's most telling words, best
        first, its own near-duplicate group left out (related.py)."""
        conn = self._db.reader()  # a connection of its own: 250 ms at 100k, no lock held meanwhile
        try:
            with self._db.lock if conn is None else nullcontext():
                conn = conn or self._db.conn
                return related.related(conn, key, limit, set(duplicates.group_of(conn, key)))
        except sqlite3.OperationalError:  # an index too damaged to ask: nothing rather than fail
            return []
        finally:
            if conn is not None and conn is not self._db.conn:
                conn.close()

    def close(self) -> None:
        """Stop background stemming, merging and grouping, and close the database."""
        self._grouping.close()
        self._merges.close()
        self._vocabulary.close()
        self._db.close()

    # --- searching (finder.py) -------------------------------------------------------------

    def search(
        self,
        query: Query,
        sort: str = "relevance",
        reverse: bool = False,
        flags: Mapping[str, AbstractSet[int]] | None = None,
        *,
        limit: int | None = None,
        stop: Callable[[], bool] | None = None,
        at_once: AtOnce | None = None,
    ) -> Page:
        """The one search (Finder.search says what each argument asks)."""
        return self._finder.search(query, sort, reverse, flags, limit=limit, stop=stop, at_once=at_once)
