"""What the read-it-later services and browsers export, recognised by its shape and turned into
plain records (title, url, date, tags, text or clean HTML, read, starred, note) the loader reads
like any other record; one module per tool, each a pure function of parsed data.

A record's keys are the ones `formats.metadata` and `formats.carried_of` read: `title`, `url`,
`date` (a datetime, a timestamp or text), `tags` (a list), `text` or `clean_html` (stored clean
HTML: converted as it is, never run through the page extractor), `read`, `starred` and `note`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.imports import (
    bookmarks,
    clippers,
    firefox,
    goodlinks,
    instapaper,
    linkwarden,
    omnivore,
    pinboard,
    pocket,
    raindrop,
    readability,
    readwise,
    urls,
    wallabag,
)

Record = dict[str, Any]
CLEAN_HTML = "clean_html"

# Each recogniser: (does this record have the tool's shape?, the record in plain keys).
ROWS: tuple[tuple[Callable[[Record], bool], Callable[[Record], Record]], ...] = (
    (pocket.matches, pocket.record),
    (instapaper.matches, instapaper.record),
    (raindrop.matches, raindrop.record),
    (readwise.matches, readwise.record),
    (pinboard.matches, pinboard.record),
    (wallabag.matches, wallabag.record),
    (omnivore.matches, omnivore.record),
    (goodlinks.matches, goodlinks.record),
)
# Whole documents that wrap their records in an object or a tree.
DOCUMENTS: tuple[tuple[Callable[[Any], bool], Callable[[Any], list[Record]]], ...] = (
    (firefox.matches, firefox.records),
    (firefox.chrome_matches, firefox.chrome_records),
    (linkwarden.matches, linkwarden.records),
    (readability.matches, readability.records),
    (raindrop.json_matches, raindrop.json_records),
)


# A key each shape above needs: a record with none of them (a scraper's) is left as it is at once.
_TRIGGERS = frozenset(
    {
        "time_added",
        "Selection",
        "excerpt",
        "Document tags",
        "extended",
        "is_archived",
        "is_read",
        "savedAt",
        "addedAt",
    }
)


def normalise(fields: Record) -> Record:
    """A record in the plain keys when a tool's shape is recognised, else as it is."""
    if fields.keys().isdisjoint(_TRIGGERS):
        return fields
    for matches, record in ROWS:
        if matches(fields):
            found = record(fields)
            if fields.get("note") and not found.get("note"):
                found["note"] = fields["note"]  # merged in from elsewhere (Pocket's highlights)
            return found
    return fields


def unwrap(document: Any) -> list[Record] | None:
    """The records of a JSON document that wraps them (`{"bookmarks": [...]}`, a bookmark tree),
    or None when it is one record of its own."""
    for matches, records in DOCUMENTS:
        if matches(document):
            return records(document)
    if isinstance(document, dict):
        for key in ("bookmarks", "items", "links", "articles", "entries", "results", "data", "documents"):
            value = document.get(key)
            if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                return [normalise(item) for item in value]
    return None


__all__ = [
    "CLEAN_HTML",
    "DOCUMENTS",
    "ROWS",
    "Record",
    "bookmarks",
    "clippers",
    "normalise",
    "unwrap",
    "urls",
]
