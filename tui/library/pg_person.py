"""Who a person is on a team library (the database role), and what every part of their reading
state there shares: the server's connections, a write refused or lost said once, their own file."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import psycopg

from tui.i18n import _
from tui.library.pg_connect import LibraryError, PgConnections
from tui.state import ReadingState

T = TypeVar("T")


class PgPerson:
    """The role connected to a team library: who, whether it may write, and how it reads and writes."""

    def __init__(self, library: PgConnections, local: ReadingState) -> None:
        self._library = library
        self._local = local  # the filter history, and the file's own notices
        self.notice = local.notice
        self._notices: list[str] = []
        self._lock = threading.Lock()
        self._refused = False
        self._closed = threading.Event()
        self._listener: psycopg.Connection[Any] | None = None
        # What the server would not take (pg_team): kept for the run over what it has.
        self._kept_tags: dict[str, dict[str, bool | None]] = {}
        self._kept_notes: dict[str, str] = {}
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
