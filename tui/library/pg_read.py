"""Reading a team's library (`PgLibrary`): list lines, articles, problems, and the news that
someone changed it (LISTEN/NOTIFY)."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from typing import Any

import psycopg

from tui.article import Article, Problem
from tui.i18n import decode
from tui.library import pg_common, pg_groups, pg_related
from tui.library.pg_connect import PgConnections, like_escaped
from tui.library.pg_query import DATE_DESC
from tui.library.pg_schema import MENTIONS_COLUMNS, article_columns
from tui.library.pg_text import NUL_STANDIN
from tui.library.records import ARTICLE_COLUMNS, Row, article_from, tags_from

QUIET, BUSY = 1.0, 5.0  # seconds: a sync's batches are one change once none came for QUIET (at most BUSY)
FETCHED_ROWS = 5_000  # rows made into Python values at a time (see _rows_where)
_ROW_COLUMNS = "key, title, date, source, place, words, path, digest, tags, carried"
# The places and acronyms (facets.py): none where NULL, an article synced before they were kept.
_MENTIONS = ", coalesce(places, ''), coalesce(acronyms, '')"


def _reason(stored: str) -> str:
    return stored.replace(NUL_STANDIN, "\x00", 1) if stored.startswith(NUL_STANDIN) else stored


class PgReading(PgConnections):
    """What the app reads of a `PgLibrary` besides searching."""

    def rows(self, newest_first: bool = False, limit: int = -1) -> list[Row]:
        where, args = self._scope()
        order = f" ORDER BY {DATE_DESC}" if newest_first else ""
        return self._rows_where(f"{where}{order} LIMIT %s", (*args, None if limit < 0 else limit))

    def _rows_where(self, where: str, args: tuple[object, ...]) -> list[Row]:
        """The list lines of the articles `where` (SQL after WHERE) picks."""

        parse = dt.datetime.fromisoformat
        shown = self._paths.shown

        def when(stored: str | None) -> dt.datetime | None:
            return None if stored is None else parse(stored)

        def read(c: psycopg.Connection[Any]) -> list[Row]:
            if not self._mentions_kept:  # (asked until they are there: a sync may add them meanwhile)
                self._mentions_kept = article_columns(c) >= MENTIONS_COLUMNS
            mentions = _MENTIONS if self._mentions_kept else ", '', ''"
            cursor = c.execute(f"SELECT {_ROW_COLUMNS}{mentions} FROM articles WHERE {where}", args)
            rows: list[Row] = []
            # A batch at a time: psycopg makes a fetch's Python values in C, holding the interpreter's
            # lock throughout (every row at 1M: ~1 s in which the event loop saw no key).
            while found := cursor.fetchmany(FETCHED_ROWS):
                rows += [
                    Row(k, t, when(d), s, p, w, shown(path), digest, tags_from(g), carried, m, a)
                    for k, t, d, s, p, w, path, digest, g, carried, m, a in found
                ]
            return rows

        rows: list[Row] = self._read(read)
        return rows

    def shared_rows(self) -> tuple[list[Row], set[str], int]:
        """Every row the first time; after, what changed since (interface.LibraryLike): a row's
        key never changes what it says (a file read again gets new keys), so the keys tell. Every
        row again took 5.5 s at 1M for each sync someone made, with the app's list rebuilt after."""
        self._common = self._read(pg_common.stored)  # (chosen by the first sync: maybe since this opened)
        if not self._given:
            rows = self.rows(newest_first=True)
            self._given = {row.key: row.path for row in rows}
            return rows, set(), len(rows)
        where, args = self._scope()

        def keys(c: psycopg.Connection[Any]) -> list[int]:
            found = c.cursor(binary=True).execute(f"SELECT array_agg(key) FROM articles WHERE {where}", args)
            held = found.fetchone()
            return list(held[0] or []) if held is not None else []

        now = set(self._read(keys))  # (an array in binary: 0.2 s at 1M, where rows were 0.5)
        given = self._given
        gone = {path for key, path in given.items() if key not in now}
        new = [key for key in now if key not in given]
        stored = [self._paths.stored(path) for path in gone]
        rows = self._rows_where(f"(key = ANY(%s) OR path = ANY(%s)) ORDER BY {DATE_DESC}", (new, stored))
        self._given = {key: path for key, path in given.items() if key in now}
        self._given.update((row.key, row.path) for row in rows)
        return rows, gone, len(now)

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
            where, args = "source IS NULL AND path LIKE %s", (like_escaped(folder) + "%",)
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

    def group(self, key: int) -> list[int]:
        """(tui.library.interface) The key's near-duplicate group, face first (pg_groups.py)."""
        found: list[int] = self._read(pg_groups.kept(lambda c: pg_groups.group_of(c, key), [key]))
        return found

    def group_sizes(self) -> dict[int, int]:
        found: dict[int, int] = self._read(pg_groups.kept(pg_groups.group_sizes, {}))
        return found

    def group_faces(self) -> dict[int, int]:
        found: dict[int, int] = self._read(pg_groups.kept(pg_groups.group_faces, {}))
        return found

    def group_ids(self) -> dict[str, str]:
        found: dict[str, str] = self._read(pg_groups.kept(pg_groups.group_ids, {}))
        return found

    def related(self, key: int, limit: int = 10) -> list[int]:
        """(tui.library.interface) "More like this": the articles sharing its most telling words
        (pg_related.py), its own near-duplicate group left out."""
        found: list[int] = self._read(lambda conn: pg_related.related_of(conn, key, limit))
        return found
