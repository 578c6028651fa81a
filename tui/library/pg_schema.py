"""The tables of a team's library (`PgLibrary`), made by the first sync and checked by every opening."""

from __future__ import annotations

from typing import Any

import psycopg

from tui.i18n import said
from tui.library.pg_connect import LibraryError, shown_url, value

# Of the tables below (4: links; 3: a vector a field); a library of another version is refused, never rebuilt.
VERSION = 4

TABLES = """
CREATE TABLE IF NOT EXISTS kliping(name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    path text PRIMARY KEY, size bigint NOT NULL, mtime_ns bigint NOT NULL,
    synced timestamptz NOT NULL DEFAULT now(), synced_by name NOT NULL DEFAULT current_user
);
CREATE SEQUENCE IF NOT EXISTS articles_key;
CREATE TABLE IF NOT EXISTS articles(
    key bigint PRIMARY KEY DEFAULT nextval('articles_key'),
    path text NOT NULL,
    id text NOT NULL,
    title text NOT NULL,
    title_derived integer NOT NULL,
    date text,  -- ISO 8601 as the loader read it (with its own clock, when it has one)
    minute bigint,  -- minutes since the year 1000 by the date's own clock (tui.library.keys.minute)
    source text,
    place text,
    url text,
    digest text NOT NULL,
    record integer,
    words integer NOT NULL,
    tags text NOT NULL DEFAULT '',
    carried text NOT NULL DEFAULT '',
    whole_bytes bigint NOT NULL DEFAULT 0,
    links text NOT NULL DEFAULT '',  -- the body's links, one per line (records.LINK_SEPARATOR)
    removed text NOT NULL,
    blocks text NOT NULL,
    exact boolean NOT NULL,  -- every word's position is in `doc` (pg_text.document)
    doc tsvector NOT NULL,  -- the title's and the body's words (pg_text.document)
    title_doc tsvector NOT NULL,  -- the title's alone: small, kept in the row (relevance tiers)
    source_doc tsvector NOT NULL,
    place_doc tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE INDEX IF NOT EXISTS articles_date ON articles(minute DESC NULLS LAST, key DESC);
CREATE TABLE IF NOT EXISTS problems(path text NOT NULL, reason text NOT NULL);
CREATE INDEX IF NOT EXISTS problems_path ON problems(path);
CREATE TABLE IF NOT EXISTS terms(term text PRIMARY KEY, stem text NOT NULL);
"""
DOC_INDEXES = (
    "CREATE INDEX IF NOT EXISTS articles_doc ON articles USING gin(doc)",
    "CREATE INDEX IF NOT EXISTS articles_title_doc ON articles USING gin(title_doc)",
    "CREATE INDEX IF NOT EXISTS articles_source_doc ON articles USING gin(source_doc)",
    "CREATE INDEX IF NOT EXISTS articles_place_doc ON articles USING gin(place_doc)",
)


def open_library(conn: psycopg.Connection[Any], url: str, syncing: bool) -> None:
    """Check the library's version; make its tables first when syncing into a new database."""
    if value(conn, "SELECT to_regclass('kliping') IS NULL"):
        if not syncing:
            raise LibraryError(
                str(
                    said(
                        "{url} holds no kliping library yet: fill it with kliping sync --library",
                        url=shown_url(url),
                    )
                )
            )
        with conn.transaction():
            # One creator at a time: two first syncs at once must not both create the tables.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('kliping schema'))")
            conn.execute(TABLES)
            conn.execute("INSERT INTO kliping VALUES ('version', %s) ON CONFLICT DO NOTHING", (str(VERSION),))
    found = conn.execute("SELECT value FROM kliping WHERE name = 'version'").fetchone()
    if found is None or found[0] != str(VERSION):
        version = "?" if found is None else found[0]
        raise LibraryError(
            str(
                said(
                    "{url} is a library of another kliping version ({found}; this one reads {version})",
                    url=shown_url(url),
                    found=version,
                    version=str(VERSION),
                )
            )
        )
    if syncing:  # a sync killed during a first load left the word indexes to build
        with conn.transaction():
            # The same lock: two syncs starting at once both made the indexes, and one failed
            # on PostgreSQL's own catalogue ("duplicate key value ... pg_class_relname_nsp_index").
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('kliping schema'))")
            for statement in DOC_INDEXES:
                conn.execute(statement)
