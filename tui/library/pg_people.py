"""A person's reading state on a team library (issue 23): who you are is the database role.

Read and starred marks, reading positions and the exports' marks taken in are each person's own;
tags, notes and saved searches are the team's, each with its author. PostgreSQL guards them
(pg_schema.PEOPLE: row-level security on `current_user`), not kliping: a role that may only read
browses, and its marks stay in memory for the run with one notice saying so. The filter history
stays in the person's own state file. Every statement sends its values as parameters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import psycopg

from tui.library.pg_connect import PgConnections, value
from tui.library.pg_team import PgTeam
from tui.state import ReadingState, StateLike

_MARKS = ("read", "starred")


class PgState(PgTeam):
    """The reading state of the role connected to a team library, kept on its server: the role's
    own marks here, the team's tags, notes and searches in `PgTeam`, the plumbing in `PgPerson`."""

    def read(self) -> set[str]:
        return {d for (d,) in self._rows("SELECT digest FROM marks WHERE person = current_user AND read")}

    def starred(self) -> set[str]:
        return {d for (d,) in self._rows("SELECT digest FROM marks WHERE person = current_user AND starred")}

    def _set_mark(self, mark: str, digests: list[str], value: bool) -> None:
        if mark not in _MARKS:
            raise ValueError(f"unknown mark {mark!r}")

        def put(conn: psycopg.Connection[Any]) -> None:
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO marks(digest, {mark}) VALUES (%s, %s) ON CONFLICT (person, digest) "
                    f"DO UPDATE SET {mark} = excluded.{mark}, changed = now()",
                    [(digest, value) for digest in digests],
                )
            _tidy(conn, digests)

        self._write(put, None)

    def set_read(self, digest: str, read: bool = True) -> None:
        self._set_mark("read", [digest], bool(read))

    def set_starred(self, digest: str, starred: bool = True) -> None:
        self._set_mark("starred", [digest], bool(starred))

    def set_many(self, mark: str, digests: Iterable[str], value: bool) -> None:
        self._set_mark(mark, list(digests), bool(value))

    def toggle_star(self, digest: str) -> bool:
        def flip(conn: psycopg.Connection[Any]) -> bool:
            starred = bool(
                value(
                    conn,
                    "INSERT INTO marks(digest, starred) VALUES (%s, true) ON CONFLICT (person, digest) "
                    "DO UPDATE SET starred = NOT marks.starred, changed = now() RETURNING starred",
                    (digest,),
                )
            )
            _tidy(conn, [digest])
            return starred

        return self._write(flip, False)

    def follow(self, old: str, new: str, *, keep_old: bool = False) -> None:
        """An edited article's marks, tags and this person's notes go to its new content (each
        person's app moves that person's own marks; the team's tags are moved once)."""

        def move(conn: psycopg.Connection[Any]) -> None:
            conn.execute(
                "INSERT INTO marks(digest, read, starred, position) "
                "SELECT %s, read, starred, position FROM marks WHERE person = current_user AND digest = %s "
                "ON CONFLICT (person, digest) DO UPDATE SET read = marks.read OR excluded.read, "
                "starred = marks.starred OR excluded.starred, "
                "position = coalesce(marks.position, excluded.position), changed = now()",
                (new, old),
            )
            conn.execute(
                "INSERT INTO tags(digest, tag, present) SELECT %s, tag, present FROM tags WHERE digest = %s "
                "ON CONFLICT DO NOTHING",
                (new, old),
            )
            conn.execute(
                "INSERT INTO notes(digest, note) SELECT %s, note FROM notes "
                "WHERE digest = %s AND author = current_user ON CONFLICT DO NOTHING",
                (new, old),
            )
            if not keep_old:
                conn.execute("DELETE FROM marks WHERE person = current_user AND digest = %s", (old,))
                conn.execute("DELETE FROM tags WHERE digest = %s", (old,))
                conn.execute("DELETE FROM notes WHERE digest = %s AND author = current_user", (old,))

        with self._lock:
            if old in self._positions:
                self._positions.setdefault(new, self._positions[old])
                if not keep_old:
                    del self._positions[old]
        self._write(move, None)

    def position(self, digest: str) -> float | None:
        """Read at the start with the marks: opening an article asks the server nothing."""
        with self._lock:
            return self._positions.get(digest)

    def set_position(self, digest: str, fraction: float) -> None:
        if math.isnan(fraction):
            raise ValueError("a reading position cannot be NaN")
        fraction = min(1.0, max(0.0, float(fraction)))
        with self._lock:
            self._positions[digest] = fraction
        self._write(
            lambda conn: conn.execute(
                "INSERT INTO marks(digest, position) VALUES (%s, %s) ON CONFLICT (person, digest) "
                "DO UPDATE SET position = excluded.position, changed = now()",
                (digest, fraction),
            ),
            None,
        )

    def clear_position(self, digest: str) -> None:
        with self._lock:
            self._positions.pop(digest, None)

        def clear(conn: psycopg.Connection[Any]) -> None:
            conn.execute(
                "UPDATE marks SET position = NULL WHERE person = current_user AND digest = %s", (digest,)
            )
            _tidy(conn, [digest])

        self._write(clear, None)

    def imported(self) -> set[str]:
        return {d for (d,) in self._rows("SELECT digest FROM imported WHERE person = current_user")}

    def take_in(self, carried: Iterable[tuple[str, bool, bool, str]]) -> None:
        """An export's marks, once per person: marks only added, a note only where this person has none."""
        first: dict[str, tuple[bool, bool, str]] = {}
        for digest, read, starred, note in carried:
            first.setdefault(digest, (read, starred, note))

        def put(conn: psycopg.Connection[Any]) -> None:
            # A few statements for any number (an export of 100k articles): each a set of rows.
            taken = conn.execute(
                "INSERT INTO imported(digest) SELECT unnest(%s::text[]) "
                "ON CONFLICT DO NOTHING RETURNING digest",
                (list(first),),
            ).fetchall()
            fresh = [(digest, *first[digest]) for (digest,) in taken]
            marked = [(d, r, s) for d, r, s, _n in fresh if r or s]
            if marked:
                conn.execute(
                    "INSERT INTO marks(digest, read, starred) "
                    "SELECT * FROM unnest(%s::text[], %s::boolean[], %s::boolean[]) "
                    "ON CONFLICT (person, digest) DO UPDATE SET read = marks.read OR excluded.read, "
                    "starred = marks.starred OR excluded.starred",
                    tuple(map(list, zip(*marked, strict=True))),
                )
            noted = [(d, n) for d, _r, _s, n in fresh if n]
            if noted:
                conn.execute(
                    "INSERT INTO notes(digest, note) SELECT * FROM unnest(%s::text[], %s::text[]) "
                    "ON CONFLICT DO NOTHING",
                    tuple(map(list, zip(*noted, strict=True))),
                )

        self._write(put, None)


def _tidy(conn: psycopg.Connection[Any], digests: list[str]) -> None:
    """Drop rows that no longer say anything, so the table holds only what people marked."""
    conn.execute(
        "DELETE FROM marks WHERE person = current_user AND digest = ANY(%s) "
        "AND NOT read AND NOT starred AND position IS NULL",
        (digests,),
    )


def _satisfies(library: PgConnections) -> None:  # pragma: no cover (for mypy: a StateLike)
    state: StateLike = PgState(library, ReadingState())
    del state
