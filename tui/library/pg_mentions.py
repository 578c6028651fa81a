"""The places and acronyms of the articles a team library kept before it stored them, found again
from their stored text at a sync's end, so the facets panel counts every article.

A library synced before the `places` and `acronyms` columns were kept (pg_schema.MENTIONS) takes
them in at its owner's next sync with every row NULL, and its facets showed no place or acronym
for those articles until their files changed. `fill` finds them again as the loader found them
(records.stored_mentions: the title, the body's lead and the dateline's place) and writes them,
BATCH rows a transaction, so a sync killed meanwhile leaves only the rest to the next. A row
written since always has them ('' for none), so NULL means "not found yet", and a partial index
finds those rows at each sync's end without walking every row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg

from tui.library.pg_connect import in_batches
from tui.library.records import MENTION_SEPARATOR, stored_mentions

BATCH = 5_000  # rows read, found again and written a transaction
TELL_FROM = 10_000  # rows from which `fill` tells how far it is (fewer take a second or two)
INDEX = "articles_unmentioned"
UNMENTIONED = f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles(key) WHERE places IS NULL"


def fill(conn: psycopg.Connection[Any], report: Callable[[int, int], None] | None = None) -> int:
    """Find again and store the places and acronyms of the rows without them; how many.
    `report(done, of)` is told before the first transaction and after each, when there are at
    least TELL_FROM rows to do."""
    done = 0
    rows = "places IS NULL"
    for found in in_batches(conn, rows, ", title, place, links, blocks", BATCH, report, TELL_FROM):
        keys, places, acronyms = [], [], []
        for key, title, place, links, blocks in found:
            named, acronymed = stored_mentions(title, blocks, links, place)
            keys.append(key)
            places.append(MENTION_SEPARATOR.join(named))
            acronyms.append(MENTION_SEPARATOR.join(acronymed))
        conn.execute(
            "UPDATE articles AS a SET places = f.places, acronyms = f.acronyms "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS f(key, places, acronyms) "
            "WHERE a.key = f.key",
            (keys, places, acronyms),
        )
        done += len(found)
    return done
