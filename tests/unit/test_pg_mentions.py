"""The places and acronyms a team library's rows carry, as the local cache's do: the facets panel
counts them, and a value chosen there filters the same articles on both back ends."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import write_article
from tui.facets import facets, term_for
from tui.library import Library, Row
from tui.query import parse
from tui.sync import sync


def mentioning(folder: Path) -> Path:
    """Articles naming places and acronyms (tui.gazetteer), one naming neither."""
    write_article(
        folder,
        "a.txt",
        "Rapat OMS di Surabaya",
        "2 Maret 2021 09:00",
        ["Para anggota OMS bertemu di Makassar."],
    )
    write_article(
        folder,
        "b.txt",
        "Omset UMKM Naik",
        "3 Maret 2021 09:00",
        ["Omset di Makassar naik. KPK memantau harga."],
    )
    write_article(
        folder,
        "c.txt",
        "Banjir di Jawa Timur",
        "4 Maret 2021 09:00",
        ["Warga Sidoarjo, Jawa Timur, mengungsi. BPBD Jawa Timur membantu warga."],
    )
    write_article(folder, "d.txt", "Catatan rapat warga", "5 Maret 2021 09:00", ["Tidak ada nama tempat."])
    return folder


def by_digest(rows: list[Row]) -> dict[str, tuple[str, str]]:
    return {row.digest: (row.places, row.acronyms) for row in rows}


def test_a_team_library_s_rows_name_what_the_cache_s_rows_name_and_filter_the_same(
    tmp_path: Path, pg_url: str
) -> None:
    from tui.library.pg import PgLibrary

    folder = [str(mentioning(tmp_path / "clips"))]
    local = Library(tmp_path / "cache.sqlite3")
    made = [row for update in sync(local, folder) for row in update.rows]
    team = PgLibrary(pg_url, syncing=True)
    synced = [row for update in sync(team, folder) for row in update.rows]  # put_files' rows
    team.close()
    reader = PgLibrary(pg_url)  # as the app opens it
    try:
        rows, _gone, _held = reader.shared_rows()
        assert by_digest(rows) == by_digest(synced) == by_digest(local.rows()) == by_digest(made)
        counted = facets([row.key for row in rows], {row.key: row for row in rows})
        cached = local.rows()
        assert counted.places == facets([row.key for row in cached], {row.key: row for row in cached}).places
        assert ("Makassar", 2) in counted.places and ("Jawa Timur", 1) in counted.places
        assert ("OMS", 1) in counted.acronyms and ("UMKM", 1) in counted.acronyms
        digest_of = {row.key: row.digest for row in rows} | {row.key: row.digest for row in cached}
        for kind, values in (("place", counted.places), ("acronym", counted.acronyms)):
            for value, count in values:
                query = parse(term_for(kind, value))
                found = {digest_of[k] for k in reader.search(query).keys}
                assert found == {digest_of[k] for k in local.search(query).keys}, (kind, value)
                assert len(found) == count, (kind, value)
    finally:
        reader.close()
        local.close()


def test_a_library_synced_before_mentions_were_kept_opens_and_takes_them_at_the_next_sync(
    tmp_path: Path, pg_url: str
) -> None:
    from tui.library import pg_mentions
    from tui.library.pg import PgLibrary

    folder = mentioning(tmp_path / "clips")
    team = PgLibrary(pg_url, syncing=True)
    for _update in sync(team, [str(folder / "a.txt")]):
        pass
    team._conn().execute(  # as the previous version made it
        "ALTER TABLE articles DROP COLUMN IF EXISTS places, DROP COLUMN IF EXISTS acronyms"
    )
    team.close()
    reader = PgLibrary(pg_url)  # browsing opens it as it is
    try:
        assert [(row.title, row.places, row.acronyms) for row in reader.rows()] == [
            ("Rapat OMS di Surabaya", "", "")
        ]
    finally:
        reader.close()
    team = PgLibrary(pg_url, syncing=True)  # a sync takes the columns in, and keeps the new files'
    try:
        for _update in sync(team, [str(folder / "a.txt"), str(folder / "c.txt")]):
            pass
        assert sorted((row.title, row.places, row.acronyms) for row in team.rows()) == [
            ("Banjir di Jawa Timur", "Jawa Timur\nSidoarjo", "BPBD"),
            ("Rapat OMS di Surabaya", "Makassar\nSurabaya", "OMS"),  # found again from its stored text
        ]
        assert team.took["mentions"] > 0
        assert pg_mentions.fill(team._conn()) == 0  # all found: the next sync has none to find
    finally:
        team.close()


def test_the_places_and_acronyms_found_again_are_the_loader_s(tmp_path: Path, pg_url: str) -> None:
    """Every row of a library synced before they were kept gets, at the next sync, what a sync from
    the files gives it (a generated corpus's datelines, links and lead places, and the few above)."""
    from benchmarks.gen_corpus import generate
    from tui.library import pg_mentions
    from tui.library.pg import PgLibrary

    folder = tmp_path / "clips"
    generate(folder, 300, seed=11, formats=("txt", "md", "html"))
    mentioning(folder / "named")
    team = PgLibrary(pg_url, syncing=True)
    try:
        synced = [row for update in sync(team, [str(folder)]) for row in update.rows]
        assert (
            sum(bool(row.places) for row in synced) > 100 and sum(bool(row.acronyms) for row in synced) > 50
        )
        conn = team._conn()
        conn.execute("UPDATE articles SET places = NULL, acronyms = NULL")  # as an upgrade leaves them
        told: list[tuple[int, int]] = []
        assert pg_mentions.fill(conn, lambda done, of: told.append((done, of))) == len(synced)
        assert told == []  # fewer than TELL_FROM: nothing said
        assert by_digest(team.rows()) == by_digest(synced)
    finally:
        team.close()
