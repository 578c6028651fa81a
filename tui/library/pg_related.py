""" "More like this" in a team library: the local cache's rule (related.py) over PostgreSQL's indexes.

An article's telling words are its frequent words weighed by how rare they are (tf-idf). A word's
document count is PostgreSQL's own statistics where the word is common (`pg_stats`' most common
lexemes of `doc`: such a word is too common to tell anything, and counting it through the index
would read most of it), else counted through the word index, which is quick for a rare word. The
articles with any of the top TERMS words are ranked by `ts_rank`, the title's words three times
the body's, as bm25(3, 1) ranks them in the local cache.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import psycopg

from tui.library import pg_groups
from tui.library.pg_text import quoted
from tui.library.records import body
from tui.library.related import CANDIDATES, RARE, most_telling, word_counts


def telling_words(conn: psycopg.Connection[Any], title: str, text: str) -> list[str]:
    """The article's TERMS most telling words, most telling first."""
    counts = word_counts(title, text)
    if not counts:
        return []
    frequent = [word for word, _count in counts.most_common(CANDIDATES)]
    found = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles'").fetchone()
    if found is None or found[0] <= 0:  # never analyzed (a small library): counted
        found = conn.execute("SELECT count(*) FROM articles").fetchone()
    total = max(1.0, float(found[0]) if found else 1.0)
    most = max(50.0, total * RARE)
    common = _common_words(conn, total)
    rare = [word for word in frequent if common.get(word, 0.0) <= most]
    with conn.pipeline():
        asked = [
            conn.execute("SELECT count(*) FROM articles WHERE doc @@ %s::tsquery", (quoted(word),))
            for word in rare
        ]
    # The words pg_stats finds common are not weighed, even where nothing rarer is (related.FEW):
    # ranking the many articles that hold one is long here (ts_rank reads each one's words).
    documents: dict[str, float] = {}
    for word, cursor in zip(rare, asked, strict=True):
        row = cursor.fetchone()
        documents[word] = int(row[0]) if row else 0
    chosen = most_telling({word: counts[word] for word in frequent}, documents, total)
    return [word for _score, word in chosen]


def _common_words(conn: psycopg.Connection[Any], total: float) -> dict[str, float]:
    """The most common lexemes of the articles' words, with their estimated document counts."""
    found = conn.execute(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE tablename = 'articles' AND attname = 'doc'"
    ).fetchone()
    if found is None or found[0] is None:
        return {}
    words, shares = found
    return {word: share * total for word, share in zip(words, shares, strict=False)}


def related(conn: psycopg.Connection[Any], key: int, limit: int, leave_out: Collection[int]) -> list[int]:
    """The keys of up to `limit` articles most like the key's, best first, without `leave_out`."""
    found = conn.execute("SELECT title, blocks FROM articles WHERE key = %s", (key,)).fetchone()
    if found is None:
        return []
    words = telling_words(conn, found[0], body(found[1]))
    if not words:
        return []
    query = " | ".join(quoted(word) for word in words)
    rows = conn.execute(
        "SELECT key FROM articles WHERE doc @@ %s::tsquery "
        "ORDER BY 3 * ts_rank(title_doc, %s::tsquery) + ts_rank(doc, %s::tsquery) DESC, key LIMIT %s",
        (query, query, query, limit + len(leave_out) + 1),
    ).fetchall()
    keys = [other for (other,) in rows if other != key and other not in leave_out]
    return keys[:limit]


def related_of(conn: psycopg.Connection[Any], key: int, limit: int) -> list[int]:
    """`related` without the key's own near-duplicate group (its copies are not "more like it")."""
    group = pg_groups.kept(lambda c: pg_groups.group_of(c, key), [key])(conn)
    return related(conn, key, limit, set(group))
