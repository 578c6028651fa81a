"""The team's tags, notes and saved searches on a team library, each with its author: everyone
reads them, each is written in one's own name, a note changed only by its author (pg_schema.PEOPLE),
and a change is heard by everyone's app (LISTEN/NOTIFY)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

from tui.library.pg_connect import LibraryError
from tui.library.pg_person import PgPerson
from tui.state import Shared
from tui.state_sql import note_to_keep

SETTLE = 0.2  # seconds: changes told within this of each other are one (a bulk tagging's statements)


class PgTeam(PgPerson):
    """The team's annotations, as a `PgState` reads and writes them.

    What the server would not take (a read-only role, a standby, a server gone) is kept for the run,
    as the notice says, over what the server has: another person's change, which makes the app ask
    the server again, does not take it away."""

    def _kept(self) -> tuple[dict[str, dict[str, bool | None]], dict[str, str]]:
        with self._lock:
            return {d: dict(t) for d, t in self._kept_tags.items()}, dict(self._kept_notes)

    def _with_kept_tags(self, found: dict[str, dict[str, bool]], authors: dict[str, dict[str, str]]) -> None:
        for digest, chosen in self._kept()[0].items():
            for tag, present in chosen.items():
                if present is None:
                    found.get(digest, {}).pop(tag, None)
                    authors.get(digest, {}).pop(tag, None)
                else:
                    found.setdefault(digest, {})[tag] = present
                    authors.setdefault(digest, {})[tag] = self.person or ""

    def tags(self) -> dict[str, dict[str, bool]]:
        found: dict[str, dict[str, bool]] = {}
        for digest, tag, present in self._rows("SELECT digest, tag, present FROM tags"):
            found.setdefault(digest, {})[tag] = bool(present)
        self._with_kept_tags(found, {})
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

        def written(conn: psycopg.Connection[Any]) -> bool:
            put(conn)
            return True

        if not self._write(written, False):
            with self._lock:
                for digest, tag, present in choices:
                    self._kept_tags.setdefault(digest, {})[tag] = present

    def notes(self) -> dict[str, str]:
        """This person's own notes (the ones the note dialog changes)."""
        found = dict(self._rows("SELECT digest, note FROM notes WHERE author = current_user"))
        return self._with_kept_notes(found)

    def _with_kept_notes(self, found: dict[str, str]) -> dict[str, str]:
        for digest, note in self._kept()[1].items():
            if note:
                found[digest] = note
            else:
                found.pop(digest, None)
        return found

    def set_note(self, digest: str, note: str, was: str | None = None) -> str:
        """This person's note on an article, as `ReadingState.set_note` keeps one (the same person's
        two windows keep both texts); nobody else's note is touched (row-level security)."""
        note = note.strip()

        def put(conn: psycopg.Connection[Any]) -> str:
            row = conn.execute(
                "SELECT note FROM notes WHERE digest = %s AND author = current_user FOR UPDATE", (digest,)
            ).fetchone()
            stored = row[0] if row else ""
            kept = note_to_keep(stored, note, was)
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

        kept: str | None = self._write(put, None)
        if kept is None:  # not saved: kept for the run
            with self._lock:
                self._kept_notes[digest] = note
            return note
        return kept

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
        self._with_kept_tags(tags, authors)
        return Shared(tags, authors, self._with_kept_notes(mine), others, self.searches())

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
                except (psycopg.Error, LibraryError):  # the server went away: listen again in a second
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
