"""The reading state file's transactions, each a plain function over one connection.

`tui.state.ReadingState` runs each of them as one write (locked, all or nothing, done again in the
file after a spell in memory), so everything a transaction needs that must not change when it is
done again (the rows, the time) is worked out by the caller and passed in.
"""

from __future__ import annotations

import sqlite3
import time

NOTE_SEPARATOR = "\n\n-----\n\n"  # between two windows' texts of one note, so neither is lost


def merged_note(theirs: str, mine: str) -> str:
    """Both texts of a note two windows changed at once; deleting it in one keeps the other's."""
    if not mine or mine in theirs:
        return theirs
    if theirs in mine:
        return mine
    return theirs + NOTE_SEPARATOR + mine


def note_to_keep(stored: str, note: str, was: str | None) -> str:
    """The note to keep when `note` is saved over `stored`: merged with it when another window
    changed it since this one read `was` (both back ends keep notes by this rule)."""
    return note if was is None or stored in (was, "", note) else merged_note(stored, note)


# --- marks -----------------------------------------------------------------------------------


def tidy(conn: sqlite3.Connection, digest: str) -> None:
    """Drop a row that no longer says anything, so the file holds only what users marked."""
    conn.execute(
        "DELETE FROM marks WHERE digest = ? AND read = 0 AND starred = 0 AND position IS NULL",
        (digest,),
    )


def set_flag(conn: sqlite3.Connection, column: str, digest: str, value: bool | None) -> bool:
    """Set (or with None, flip) one flag and say what it is now: read and written in one transaction."""
    row = conn.execute(f"SELECT {column} FROM marks WHERE digest = ?", (digest,)).fetchone()
    current = bool(row[0]) if row else False
    new = (not current) if value is None else value
    conn.execute(
        f"INSERT INTO marks(digest, {column}, changed) VALUES (?, ?, ?) "
        f"ON CONFLICT(digest) DO UPDATE SET {column} = excluded.{column}, changed = excluded.changed",
        (digest, int(new), time.time()),
    )
    tidy(conn, digest)
    return new


def set_many(conn: sqlite3.Connection, mark: str, rows: list[tuple[str, int, float]], value: bool) -> None:
    """Put one mark on many (digest, value, changed) rows, dropping the rows left saying nothing."""
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


def follow(conn: sqlite3.Connection, old: str, new: str, keep_old: bool) -> None:
    """Carry an old digest's marks, position, tags and note to a new one, the new one's own winning."""
    row = conn.execute("SELECT read, starred, position FROM marks WHERE digest = ?", (old,)).fetchone()
    if row is not None:
        conn.execute(
            "INSERT INTO marks(digest, read, starred, position, changed) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(digest) DO UPDATE SET read = max(read, excluded.read), "
            "starred = max(starred, excluded.starred), "
            "position = coalesce(position, excluded.position), changed = excluded.changed",
            (new, row[0], row[1], row[2], time.time()),
        )
        if not keep_old:
            conn.execute("DELETE FROM marks WHERE digest = ?", (old,))
    # The new content's own tags and note win; what only the old one had comes along.
    conn.execute(
        "INSERT OR IGNORE INTO tags(digest, tag, present) SELECT ?, tag, present FROM tags WHERE digest = ?",
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


def set_position(conn: sqlite3.Connection, digest: str, fraction: float, changed: float) -> None:
    """Keep a reading position already clamped to 0.0–1.0."""
    conn.execute(
        "INSERT INTO marks(digest, position, changed) VALUES (?, ?, ?) "
        "ON CONFLICT(digest) DO UPDATE SET position = excluded.position, changed = excluded.changed",
        (digest, fraction, changed),
    )


def clear_position(conn: sqlite3.Connection, digest: str) -> None:
    """Forget a reading position, and the row with it when it held nothing else."""
    conn.execute("UPDATE marks SET position = NULL WHERE digest = ?", (digest,))
    tidy(conn, digest)


# --- tags and notes --------------------------------------------------------------------------


def set_tags(conn: sqlite3.Connection, choices: list[tuple[str, str, bool | None]]) -> None:
    """Keep each tag added (True) or taken away (False), and forget each choice that is None."""
    conn.executemany(
        "DELETE FROM tags WHERE digest = ? AND tag = ?", [(d, t) for d, t, p in choices if p is None]
    )
    conn.executemany(
        "INSERT OR REPLACE INTO tags(digest, tag, present) VALUES (?, ?, ?)",
        [(d, t, int(p)) for d, t, p in choices if p is not None],
    )


def set_note(conn: sqlite3.Connection, digest: str, note: str, was: str | None) -> str:
    """Keep a note, merged with another window's when it changed since `was`; the note now kept."""
    row = conn.execute("SELECT note FROM notes WHERE digest = ?", (digest,)).fetchone()
    stored = row[0] if row else ""
    kept = note_to_keep(stored, note, was)
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


def take_in(conn: sqlite3.Connection, carried: list[tuple[str, bool, bool, str]], changed: float) -> None:
    """Take in what exports carry, once per digest: marks only added, a note only where there is none."""
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


# --- saved searches and filter history -------------------------------------------------------


def save_search(conn: sqlite3.Connection, name: str, query: str) -> None:
    """Save a filter under a name, a name saved before keeping its place."""
    row = conn.execute("SELECT seq FROM searches WHERE name = ?", (name,)).fetchone()
    seq = row[0] if row else conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM searches").fetchone()[0]
    conn.execute("INSERT OR REPLACE INTO searches(name, query, seq) VALUES (?, ?, ?)", (name, query, seq))


def rename_search(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Rename a saved search, replacing one already called `new`."""
    if old != new:
        conn.execute("DELETE FROM searches WHERE name = ?", (new,))
        conn.execute("UPDATE searches SET name = ? WHERE name = ?", (new, old))


def add_history(conn: sqlite3.Connection, query: str, limit: int) -> None:
    """Put a filter at the end of the history and keep only the last `limit` of them."""
    top = conn.execute("SELECT coalesce(max(seq), 0) FROM history").fetchone()[0]
    conn.execute("INSERT OR REPLACE INTO history(query, seq) VALUES (?, ?)", (query, top + 1))
    conn.execute(
        "DELETE FROM history WHERE seq < (SELECT seq FROM history ORDER BY seq DESC LIMIT 1 OFFSET ?)",
        (limit - 1,),
    )
