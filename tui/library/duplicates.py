"""Near-duplicate groups: the same story saved twice, syndicated on another site, or under another
address, found by MinHash over word shingles with banded LSH and kept in the cache.

How (docs/ARCHITECTURE.md, "Near-duplicates"):

- An article's *sketch* is made where it is parsed (records.prepare, in the parse workers): its
  folded words (tui.text) in runs of SHINGLE, each run hashed once, and one-permutation MinHash:
  the smallest hash of each of BINS bins (a hash's low bits pick its bin), empty bins filled from
  the next full one (rotation densification). Pure Python; BINS hashes a shingle would cost
  BINS times as much.
- The sketch is cut into BANDS bands of ROWS bins; each band's hash is a `buckets` row. A new
  article's candidates are the articles sharing a bucket with it (one indexed query), and a
  candidate is a near-copy when the share of equal bins (an estimate of the shingles' Jaccard
  similarity) reaches the threshold. So an article joins its group in the writer's transaction
  without anything else being computed again.
- A group is every article linked by near-copies to another; its face is the earliest dated
  member (the fullest when none is dated). `groups` holds a row for each member of a group of two
  or more: its key and the face's key. A removed member's group is checked again by itself.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import and_, rshift
from typing import Any, NamedTuple

from tui.library.keys import DATED
from tui.query import Query
from tui.sqlite import Database
from tui.text import fold_words

SHINGLE = 3  # words a shingle
BINS = 64  # (a power of two) minimum hashes a sketch: the similarity estimate's error is about 0.06 at 0.5
BANDS, ROWS = 21, 3  # 63 of the 64 bins: a pair at 0.5 shares a band 94% of the time, at 0.7 99.9%
MIN_SHINGLES = 12  # shorter texts (a caption, a link) have no sketch: they would match each other
THRESHOLD = 0.7  # how much of the shorter text the longer holds (estimated) from which they are copies
BUCKET_PEERS = 50  # a bulk load compares an article with this many others of a bucket at most
MIN_SHARE = 0.3  # the shorter has at least this share of the longer's shingles, or they are no copies
_MASK32 = 0xFFFFFFFF
_MASK30 = (1 << 30) - 1
_MASK63 = (1 << 63) - 1

TABLES = """
CREATE TABLE IF NOT EXISTS sketches(
    key INTEGER PRIMARY KEY,
    sketch BLOB NOT NULL,
    grouped INTEGER NOT NULL DEFAULT 1  -- 0: written by a bulk load, grouped when it ends (settle)
);
CREATE TABLE IF NOT EXISTS buckets(bucket INTEGER NOT NULL, key INTEGER NOT NULL, PRIMARY KEY(bucket, key))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sketches_pending ON sketches(key) WHERE grouped = 0;
CREATE TABLE IF NOT EXISTS groups(key INTEGER PRIMARY KEY, face INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS groups_face ON groups(face);
"""
TABLE_NAMES = frozenset({"sketches", "buckets", "groups"})

_word_ids: dict[str, int] = {}  # a word as written: the CRC-32 of its folded words (tui.text)


def word_ids(text: str) -> list[int]:
    """The text's words as numbers, folded as the index folds them. Split at white space, each
    piece folded once a process (`kegiatan,` is `kegiatan`, `-` is nothing): finding words with
    the index's expression and folding them took more than the rest of the sketch together."""
    pieces = text.split()
    known = _word_ids
    if len(known) > 500_000:  # a worker reading a million articles keeps it bounded
        known.clear()
    for piece in set(pieces).difference(known):
        known[piece] = zlib.crc32(" ".join(fold_words(piece)).encode())  # 0 when it has no word
    return list(filter(None, map(known.__getitem__, pieces)))


def sketch(text: str) -> bytes:
    """The text's MinHash sketch (its shingle count and BINS values, unsigned 32-bit), or b""
    when it is too short.

    Shingles are tuples of the words' CRC-32s; the hash of a tuple of ints is the same in every
    process (only str and bytes hashes are salted), and is well mixed (xxHash's rounds). Every
    step over the shingles is a C loop (map, zip, dict): a comprehension's bytecode a shingle
    was most of the sketch's time.
    """
    ids = word_ids(text)
    shingles = set(map(hash, zip(*(ids[n:] for n in range(SHINGLE)), strict=False)))
    count = len(shingles)
    if count < MIN_SHINGLES:
        return b""
    # 30 bits of each hash (6 pick the bin, 24 are its value): ints that small sort several times
    # faster. Read from the largest down, each bin keeps the last (smallest) value it is given.
    hashes = sorted(map(and_, shingles, repeat(_MASK30)), reverse=True)
    smallest = dict(zip(map(and_, hashes, repeat(BINS - 1)), map(rshift, hashes, repeat(6)), strict=True))
    if len(smallest) == BINS:
        values = list(map(smallest.__getitem__, range(BINS)))
    else:  # rotation densification: an empty bin borrows from the next full one
        values = [smallest.get(bin_, -1) for bin_ in range(BINS)]
        for bin_ in range(BINS):
            if values[bin_] < 0:
                step = 1
                while (bin_ + step) % BINS not in smallest:
                    step += 1
                values[bin_] = (smallest[(bin_ + step) % BINS] + (step << 24)) & _MASK32
    return array("I", [min(count, _MASK32), *values]).tobytes()


def values_of(stored: bytes) -> array[int]:
    """A stored sketch: its shingle count, then its BINS values."""
    found = array("I")
    found.frombytes(stored)
    return found


def bucket_keys(values: Sequence[int]) -> list[int]:
    """The sketch's band hashes, the band's number in each so bands never meet each other."""
    return [
        hash((band, *values[1 + band * ROWS : 1 + band * ROWS + ROWS])) & _MASK63 for band in range(BANDS)
    ]


def similarity(one: Sequence[int], other: Sequence[int]) -> float:
    """The share of equal bins: an estimate of the two shingle sets' Jaccard similarity."""
    return sum(map(int.__eq__, one[1:], other[1:])) / BINS


def containment(one: Sequence[int], other: Sequence[int]) -> float:
    """How much of the shorter text the longer one holds, estimated from the similarity J and the
    two shingle counts a and b: the shared shingles are J(a + b)/(1 + J), of min(a, b).

    A copy cut to its first paragraphs keeps most of its shingles but has a low J against the
    whole; so two texts of unlike length are compared by this, and only while the shorter keeps
    at least MIN_SHARE of the longer (below that, the estimate of J is too coarse to tell)."""
    shorter, longer = sorted((one[0], other[0]))
    if shorter < MIN_SHARE * longer:
        return 0.0
    jaccard = similarity(one, other)
    return min(1.0, jaccard * (shorter + longer) / (1 + jaccard) / shorter)


def face_of(members: Iterable[tuple[int, int]]) -> int:
    """The key of a group's face among (key, shingles): the earliest dated, else the fullest."""
    found = list(members)
    dated = [key for key, _words in found if key >= DATED]
    if dated:
        return min(dated)
    return max(found, key=lambda member: (member[1], -member[0]))[0]


class Found(NamedTuple):
    """What grouping a bulk load's articles found (`find`), for the library to store (`Duplicates.store`)."""

    keys: list[int]  # the articles left ungrouped that were looked at, marked grouped once stored
    made: list[tuple[int, bytes]]  # the sketches made here (b"": too short to have one)
    parts: list[list[int]]  # the groups of two or more found among them and the articles held
    buckets: array[int]  # the new buckets' rows, in bucket order: bucket, key, bucket, key, ...


class Unions:
    """Keys joined into groups as pairs are confirmed (union-find, paths halved as they are walked):
    the local cache's grouping and the team library's share it."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def root(self, key: int) -> int:
        parent = self._parent
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def same(self, key: int, other: int) -> bool:
        return self.root(key) == self.root(other)

    def join(self, key: int, other: int) -> None:
        self._parent[self.root(key)] = self.root(other)

    def groups(self) -> list[list[int]]:
        """Every key met, by group."""
        parts: dict[int, list[int]] = {}
        for key in list(self._parent):
            parts.setdefault(self.root(key), []).append(key)
        return list(parts.values())


def find(conn: sqlite3.Connection, threshold: float, stopped: Callable[[], bool]) -> Found | None:
    """Group what a bulk load stored ungrouped, reading only: the sketches it left to make are made
    from the stored texts, candidates found band by band in memory, and the articles already held
    are candidates through their buckets. None when there is nothing, or when stopped (then all is
    still marked ungrouped: the next run groups it). Runs in a child process at scale (grouping.py),
    so the app's process keeps its interpreter for the keys."""
    pending = conn.execute("SELECT key, sketch FROM sketches WHERE grouped = 0").fetchall()
    if not pending:
        return None
    known = {key: values_of(stored) for key, stored in pending if stored}
    missing = [key for key, stored in pending if not stored]
    made = dict.fromkeys(missing, b"")  # an article gone meanwhile loses its row too
    for start in range(0, len(missing), 500):
        if stopped():
            return None
        query = "SELECT articles.key, texts.blocks FROM articles JOIN texts USING (arrival) WHERE key IN ({})"
        for key, blocks in _in(conn, query, missing[start : start + 500]):
            made[key] = stored = sketch("\n\n".join(text for _kind, text in json.loads(blocks)))
            if stored:
                known[key] = values_of(stored)
    bands = {key: bucket_keys(values) for key, values in known.items()}
    unions = Unions()

    def near(one: Sequence[int], other: Sequence[int]) -> bool:
        return containment(one, other) >= threshold

    for band in range(BANDS):
        if stopped():
            return None
        seen: dict[int, list[int]] = {}
        for key, values in known.items():
            others = seen.setdefault(bands[key][band], [])
            for other in others[:BUCKET_PEERS]:
                if not unions.same(key, other) and near(values, known[other]):
                    unions.join(key, other)
            others.append(key)
    if conn.execute("SELECT 1 FROM buckets LIMIT 1").fetchone() is not None:
        # a bulk load into a cache that has articles: the ones already there are candidates
        for key, other, other_values in _held_candidates(conn, bands):
            if near(known[key], other_values) and not unions.same(key, other):
                unions.join(key, other)
    rows = array("q")
    for bucket, key in sorted((bucket, key) for key, buckets in bands.items() for bucket in buckets):
        rows.append(bucket)
        rows.append(key)
    return Found(
        [key for key, _stored in pending],
        list(made.items()),
        [part for part in unions.groups() if len(part) > 1],
        rows,
    )


def _held_candidates(
    conn: sqlite3.Connection, bands: dict[int, list[int]]
) -> Iterable[tuple[int, int, array[int]]]:
    """(key, other, other's values) for each article held before that shares a bucket with a key."""
    wanted: dict[int, list[int]] = {}
    for key, buckets in bands.items():
        for bucket in buckets:
            wanted.setdefault(bucket, []).append(key)
    found: set[tuple[int, int]] = set()
    order = sorted(wanted)
    for start in range(0, len(order), 500):
        rows = _in(conn, "SELECT bucket, key FROM buckets WHERE bucket IN ({})", order[start : start + 500])
        found.update((key, other) for bucket, other in rows for key in wanted[bucket] if other != key)
    others = dict(_sketches(conn, {other for _key, other in found}))
    return [(key, other, others[other]) for key, other in found if other in others]


def _in(conn: sqlite3.Connection, query: str, keys: Sequence[int]) -> list[tuple[Any, ...]]:
    """The rows of a query whose `IN ({})` is these keys (at most 500 a time)."""
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found += conn.execute(query.format(",".join("?" * len(chunk))), chunk).fetchall()
    return found


def _sketches(conn: sqlite3.Connection, keys: Iterable[int]) -> list[tuple[int, array[int]]]:
    rows = _in(conn, "SELECT key, sketch FROM sketches WHERE key IN ({})", list(keys))
    return [(key, values_of(stored)) for key, stored in rows if stored]


class Duplicates:
    """Keeps the sketches, buckets and groups in step with the articles; callers hold the lock
    and pass the connection of the transaction under way."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.deferred = False  # a bulk load: sketches are only stored, and grouped by settle()
        self.stopping = threading.Event()  # the library is closing: settle() leaves the rest for later

    def add(self, conn: sqlite3.Connection, items: Iterable[tuple[int, bytes | None]]) -> None:
        """Articles just written, as (key, sketch): each joins the group of its near-copies.

        A batch at a time: its buckets are looked up in the table in a few queries and written in
        one, in bucket order (one lookup and 21 inserts an article made grouping a fifth of a load).
        A bulk load's sketches are stored ungrouped, None (not made by its workers) as b"": `find`
        makes and groups them after it.
        """
        if self.deferred:
            conn.executemany(
                "INSERT OR REPLACE INTO sketches(key, sketch, grouped) VALUES (?, ?, 0)",
                [(key, b"" if stored is None else stored) for key, stored in items if stored != b""],
            )
            return
        new = [(key, values_of(stored)) for key, stored in items if stored]  # never None here (Writer)
        if not new:
            return
        bands = [(key, bucket_keys(values)) for key, values in new]
        wanted = sorted({bucket for _key, buckets in bands for bucket in buckets})
        held: dict[int, list[int]] = {}  # bucket -> keys already there
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for bucket, key in conn.execute(
                f"SELECT bucket, key FROM buckets WHERE bucket IN ({marks})", chunk
            ).fetchall():
                held.setdefault(bucket, []).append(key)
        conn.executemany(
            "INSERT OR REPLACE INTO sketches(key, sketch) VALUES (?, ?)",
            [(key, values.tobytes()) for key, values in new],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO buckets(bucket, key) VALUES (?, ?)",
            sorted((bucket, key) for key, buckets in bands for bucket in buckets),
        )
        known = dict(new)
        for key, buckets in bands:  # in the batch's order: a later article meets the earlier ones
            candidates = {other for bucket in buckets for other in held.get(bucket, ())}
            for bucket in buckets:
                held.setdefault(bucket, []).append(key)
            candidates.discard(key)
            if not candidates:
                continue
            values = known[key]
            unknown = [other for other in candidates if other not in known]
            sketches = [(other, known[other]) for other in candidates if other in known]
            sketches += self._sketches(conn, unknown)
            copies = [other for other, other_values in sketches if self.near(values, other_values)]
            if copies:
                self._join(conn, key, copies)

    def settle(self, db: Database) -> None:
        """Group what a bulk load stored ungrouped, here and now (found, then stored)."""
        found = self.find_with(db)
        if found is not None:
            self.store(db, found)

    def find_with(self, db: Database) -> Found | None:
        """`find` on a connection of the database's own (WAL: the writer goes on meanwhile), or
        under the lock when it is in memory."""
        conn = db.reader()
        if conn is None:
            with db.lock:
                return find(db.conn, self.threshold, self.stopping.is_set)
        try:
            return find(conn, self.threshold, self.stopping.is_set)
        finally:
            conn.close()

    def store(self, db: Database, found: Found, chunk: int = 20_000) -> None:
        """Write what `find` found: the sketches it made, the groups, then the buckets in their
        order, in transactions of `chunk` rows with the lock let go between them. In the writer's
        transaction the buckets' 2.1M random inserts at 100k were 30% of a cold load."""

        def write_sketches(part: list[tuple[int, bytes]]) -> Callable[[sqlite3.Connection], object]:
            def write(conn: sqlite3.Connection) -> None:
                conn.executemany(
                    "UPDATE sketches SET sketch = ? WHERE key = ? AND grouped = 0",
                    [(stored, key) for key, stored in part if stored],
                )
                conn.executemany(  # too short to have one: no row, as the writer would have left it
                    "DELETE FROM sketches WHERE key = ? AND grouped = 0",
                    [(key,) for key, stored in part if not stored],
                )

            return write

        for start in range(0, len(found.made), chunk):
            if self.stopping.is_set():
                return
            db.write(write_sketches(found.made[start : start + chunk]))

        def write_groups(conn: sqlite3.Connection) -> None:
            for part in found.parts:
                alive = [key for (key,) in _in(conn, "SELECT key FROM sketches WHERE key IN ({})", part)]
                if len(alive) > 1:  # a member may have been taken out meanwhile
                    self._write_group(conn, self._members(conn, alive))

        if found.parts:
            db.write(write_groups)
        rows = found.buckets
        for start in range(0, len(rows), 2 * chunk):
            if self.stopping.is_set():
                return
            part = rows[start : start + 2 * chunk]
            db.write(_insert_buckets(list(zip(part[::2], part[1::2], strict=True))))
        keys = [(key,) for key in found.keys]
        db.write(lambda conn: conn.executemany("UPDATE sketches SET grouped = 1 WHERE key = ?", keys))

    @staticmethod
    def pending(conn: sqlite3.Connection) -> bool:
        """Whether a bulk load left sketches to make or to group (it was stopped before, or they
        are being made now, in the background)."""
        return conn.execute("SELECT 1 FROM sketches WHERE grouped = 0 LIMIT 1").fetchone() is not None

    def near(self, one: Sequence[int], other: Sequence[int]) -> bool:
        return containment(one, other) >= self.threshold

    def _sketches(self, conn: sqlite3.Connection, keys: Iterable[int]) -> list[tuple[int, array[int]]]:
        return _sketches(conn, keys)

    def _members(self, conn: sqlite3.Connection, keys: Iterable[int]) -> set[int]:
        """These keys and every member of their groups."""
        wanted = set(keys)
        faces = set()
        for key in wanted:
            row = conn.execute("SELECT face FROM groups WHERE key = ?", (key,)).fetchone()
            if row is not None:
                faces.add(row[0])
        for face in faces:
            wanted.update(k for (k,) in conn.execute("SELECT key FROM groups WHERE face = ?", (face,)))
        return wanted

    def _join(self, conn: sqlite3.Connection, key: int, copies: Sequence[int]) -> None:
        members = self._members(conn, copies) | {key}
        self._write_group(conn, members)

    def _write_group(self, conn: sqlite3.Connection, members: set[int]) -> None:
        wanted = list(members)
        marks = ",".join("?" * len(wanted))
        sizes = conn.execute(f"SELECT key, sketch FROM sketches WHERE key IN ({marks})", wanted).fetchall()
        face = face_of((key, values_of(stored)[0]) for key, stored in sizes)
        conn.executemany(
            "INSERT OR REPLACE INTO groups(key, face) VALUES (?, ?)", [(k, face) for k in wanted]
        )

    def remove(self, conn: sqlite3.Connection, keys: Iterable[int]) -> None:
        """Articles taken out: their rows go, and each group they were in is checked again alone
        (it may have lost the link between two halves, or its face)."""
        gone = set(keys)
        if not gone:
            return
        faces: set[int] = set()
        for key in gone:
            row = conn.execute("SELECT sketch FROM sketches WHERE key = ?", (key,)).fetchone()
            if row is None:
                continue
            conn.executemany(  # none for a sketch still to be made (b"", a bulk load's: find)
                "DELETE FROM buckets WHERE bucket = ? AND key = ?",
                [(b, key) for b in bucket_keys(values_of(row[0]))] if row[0] else [],
            )
            conn.execute("DELETE FROM sketches WHERE key = ?", (key,))
            found = conn.execute("SELECT face FROM groups WHERE key = ?", (key,)).fetchone()
            if found is not None:
                faces.add(found[0])
        for face in faces:
            members = [k for (k,) in conn.execute("SELECT key FROM groups WHERE face = ?", (face,))]
            conn.execute("DELETE FROM groups WHERE face = ?", (face,))
            self._regroup(conn, [k for k in members if k not in gone])

    def _regroup(self, conn: sqlite3.Connection, keys: Sequence[int]) -> None:
        """The groups among these keys alone, by their pairs of near-copies."""
        sketches = self._sketches(conn, keys)
        parent = {key: key for key, _values in sketches}

        def root(key: int) -> int:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for index, (key, values) in enumerate(sketches):
            for other, other_values in sketches[index + 1 :]:
                if self.near(values, other_values):
                    parent[root(key)] = root(other)
        parts: dict[int, set[int]] = {}
        for key in parent:
            parts.setdefault(root(key), set()).add(key)
        for part in parts.values():
            if len(part) > 1:
                self._write_group(conn, part)


def _insert_buckets(pairs: list[tuple[int, int]]) -> Callable[[sqlite3.Connection], object]:
    return lambda conn: conn.executemany("INSERT OR IGNORE INTO buckets(bucket, key) VALUES (?, ?)", pairs)


# --- reading ----------------------------------------------------------------------------------


def asks_groups(query: Query) -> bool:
    """Whether the filter says is:dup or dup:ID, which only a library with groups can answer."""
    return any(name == "dup" or name.startswith("dup:") for name in query.flag_names)


def copies(conn: sqlite3.Connection) -> set[int]:
    """`is:dup`: the keys of every group's members other than its face."""
    return {k for (k,) in conn.execute("SELECT key FROM groups WHERE key != face")}


def group_of(conn: sqlite3.Connection, key: int) -> list[int]:
    """The keys of the key's group, its face first (just the key when it has no copies)."""
    found = conn.execute("SELECT face FROM groups WHERE key = ?", (key,)).fetchone()
    if found is None:
        return [key]
    face = found[0]
    others = sorted(k for (k,) in conn.execute("SELECT key FROM groups WHERE face = ?", (face,)) if k != face)
    return [face, *others]


def group_sizes(conn: sqlite3.Connection) -> dict[int, int]:
    """Each face's key and how many articles its group has (the list's `×3`)."""
    return dict(conn.execute("SELECT face, count(*) FROM groups GROUP BY face").fetchall())


def group_ids(conn: sqlite3.Connection) -> dict[str, str]:
    """Each grouped article's id and its group's id: its face's path id (`Article.id`), which
    stays the same while the face does, wherever the folder is opened from."""
    return dict(
        conn.execute(
            "SELECT member.id, face.id FROM groups JOIN articles AS member ON member.key = groups.key "
            "JOIN articles AS face ON face.key = groups.face"
        )
    )


def named(conn: sqlite3.Connection, ident: str) -> set[int]:
    """`dup:ID`: the group of the article whose id (or group id) is ID, or starts so."""
    ident = ident.strip().lower()
    if not ident:
        return set()
    found: set[int] = set()
    rows = conn.execute("SELECT key FROM articles WHERE substr(id, 1, ?) = ?", (len(ident), ident))
    for (key,) in rows.fetchall():
        found.update(group_of(conn, key))
    return found
