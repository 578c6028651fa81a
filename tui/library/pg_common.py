"""The library's most common words, noted in each article's row, so `desa -perempuan` need not
read every article's vector to find the few without `perempuan`.

A first page by date walks the date index and checks each article against the filter. The check
reads the article's `doc`, which PostgreSQL keeps apart from the row (TOAST), 15-25 us an article.
A filter excluding a word most articles hold passes thousands of articles for each one it keeps
(`desa -perempuan` at 1M: ~7,900 for a page of 200, 107-200 ms). So the library chooses its common
words once (`choose`: the words in the most of a sample of its articles, kept in the `kliping`
table and never changed after), and each article's row notes which of them it holds (`common`, the
words' numbers in that list: a small array kept in the row). An excluded common word is then
asked of the row first (`NOT (common && '{4}')`, a row not noted passing): the articles holding it
are passed by without their vector read (15 ms for the same page).

The note only ever says that a word is there: an article whose note was not made (`common` NULL,
a row written before the words were chosen, until `fill` notes it) is checked against its vector
as before, so the answers never depend on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg

from tui.library.pg_connect import in_batches, value

NAME = "common words"  # their row in the `kliping` table: the words, a space between, in number order
MOST = 64  # words noted: a generated one-subject corpus has ~70 in two thirds of its articles
SHARE = 0.2  # the least share of the sample a word must be in to be noted (an exclusion of a rarer
# one passes few articles: its walk finds its page quickly without the note)
SAMPLE = 2000  # the newest articles the words are chosen from
CHOOSE_FROM = 1000  # a sync chooses them once the library holds this many articles (or at its end)
FILL_BATCH = 20_000  # rows noted a transaction when the words come after their articles
TELL_FROM = 10_000  # rows to note from which `fill` tells how far it is (fewer take a second or two)
# The planner must not count an exclusion twice (in `doc @@ q` and in its note): with no statistics
# the note's condition is estimated to pass 99 % of the rows, and a tier's share is what it was.
COLUMN = (
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS common smallint[];"
    "ALTER TABLE articles ALTER COLUMN common SET STATISTICS 0"
)
# The rows not noted yet, for `fill` at each sync's end: without it, finding none walked every row
# (the primary key's order, each row's `common` read from the heap).
UNNOTED_INDEX = "articles_unnoted"
UNNOTED = f"CREATE INDEX IF NOT EXISTS {UNNOTED_INDEX} ON articles(key) WHERE common IS NULL"


def stored(conn: psycopg.Connection[Any]) -> tuple[str, ...]:
    """The library's common words in number order, or none where they were not chosen yet."""
    found = conn.execute("SELECT value FROM kliping WHERE name = %s", (NAME,)).fetchone()
    return tuple(found[0].split()) if found is not None else ()


def choose(conn: psycopg.Connection[Any]) -> tuple[str, ...]:
    """The words in at least SHARE of the library's SAMPLE newest articles, the commonest first, up
    to MOST, noted once: a sync at the same time may have chosen first, and its choice stands."""
    sample = int(value(conn, "SELECT count(*) FROM (SELECT 1 FROM articles LIMIT %s) AS a", (SAMPLE,)))
    if sample == 0:
        return stored(conn)
    words = [
        word
        for (word,) in conn.execute(
            "SELECT word FROM ts_stat(%s) WHERE word NOT LIKE '~%%' AND ndoc >= %s "
            "ORDER BY ndoc DESC, word LIMIT %s",
            (
                f"SELECT doc FROM articles ORDER BY key DESC LIMIT {SAMPLE}",
                max(1, round(sample * SHARE)),
                MOST,
            ),
        )
    ]
    if words:
        conn.execute(
            "INSERT INTO kliping VALUES (%s, %s) ON CONFLICT (name) DO NOTHING", (NAME, " ".join(words))
        )
    return stored(conn)


def fill(
    conn: psycopg.Connection[Any],
    words: tuple[str, ...],
    report: Callable[[int, int], None] | None = None,
) -> int:
    """Note the common words of the articles written before they were chosen, FILL_BATCH rows a
    transaction (a sync killed meanwhile leaves the rest to the next); how many were noted.
    `report(noted, of)` is told before the first transaction and after each, when there are at
    least TELL_FROM rows to note: a library synced before the notes has every row to note once
    (~4 minutes at 1M)."""
    if not words:
        return 0
    noted = 0
    for found in in_batches(conn, "common IS NULL", "", FILL_BATCH, report, TELL_FROM):
        conn.execute(
            "UPDATE articles AS a SET common = ("
            "  SELECT coalesce(array_agg(w.n - 1 ORDER BY w.n), '{}')::smallint[]"
            "  FROM unnest(tsvector_to_array(a.doc)) AS l(word)"
            "  JOIN unnest(%s::text[]) WITH ORDINALITY AS w(word, n) USING (word)) "
            "WHERE key = ANY(%s)",
            (list(words), [key for (key,) in found]),
        )
        noted += len(found)
    return noted


NOTED = "NOT (coalesce(common, '{}') && "  # how `condition` begins


def condition(excluded: list[str], words: tuple[str, ...]) -> str | None:
    """The SQL that passes by the articles holding any of the excluded words the library notes (an
    array literal of their numbers: no parameter), or None where it notes none of them.

    One operator, as `doc @@ q` is: PostgreSQL checks conditions of one cost in the order written,
    so this one goes first and the article's vector is read only for the rows it lets by."""
    numbers = sorted({words.index(word) for word in excluded if word in words})
    if not numbers:
        return None
    return NOTED + "'{" + ",".join(map(str, numbers)) + "}'::smallint[])"
