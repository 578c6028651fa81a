"""The index's vocabulary and its stems, so `temu` also finds `pertemuan`.

Stemming (Sastrawi, ~50–200 µs a word) runs only on vocabulary never seen before; a large batch
of new words is stemmed on a background thread so a cold load is not held up by it.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Sequence

from tui.search import stem
from tui.sqlite import Database
from tui.text import fold_words

INLINE_STEMS = 2000  # fewer new words than this are stemmed at once; more go to a thread
_RAW_SEEN_KEPT = 2_000_000
_BYTES_TO_WORDS = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\n\r\x0b\x0c",
    b"abcdefghijklmnopqrstuvwxyz" + b" " * 37,
)


# A letter or digit outside ASCII: the index folds some of these otherwise than fold_words does
# (FTS5 reads "ø" as "o", NFKD keeps it), so their words are split in Python, as typed.
_UNFOLDED = re.compile(r"[^\x00-\x7f\W]")
# The index's own words, as FTS5 tokenized them: those of titles and bodies (not the column
# every row holds for "everything NOT x"), in a table FTS5 reads from its index (fts5vocab).
_INDEX_WORDS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_words USING fts5vocab(main, fts, 'col')",
    "SELECT DISTINCT term FROM temp.fts_words WHERE col IN ('title', 'body') "
    "AND term NOT IN (SELECT term FROM terms)",
)


def has_unfolded_word(title: str, text: str) -> bool:
    """Whether a title or text holds a letter or digit outside ASCII (most texts are ASCII)."""
    return not (title.isascii() and text.isascii()) and bool(
        _UNFOLDED.search(title) or _UNFOLDED.search(text)
    )


def index_words(conn: sqlite3.Connection) -> list[str]:
    """The index's ASCII words that the terms table lacks (to store with store_words).

    A bulk load splits only its first files' texts into words in Python (and, after them, the
    words with a non-ASCII letter); the rest of the vocabulary is read here, once, from the
    index (0.6-1 s at 100k, against ~5 s of splitting in the workers). The index folds ASCII
    words as fold_words does, so these are the words the texts hold.
    """
    conn.execute(_INDEX_WORDS[0])
    return [term for (term,) in conn.execute(_INDEX_WORDS[1]) if term.isascii()]


def store_words(conn: sqlite3.Connection, terms: list[str]) -> None:
    """Store words found by index_words, unstemmed (Vocabulary.learned stems them)."""
    conn.executemany("INSERT OR IGNORE INTO terms(term) VALUES (?)", [(term,) for term in terms])


def raw_words(text: str) -> list[bytes]:
    """A text's words, split at C speed; folded and checked only when never seen before."""
    return text.encode().translate(_BYTES_TO_WORDS).split()


def raw_words_of(encoded: bytes) -> list[bytes]:
    """The raw_words of a text already encoded as UTF-8."""
    return encoded.translate(_BYTES_TO_WORDS).split()


def raw_word_set(encoded: bytes) -> set[bytes]:
    """The distinct raw_words of a text already encoded as UTF-8."""
    return set(encoded.translate(_BYTES_TO_WORDS).split())


class Vocabulary:
    """The terms table: new words found in a write, and their stems filled in now or on a thread."""

    _STEM = "UPDATE terms SET stem = ? WHERE term = ?"

    def __init__(self, db: Database, stems_changed: Callable[[], None]) -> None:
        self._db = db
        self._stems_changed = stems_changed  # the expressions' cache of forms is out of date
        self._known: set[str] | None = None
        self._raw_seen: set[bytes] = set()
        self._pending: list[str] = []
        self._stemmer: threading.Thread | None = None
        self._closing = False
        leftover = [r[0] for r in db.conn.execute("SELECT term FROM terms WHERE stem IS NULL")]
        if leftover:
            self._queue(leftover)

    def forget(self) -> None:
        """After a rollback or a new file: what this object thinks is stored may not be."""
        self._known = None
        self._raw_seen = set()

    def add(self, conn: sqlite3.Connection, raw: set[bytes]) -> list[str]:
        """Store the words never indexed before; returns those left for the thread to stem."""
        new_terms = self._new_terms(conn, raw)
        if not new_terms:
            return []
        conn.executemany("INSERT OR IGNORE INTO terms(term) VALUES (?)", [(t,) for t in new_terms])
        if len(new_terms) < INLINE_STEMS and self._stemmer is None:
            self._store_stems(conn, new_terms)
            return []
        return new_terms

    def _new_terms(self, conn: sqlite3.Connection, raw: set[bytes]) -> list[str]:
        """Vocabulary never indexed before, found with C-speed splitting so stemming sees each word once."""
        if self._known is None:
            self._known = {r[0] for r in conn.execute("SELECT term FROM terms")}
        fresh = raw - self._raw_seen
        if len(self._raw_seen) > _RAW_SEEN_KEPT:
            self._raw_seen.clear()
        self._raw_seen |= fresh
        known = self._known
        found: set[str] = set()
        for token in fresh:
            for word in fold_words(token.decode("utf-8", "replace")):
                if word not in known:
                    found.add(word)
        known |= found
        return sorted(found)

    def _store_stems(self, conn: sqlite3.Connection, terms: Sequence[str]) -> None:
        conn.executemany(self._STEM, [(stem(term), term) for term in terms])
        self._stems_changed()

    def learned(self, terms: Sequence[str]) -> None:
        """Words stored by another connection (index_words): known from now on, and stemmed on the thread."""
        if not terms:
            return
        with self._db.lock:
            if self._known is not None:
                self._known.update(terms)
        self._queue(terms)

    def stem_later(self, terms: Sequence[str]) -> None:
        """Stem a large vocabulary on a thread, so a cold load overlaps it with SQLite's work."""
        if terms:
            self._queue(terms)

    def _queue(self, terms: Sequence[str]) -> None:
        with self._db.lock:
            self._pending.extend(terms)
            if self._stemmer is None:
                self._stemmer = threading.Thread(target=self._stem_pending, name="kliping-stems", daemon=True)
                self._stemmer.start()

    def _stem_pending(self) -> None:
        while True:
            with self._db.lock:
                chunk, self._pending = self._pending[:2000], self._pending[2000:]
                if not chunk or self._closing:
                    self._stemmer = None
                    return
            pairs = [(stem(term), term) for term in chunk]
            with self._db.lock:
                try:
                    if not self._closing:
                        self._db.write(self._stems_writer(pairs))
                except sqlite3.Error:
                    self._closing = True  # damaged under us: the stems are filled in when next opened
                if self._closing:
                    self._stemmer = None
                    return
                self._stems_changed()

    def _stems_writer(self, pairs: list[tuple[str, str]]) -> Callable[[sqlite3.Connection], object]:
        return lambda conn: conn.executemany(self._STEM, pairs)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until background stemming is done (for tests and benchmarks); True when it is."""
        thread = self._stemmer
        if thread is not None:
            thread.join(timeout)
        return self._stemmer is None

    def close(self) -> None:
        """Stop background stemming; the words left unstemmed are stemmed when next opened."""
        with self._db.lock:
            self._closing = True
        thread = self._stemmer
        if thread is not None:
            thread.join()
