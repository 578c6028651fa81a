"""The tables of a team's library (`PgLibrary`), made by the first sync and checked by every opening."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg

from tui.i18n import _, said
from tui.library import pg_common, pg_groups, pg_mentions
from tui.library.pg_connect import LibraryError, shown_url, value

# Of the tables below (5: people; 4: links; 3: a vector a field). A library of version 4 takes the
# people's tables in (`PEOPLE`); one of another version is refused, never rebuilt.
VERSION = 5

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
    place_doc tsvector NOT NULL,
    common smallint[],  -- which of the library's common words it holds (pg_common.py); NULL: not noted
    places text,  -- the places it names (Article.places), one a line; NULL: synced before they were kept
    acronyms text  -- the acronyms it names, one a line (records.MENTION_SEPARATOR)
);
ALTER TABLE articles ALTER COLUMN common SET STATISTICS 0;
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE INDEX IF NOT EXISTS articles_date ON articles(minute DESC NULLS LAST, key DESC);
CREATE TABLE IF NOT EXISTS problems(path text NOT NULL, reason text NOT NULL);
CREATE INDEX IF NOT EXISTS problems_path ON problems(path);
CREATE TABLE IF NOT EXISTS terms(term text PRIMARY KEY, stem text NOT NULL);
"""
# Each person's own marks (row-level security: nobody sees or changes another's) and the team's
# tags, notes and saved searches with their authors: everyone reads them, a note is changed only by
# its author, a tag or a search is written in one's own name. Superusers pass every policy
# (PostgreSQL's rule); owners do not (FORCE). A change to the team's tables is told to every app
# listening on `kliping_people`, whoever made it, even by hand in psql.
PEOPLE = """
CREATE TABLE marks(
    person name NOT NULL DEFAULT current_user,
    digest text NOT NULL,
    read boolean NOT NULL DEFAULT false,
    starred boolean NOT NULL DEFAULT false,
    position real,
    changed timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person, digest)
);
CREATE TABLE imported(
    person name NOT NULL DEFAULT current_user, digest text NOT NULL, PRIMARY KEY (person, digest)
);
CREATE TABLE tags(
    digest text NOT NULL,
    tag text NOT NULL,
    present boolean NOT NULL,  -- false: a tag the file itself gives, taken away
    author name NOT NULL DEFAULT current_user,
    changed timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (digest, tag)
);
CREATE TABLE notes(
    digest text NOT NULL,
    author name NOT NULL DEFAULT current_user,
    note text NOT NULL,
    changed timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (digest, author)
);
CREATE TABLE searches(
    name text PRIMARY KEY, query text NOT NULL, seq bigint NOT NULL,
    author name NOT NULL DEFAULT current_user
);
ALTER TABLE marks ENABLE ROW LEVEL SECURITY;
ALTER TABLE marks FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON marks USING (person = current_user) WITH CHECK (person = current_user);
ALTER TABLE imported ENABLE ROW LEVEL SECURITY;
ALTER TABLE imported FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON imported USING (person = current_user) WITH CHECK (person = current_user);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON notes FOR SELECT USING (true);
CREATE POLICY author_writes ON notes FOR INSERT WITH CHECK (author = current_user);
CREATE POLICY author_changes ON notes FOR UPDATE
    USING (author = current_user) WITH CHECK (author = current_user);
CREATE POLICY author_deletes ON notes FOR DELETE USING (author = current_user);
ALTER TABLE tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE tags FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON tags FOR SELECT USING (true);
CREATE POLICY in_own_name ON tags FOR INSERT WITH CHECK (author = current_user);
CREATE POLICY changed_in_own_name ON tags FOR UPDATE USING (true) WITH CHECK (author = current_user);
CREATE POLICY anyone_deletes ON tags FOR DELETE USING (true);
ALTER TABLE searches ENABLE ROW LEVEL SECURITY;
ALTER TABLE searches FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON searches FOR SELECT USING (true);
CREATE POLICY in_own_name ON searches FOR INSERT WITH CHECK (author = current_user);
CREATE POLICY changed_in_own_name ON searches FOR UPDATE
    USING (true) WITH CHECK (author = current_user);
CREATE POLICY anyone_deletes ON searches FOR DELETE USING (true);
CREATE OR REPLACE FUNCTION kliping_people_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kliping_people', TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER told AFTER INSERT OR UPDATE OR DELETE ON tags
    FOR EACH STATEMENT EXECUTE FUNCTION kliping_people_changed();
CREATE TRIGGER told AFTER INSERT OR UPDATE OR DELETE ON notes
    FOR EACH STATEMENT EXECUTE FUNCTION kliping_people_changed();
CREATE TRIGGER told AFTER INSERT OR UPDATE OR DELETE ON searches
    FOR EACH STATEMENT EXECUTE FUNCTION kliping_people_changed();
"""
_MADE = "SELECT EXISTS (SELECT FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'kliping')"
# The places and acronyms an article names, for the facets panel: a library synced before they were
# kept takes the columns in at a syncing open, its rows NULL (none) until that sync's end finds
# them again from their stored text (pg_mentions.py).
MENTIONS = "ALTER TABLE articles ADD COLUMN IF NOT EXISTS places text, ADD COLUMN IF NOT EXISTS acronyms text"
MENTIONS_COLUMNS = {"places", "acronyms"}


def article_columns(conn: psycopg.Connection[Any]) -> set[str]:
    """The names of the `articles` table's columns (a library made before some was added lacks them)."""
    return {
        name
        for (name,) in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'articles'::regclass "
            "AND attnum > 0 AND NOT attisdropped"
        )
    }


DOC_INDEXES = (
    "CREATE INDEX IF NOT EXISTS articles_doc ON articles USING gin(doc)",
    "CREATE INDEX IF NOT EXISTS articles_title_doc ON articles USING gin(title_doc)",
    "CREATE INDEX IF NOT EXISTS articles_source_doc ON articles USING gin(source_doc)",
    "CREATE INDEX IF NOT EXISTS articles_place_doc ON articles USING gin(place_doc)",
    *pg_groups.BANDS_INDEXES,
)


INDEX_MEMORY = "512MB"  # maintenance_work_mem of an index build: a GIN build flushes less often


def build_indexes(
    connect: Callable[[], psycopg.Connection[Any]], connections: int = 2, took: dict[str, float] | None = None
) -> None:
    """Build DOC_INDEXES on `connections` connections at once (PostgreSQL builds a GIN index on one
    core), the largest first, as each connection is free; the first failure is raised after.
    `took`: each index's seconds, by its name."""
    waiting = list(DOC_INDEXES)  # (the words' index first: the largest by far)
    lock = threading.Lock()
    failed: list[BaseException] = []

    def work() -> None:
        try:
            with connect() as conn:
                conn.execute(f"SET maintenance_work_mem = '{INDEX_MEMORY}'")
                while not failed:
                    with lock:
                        if not waiting:
                            return
                        statement = waiting.pop(0)
                    started = time.perf_counter()
                    conn.execute(statement)
                    if took is not None:
                        took[index_name(statement)] = time.perf_counter() - started
        except BaseException as error:  # noqa: BLE001 (raised again by the caller's thread)
            failed.append(error)

    threads = [threading.Thread(target=work, name="kliping-pg-index") for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]


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
            # Asked of the catalogue's table, not its cache, which need not know of the other's yet.
            if not value(conn, _MADE):
                conn.execute(TABLES)
                conn.execute(PEOPLE)
                conn.execute("INSERT INTO kliping VALUES ('version', %s)", (str(VERSION),))
    found = conn.execute("SELECT value FROM kliping WHERE name = 'version'").fetchone()
    if found is not None and found[0] == "4":
        _upgrade(conn, url)
        found = (str(VERSION),)
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
            _may_write(conn, url)
            # Only what is missing is made: CREATE ... IF NOT EXISTS and DROP INDEX IF EXISTS ask
            # for the owner's rights (or CREATE on the schema) even where nothing is to be done,
            # and a person syncing as themselves (docs/TEAM.md) has neither.
            present = _relations(conn)
            if not {"sketches", "groups", "sketches_pending", "groups_face"} <= present:
                conn.execute(pg_groups.TABLES)  # (a library synced before groups were kept gets them)
            columns = article_columns(conn)  # (asked first: ALTER TABLE waits for every reader)
            if "common" not in columns:  # (a library synced before its common words were noted)
                conn.execute(pg_common.COLUMN)
            if pg_common.UNNOTED_INDEX not in present:
                conn.execute(pg_common.UNNOTED)
            if not columns >= MENTIONS_COLUMNS:
                conn.execute(MENTIONS)
            if pg_mentions.INDEX not in present:
                conn.execute(pg_mentions.UNMENTIONED)
            if pg_groups.OLD_BANDS_INDEX in present:
                conn.execute(f"DROP INDEX IF EXISTS {pg_groups.OLD_BANDS_INDEX}")  # (BANDS_INDEXES instead)
            for statement in DOC_INDEXES:
                if index_name(statement) not in present:
                    conn.execute(statement)


def _may_write(conn: psycopg.Connection[Any], url: str) -> None:
    """Refuse a sync at once, in one line, where it could write nothing: into a standby, or as a
    role not given the right to write the articles (PostgreSQL refused it only at the first
    file changed, or never when none had)."""
    if value(conn, "SELECT pg_is_in_recovery()"):
        reason = _("the server is a read-only standby: sync into its primary")
    elif not value(
        conn,
        "SELECT has_table_privilege('articles', 'INSERT') AND has_table_privilege('files', 'INSERT') "
        "AND has_sequence_privilege('articles_key', 'USAGE')",
    ):
        reason = _("this role may not write the library's articles (its owner can grant it: docs/TEAM.md)")
    else:
        return
    raise LibraryError(str(said("cannot use the library {url}: {reason}", url=shown_url(url), reason=reason)))


def index_name(statement: str) -> str:
    """The name a `CREATE INDEX IF NOT EXISTS name ON ...` statement gives its index."""
    return statement.split(" ON ")[0].rsplit(" ", 1)[-1]


def _relations(conn: psycopg.Connection[Any]) -> set[str]:
    """The names of the tables and indexes in the library's schema."""
    return {
        name
        for (name,) in conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
        )
    }


def _upgrade(conn: psycopg.Connection[Any], url: str) -> None:
    """A library of version 4 (articles only) takes the people's tables in, once, whoever opens it
    first; a role that may not change the tables is told who may."""
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('kliping schema'))")
            if value(conn, "SELECT value FROM kliping WHERE name = 'version'") == "4":
                conn.execute(PEOPLE)
                conn.execute("UPDATE kliping SET value = %s WHERE name = 'version'", (str(VERSION),))
    except psycopg.errors.InsufficientPrivilege:
        raise LibraryError(
            str(
                said(
                    "{url} is a library of an older kliping: open it once as its owner "
                    "(kliping sync --library) to bring it up to date",
                    url=shown_url(url),
                )
            )
        ) from None
