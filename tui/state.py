"""Reading state that lasts: read and starred marks, tags, notes, reading positions, filter history
and saved searches.

State is keyed by an article's content digest, so renaming or moving a file loses nothing. The
file's lifecycle (WAL, schema version, damage, a full disk) is tui.sqlite's: a damaged file is
moved aside, never deleted, with ``notice`` saying where it went; a file that cannot be written
keeps this run's marks in memory, and ``take_notices()`` says once that they were not saved.
"""

from __future__ import annotations

import math
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol, TypeVar

import platformdirs

from tui import state_sql
from tui.i18n import _
from tui.sqlite import Database, Schema, Wording
from tui.state_sql import NOTE_SEPARATOR as NOTE_SEPARATOR  # named here too, as the team's state and
from tui.state_sql import merged_note as merged_note  # the exports keep notes by the same rule

SCHEMA_VERSION = 2  # 2: tags, notes and saved searches
HISTORY_LIMIT = 500
RETRY_SECONDS = 2.0  # how often a busy or read-only state file is tried again in the background
OPEN_WAIT_MS = 300  # how long opening waits for another process's lock

# present = 1: the user added the tag; 0: the user took away a tag the file itself gives.
_ANNOTATIONS = """
CREATE TABLE IF NOT EXISTS tags(
    digest TEXT NOT NULL, tag TEXT NOT NULL, present INTEGER NOT NULL, PRIMARY KEY(digest, tag)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS notes(digest TEXT PRIMARY KEY, note TEXT NOT NULL, changed REAL NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS searches(name TEXT PRIMARY KEY, query TEXT NOT NULL, seq INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS imported(digest TEXT PRIMARY KEY) WITHOUT ROWID;
"""

_SCHEMA = Schema(
    statements="""
CREATE TABLE IF NOT EXISTS marks(
    digest TEXT PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    position REAL,
    changed REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history(query TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS history_seq ON history(seq);
"""
    + _ANNOTATIONS,
    version=SCHEMA_VERSION,
    tables=frozenset({"marks", "history", "tags", "notes", "searches", "imported"}),
    upgrades=((1, _ANNOTATIONS),),
    rebuild_other_versions=False,  # marks are the user's: a file we cannot read is set aside
)

T = TypeVar("T")


def default_state_path() -> Path:
    """Where reading state lives, so it follows the platform's conventions (XDG data dir on Linux)."""
    return Path(platformdirs.user_data_dir("kliping", appauthor=False)) / "state.sqlite3"


def _wording() -> Wording:
    """What the reading state file's troubles are called, in the user's language when it is opened."""
    return Wording(
        damaged=_(
            "The reading state file was unusable ({problem}), so it was moved to {path} "
            "and a fresh one started."
        ),
        rebuilt="",  # user data is never rebuilt
        unusable=_(
            "Could not open the reading state file {path} ({error}), so read marks, stars "
            "and history will not be kept this session."
        ),
        unwritable=_(
            "Could not save to the reading state file {path} ({error}): marks made from now on "
            "are kept in memory, and saved to it if it can be written again before kliping closes."
        ),
        busy=_(
            "The reading state file {path} is held by another program ({error}): marks made "
            "meanwhile are kept in memory and saved to it as soon as it is free."
        ),
        back=_(
            "The reading state file {path} can be written again: the marks made meanwhile are saved in it."
        ),
    )


class StateLike(Protocol):
    """What the app, the marks and the command line ask of the reading state: this module's
    `ReadingState` (one person's file), or a team library's on its server (tui.library.pg_people),
    chosen by the library (`LibraryLike.reading_state`)."""

    notice: str | None
    person: str | None  # who marks, tags and notes: the database role on a team library; None here

    def take_notices(self) -> list[str]: ...
    def listen(self, heard: Callable[[str], object]) -> None: ...
    def read(self) -> set[str]: ...
    def starred(self) -> set[str]: ...
    def set_read(self, digest: str, read: bool = True) -> None: ...
    def set_starred(self, digest: str, starred: bool = True) -> None: ...
    def set_many(self, mark: str, digests: Iterable[str], value: bool) -> None: ...
    def toggle_star(self, digest: str) -> bool: ...
    def follow(self, old: str, new: str, *, keep_old: bool = False) -> None: ...
    def position(self, digest: str) -> float | None: ...
    def set_position(self, digest: str, fraction: float) -> None: ...
    def clear_position(self, digest: str) -> None: ...
    def tags(self) -> dict[str, dict[str, bool]]: ...
    def set_tag(self, digest: str, tag: str, present: bool | None) -> None: ...
    def set_tags(self, choices: Iterable[tuple[str, str, bool | None]]) -> None: ...
    def notes(self) -> dict[str, str]: ...
    def set_note(self, digest: str, note: str, was: str | None = None) -> str: ...
    def imported(self) -> set[str]: ...
    def take_in(self, carried: Iterable[tuple[str, bool, bool, str]]) -> None: ...
    def searches(self) -> list[tuple[str, str]]: ...
    def save_search(self, name: str, query: str) -> None: ...
    def rename_search(self, old: str, new: str) -> None: ...
    def delete_search(self, name: str) -> None: ...
    def history(self) -> list[str]: ...
    def add_history(self, query: str) -> None: ...
    def close(self) -> None: ...

    def shared_now(self) -> Shared:
        """The team's tags and notes with their authors (empty in one person's file)."""
        ...

    def watch(self, changed: Callable[[], object]) -> None:
        """Call `changed` from a thread of its own when someone else changes the team's tags or
        notes (LISTEN/NOTIFY); one person's file has no one else."""
        ...


@dataclass(frozen=True)
class Shared:
    """The team's tags and notes as a team library's server has them, with who wrote each."""

    tags: dict[str, dict[str, bool]] = field(default_factory=dict)  # as `StateLike.tags`
    tag_authors: dict[str, dict[str, str]] = field(default_factory=dict)  # digest -> tag -> author
    notes: dict[str, str] = field(default_factory=dict)  # this person's own, as `StateLike.notes`
    others: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # digest -> (author, note)
    searches: list[tuple[str, str]] = field(default_factory=list)  # the team's, as `StateLike.searches`


class ReadingState:
    """Read / starred marks, positions and filter history, safe to share between threads and windows."""

    person: str | None = None  # one person's file: nobody to tell apart

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = None if path is None else Path(path)
        # Opening waits a moment, not the ten seconds a write may: the screen waits for it.
        self._db = Database(
            self.path, _SCHEMA, _wording(), retry_seconds=RETRY_SECONDS, open_wait_ms=OPEN_WAIT_MS
        )
        self.notice = self._db.notice
        self._closed = False

    def take_notices(self) -> list[str]:
        """What went wrong since opening (the file could no longer be written), to be said once."""
        return self._db.take_notices()

    def listen(self, heard: Callable[[str], object]) -> None:
        """Hear at once, from the background, what is said later (the file can be written again)."""
        self._db.heard = heard

    def retry(self) -> bool:
        """Try a busy or read-only state file again now (the background does so every few seconds);
        whether the state is in the file."""
        return self._db.retry()

    # --- plumbing ------------------------------------------------------------------------

    def _write(self, action: Callable[[sqlite3.Connection], T]) -> T:
        """One transaction, taken for writing up front so another window waits, not fails."""
        with self._db.lock:
            self._live()
            return self._db.write(action)

    def _live(self) -> sqlite3.Connection:
        if self._closed:
            raise ValueError("the reading state is closed")
        return self._db.conn

    def _column(self, sql: str) -> list[str]:
        with self._db.lock:
            return [r[0] for r in self._live().execute(sql)]

    def _set_flag(self, column: str, digest: str, value: bool | None) -> bool:
        """Set (or with None, flip) one flag in a single transaction, so concurrent toggles never race."""
        return self._write(lambda conn: state_sql.set_flag(conn, column, digest, value))

    # --- marks ---------------------------------------------------------------------------

    def read(self) -> set[str]:
        """Digests marked read, fetched at once so the list can dim them without a query per row."""
        return set(self._column("SELECT digest FROM marks WHERE read = 1"))

    def starred(self) -> set[str]:
        """Digests starred, fetched at once for the same reason as `read`."""
        return set(self._column("SELECT digest FROM marks WHERE starred = 1"))

    def set_read(self, digest: str, read: bool = True) -> None:
        """Mark an article read or unread, as opening it or a key press asks."""
        self._set_flag("read", digest, bool(read))

    def set_starred(self, digest: str, starred: bool = True) -> None:
        """Star or unstar an article: the value the user sees, whatever another window did meanwhile."""
        self._set_flag("starred", digest, bool(starred))

    def set_many(self, mark: str, digests: Iterable[str], value: bool) -> None:
        """Mark many articles read or starred (or not) in one transaction: a bulk action is one write."""
        if mark not in ("read", "starred"):
            raise ValueError(f"unknown mark {mark!r}")
        changed = time.time()
        rows = [(digest, int(value), changed) for digest in digests]
        self._write(lambda conn: state_sql.set_many(conn, mark, rows, value))

    def toggle_star(self, digest: str) -> bool:
        """Flip the star and say what it is now, so the caller need not read it back."""
        return self._set_flag("starred", digest, None)

    def follow(self, old: str, new: str, *, keep_old: bool = False) -> None:
        """An article's content changed (an edit): its marks and position go to the new digest.

        Marks the new digest already has are kept (read or starred stays so); the old digest's
        row goes unless another copy of that content is still in the library.
        """
        self._write(lambda conn: state_sql.follow(conn, old, new, keep_old))

    def position(self, digest: str) -> float | None:
        """How far through an article the reader got (0.0–1.0), so reopening it resumes there."""
        with self._db.lock:
            row = self._live().execute("SELECT position FROM marks WHERE digest = ?", (digest,)).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def positions(self) -> dict[str, float]:
        """Every reading position by digest, for carrying them into a team library (pg_carry)."""
        with self._db.lock:
            found = self._live().execute("SELECT digest, position FROM marks WHERE position IS NOT NULL")
            return {digest: float(position) for digest, position in found}

    def set_position(self, digest: str, fraction: float) -> None:
        """Remember the reading position, clamped to 0.0–1.0 so a stale scroll size cannot overshoot."""
        if math.isnan(fraction):
            raise ValueError("a reading position cannot be NaN")
        fraction = min(1.0, max(0.0, float(fraction)))
        changed = time.time()
        self._write(lambda conn: state_sql.set_position(conn, digest, fraction, changed))

    def clear_position(self, digest: str) -> None:
        """Forget a reading position, for when an article has been read to the end."""
        self._write(lambda conn: state_sql.clear_position(conn, digest))

    # --- tags and notes ------------------------------------------------------------------

    def tags(self) -> dict[str, dict[str, bool]]:
        """Per digest, the tags the user added (True) or took away from the file's own (False)."""
        found: dict[str, dict[str, bool]] = {}
        with self._db.lock:
            for digest, tag, present in self._live().execute("SELECT digest, tag, present FROM tags"):
                found.setdefault(digest, {})[tag] = bool(present)
        return found

    def set_tag(self, digest: str, tag: str, present: bool | None) -> None:
        """Add (True) or take away (False) a tag; None forgets the choice, leaving the file's say."""
        self.set_tags([(digest, tag, present)])

    def set_tags(self, choices: Iterable[tuple[str, str, bool | None]]) -> None:
        """Many (digest, tag, present) choices in one transaction, as `set_tag` makes one."""
        choices = list(choices)
        self._write(lambda conn: state_sql.set_tags(conn, choices))

    def notes(self) -> dict[str, str]:
        """Every note by digest: a few thousand at most, read at once like the marks."""
        with self._db.lock:
            return dict(self._live().execute("SELECT digest, note FROM notes"))

    def set_note(self, digest: str, note: str, was: str | None = None) -> str:
        """Keep a note on an article (an empty one deletes it); the file itself is never touched.

        `was` is the note the caller last saw: when another window changed it since, neither text
        is lost (both kept, the other's first, under NOTE_SEPARATOR). Returns the note now kept.
        """
        note = note.strip()
        return self._write(lambda conn: state_sql.set_note(conn, digest, note, was))

    # --- what read-it-later exports carry -------------------------------------------------

    def imported(self) -> set[str]:
        """Digests whose exported marks were taken in already: never again, so the user's own win."""
        return set(self._column("SELECT digest FROM imported"))

    def take_in(self, carried: Iterable[tuple[str, bool, bool, str]]) -> None:
        """Take in once, for each (digest, read, starred, note), what an export says: marks only
        added, a note only where there is none."""
        carried = list(carried)
        changed = time.time()
        self._write(lambda conn: state_sql.take_in(conn, carried, changed))

    # --- saved searches ------------------------------------------------------------------

    def searches(self) -> list[tuple[str, str]]:
        """Saved searches (name, filter) in the order they were saved."""
        with self._db.lock:
            return [(n, q) for n, q in self._live().execute("SELECT name, query FROM searches ORDER BY seq")]

    def save_search(self, name: str, query: str) -> None:
        """Save a filter under a name; saving a name again replaces its filter and keeps its place."""
        self._write(lambda conn: state_sql.save_search(conn, name, query))

    def rename_search(self, old: str, new: str) -> None:
        """Give a saved search another name; a search already called that is replaced."""
        self._write(lambda conn: state_sql.rename_search(conn, old, new))

    def delete_search(self, name: str) -> None:
        self._write(lambda conn: conn.execute("DELETE FROM searches WHERE name = ?", (name,)))

    # --- filter history ------------------------------------------------------------------

    def history(self) -> list[str]:
        """Past filters, oldest first, so the filter bar can step back through them like a shell."""
        return self._column("SELECT query FROM history ORDER BY seq")

    def add_history(self, query: str) -> None:
        """Remember a filter at the end of the history, moving it there if it was used before."""
        query = query.strip()
        if not query:
            return
        self._write(lambda conn: state_sql.add_history(conn, query, HISTORY_LIMIT))

    # --- a team's (none in one person's file) ----------------------------------------------

    def shared_now(self) -> Shared:
        return Shared()

    def watch(self, changed: Callable[[], object]) -> None:
        """Nobody else writes here but this person's other windows, whose marks wait for a restart."""

    # --- closing -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the file so the WAL is checkpointed and folded back in; safe to call twice."""
        with self._db.lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def __enter__(self) -> ReadingState:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _satisfies() -> None:  # pragma: no cover (for mypy: the file is a StateLike)
    state: StateLike = ReadingState()
    del state
