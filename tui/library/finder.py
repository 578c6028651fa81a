"""The one search over the cache: a first page on the event loop within its budget, a first page,
or the whole answer on a connection of its own; recent answers kept until the next write.

Why it reads as it does (front.py says more): keys are in date order, so a page of any answer is
the first rows of its first relevance tiers, read lazily by FTS5; the whole answer is read in
batches on its own connection (WAL), so the next keystroke's page never waits behind it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import contextmanager

from tui.library import duplicates
from tui.library.answers import Answers
from tui.library.fts import Expressions
from tui.library.matching import Matcher
from tui.library.orders import SORTS, Orders
from tui.library.records import PAGE_ROWS, AtOnce, Page, Stopped
from tui.query import Query
from tui.sqlite import Database

Flags = Mapping[str, AbstractSet[int]]


class Finder:
    """Searches a library's cache; shares its database, expressions, orders and kept answers."""

    def __init__(
        self, db: Database, fts: Expressions, orders: Orders, answers: Answers, matcher: Matcher
    ) -> None:
        self._db = db
        self._fts = fts
        self._orders = orders
        self._answers = answers
        self._matcher = matcher

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
        """The one search: keys of the matching articles in display order, everything the filter
        bar can say (`flags`: the key sets of the reading flags the query names, `Marks.flags`).

        `limit`: the first keys only, found without the rest where the index allows (relevance or
        date order, no phrase: about a millisecond at 100k however many match); `complete` says
        whether they are the whole answer. Without it the whole answer (40-150 ms at 100k), read
        on a connection of its own, so the next keystroke's page does not wait behind it.
        `stop` is asked now and then; when it says yes, Stopped is raised within a millisecond.
        `at_once`: for the event loop, a first page of words only within its budget, else
        Stopped at once (a phrase, reading flags, another sort, a busy lock, a slow page).
        """
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; expected one of {', '.join(SORTS)}")
        flags = self._with_groups(query, flags)  # is:dup and dup:ID: key sets the library holds
        if at_once is not None:
            return self._at_once(query, sort, reverse, flags, limit, at_once)
        if limit is not None:
            return self._page(query, sort, reverse, flags, limit, stop)
        return Page(self._whole(query, sort, reverse, flags, stop), True)

    def _whole(
        self,
        query: Query,
        sort: str,
        reverse: bool,
        flags: Mapping[str, AbstractSet[int]] | None,
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        """The whole answer, on a connection of its own where it reads the index (else under the lock)."""
        with self._lock_if_free() as free:  # else a write is on: go on without kept answers
            cached, writes = self._recall(query, sort, reverse, flags) if free else (None, None)
        if cached is not None:
            return cached
        indexed = bool(query.groups or query.excluded) and sort in ("relevance", "date")
        conn = self._db.reader() if indexed else None
        if conn is None:  # in memory, or an answer that reads the kept orders: under the lock
            cached, writes = self._recall(query, sort, reverse, flags)
            if cached is not None:
                return cached
            keys = self._search(query, sort, reverse, flags, None, stop)
            if not flags:
                with self._db.lock:
                    self._answers.remember((query, sort, reverse), keys, writes)
            return keys
        try:
            fts = Expressions(lambda: conn)
            fts.forms, fts.prefixes = self._fts.forms, self._fts.prefixes  # what the index holds
            # FTS5's rowid order is the date order: the kept orders are not read here.
            keys = Matcher(lambda: conn, fts, self._orders).search(query, sort, reverse, flags, None, stop)
        finally:
            conn.close()
        with self._lock_if_free() as free:
            if free and writes is not None and not flags:
                self._answers.remember((query, sort, reverse), keys, writes)
        return keys

    @contextmanager
    def _lock_if_free(self) -> Iterator[bool]:
        """The library's lock if nobody holds it (then True), without waiting for it."""
        free = self._db.lock.acquire(blocking=False)
        try:
            yield free
        finally:
            if free:
                self._db.lock.release()

    def _page(
        self,
        query: Query,
        sort: str,
        reverse: bool,
        flags: Mapping[str, AbstractSet[int]] | None,
        limit: int,
        stop: Callable[[], bool] | None,
    ) -> Page:
        """The first `limit` keys, and the whole answer when it was as cheap to give."""
        cached, writes = self._recall(query, sort, reverse, flags)
        if cached is not None:
            return Page(cached, True)
        if _has_phrase(query) or sort not in ("relevance", "date") or query.is_empty:
            # No page to find: a phrase is checked on every match, another sort needs them all,
            # and without a filter the whole answer is a kept order.
            return Page(self._whole(query, sort, reverse, flags, stop), True)
        # Marks, tags and notes are checked batch by batch, so their first page stops early too.
        keys = self._search(query, sort, reverse, flags, limit + 1, stop)
        if len(keys) > limit:
            return Page(keys[:limit], False)
        if flags:
            return Page(keys, True)  # not kept: marks change without a write here
        with self._db.lock:
            self._answers.remember((query, sort, reverse), keys, writes)
        return Page(keys, True)

    def _at_once(
        self,
        query: Query,
        sort: str,
        reverse: bool,
        flags: Mapping[str, AbstractSet[int]] | None,
        limit: int | None,
        at_once: AtOnce,
    ) -> Page:
        """A first page for the event loop, or Stopped where finding it could keep the loop waiting.

        Only a filter of words (no phrase, no reading flags) in relevance or date order, only when
        the library's lock comes within `at_once.wait` (reading an article holds it about a
        millisecond, a load's write far longer), and given up after `at_once.seconds`. A merged
        index at 100k answers in under 2 ms, so the keystroke's own frame can carry its first page.
        """
        if not query.groups or query.uses_marks or flags or sort not in ("relevance", "date"):
            raise Stopped
        if _has_phrase(query):
            raise Stopped
        limit = PAGE_ROWS if limit is None else limit
        deadline = time.perf_counter() + at_once.seconds
        lock, wait = self._db.lock, at_once.wait
        if not (lock.acquire(timeout=wait) if wait > 0 else lock.acquire(blocking=False)):
            raise Stopped
        try:
            cached = self._answers.get((query, sort, reverse))
            if cached is not None:
                return Page(cached[:limit], len(cached) <= limit)
            late = lambda: time.perf_counter() > deadline  # noqa: E731
            # Each look at the clock needs the interpreter's lock, which another thread may
            # hold for a few ms: looking every 1000 instructions made 1 ms pages take 25.
            keys = self._matcher.search(query, sort, reverse, None, limit + 1, late, stop_every=20000)
        finally:
            lock.release()
        return Page(keys[:limit], len(keys) <= limit)

    def _recall(
        self, query: Query, sort: str, reverse: bool, flags: Mapping[str, AbstractSet[int]] | None
    ) -> tuple[list[int] | None, int]:
        """A kept answer, if there is one, and the count of writes to keep a new one against.

        Answers with reading flags are not kept, since marks change without a write here.
        """
        with self._db.lock:
            cached = None if flags else self._answers.get((query, sort, reverse))
            return cached, self._answers.writes

    def _search(
        self,
        query: Query,
        sort: str,
        reverse: bool,
        flags: Mapping[str, AbstractSet[int]] | None,
        limit: int | None,
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        """The answer, never kept (benchmarks time it uncached)."""
        with self._db.lock:
            return self._matcher.search(query, sort, reverse, flags, limit, stop)

    def _with_groups(self, query: Query, flags: Mapping[str, AbstractSet[int]] | None) -> Flags | None:
        """The flags with the key sets of `is:dup` and `dup:ID`, which the library itself holds."""
        if not duplicates.asks_groups(query):
            return flags
        names = [name for name in query.flag_names if name == "dup" or name.startswith("dup:")]
        found = dict(flags or {})
        with self._db.lock:
            for name in names:
                conn = self._db.conn
                found[name] = duplicates.copies(conn) if name == "dup" else duplicates.named(conn, name[4:])
        return found


def _has_phrase(query: Query) -> bool:
    """A phrase is checked on every match: no first page can be found without the rest."""
    return any(term.is_phrase for term in query.terms + query.excluded)
