"""Near-duplicate groups in a team library: the local cache's sketches and rule (duplicates.py), kept
in PostgreSQL and grouped once a sync has written its articles.

Each article's sketch is written with it (the parse workers made it, records.prepare), with its 21
band hashes in an array that a GIN index finds candidates by. A sync's new sketches are marked
ungrouped; when its articles are all written, `settle` compares them band by band with each other
in memory, and with the grouped ones sharing a band through the index, and rewrites the groups they
join (their face: the earliest dated member, else the fullest, as in the local cache). Articles
taken out leave the other members of their groups ungrouped, so the next `settle` groups them
again. Two syncs settle one after the other (an advisory lock).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import psycopg

from tui.library.duplicates import BANDS, BUCKET_PEERS, ROWS, Unions, bucket_keys, containment, values_of
from tui.query import Query

T = TypeVar("T")

TABLES = """
CREATE TABLE IF NOT EXISTS sketches(
    key bigint PRIMARY KEY,
    sketch bytea NOT NULL,  -- duplicates.sketch: the shingle count, then the bins
    bands bigint[] NOT NULL,  -- duplicates.bucket_keys
    grouped boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS sketches_pending ON sketches(key) WHERE NOT grouped;
CREATE TABLE IF NOT EXISTS groups(key bigint PRIMARY KEY, face bigint NOT NULL);
CREATE INDEX IF NOT EXISTS groups_face ON groups(face);
"""
# A btree a band, on its element of `bands`: a GIN on the array (kept until version 5's libraries
# are opened by a sync: OLD_BANDS_INDEX) took 40 s to build at 300k, superlinearly (a key a sketch
# and band, each met once), and its `&&` with a chunk's 10,000 bands was a 33 s scan at 100k;
# these 21 build in 1.2 s at 100k (45 MB, not 112) and answer a chunk through a BitmapOr.
BANDS_INDEXES = tuple(
    f"CREATE INDEX IF NOT EXISTS sketches_band{band} ON sketches ((bands[{band}]))"
    for band in range(1, BANDS + 1)
)
BANDS_INDEX_NAMES = ", ".join(f"sketches_band{band}" for band in range(1, BANDS + 1))
OLD_BANDS_INDEX = "sketches_bands"
COPY = "COPY sketches(key, sketch, bands, grouped) FROM STDIN"
# A first sync writes its sketches marked grouped, and this mark says they all wait to be grouped
# (marking 300k rows grouped after took over a minute); the mark goes when they are.
ALL_PENDING = "INSERT INTO kliping VALUES ('groups', 'all') ON CONFLICT (name) DO UPDATE SET value = 'all'"
_LOCK = "SELECT pg_advisory_xact_lock(hashtext('kliping groups'))"
_HELD_CHUNK = 500  # ungrouped articles whose bands are looked up in the index at once
_ANY_BAND = " OR ".join(f"bands[{band}] = ANY(%s::bigint[])" for band in range(1, BANDS + 1))
_HELD = f"SELECT key, sketch, bands FROM sketches WHERE grouped AND ({_ANY_BAND})"


def forget(conn: psycopg.Connection[Any], where: str, args: Sequence[object]) -> None:
    """Before the articles `where` says are deleted: their sketches go, and the other members of
    their groups are left to be grouped again (they may have lost their link, or their face)."""
    conn.execute(
        f"""
        WITH going AS (SELECT key FROM articles WHERE {where}),
        faces AS (SELECT DISTINCT face FROM groups JOIN going USING (key)),
        members AS (DELETE FROM groups WHERE face IN (SELECT face FROM faces) RETURNING key)
        UPDATE sketches SET grouped = false WHERE key IN (SELECT key FROM members)
        """,
        args,
    )
    conn.execute(f"DELETE FROM sketches WHERE key IN (SELECT key FROM articles WHERE {where})", args)


def settle(conn: psycopg.Connection[Any], threshold: float) -> None:
    """Group the ungrouped sketches, in one transaction."""
    with conn.transaction():
        conn.execute(_LOCK)
        everything = conn.execute("SELECT 1 FROM kliping WHERE name = 'groups' AND value = 'all'").fetchone()
        if everything:
            conn.execute("DELETE FROM kliping WHERE name = 'groups'")  # (at commit)
            conn.execute("DELETE FROM groups")
        which = "" if everything else " WHERE NOT grouped"
        # (in binary: a first sync of a million articles reads every sketch, twice as large in hex)
        with conn.cursor(binary=True) as cursor:
            pending: dict[int, bytes] = dict(cursor.execute(f"SELECT key, sketch FROM sketches{which}"))
        if not pending:
            return
        unions = Unions()
        known: dict[int, array[int]] = {}  # the sketches compared, as numbers

        def values(key: int) -> array[int]:
            found = known.get(key)
            if found is None:
                found = known[key] = values_of(pending[key])
            return found

        def join(key: int, other: int, one: Sequence[int], two: Sequence[int]) -> None:
            if not unions.same(key, other) and containment(one, two) >= threshold:
                unions.join(key, other)

        # Among themselves, a band at a time (memory stays one band's); a band is a slice of the
        # stored bytes (turning each sketch into a tuple a band was most of the time: 8 s at 100k).
        for band in range(BANDS):
            seen: dict[bytes, list[int]] = {}
            start = 4 * (1 + band * ROWS)
            end = start + 4 * ROWS
            for key, sketch in pending.items():
                bucket = sketch[start:end]
                others = seen.get(bucket)
                if others is None:
                    seen[bucket] = [key]
                    continue
                for other in others[:BUCKET_PEERS]:
                    join(key, other, values(key), values(other))
                others.append(key)
        if not everything:
            _with_held(conn, list(pending), values, join)
        parts = [part for part in unions.groups() if len(part) > 1]
        if everything:
            _write_groups(conn, parts, lambda key: values(key)[0])
        else:
            for part in parts:
                _write_group(conn, set(part))
        conn.execute("UPDATE sketches SET grouped = true WHERE NOT grouped")


def _with_held(
    conn: psycopg.Connection[Any], keys: list[int], values: Callable[[int], array[int]], join: Any
) -> None:
    """Compare the ungrouped with the grouped articles sharing a band (the bands' index)."""
    if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM sketches WHERE grouped)").fetchone() == (True,):
        return
    for start in range(0, len(keys), _HELD_CHUNK):
        chunk = keys[start : start + _HELD_CHUNK]
        by_band: dict[int, list[int]] = {}
        wanted: list[list[int]] = [[] for _band in range(BANDS)]  # each band's buckets
        for key in chunk:
            for band, bucket in enumerate(bucket_keys(values(key))):
                by_band.setdefault(bucket, []).append(key)
                wanted[band].append(bucket)
        found = conn.execute(_HELD, wanted)
        for other, sketch, bands in found:
            held = values_of(sketch)
            for bucket in bands:
                for key in by_band.get(bucket, ()):
                    join(key, other, values(key), held)


def _write_group(conn: psycopg.Connection[Any], part: set[int]) -> None:
    """The group of these keys and of every member of the groups they are in, face first chosen."""
    keys = list(part)
    members = {
        key
        for (key,) in conn.execute(
            "SELECT key FROM groups WHERE face IN (SELECT face FROM groups WHERE key = ANY(%s))", (keys,)
        )
    } | part
    found = conn.execute(
        "SELECT key, minute, sketch FROM articles JOIN sketches USING (key) WHERE key = ANY(%s)",
        (list(members),),
    ).fetchall()
    face = _face((key, minute, values_of(sketch)[0]) for key, minute, sketch in found)
    conn.execute("DELETE FROM groups WHERE key = ANY(%s)", (list(members),))
    with conn.cursor() as cursor:
        cursor.executemany("INSERT INTO groups(key, face) VALUES (%s, %s)", [(key, face) for key in members])


def _write_groups(
    conn: psycopg.Connection[Any], parts: list[list[int]], shingles: Callable[[int], int]
) -> None:
    """The groups of a library grouped whole (its groups emptied first), in one read of their
    members' dates and one COPY: a group at a time, three statements each, was a round trip a
    member for a first sync of a million articles."""
    members = [key for part in parts for key in part]
    if not members:
        return
    minutes: dict[int, int | None] = dict(
        conn.execute("SELECT key, minute FROM articles WHERE key = ANY(%s)", (members,)).fetchall()
    )
    with conn.cursor() as cursor, cursor.copy("COPY groups(key, face) FROM STDIN") as copy:
        for part in parts:
            face = _face((key, minutes.get(key), shingles(key)) for key in part)
            for key in part:
                copy.write_row((key, face))


def _face(members: Iterable[tuple[int, int | None, int]]) -> int:
    """The face among (key, minute, shingles): the earliest dated, else the fullest (duplicates.face_of)."""
    found = list(members)
    dated = [(minute, key) for key, minute, _shingles in found if minute is not None]
    if dated:
        return min(dated)[1]
    return max(found, key=lambda member: (member[2], -member[0]))[0]


# --- reading (a library no sync has opened since groups were kept has no tables: none there) ---


def kept(read: Callable[[psycopg.Connection[Any]], T], none: T) -> Callable[[psycopg.Connection[Any]], T]:
    """`read`, or `none` where the library has no groups' tables yet."""

    def reading(conn: psycopg.Connection[Any]) -> T:
        try:
            return read(conn)
        except psycopg.errors.UndefinedTable:
            return none

    return reading


def flags_of(conn: psycopg.Connection[Any], query: Query) -> dict[str, set[int]]:
    """The key sets of the filter's `is:dup` and `dup:ID`, as the app's flags are passed."""
    names = [name for name in query.flag_names if name == "dup" or name.startswith("dup:")]
    return {name: copies(conn) if name == "dup" else named(conn, name[4:]) for name in names}


def copies(conn: psycopg.Connection[Any]) -> set[int]:
    """`is:dup`: the keys of every group's members other than its face."""
    return {key for (key,) in conn.execute("SELECT key FROM groups WHERE key <> face")}


def group_of(conn: psycopg.Connection[Any], key: int) -> list[int]:
    """The keys of the key's group, its face first (just the key when it has no copies)."""
    found = conn.execute("SELECT face FROM groups WHERE key = %s", (key,)).fetchone()
    if found is None:
        return [key]
    face = found[0]
    others = conn.execute(
        "SELECT key FROM groups WHERE face = %s AND key <> face ORDER BY key", (face,)
    ).fetchall()
    return [face, *(other for (other,) in others)]


def group_sizes(conn: psycopg.Connection[Any]) -> dict[int, int]:
    """Each face's key and how many articles its group has (the list's `×3`)."""
    return dict(conn.execute("SELECT face, count(*) FROM groups GROUP BY face").fetchall())


def group_faces(conn: psycopg.Connection[Any]) -> dict[int, int]:
    """Each grouped article's key and its group's face (the list folds groups with it)."""
    return dict(conn.execute("SELECT key, face FROM groups").fetchall())


def group_ids(conn: psycopg.Connection[Any]) -> dict[str, str]:
    """Each grouped article's id and its group's id (its face's `Article.id`)."""
    return dict(
        conn.execute(
            "SELECT member.id, face.id FROM groups JOIN articles AS member ON member.key = groups.key "
            "JOIN articles AS face ON face.key = groups.face"
        ).fetchall()
    )


def named(conn: psycopg.Connection[Any], ident: str) -> set[int]:
    """`dup:ID`: the group of each article whose id starts with ID."""
    ident = ident.strip().lower()
    if not ident:
        return set()
    found: set[int] = set()
    rows = conn.execute("SELECT key FROM articles WHERE left(id, %s) = %s", (len(ident), ident)).fetchall()
    for (key,) in rows:
        found.update(group_of(conn, key))
    return found
