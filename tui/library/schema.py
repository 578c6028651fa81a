"""The cache's tables, and how its file is treated when it is damaged, old or unwritable."""

from __future__ import annotations

from tui.i18n import _
from tui.library import duplicates, related
from tui.sqlite import Schema, Wording

QUICK_CHECK_BELOW = 64 * 1024 * 1024  # bytes: larger caches are not checked at open

# 16: Markdown's inline text read as CommonMark reads it (markdown-it-py): links whose words hold brackets,
# reference links, entities, images in links.
# 15: Markdown's backslash escapes read (`\*` a star, not emphasis); 14: the places and acronyms an article
# names (tui.gazetteer), the places in the index's place column too; 13: the words' document counts
# (related.py); 12: a sketch b"" is one a bulk load left to make (grouping.py); 11: the text indexed
# without its link markers; 10: the body's links (Article.links); 9: near-duplicate groups (duplicates.py);
# 8: the whole size of a huge article kept in part (whole_bytes); 7: the files' own tags and the marks of
# read-it-later exports; 6: the text in its own table; 5: problem reasons kept as messages, put into words
# when shown; 4: paths stored absolute, the version in PRAGMA user_version; 3: keys in date order.
VERSION = 16

_TABLES = """
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles(
    arrival INTEGER PRIMARY KEY,  -- a cold load appends rows in this order instead of inserting them
    key INTEGER NOT NULL UNIQUE,  -- the index's rowid, in date order
    path TEXT NOT NULL,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    title_derived INTEGER NOT NULL,
    date TEXT,
    stamp REAL,
    day INTEGER,
    source TEXT,
    place TEXT,
    url TEXT,
    digest TEXT NOT NULL,
    record INTEGER,
    words INTEGER NOT NULL,
    tags TEXT NOT NULL DEFAULT '',  -- the file's own tags, one per line
    carried TEXT NOT NULL DEFAULT '',  -- marks and a note from a read-it-later export (JSON)
    whole_bytes INTEGER NOT NULL DEFAULT 0,  -- the whole text's size when only its first part is kept
    links TEXT NOT NULL DEFAULT '',  -- the body's links, one per line: link N is marked "[N]" in its text
    places TEXT NOT NULL DEFAULT '',  -- the places it names (tui.gazetteer), one per line
    acronyms TEXT NOT NULL DEFAULT ''  -- the acronyms it names, one per line
);
-- The text apart from the list's columns: with it inline, every article row ran over 4 KB pages,
-- and reading the list's columns of 100k articles read the whole 800 MB file (4 s, warm start).
CREATE TABLE IF NOT EXISTS texts(
    arrival INTEGER PRIMARY KEY,  -- the article's
    removed TEXT NOT NULL,
    blocks TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE TABLE IF NOT EXISTS problems(path TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS problems_path ON problems(path);
CREATE TABLE IF NOT EXISTS terms(term TEXT PRIMARY KEY, stem TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS terms_stem ON terms(stem);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, source, place, every,
    content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3', detail=column
);
"""

SCHEMA = Schema(
    statements=_TABLES + duplicates.TABLES + related.TABLES,
    version=VERSION,
    tables=frozenset({"files", "articles", "texts", "problems", "terms", "fts"})
    | duplicates.TABLE_NAMES
    | related.TABLE_NAMES,
    rebuild_other_versions=True,  # a cache is only a copy of what the files say
    check="quick_check",
    check_below=QUICK_CHECK_BELOW,
    setup=("PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-16384"),  # 16 MB: the OS caches the file too
    # Merging eight segments at a time rather than four: a cold load of 100k articles writes 15% less.
    created=("INSERT INTO fts(fts, rank) VALUES ('automerge', 8)",),
)

# A bulk load (a new cache, or thousands of changed files) writes large transactions and leaves
# FTS5's segments unmerged until it ends: merging while loading was half the load's CPU time
# (100k articles: 21 s of SQLite time with automerge=8 in 200-file transactions, 10 s this way).
# hashsize: the terms FTS5 holds in memory before it writes a segment (its default is 1 MB, which
# split every large transaction into several segments); crisismerge: how many segments of one
# level force a merge even with automerge off (FTS5's default is 16).
# The bulk load's words left to the merge (merges.py): a key of ours in FTS5's settings table,
# which FTS5 passes over (it reads only the keys it knows).
WORDS_PENDING = "kliping_words_pending"
BULK = (
    "INSERT INTO fts(fts, rank) VALUES ('automerge', 0)",
    "INSERT INTO fts(fts, rank) VALUES ('crisismerge', 64)",
    "INSERT INTO fts(fts, rank) VALUES ('hashsize', 16777216)",
    f"INSERT OR REPLACE INTO fts_config(k, v) VALUES ('{WORDS_PENDING}', 1)",
)
SETTLED = (
    "INSERT INTO fts(fts, rank) VALUES ('automerge', 8)",
    "INSERT INTO fts(fts, rank) VALUES ('crisismerge', 16)",
    "INSERT INTO fts(fts, rank) VALUES ('hashsize', 1048576)",
)
MERGE_STEP = "INSERT INTO fts(fts, rank) VALUES ('merge', ?)"


def wording() -> Wording:
    """The cache's notices, in the language of this run."""
    return Wording(
        damaged=_("The cache was damaged ({problem}); moved it to {name} and rebuilt."),
        rebuilt=_("The cache was from another version of kliping ({problem}); rebuilt it."),
        unusable=_("Could not open the cache {path} ({error}); this run goes without it."),
        unwritable=_("Could not write the cache {path} ({error}); this run goes on without it."),
    )
