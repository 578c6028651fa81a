"""A person's reading state on a team library (issue 23): who you are is the database role.

Read and starred marks, reading positions and the exports' marks taken in are each person's own;
tags, notes and saved searches are the team's, each with its author. PostgreSQL guards them
(pg_schema.PEOPLE: row-level security on `current_user`), not kliping: a role that may only read
browses, and its marks stay in memory for the run with one notice saying so. The filter history
stays in the person's own state file. Every statement sends its values as parameters.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import psycopg

from tui.i18n import _
from tui.library.pg_connect import LibraryError, PgConnections, value
from tui.state import ReadingState, Shared, StateLike, merged_note

T = TypeVar("T")
SETTLE = 0.2  # seconds: changes told within this of each other are one (a bulk tagging's statements)
_MARKS = ("read", "starred")


class PgState:
    """The reading state of the role connected to a team library, kept on its server."""

    def __init__(self, library: PgConnections, local: ReadingState) -> None:
        self._library = library
        self._local = local  # the filter history, and the file's own notices
        self.notice = local.notice
        self._notices: list[str] = []
        self._lock = threading.Lock()
        self._refused = False
        self._closed = threading.Event()
        self._listener: psycopg.Connection[Any] | None = None
        person, writable, standby = self._library._read(
            lambda c: c.execute(
                "SELECT current_user, has_table_privilege('marks', 'INSERT') "
                "AND has_table_privilege('notes', 'INSERT') AND has_table_privilege('tags', 'INSERT'), "
                "pg_is_in_recovery()"
            ).fetchone()
        )
        self.person: str | None = str(person)
        self.standby = bool(standby)  # a replica takes no writes: marks go to the primary
        self.writable = bool(writable) and not self.standby
        self._positions: dict[str, float] = dict(
            self._rows(
                "SELECT digest, position FROM marks WHERE person = current_user AND position IS NOT NULL"
            )
        )

    # --- plumbing ------------------------------------------------------------------------

    def _rows(self, sql: str, args: Iterable[object] = ()) -> list[tuple[Any, ...]]:
        """A read's rows; none where the role may not read the table (told once)."""
        try:
            found: list[tuple[Any, ...]] = self._library._read(
                lambda c: c.execute(sql, tuple(args)).fetchall()
            )
        except psycopg.errors.InsufficientPrivilege:
            self._tell_refused()
            return []
        return found

    def _write(self, action: Callable[[psycopg.Connection[Any]], T], otherwise: T) -> T:
        """One transaction on the server; `otherwise` where the role may not write (told once) or the
        server cannot be reached (told each time: the next change tries again)."""
        if not self.writable:
            self._tell_refused()
            return otherwise

        def run(conn: psycopg.Connection[Any]) -> T:
            with conn.transaction():
                return action(conn)

        try:
            done: T = self._library._read(run)
        except psycopg.errors.InsufficientPrivilege:
            self.writable = False
            self._tell_refused()
            return otherwise
        except LibraryError as error:
            self._tell(str(error))
            return otherwise
        except psycopg.Error as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            self._tell(_("Could not save to the team library: {reason}").format(reason=reason))
            return otherwise
        return done

    def _tell_refused(self) -> None:
        with self._lock:
            if self._refused:
                return
            self._refused = True
        if self.standby:
            self._tell(
                _(
                    "This team library is a standby server, which only reads: marks, tags and notes "
                    "made now are kept until you quit, not saved (open the primary to keep them)."
                )
            )
            return
        self._tell(
            _(
                "You are {person} on this team library, with the right to read it only: marks, "
                "tags and notes made now are kept until you quit, not saved."
            ).format(person=self.person)
        )

    def _tell(self, notice: str) -> None:
        with self._lock:
            if notice not in self._notices:
                self._notices.append(notice)

    def take_notices(self) -> list[str]:
        with self._lock:
            notices, self._notices = self._notices, []
        return notices + self._local.take_notices()

    def listen(self, heard: Callable[[str], object]) -> None:
        self._local.listen(heard)

    # --- marks: each person's own ------------------------------------------------------------

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
        carried = list(carried)

        def put(conn: psycopg.Connection[Any]) -> None:
            for digest, read, starred, note in carried:
                taken = conn.execute(
                    "INSERT INTO imported(digest) VALUES (%s) ON CONFLICT DO NOTHING", (digest,)
                ).rowcount
                if taken != 1:
                    continue
                if read or starred:
                    conn.execute(
                        "INSERT INTO marks(digest, read, starred) VALUES (%s, %s, %s) "
                        "ON CONFLICT (person, digest) DO UPDATE SET read = marks.read OR excluded.read, "
                        "starred = marks.starred OR excluded.starred",
                        (digest, read, starred),
                    )
                if note:
                    conn.execute(
                        "INSERT INTO notes(digest, note) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                        (digest, note),
                    )

        self._write(put, None)

    # --- tags and notes: the team's ----------------------------------------------------------

    def tags(self) -> dict[str, dict[str, bool]]:
        found: dict[str, dict[str, bool]] = {}
        for digest, tag, present in self._rows("SELECT digest, tag, present FROM tags"):
            found.setdefault(digest, {})[tag] = bool(present)
        return found

    def set_tag(self, digest: str, tag: str, present: bool | None) -> None:
        self.set_tags([(digest, tag, present)])

    def set_tags(self, choices: Iterable[tuple[str, str, bool | None]]) -> None:
        """Tags chosen in this person's name; None forgets the choice, whoever made it."""
        choices = list(choices)

        def put(conn: psycopg.Connection[Any]) -> None:
            with conn.cursor() as cursor:
                cursor.executemany(
                    "DELETE FROM tags WHERE digest = %s AND tag = %s",
                    [(d, t) for d, t, p in choices if p is None],
                )
                cursor.executemany(
                    "INSERT INTO tags(digest, tag, present) VALUES (%s, %s, %s) ON CONFLICT (digest, tag) "
                    "DO UPDATE SET present = excluded.present, author = current_user, changed = now()",
                    [(d, t, p) for d, t, p in choices if p is not None],
                )

        self._write(put, None)

    def notes(self) -> dict[str, str]:
        """This person's own notes (the ones the note dialog changes)."""
        return dict(self._rows("SELECT digest, note FROM notes WHERE author = current_user"))

    def set_note(self, digest: str, note: str, was: str | None = None) -> str:
        """This person's note on an article, as `ReadingState.set_note` keeps one (the same person's
        two windows keep both texts); nobody else's note is touched (row-level security)."""
        note = note.strip()

        def put(conn: psycopg.Connection[Any]) -> str:
            row = conn.execute(
                "SELECT note FROM notes WHERE digest = %s AND author = current_user FOR UPDATE", (digest,)
            ).fetchone()
            stored = row[0] if row else ""
            kept = note if was is None or stored in (was, "", note) else merged_note(stored, note)
            if kept == stored:
                return kept
            if kept:
                conn.execute(
                    "INSERT INTO notes(digest, note) VALUES (%s, %s) ON CONFLICT (digest, author) "
                    "DO UPDATE SET note = excluded.note, changed = now()",
                    (digest, kept),
                )
            else:
                conn.execute("DELETE FROM notes WHERE digest = %s AND author = current_user", (digest,))
            return kept

        return self._write(put, note)

    def shared_now(self) -> Shared:
        tags: dict[str, dict[str, bool]] = {}
        authors: dict[str, dict[str, str]] = {}
        for digest, tag, present, author in self._rows("SELECT digest, tag, present, author FROM tags"):
            tags.setdefault(digest, {})[tag] = bool(present)
            authors.setdefault(digest, {})[tag] = str(author)
        mine: dict[str, str] = {}
        others: dict[str, list[tuple[str, str]]] = {}
        for digest, author, note in self._rows(
            "SELECT digest, author, note FROM notes ORDER BY digest, changed, author"
        ):
            if author == self.person:
                mine[digest] = note
            else:
                others.setdefault(digest, []).append((str(author), note))
        return Shared(tags, authors, mine, others)

    def watch(self, changed: Callable[[], object]) -> None:
        """Hear the team's changes to tags, notes and saved searches (the tables' trigger NOTIFYs
        `kliping_people`) on a thread with a connection of its own; a lost server is tried again."""

        def run() -> None:
            while not self._closed.is_set():
                try:
                    listener = self._listener = psycopg.connect(
                        self._library.url, autocommit=True, connect_timeout=10, application_name="kliping"
                    )
                    listener.execute("LISTEN kliping_people")
                    while not self._closed.is_set():
                        if not any(True for _note in listener.notifies(timeout=0.5, stop_after=1)):
                            continue
                        while any(True for _note in listener.notifies(timeout=SETTLE, stop_after=1)):
                            pass
                        if not self._closed.is_set():
                            changed()
                except psycopg.Error:
                    self._closed.wait(1.0)

        threading.Thread(target=run, name="kliping-people", daemon=True).start()

    # --- saved searches: the team's ----------------------------------------------------------

    def searches(self) -> list[tuple[str, str]]:
        return [(n, q) for n, q in self._rows("SELECT name, query FROM searches ORDER BY seq, name")]

    def save_search(self, name: str, query: str) -> None:
        self._write(
            lambda conn: conn.execute(
                "INSERT INTO searches(name, query, seq) "
                "VALUES (%s, %s, (SELECT coalesce(max(seq), 0) + 1 FROM searches)) "
                "ON CONFLICT (name) DO UPDATE SET query = excluded.query, author = current_user",
                (name, query),
            ),
            None,
        )

    def rename_search(self, old: str, new: str) -> None:
        def rename(conn: psycopg.Connection[Any]) -> None:
            if old != new:
                conn.execute("DELETE FROM searches WHERE name = %s", (new,))
                conn.execute(
                    "UPDATE searches SET name = %s, author = current_user WHERE name = %s", (new, old)
                )

        self._write(rename, None)

    def delete_search(self, name: str) -> None:
        self._write(lambda conn: conn.execute("DELETE FROM searches WHERE name = %s", (name,)), None)

    # --- the person's own file ---------------------------------------------------------------

    def history(self) -> list[str]:
        return self._local.history()

    def add_history(self, query: str) -> None:
        self._local.add_history(query)

    def close(self) -> None:
        self._closed.set()
        listener = self._listener
        if listener is not None:
            listener.close()
        self._local.close()


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
