"""One's own marks carried into a team library at `kliping sync`, once (docs/TEAM.md).

A person who read, starred, tagged and noted articles in their own state file (the local cache)
and then syncs the same folder into a team library would find none of it there: the team's marks
are kept on the server. After the sync's batches, the syncing role's own read and star marks, tags,
notes and reading positions on the articles of the synced folders come along, in one transaction,
adding to what the server has and never replacing it: a mark is only added, a tag the team already
has a say on stays as it is, a note the person already has there keeps its text (the cache's is
added under it when it differs, as two windows' texts are kept), a reading position goes only where
the person has none there. Each article is carried once per person: `imported` (the
articles whose marks came from elsewhere once, an export's or the cache's) records it, so what the
person later changes in the team library wins over their cache at the next sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from tui.i18n import _, ngettext
from tui.library.pg_connect import LibraryError, PgConnections
from tui.state import ReadingState, default_state_path
from tui.state_sql import merged_note


@dataclass(frozen=True)
class Local:
    """What a person's own state file says, by content digest."""

    read: set[str] = field(default_factory=set)
    starred: set[str] = field(default_factory=set)
    tags: dict[str, dict[str, bool]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    imported: set[str] = field(default_factory=set)  # an export's marks taken in (maybe undone since)
    positions: dict[str, float] = field(default_factory=dict)  # how far the person read (0.0-1.0)

    def digests(self) -> set[str]:
        return (
            self.read | self.starred | set(self.tags) | set(self.notes) | self.imported | set(self.positions)
        )


@dataclass
class Carried:
    """How much came, for the sync's summary; `problem` says why nothing came when it failed."""

    marks: int = 0  # articles whose read or star mark was added
    tags: int = 0
    notes: int = 0
    positions: int = 0  # reading positions added
    problem: str | None = None

    def lines(self) -> list[str]:
        """What the sync says about it: nothing when nothing came."""
        if self.problem is not None:
            message = _("your own marks were not carried into the library: {reason}")
            return [message.format(reason=self.problem)]
        if not (self.marks or self.tags or self.notes or self.positions):
            return []
        counts = [
            ngettext(
                "{count} article's read or star mark", "{count} articles' read or star marks", self.marks
            ).format(count=self.marks),
            ngettext("{count} tag", "{count} tags", self.tags).format(count=self.tags),
            ngettext("{count} note", "{count} notes", self.notes).format(count=self.notes),
        ]
        if self.positions:  # (said only when some came: the line reads as before without them)
            places = ngettext("{count} reading position", "{count} reading positions", self.positions)
            counts.append(places.format(count=self.positions))
        return [_("carried from your own reading state: {counts}").format(counts=", ".join(counts))]


def read_local(path: Path | None = None) -> Local:
    """The person's own marks, tags, notes and positions; none without a state file (none is made)."""
    path = path or default_state_path()
    if not path.exists():
        return Local()
    with ReadingState(path) as state:
        return Local(
            state.read(), state.starred(), state.tags(), state.notes(), state.imported(), state.positions()
        )


def carry_local_marks(library: PgConnections, path: Path | None = None) -> Carried:
    """Bring the syncing role's own marks from its state file into the library, for the articles of
    the folders this sync was given (`library.typed_as`); a failure is said, the sync stands."""
    local = read_local(path)
    if not local.digests():
        return Carried()
    try:
        found: Carried = library._read(lambda conn: _carry(conn, library, local))
    except (psycopg.Error, LibraryError) as error:
        text = str(error).strip()
        return Carried(problem=text.splitlines()[0] if text else type(error).__name__)
    return found


def _carry(conn: psycopg.Connection[Any], library: PgConnections, local: Local) -> Carried:
    with conn.transaction():
        # Those carried already (or whose export's marks were taken in) first: a small table.
        done = {
            d
            for (d,) in conn.execute(
                "SELECT digest FROM imported WHERE person = current_user AND digest = ANY(%s)",
                (sorted(local.digests()),),
            )
        }
        wanted = sorted(local.digests() - done)
        if not wanted:
            return Carried()
        where, args = library._scope()
        synced = [
            d
            for (d,) in conn.execute(
                f"SELECT DISTINCT digest FROM articles WHERE digest = ANY(%s) AND {where}", (wanted, *args)
            )
        ]
        fresh = {
            d
            for (d,) in conn.execute(
                "INSERT INTO imported(digest) SELECT unnest(%s::text[]) "
                "ON CONFLICT DO NOTHING RETURNING digest",
                (synced,),
            )
        }
        marks = _marks(conn, local, fresh)  # (first: a position joins the row a mark made)
        return Carried(
            marks, _tags(conn, local, fresh), _notes(conn, local, fresh), _positions(conn, local, fresh)
        )


def _marks(conn: psycopg.Connection[Any], local: Local, fresh: set[str]) -> int:
    """Marks only added: read or starred on the server stays so."""
    marked = sorted(d for d in fresh if d in local.read or d in local.starred)
    if not marked:
        return 0
    changed = conn.execute(
        "INSERT INTO marks(digest, read, starred) "
        "SELECT * FROM unnest(%s::text[], %s::boolean[], %s::boolean[]) "
        "ON CONFLICT (person, digest) DO UPDATE SET read = marks.read OR excluded.read, "
        "starred = marks.starred OR excluded.starred, changed = now() "
        "WHERE NOT (marks.read >= excluded.read AND marks.starred >= excluded.starred) RETURNING digest",
        (marked, [d in local.read for d in marked], [d in local.starred for d in marked]),
    ).fetchall()
    return len(changed)


def _positions(conn: psycopg.Connection[Any], local: Local, fresh: set[str]) -> int:
    """The reading position where the person has none on the server: theirs there is never replaced."""
    placed = sorted(d for d in fresh if d in local.positions)
    if not placed:
        return 0
    added = conn.execute(
        "INSERT INTO marks(digest, position) SELECT * FROM unnest(%s::text[], %s::real[]) "
        "ON CONFLICT (person, digest) DO UPDATE SET position = excluded.position, changed = now() "
        "WHERE marks.position IS NULL RETURNING digest",
        (placed, [local.positions[d] for d in placed]),
    ).fetchall()
    return len(added)


def _tags(conn: psycopg.Connection[Any], local: Local, fresh: set[str]) -> int:
    """A tag (or a file's tag taken away) where the team has no say on it yet, in this person's name."""
    chosen = [
        (d, tag, present) for d in sorted(fresh) for tag, present in sorted(local.tags.get(d, {}).items())
    ]
    if not chosen:
        return 0
    added = conn.execute(
        "INSERT INTO tags(digest, tag, present) SELECT * FROM unnest(%s::text[], %s::text[], %s::boolean[]) "
        "ON CONFLICT (digest, tag) DO NOTHING RETURNING digest",
        tuple(map(list, zip(*chosen, strict=True))),
    ).fetchall()
    return len(added)


def _notes(conn: psycopg.Connection[Any], local: Local, fresh: set[str]) -> int:
    """The person's note; one they already have on the server keeps its text, the cache's under it."""
    mine = {d: local.notes[d] for d in sorted(fresh) if local.notes.get(d)}
    if not mine:
        return 0
    there = dict(
        conn.execute(
            "SELECT digest, note FROM notes WHERE author = current_user AND digest = ANY(%s)", (list(mine),)
        ).fetchall()
    )
    kept = {d: merged_note(there.get(d, ""), note) for d, note in mine.items()}
    changed = [(d, note) for d, note in kept.items() if note != there.get(d)]
    if changed:
        conn.execute(
            "INSERT INTO notes(digest, note) SELECT * FROM unnest(%s::text[], %s::text[]) "
            "ON CONFLICT (digest, author) DO UPDATE SET note = excluded.note, changed = now()",
            tuple(map(list, zip(*changed, strict=True))),
        )
    return len(changed)
