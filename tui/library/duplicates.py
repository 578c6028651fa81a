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

import sqlite3
import threading
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence

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
    return [number for number in map(known.__getitem__, pieces) if number]


def sketch(text: str) -> bytes:
    """The text's MinHash sketch (its shingle count and BINS values, unsigned 32-bit), or b""
    when it is too short.

    Shingles are tuples of the words' CRC-32s; the hash of a tuple of ints is the same in every
    process (only str and bytes hashes are salted), and is well mixed (xxHash's rounds).
    """
    ids = word_ids(text)
    shingles = set(zip(*(ids[n:] for n in range(SHINGLE)), strict=False))
    if len(shingles) < MIN_SHINGLES:
        return b""
    # 30 bits of each hash (6 pick the bin, 24 are its value): ints that small sort several times
    # faster. Read from the largest down, each bin keeps the last (smallest) value it is given.
    hashes = sorted([h & _MASK30 for h in map(hash, shingles)], reverse=True)
    smallest = {h & (BINS - 1): h >> 6 for h in hashes}
    values = [smallest.get(bin_, -1) for bin_ in range(BINS)]
    if len(smallest) < BINS:  # rotation densification: an empty bin borrows from the next full one
        for bin_ in range(BINS):
            if values[bin_] < 0:
                step = 1
                while (bin_ + step) % BINS not in smallest:
                    step += 1
                values[bin_] = (smallest[(bin_ + step) % BINS] + (step << 24)) & _MASK32
    return array("I", [min(len(shingles), _MASK32), *values]).tobytes()


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


class Duplicates:
    """Keeps the sketches, buckets and groups in step with the articles; callers hold the lock
    and pass the connection of the transaction under way."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.deferred = False  # a bulk load: sketches are only stored, and grouped by settle()
        self.stopping = threading.Event()  # the library is closing: settle() leaves the rest for later

    def add(self, conn: sqlite3.Connection, items: Iterable[tuple[int, bytes]]) -> None:
        """Articles just written, as (key, sketch): each joins the group of its near-copies.

        A batch at a time: its buckets are looked up in the table in a few queries and written in
        one, in bucket order (one lookup and 21 inserts an article made grouping a fifth of a load).
        """
        if self.deferred:
            conn.executemany(
                "INSERT OR REPLACE INTO sketches(key, sketch, grouped) VALUES (?, ?, 0)",
                [(key, stored) for key, stored in items if stored],
            )
            return
        new = [(key, values_of(stored)) for key, stored in items if stored]
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

    def settle(self, db: Database, chunk: int = 100_000) -> None:
        """Group what a bulk load stored ungrouped, all at once: candidates found band by band in
        memory, the buckets written in their order, in transactions of `chunk` rows with the lock
        let go between them. In the writer's transaction the buckets' 2.1M random inserts at 100k
        were 30% of a cold load (206 s of 678 on a loaded machine)."""
        with db.lock:
            conn = db.conn
            pending = [
                (key, values_of(stored))
                for key, stored in conn.execute("SELECT key, sketch FROM sketches WHERE grouped = 0")
            ]
            held = conn.execute("SELECT 1 FROM buckets LIMIT 1").fetchone() is not None
        if not pending or self.stopping.is_set():
            return
        known = dict(pending)
        bands = {key: bucket_keys(values) for key, values in pending}
        parent: dict[int, int] = {}

        def root(key: int) -> int:
            parent.setdefault(key, key)
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for band in range(BANDS):
            if self.stopping.is_set():
                return  # still marked ungrouped: the next run's library settles them (Library.__init__)
            seen: dict[int, list[int]] = {}
            for key, _values in pending:
                others = seen.setdefault(bands[key][band], [])
                for other in others[:BUCKET_PEERS]:
                    if root(key) != root(other) and self.near(known[key], known[other]):
                        parent[root(key)] = root(other)
                others.append(key)
        if held:  # a bulk load into a cache that has articles: the ones already there are candidates
            self._settle_with_held(db, bands, known, root, parent)
        parts: dict[int, set[int]] = {}
        for key in list(parent):
            parts.setdefault(root(key), set()).add(key)
        rows = sorted((bucket, key) for key, buckets in bands.items() for bucket in buckets)

        def write_groups(conn: sqlite3.Connection) -> None:
            for part in parts.values():
                if len(part) > 1:
                    self._write_group(conn, self._members(conn, part))

        with db.lock:
            db.write(write_groups)

        def write_buckets(part: list[tuple[int, int]]) -> Callable[[sqlite3.Connection], object]:
            return lambda conn: conn.executemany(
                "INSERT OR IGNORE INTO buckets(bucket, key) VALUES (?, ?)", part
            )

        for start in range(0, len(rows), chunk):
            if self.stopping.is_set():
                return
            with db.lock:
                db.write(write_buckets(rows[start : start + chunk]))
        with db.lock:
            db.write(lambda conn: conn.execute("UPDATE sketches SET grouped = 1 WHERE grouped = 0"))

    @staticmethod
    def pending(conn: sqlite3.Connection) -> bool:
        """Whether a bulk load left sketches ungrouped (it was stopped before it could group them)."""
        return conn.execute("SELECT 1 FROM sketches WHERE grouped = 0 LIMIT 1").fetchone() is not None

    def _settle_with_held(
        self,
        db: Database,
        bands: dict[int, list[int]],
        known: dict[int, array[int]],
        root: Callable[[int], int],
        parent: dict[int, int],
    ) -> None:
        wanted: dict[int, list[int]] = {}
        for key, buckets in bands.items():
            for bucket in buckets:
                wanted.setdefault(bucket, []).append(key)
        found: set[tuple[int, int]] = set()
        order = sorted(wanted)
        for start in range(0, len(order), 500):
            chunk = order[start : start + 500]
            marks = ",".join("?" * len(chunk))
            with db.lock:
                rows = db.conn.execute(
                    f"SELECT bucket, key FROM buckets WHERE bucket IN ({marks})", chunk
                ).fetchall()
            found.update((key, other) for bucket, other in rows for key in wanted[bucket] if other != key)
        if not found:
            return
        with db.lock:
            others = dict(self._sketches(db.conn, {other for _key, other in found}))
        for key, other in found:
            if other in others and self.near(known[key], others[other]) and root(key) != root(other):
                parent[root(key)] = root(other)

    def near(self, one: Sequence[int], other: Sequence[int]) -> bool:
        return containment(one, other) >= self.threshold

    def _sketches(self, conn: sqlite3.Connection, keys: Iterable[int]) -> list[tuple[int, array[int]]]:
        wanted = list(keys)
        found: list[tuple[int, array[int]]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT key, sketch FROM sketches WHERE key IN ({marks})", chunk)
            found += [(k, values_of(s)) for k, s in rows]
        return found

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
            conn.executemany(
                "DELETE FROM buckets WHERE bucket = ? AND key = ?",
                [(b, key) for b in bucket_keys(values_of(row[0]))],
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
