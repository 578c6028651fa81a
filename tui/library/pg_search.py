"""Searching a team's library (`PgLibrary`): the filter's `tsquery` plan (pg_query.py) read tier by
tier, page by page, with the flags and long articles' phrases checked in Python."""

from __future__ import annotations

import re
import select
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from typing import Any, TypeVar

import psycopg
from psycopg import ClientCursor, pq

from tui.library import pg_groups
from tui.library.duplicates import asks_groups
from tui.library.interface import Flags
from tui.library.keys import minute
from tui.library.orders import SORTS
from tui.library.pg_connect import PgConnections
from tui.library.pg_query import COLUMNS, Plan, Where, forward_order, matches, plan, term_query
from tui.library.records import AtOnce, Page, Stopped, body
from tui.query import Period, Query, Term

FETCH = 2048  # keys read from the server between checks of flags, long articles and `stop`
WALK_SECONDS = 0.15  # a first page's walk of the date index, before the word index is asked instead
# A tier PostgreSQL's statistics expect to match less than this share of the articles is read
# through the word index at once (its walk would pass most articles by: a word in no article gave
# up its walk after WALK_SECONDS, at any size; PostgreSQL puts such a word, or prefix, at 0.5-1.5 %);
# one expected to match more is walked, and a walk cut short is walked again, for WALK_AGAIN times
# as long: a busy machine made a page of a common prefix miss its WALK_SECONDS, and sorting all
# its matches instead took 0.3-1 s at 100k (50k of them).
COMMON_SHARE = 0.02
# Rows of a first page read on the event loop: a screenful of a 40-line terminal (each row of a
# page costs the server a read of the article's vector: 200 of them took 8-25 ms at 100k on a busy
# machine, and a page missing its 12 ms came from the thread 20-50 ms later; the pty keystroke's
# p50 was 3x the floor with 200 rows, 2.6-3x with 60, 1.4x with 40); the search's thread reads
# the rest of the page after the frame (tui.searching).
AT_ONCE_ROWS = 40
# The least time a first page on the event loop is given (the app asks 12 ms, what a local cache
# needs): a team library's page given up came from the thread 45-60 ms after its key, where one
# given 25 ms reached the screen within 30 (the pty keystroke at 100k, under load 3-4).
AT_ONCE_SECONDS = 0.025
FEW_ROWS = 100  # a tier expected to hold fewer is read through the word index, however small its vector
SHORT_WALK_SECONDS = 0.04  # a rare tier's walk, where it asks only the row's own small vectors (walks)
_ARTICLE_VECTOR = re.compile(r"(?<!\w)doc @@")  # `doc`, not `title_doc`: stored apart, read per row
# A match in a row's own small vector, checked first in a walk: only the articles it passes have
# their `doc` read (`desa -"rumah inklusi"`'s first tier: the word index's 54k title matches each
# had `doc` read, 1.3 s at 1M; walked, 17k rows and 900 vectors, 25 ms).
_SMALL_VECTOR = re.compile(r"(?<!NOT \()\b(?:title|source|place)_doc @@")
KEY_SET_MOST = 50_000  # a flag's keys up to this many are asked of the server (`key = ANY`)
STOP_POLL = 0.005  # seconds between looks at a search's `stop` while the server answers it
WALK_AGAIN = 4


T = TypeVar("T")


class PgSearching(PgConnections):
    """The one search of a `PgLibrary` (tui.library.interface), over the server's word indexes."""

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
            rows = min(limit or 200, AT_ONCE_ROWS)
            seconds = max(at_once.seconds, AT_ONCE_SECONDS)
            page = None if flags else self._page_at_once(query, sort, reverse, rows, seconds)
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
        in one round trip bounded to `seconds` by the server and by the wait for its answer
        (`_bounded`): past them, the caller asks for it on a thread. Through a thread the page
        reached the screen 5-8 times the floor of a keystroke at 100k (benchmarks/bench_pty.py
        --library).
        """
        if not query.groups or query.uses_marks or sort not in ("relevance", "date"):
            return None
        if any(term.is_phrase for term in query.terms + query.excluded):
            return None
        if query.empty_range:
            return Page([], True)
        conn = self._quick
        if conn is None or conn.closed or not self._quick_lock.acquire(blocking=False):
            self._connect_quick()
            return None
        found = plan(query, sort, reverse, self._common)
        if query.either:  # `desa kota OR year:2024`: its page was desa's alone (no marks: not here)
            found = _with(found, _either(query, {}))
        # All tiers in one statement: PostgreSQL's Append reads its parts in order and stops at the
        # LIMIT, so a first tier that fills the page is all that is read (one round trip, not one a tier).
        parts = " UNION ALL ".join(
            f"(SELECT key FROM articles WHERE {where} ORDER BY {found.order} LIMIT {limit + 1})"
            for where, _args in found.tiers
        )
        args = tuple(arg for _where, tier_args in found.tiers for arg in tier_args)
        try:
            sql = ClientCursor(conn).mogrify(f"SELECT key FROM ({parts}) AS page LIMIT {limit + 1}", args)
        except psycopg.Error:
            self._quick_lock.release()
            return None
        timeout = max(1, int(seconds * 1000))
        text = (  # one implicit transaction: SET LOCAL holds for the SELECT only
            f"SET LOCAL statement_timeout = {timeout}; SET LOCAL max_parallel_workers_per_gather = 0; {sql}"
        )
        keys = _bounded(conn, text, time.perf_counter() + seconds, self._quick_lock, self._lost_quick)
        if keys is None:
            return None
        return Page(keys[:limit], len(keys) <= limit)

    def _lost_quick(self) -> None:
        self._quick = None  # gone: the thread's search says so, and connects again

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
        if asks_groups(query):  # is:dup and dup:ID are key sets the library holds (pg_groups.py)
            none: dict[str, set[int]] = {}
            groups = pg_groups.kept(lambda conn: pg_groups.flags_of(conn, query), none)
            flags = {**(flags or {}), **self._read(groups)}
        found = plan(query, sort, reverse, self._common)
        keep, drop = _sets(query, flags or {})
        within = min(keep, key=len, default=None)
        if within is not None and len(within) <= KEY_SET_MOST:
            # tag:banjir, is:starred: the few keys asked by their own index, not every match checked
            # (a tag nobody gave walked all 1M articles for nothing: 1-2 s)
            found = _with(found, [("key = ANY(%s::bigint[])", (sorted(within),))])
        if query.either:  # tag:a OR tag:b, banjir OR is:starred: a condition each group
            found = _with(found, _either(query, flags or {}))
        checked = bool(keep or drop or found.loose)
        columns = "key, exact" if found.loose else "key, TRUE"
        if limit is None:
            whole: list[int] = self._read(
                lambda conn: _unless_stopped(
                    conn, stop, lambda: self._whole(conn, query, found, keep, drop, stop)
                )
            )
            return whole

        def read(conn: psycopg.Connection[Any]) -> list[int]:
            keys: list[int] = []
            for where, args in found.tiers:
                if len(keys) >= limit:
                    break
                sql = f"SELECT {columns} FROM articles WHERE {where} ORDER BY {found.order}"
                want = limit - len(keys)
                for walk in (None,) if within is not None else walks(conn, where, args, found.dates):
                    try:
                        keys += self._tier_page(conn, query, sql, args, want, checked, keep, drop, walk)
                        break
                    except psycopg.errors.QueryCanceled:
                        if walk is None:
                            raise
                        if stop is not None and stop():
                            raise Stopped from None
            return keys[:limit]

        keys: list[int] = self._read(lambda conn: _unless_stopped(conn, stop, lambda: read(conn)))
        return keys

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
        walk: float | None,
    ) -> list[int]:
        """The first `want` keys of one tier. PostgreSQL walks the date index and checks each
        article when it expects matches to be many (a page of a common word in 2 ms), but it cannot
        tell a word in no article from a rare one: walking every article for nothing took 6 s at
        100k. So the walk gets `walk` seconds (WALK_SECONDS); past them, the tier is read through
        the word index and sorted (`walk` None), which a rare word makes quick."""
        if not checked:  # one round trip: the keys are the answer as they come
            with conn.pipeline(), conn.transaction():
                for setting in settings(walk):
                    conn.execute(setting)
                found = conn.execute(sql + " LIMIT %s", (*args, want))
            return [key for key, _exact in found.fetchall()]
        keys: list[int] = []
        with conn.transaction(), conn.cursor(name="kliping_page") as cursor:
            for setting in settings(walk):
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
        for keys_in in held[::-1]:  # a stable partition a rank, the first rank's last: its tiers in order
            keys = [key for key in keys if key in keys_in] + [key for key in keys if key not in keys_in]
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


def _either(query: Query, flags: Flags) -> list[Where]:
    """Each OR group of `Query.either` (words, dates and reading marks or tags) as one condition:
    a flag is its keys (`key = ANY`), or all but them. Read as key sets in Python before, each
    group's words and dates were every article they found (`kota OR year:2024`: 10 s at 1M)."""
    found: list[Where] = []
    for group in query.either:
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
            else:  # is:unread is "not in the read ones"; -has:note "not in those with a note"
                name = "read" if term.name == "unread" else term.name
                outside = term.negated != (term.name == "unread")
                parts.append("NOT (key = ANY(%s::bigint[]))" if outside else "key = ANY(%s::bigint[])")
                args.append(sorted(flags.get(name, frozenset())))
        found.append(("(" + " OR ".join(parts) + ")", tuple(args)))
    return found


def _with(found: Plan, conditions: list[Where]) -> Plan:
    """The plan with these conditions on each of its reads besides its own."""
    sql = " AND ".join(where for where, _args in conditions)
    more = tuple(arg for _where, args in conditions for arg in args)
    return replace(
        found,
        tiers=tuple((f"{where} AND {sql}", (*args, *more)) for where, args in found.tiers),
        whole=(f"{found.whole[0]} AND {sql}", (*found.whole[1], *more)),
    )


def _unless_stopped(
    conn: psycopg.Connection[Any], stop: Callable[[], bool] | None, action: Callable[[], T]
) -> T:
    """`action()`, its statement cancelled on the server once `stop` says so (then Stopped): a
    whole answer still being read when the next key came kept that key's page waiting for it
    (the search thread's connection does one thing at a time), 100-300 ms at 100k."""
    if stop is None:
        return action()
    done = threading.Event()
    lock = threading.Lock()  # no cancel is under way once the action is over

    def watch() -> None:
        while not done.wait(STOP_POLL):
            if stop():
                with lock, suppress(psycopg.Error):
                    if not done.is_set():
                        conn.cancel_safe(timeout=1.0)
                return

    threading.Thread(target=watch, name="kliping-pg-stop", daemon=True).start()
    try:
        return action()
    except psycopg.errors.QueryCanceled:
        if stop():
            raise Stopped from None
        return action()  # a cancel that came late, meant for the statement before: once more
    finally:
        with lock:
            done.set()


def _bounded(
    conn: psycopg.Connection[Any],
    text: str,
    deadline: float,
    lock: threading.Lock,
    lost: Callable[[], None],
) -> list[int] | None:
    """The keys `text` (statements ending in one SELECT of keys) gives, waited for on the event loop
    until `deadline` at most, else None; `lock` (held) is released once the connection is idle.

    The server's statement_timeout alone did not bound the wait: on a busy machine its process
    may not run for tens of milliseconds, and the loop waited in psycopg for it, the key's own
    echo too. Here the socket is waited on with a timeout (libpq's asynchronous calls); a late
    answer is cancelled and read to its end on a thread of its own, which frees the connection.
    """
    pgconn = conn.pgconn
    try:
        pgconn.send_query(text.encode())
        results = _results(pgconn, deadline)
    except (psycopg.Error, OSError):  # (a connection closed meanwhile: its socket is gone)
        lost()
        lock.release()
        return None
    if results is None:  # late: cancelled and drained on a thread, which frees the connection

        def drain() -> None:
            try:
                with suppress(psycopg.Error):
                    conn.cancel_safe(timeout=1.0)
                if _results(pgconn, time.perf_counter() + 5.0) is None:
                    lost()
            except (psycopg.Error, OSError):  # (the app closed the library meanwhile)
                lost()
            finally:
                lock.release()

        threading.Thread(target=drain, name="kliping-pg-drain", daemon=True).start()
        return None
    if pgconn.status != pq.ConnStatus.OK:
        lost()
    lock.release()
    last = results[-1] if results else None
    if last is None or last.status != pq.ExecStatus.TUPLES_OK:
        return None  # cancelled by statement_timeout (a slow page: the thread finds it), or failed
    return [int(last.get_value(row, 0) or b"0") for row in range(last.ntuples)]


def _results(pgconn: pq.abc.PGconn, deadline: float) -> list[pq.abc.PGresult] | None:
    """Every result of the query sent, or None when `deadline` passed before they came."""
    results: list[pq.abc.PGresult] = []
    while True:
        while pgconn.is_busy():
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            select.select([pgconn.socket], [], [], left)
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            return results
        results.append(result)


def settings(walk: float | None) -> tuple[str, ...]:
    """How a tier's page is read (`walks`): a walk of the date index for `walk` seconds (PostgreSQL
    otherwise read a tier its statistics called rare through the word index, whatever was
    asked), or the word index's matches, sorted."""
    if walk is None:
        return ("SET LOCAL enable_indexscan = off",)
    return (
        f"SET LOCAL statement_timeout = {max(1, int(walk * 1000))}",
        "SET LOCAL enable_bitmapscan = off",
        "SET LOCAL enable_seqscan = off",
        "SET LOCAL max_parallel_workers_per_gather = 0",  # workers took 30 ms to start
    )


def _share(conn: psycopg.Connection[Any], where: str, args: tuple[object, ...], articles: float) -> float:
    """The share of the `articles` PostgreSQL's statistics say a tier matches (a plan, not a run: a
    fraction of a millisecond); 1 where the table was never analyzed (a small new library)."""
    plans = conn.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM articles WHERE {where}", args).fetchone()
    if plans is None or articles <= 0:
        return 1.0
    return float(plans[0][0]["Plan"]["Plan Rows"]) / articles


def _common(
    conn: psycopg.Connection[Any], where: str, args: tuple[object, ...], dates: Where = ("TRUE", ())
) -> bool:
    """Whether PostgreSQL's statistics say a tier matches COMMON_SHARE of the articles it walks or
    more (`_walked_share`)."""
    return _walked_share(conn, where, args, dates, _articles(conn)) >= COMMON_SHARE


def _walked_share(
    conn: psycopg.Connection[Any], where: str, args: tuple[object, ...], dates: Where, articles: float
) -> float:
    """The share of the articles a walk passes that PostgreSQL's statistics say match: of those in
    the tier's dates (the walk goes through them only: `source:kompas year:2024` was read through
    the word index, 8,700 matches sorted in 80-240 ms at 1M, where the walk of 2024 found its page
    in a few)."""
    share = _share(conn, where, args, articles)
    if dates[0] != "TRUE":
        share /= max(_share(conn, *dates, articles), 1e-9)
    return share


def walks(
    conn: psycopg.Connection[Any], where: str, args: tuple[object, ...], dates: Where
) -> tuple[float | None, ...]:
    """How a tier's first page is read, one way after another until one answers in time: a walk of
    the date index given so many seconds, or None (through the word index, sorted).

    A common tier is walked (twice, the second time longer). PostgreSQL's statistics may call a
    tier rare wrongly: they multiply the shares of its words, which repeat (`title:desa`'s first
    tier, one article in 20, at one in 5,000: reading its 54k matches to sort them took 200-500
    ms at 1M). So a tier called rare that asks only the row's own small vectors (title, source,
    place) is walked briefly first, unless it is called very rare (a word in no title: its walk
    would be time lost), as such a walk passes thousands of articles in a few milliseconds; one
    that asks a small vector first and the article's (stored apart) after is walked when called
    less rare, as its walk reads the article's vector only for the rows the small one passes
    (`desa -"rumah inklusi"`'s first tier: through the word index, each of its 54k title matches
    had its vector read, 1 s; walked, 25 ms); any other is read through the word index at once."""
    articles = _articles(conn)  # (asked once: each of the shares below is of it)
    share = _walked_share(conn, where, args, dates, articles)
    if share >= COMMON_SHARE:
        return (WALK_SECONDS, WALK_SECONDS * WALK_AGAIN, None)
    if _ARTICLE_VECTOR.search(where) is None:
        return (SHORT_WALK_SECONDS, None) if share * articles >= FEW_ROWS else (None,)
    if _SMALL_VECTOR.search(where) is not None and share >= COMMON_SHARE / 5:
        return (WALK_SECONDS, None)
    return (None,)


def _articles(conn: psycopg.Connection[Any]) -> float:
    """How many articles PostgreSQL's statistics say the library holds."""
    table = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles'").fetchone()
    return float(table[0]) if table is not None else 0.0


def _sets(query: Query, flags: Flags) -> tuple[list[Any], list[Any]]:
    """The key sets an answer must be in, and those it must not be in (as tui.library.matching)."""
    keep = [flags.get(flag, frozenset()) for flag in query.flags if flag != "unread"]
    drop = [flags.get(flag, frozenset()) for flag in query.without]
    if "unread" in query.flags:
        drop.append(flags.get("read", frozenset()))
    return keep, drop
