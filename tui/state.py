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

from tui.i18n import _
from tui.sqlite import Database, Schema, Wording

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


NOTE_SEPARATOR = "\n\n-----\n\n"  # between two windows' texts of one note, so neither is lost


def merged_note(theirs: str, mine: str) -> str:
    """Both texts of a note two windows changed at once; deleting it in one keeps the other's."""
    if not mine or mine in theirs:
        return theirs
    if theirs in mine:
        return mine
    return theirs + NOTE_SEPARATOR + mine


def default_state_path() -> Path:
    """Where reading state lives, so it follows the platform's conventions (XDG data dir on Linux)."""
    return Path(platformdirs.user_data_dir("kliping", appauthor=False)) / "state.sqlite3"


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


class ReadingState:
    """Read / starred marks, positions and filter history, safe to share between threads and windows."""

    person: str | None = None  # one person's file: nobody to tell apart

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = None if path is None else Path(path)
        wording = Wording(
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
                "The reading state file {path} can be written again: the marks made meanwhile "
                "are saved in it."
            ),
        )
        # Opening waits a moment, not the ten seconds a write may: the screen waits for it.
        self._db = Database(
            self.path, _SCHEMA, wording, retry_seconds=RETRY_SECONDS, open_wait_ms=OPEN_WAIT_MS
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

    @staticmethod
    def _tidy(conn: sqlite3.Connection, digest: str) -> None:
        """Drop a row that no longer says anything, so the file holds only what users marked."""
        conn.execute(
            "DELETE FROM marks WHERE digest = ? AND read = 0 AND starred = 0 AND position IS NULL",
            (digest,),
        )

    def _set_flag(self, column: str, digest: str, value: bool | None) -> bool:
        """Set (or with None, flip) one flag in a single transaction, so concurrent toggles never race."""

        def flip(conn: sqlite3.Connection) -> bool:
            row = conn.execute(f"SELECT {column} FROM marks WHERE digest = ?", (digest,)).fetchone()
            current = bool(row[0]) if row else False
            new = (not current) if value is None else value
            conn.execute(
                f"INSERT INTO marks(digest, {column}, changed) VALUES (?, ?, ?) "
                f"ON CONFLICT(digest) DO UPDATE SET {column} = excluded.{column}, changed = excluded.changed",
                (digest, int(new), time.time()),
            )
            self._tidy(conn, digest)
            return new

        return self._write(flip)

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

        def put(conn: sqlite3.Connection) -> None:
            conn.executemany(
                f"INSERT INTO marks(digest, {mark}, changed) VALUES (?, ?, ?) "
                f"ON CONFLICT(digest) DO UPDATE SET {mark} = excluded.{mark}, changed = excluded.changed",
                rows,
            )
            if not value:
                conn.executemany(
                    "DELETE FROM marks WHERE digest = ? AND read = 0 AND starred = 0 AND position IS NULL",
                    [(row[0],) for row in rows],
                )

        self._write(put)

    def toggle_star(self, digest: str) -> bool:
        """Flip the star and say what it is now, so the caller need not read it back."""
        return self._set_flag("starred", digest, None)

    def follow(self, old: str, new: str, *, keep_old: bool = False) -> None:
        """An article's content changed (an edit): its marks and position go to the new digest.

        Marks the new digest already has are kept (read or starred stays so); the old digest's
        row goes unless another copy of that content is still in the library.
        """

        def move(conn: sqlite3.Connection) -> None:
            row = conn.execute(
                "SELECT read, starred, position FROM marks WHERE digest = ?", (old,)
            ).fetchone()
            if row is None:
                return
            conn.execute(
                "INSERT INTO marks(digest, read, starred, position, changed) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(digest) DO UPDATE SET read = max(read, excluded.read), "
                "starred = max(starred, excluded.starred), "
                "position = coalesce(position, excluded.position), changed = excluded.changed",
                (new, row[0], row[1], row[2], time.time()),
            )
            if not keep_old:
                conn.execute("DELETE FROM marks WHERE digest = ?", (old,))

        def move_annotations(conn: sqlite3.Connection) -> None:
            # The new content's own tags and note win; what only the old one had comes along.
            conn.execute(
                "INSERT OR IGNORE INTO tags(digest, tag, present) SELECT ?, tag, present FROM tags "
                "WHERE digest = ?",
                (new, old),
            )
            conn.execute(
                "INSERT OR IGNORE INTO notes(digest, note, changed) SELECT ?, note, changed FROM notes "
                "WHERE digest = ?",
                (new, old),
            )
            if not keep_old:
                conn.execute("DELETE FROM tags WHERE digest = ?", (old,))
                conn.execute("DELETE FROM notes WHERE digest = ?", (old,))

        def both(conn: sqlite3.Connection) -> None:
            move(conn)
            move_annotations(conn)

        self._write(both)

    def position(self, digest: str) -> float | None:
        """How far through an article the reader got (0.0–1.0), so reopening it resumes there."""
        with self._db.lock:
            row = self._live().execute("SELECT position FROM marks WHERE digest = ?", (digest,)).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def set_position(self, digest: str, fraction: float) -> None:
        """Remember the reading position, clamped to 0.0–1.0 so a stale scroll size cannot overshoot."""
        if math.isnan(fraction):
            raise ValueError("a reading position cannot be NaN")
        fraction = min(1.0, max(0.0, float(fraction)))
        changed = time.time()
        self._write(
            lambda conn: conn.execute(
                "INSERT INTO marks(digest, position, changed) VALUES (?, ?, ?) "
                "ON CONFLICT(digest) DO UPDATE SET position = excluded.position, changed = excluded.changed",
                (digest, fraction, changed),
            )
        )

    def clear_position(self, digest: str) -> None:
        """Forget a reading position, for when an article has been read to the end."""

        def clear(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE marks SET position = NULL WHERE digest = ?", (digest,))
            self._tidy(conn, digest)

        self._write(clear)

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
        if present is None:
            self._write(
                lambda conn: conn.execute("DELETE FROM tags WHERE digest = ? AND tag = ?", (digest, tag))
            )
            return
        self._write(
            lambda conn: conn.execute(
                "INSERT OR REPLACE INTO tags(digest, tag, present) VALUES (?, ?, ?)",
                (digest, tag, int(present)),
            )
        )

    def set_tags(self, choices: Iterable[tuple[str, str, bool | None]]) -> None:
        """Many (digest, tag, present) choices in one transaction, as `set_tag` makes one."""
        choices = list(choices)

        def put(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "DELETE FROM tags WHERE digest = ? AND tag = ?", [(d, t) for d, t, p in choices if p is None]
            )
            conn.executemany(
                "INSERT OR REPLACE INTO tags(digest, tag, present) VALUES (?, ?, ?)",
                [(d, t, int(p)) for d, t, p in choices if p is not None],
            )

        self._write(put)

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

        def put(conn: sqlite3.Connection) -> str:
            row = conn.execute("SELECT note FROM notes WHERE digest = ?", (digest,)).fetchone()
            stored = row[0] if row else ""
            kept = note if was is None or stored in (was, "", note) else merged_note(stored, note)
            if kept == stored:
                return kept
            if kept:
                conn.execute(
                    "INSERT OR REPLACE INTO notes(digest, note, changed) VALUES (?, ?, ?)",
                    (digest, kept, time.time()),
                )
            else:
                conn.execute("DELETE FROM notes WHERE digest = ?", (digest,))
            return kept

        return self._write(put)

    # --- what read-it-later exports carry -------------------------------------------------

    def imported(self) -> set[str]:
        """Digests whose exported marks were taken in already: never again, so the user's own win."""
        return set(self._column("SELECT digest FROM imported"))

    def take_in(self, carried: Iterable[tuple[str, bool, bool, str]]) -> None:
        """Take in once, for each (digest, read, starred, note), what an export says: marks only
        added, a note only where there is none."""
        carried = list(carried)
        changed = time.time()

        def put(conn: sqlite3.Connection) -> None:
            for digest, read, starred, note in carried:
                if conn.execute("INSERT OR IGNORE INTO imported(digest) VALUES (?)", (digest,)).rowcount != 1:
                    continue
                if read or starred:
                    conn.execute(
                        "INSERT INTO marks(digest, read, starred, changed) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT(digest) DO UPDATE SET read = max(read, excluded.read), "
                        "starred = max(starred, excluded.starred)",
                        (digest, int(read), int(starred), changed),
                    )
                if note:
                    conn.execute(
                        "INSERT OR IGNORE INTO notes(digest, note, changed) VALUES (?, ?, ?)",
                        (digest, note, changed),
                    )

        self._write(put)

    # --- saved searches ------------------------------------------------------------------

    def searches(self) -> list[tuple[str, str]]:
        """Saved searches (name, filter) in the order they were saved."""
        with self._db.lock:
            return [(n, q) for n, q in self._live().execute("SELECT name, query FROM searches ORDER BY seq")]

    def save_search(self, name: str, query: str) -> None:
        """Save a filter under a name; saving a name again replaces its filter and keeps its place."""

        def save(conn: sqlite3.Connection) -> None:
            row = conn.execute("SELECT seq FROM searches WHERE name = ?", (name,)).fetchone()
            seq = (
                row[0]
                if row
                else conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM searches").fetchone()[0]
            )
            conn.execute(
                "INSERT OR REPLACE INTO searches(name, query, seq) VALUES (?, ?, ?)", (name, query, seq)
            )

        self._write(save)

    def rename_search(self, old: str, new: str) -> None:
        """Give a saved search another name; a search already called that is replaced."""

        def rename(conn: sqlite3.Connection) -> None:
            if old != new:
                conn.execute("DELETE FROM searches WHERE name = ?", (new,))
                conn.execute("UPDATE searches SET name = ? WHERE name = ?", (new, old))

        self._write(rename)

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

        def add(conn: sqlite3.Connection) -> None:
            top = conn.execute("SELECT coalesce(max(seq), 0) FROM history").fetchone()[0]
            conn.execute("INSERT OR REPLACE INTO history(query, seq) VALUES (?, ?)", (query, top + 1))
            conn.execute(
                "DELETE FROM history WHERE seq < "
                "(SELECT seq FROM history ORDER BY seq DESC LIMIT 1 OFFSET ?)",
                (HISTORY_LIMIT - 1,),
            )

        self._write(add)

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
