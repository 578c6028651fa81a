""" "More like this": the articles that share an article's most telling words, through the index.

An article's telling words are its frequent words weighed by how rare they are in the collection
(tf-idf, the document frequencies read from the index itself through fts5vocab); FTS5 ranks the
articles that have any of the top TERMS by bm25. No second index and nothing kept: 21 ms median
at 100k (DESIGN.md), once per key press in a thread.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Collection

from tui.library.records import body
from tui.text import fold_words

TERMS = 8  # words asked of the index
RARE = 0.1  # a word in more than this share of the articles is not asked: its list is long to rank
CANDIDATES = 60  # the article's most frequent words looked up in the index
MIN_LENGTH = 4  # shorter words (yang, dan, di) tell little
_VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_rows USING fts5vocab(main, fts, 'row')"


def telling_words(conn: sqlite3.Connection, title: str, text: str) -> list[str]:
    """The article's TERMS most telling words, most telling first."""
    counts = Counter(
        word
        for word in fold_words(f"{title}\n{title}\n{text}")
        if len(word) >= MIN_LENGTH and not word.isdigit()
    )
    if not counts:
        return []
    frequent = [word for word, _count in counts.most_common(CANDIDATES)]
    conn.execute(_VOCABULARY)
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0] or 1
    marks = ",".join("?" * len(frequent))
    found = dict(conn.execute(f"SELECT term, doc FROM temp.fts_rows WHERE term IN ({marks})", frequent))
    scored = [
        (counts[word] * math.log(total / found[word]), word)
        for word in frequent
        if 1 < found.get(word, 0) <= max(50, total * RARE)  # in another article, and not in many
    ]
    return [word for _score, word in sorted(scored, reverse=True)[:TERMS]]


def related(conn: sqlite3.Connection, key: int, limit: int, leave_out: Collection[int]) -> list[int]:
    """The keys of up to `limit` articles most like the key's, best first, without `leave_out`."""
    found = conn.execute(
        "SELECT title, blocks FROM articles JOIN texts USING (arrival) WHERE key = ?", (key,)
    ).fetchone()
    if found is None:
        return []
    words = telling_words(conn, found[0], body(found[1]))
    if not words:
        return []
    expression = "{title body} : (" + " OR ".join(f'"{word}"' for word in words) + ")"
    rows = conn.execute(
        "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 3.0, 1.0) LIMIT ?",
        (expression, limit + len(leave_out) + 1),
    )
    keys = [k for (k,) in rows if k != key and k not in leave_out]
    return keys[:limit]
