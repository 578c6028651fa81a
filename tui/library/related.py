""" "More like this": the articles that share an article's most telling words, through the index.

An article's telling words are its frequent words weighed by how rare they are in the collection
(tf-idf); the articles that have any of the top TERMS are ranked by the weights of those they
have, once per key press in a thread. The document frequencies are kept in `counts`, read from
the whole index when a bulk load's index is merged (merges.py, beside FTS5's 'optimize', on the
other core): asked of the index for each word (fts5vocab walks the word's whole list) they were
most of the time, 244 ms median at 100k. A word the index took in since is asked of the index.
"""

from __future__ import annotations

import heapq
import math
import sqlite3
from collections import Counter
from collections.abc import Collection, Mapping

from tui.library.records import body
from tui.text import fold_words

TERMS = 8  # words asked of the index
RARE = 0.1  # a word in more than this share of the articles is not asked: its list is long to rank
# ... unless fewer than FEW words are rarer: then up to FEW, from the words in up to COMMON of them.
# In a collection on one subject most of an article's words are in more than RARE of the articles:
# "More like this" was empty for 371 of 429 articles of a generated 3,000 like seeds/ (0 with this).
FEW = 3
COMMON = 0.5
CANDIDATES = 60  # the article's most frequent words looked up in the index
MIN_LENGTH = 4  # shorter words (yang, dan, di) tell little
_VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_rows USING fts5vocab(main, fts, 'row')"
TOTAL = ""  # the counts' row for how many articles there were when counted (no word is empty)
TABLES = """
CREATE TABLE IF NOT EXISTS counts(term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
"""
TABLE_NAMES = frozenset({"counts"})


def read_counts(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every word of the index with the number of articles that hold it, and the articles' number
    under TOTAL: one walk over the whole index (0.3 s at 20k)."""
    conn.execute(_VOCABULARY)
    found: list[tuple[str, int]] = conn.execute("SELECT term, doc FROM temp.fts_rows").fetchall()
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return [*found, (TOTAL, total)]


def store_counts(conn: sqlite3.Connection, found: list[tuple[str, int]]) -> None:
    """Keep what read_counts found, instead of what was kept."""
    conn.execute("DELETE FROM counts")
    conn.executemany("INSERT INTO counts(term, docs) VALUES (?, ?)", found)


def word_counts(title: str, text: str) -> Counter[str]:
    """How often an article uses each word that could tell it (the title counted twice more): the
    same candidates for both back ends."""
    return Counter(
        word
        for word in fold_words(f"{title}\n{title}\n{text}")
        if len(word) >= MIN_LENGTH and not word.isdigit()
    )


def telling_words(conn: sqlite3.Connection, title: str, text: str) -> list[tuple[float, str]]:
    """The article's TERMS most telling words with their weight (tf-idf), most telling first."""
    counts = word_counts(title, text)
    if not counts:
        return []
    frequent = [word for word, _count in counts.most_common(CANDIDATES)]
    marks = ",".join("?" * (len(frequent) + 1))
    found: dict[str, int] = dict(
        conn.execute(f"SELECT term, docs FROM counts WHERE term IN ({marks})", [TOTAL, *frequent])
    )
    total = found.pop(TOTAL, 0)
    if not total:  # never counted (no bulk load merged): every word is asked of the index
        found = {}
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0] or 1
    missing = [word for word in frequent if word not in found]
    if missing:
        conn.execute(_VOCABULARY)
        marks = ",".join("?" * len(missing))
        found.update(conn.execute(f"SELECT term, doc FROM temp.fts_rows WHERE term IN ({marks})", missing))
    return most_telling({word: counts[word] for word in frequent}, found, total)


def most_telling(
    counts: Mapping[str, int], documents: Mapping[str, float], total: float
) -> list[tuple[float, str]]:
    """The TERMS most telling of the words counted (tf-idf), from those in another article and not
    in many (RARE); where fewer than FEW are, the most telling of the commoner ones make up FEW
    (both back ends choose by this rule)."""

    def weighed(fewest: float, most: float) -> list[tuple[float, str]]:
        return sorted(
            (
                (count * math.log(total / documents[word]), word)
                for word, count in counts.items()
                if fewest < documents.get(word, 0) <= most
            ),
            reverse=True,
        )

    rare = max(50, total * RARE)
    scored = weighed(1, rare)[:TERMS]
    if len(scored) < FEW:
        scored += weighed(rare, total * COMMON)[: FEW - len(scored)]
    return scored


def related(conn: sqlite3.Connection, key: int, limit: int, leave_out: Collection[int]) -> list[int]:
    """The keys of up to `limit` articles most like the key's, best first, without `leave_out`.

    An article's score is the weight of each telling word it holds, three times in its title
    (the weights bm25(fts, 3.0, 1.0) was given): FTS5's bm25 is 0 for every row of this index
    (contentless, detail=column), so ranking by it gave the oldest articles with any of the words.
    Each word's articles are read from the index without ranking, at most RARE of them.
    """
    found = conn.execute(
        "SELECT title, blocks FROM articles JOIN texts USING (arrival) WHERE key = ?", (key,)
    ).fetchone()
    if found is None:
        return []
    points: dict[int, float] = {}
    get = points.get
    for weight, word in telling_words(conn, found[0], body(found[1])):
        for column, share in (("{title body}", weight), ("title", 2 * weight)):
            for (other,) in conn.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ?", (f'{column} : "{word}"',)
            ):
                points[other] = get(other, 0.0) + share
    points.pop(key, None)
    for other in leave_out:
        points.pop(other, None)
    best = heapq.nlargest(limit, points.items(), key=lambda item: (item[1], item[0]))  # newest first in a tie
    return [other for other, _score in best]
