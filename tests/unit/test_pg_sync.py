"""Writing into a team library: the COPY rows the parse workers make, and the sync's own session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.helpers import many_articles
from tui.article import Article, Block
from tui.query import parse
from tui.sync import parse_files, sync


def awkward(n: int) -> Article:
    return Article(
        id=f"a{n}",
        path=f"/c/{n}.txt",
        title="Tab\there, a back\\slash, \\N and a NUL\x00",
        blocks=(
            Block("paragraph", "Baris\tdengan tab, \\n bukan baris baru, \\\\ dua garis"),
            Block("quote", "Kembali\rke awal: desa"),
        ),
        date=dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        source="Sumber\\Satu",
        place=None,
        url="https://contoh.id/a\\b?c=d\te",
        digest=f"d{n}",
        removed=("Baca juga:\tlainnya",),
        tags=("satu", "dua\\tiga"),
        links=("https://contoh.id/x",),
    )


def test_what_copy_would_take_as_markup_comes_back_as_it_was(pg_url: str) -> None:
    from tui.library.pg import PgLibrary
    from tui.library.pg_text import NUL_STANDIN

    given = awkward(1)
    team = PgLibrary(pg_url, syncing=True)
    try:
        (row,) = team.put_files([(given.path, 100, 1, [given])])
        found = team.article(row.key)
        assert found is not None
        assert found.title == given.title.replace("\x00", NUL_STANDIN)  # (as PostgreSQL cannot hold it)
        assert found.source == given.source and found.url == given.url and found.blocks == given.blocks
        assert found.removed == given.removed and found.tags == given.tags and found.links == given.links
        assert found.date == given.date and found.place is None and found.record is None
        assert team.search(parse("desa")).keys == [row.key]
        assert team.search(parse('"dua garis"')).keys == [row.key]
    finally:
        team.close()


def test_the_workers_rows_are_the_writers_own(tmp_path: Path, pg_url: str) -> None:
    """Files parsed for a team library (as the parse workers do) give the rows the writer makes
    of the same articles itself."""
    from tui.library.pg import PgLibrary

    folder = many_articles(tmp_path / "clips", 6)
    paths = sorted(str(p) for p in folder.rglob("*.txt"))
    team = PgLibrary(pg_url, syncing=True)
    try:
        made = team.put_files(parse_files(paths[:3], team="sync 1"))
        plain = team.put_files(parse_files(paths[3:]))
        assert [row._replace(key=0) for row in made + plain] == [
            row._replace(key=0) for row in sorted(team.rows(), key=lambda row: row.key)
        ]
        assert len(team.search(parse("desa")).keys) == 6
        assert {term for term, _stem in team.stems(1000)} >= {"artikel", "kegiatan", "membahas"}
    finally:
        team.close()


def test_each_word_goes_to_a_sync_once_a_process_and_to_every_sync(tmp_path: Path, pg_url: str) -> None:
    """A worker sends a word's stem with the first chunk it finds it in, not again; another sync
    (another library, in the same process) is sent it again."""
    from tui.library.pg import PgLibrary
    from tui.library.records import Copied

    folder = many_articles(tmp_path / "clips", 4)
    paths = sorted(str(p) for p in folder.rglob("*.txt"))

    def sent(chunk: list[str], team: str) -> set[str]:
        return {word for *_, items in parse_files(chunk, team=team) for item in items
                if isinstance(item, Copied) for word in item.stems or ()}  # fmt: skip

    assert "kegiatan" in sent(paths[:2], "sync 2")
    assert "kegiatan" not in sent(paths[2:], "sync 2")
    assert "kegiatan" in sent(paths[2:], "sync 3")
    first, second = PgLibrary(pg_url, syncing=True), None  # two syncs in one process
    try:
        for _update in sync(first, [str(folder)], processes=0):
            pass
        first._conn().execute("TRUNCATE terms")
        second = PgLibrary(pg_url, syncing=True)
        for path in paths:  # touched: read again, into a library that lost its terms
            Path(path).touch()
        for _update in sync(second, [str(folder)], processes=0):
            pass
        assert "kegiatan" in {term for term, _stem in second.stems(1000)}
    finally:
        first.close()
        if second is not None:
            second.close()


def test_a_sync_does_not_wait_for_each_commit_to_reach_the_disk(pg_url: str) -> None:
    """synchronous_commit off, for the sync's own session only: a kill of kliping loses nothing
    committed, and the readers' sessions are left as the server has them."""
    from tui.library.pg import PgLibrary
    from tui.library.pg_connect import value

    team = PgLibrary(pg_url, syncing=True)
    reader = PgLibrary(pg_url)
    try:
        assert value(team._conn(), "SHOW synchronous_commit") == "off"
        assert value(reader._conn(), "SHOW synchronous_commit") == "on"
    finally:
        reader.close()
        team.close()


def test_a_first_sync_groups_its_near_copies_under_the_earliest_dated(pg_url: str) -> None:
    """A first sync's groups are written at once at its end (pg_groups._write_groups): each with
    its face, the earliest dated copy, else the fullest."""
    from tests.unit.test_duplicates import ORIGINAL, SYNDICATED, day, make, story
    from tui.library.pg import PgLibrary

    team = PgLibrary(pg_url, syncing=True)
    try:
        with team.bulk_load():
            articles = [
                make(1, SYNDICATED, day(3)),
                make(2, ORIGINAL, day(1)),
                make(3, story(1), None),
                make(4, story(1)[:-1], None),  # the shorter, undated: not the face
                make(5, story(2), day(4)),
            ]
            rows = team.put_files([(a.path, 100, 1, [a]) for a in articles])
        key = {row.path: row.key for row in rows}
        assert team.group(key["/c/1.txt"]) == [key["/c/2.txt"], key["/c/1.txt"]]
        assert team.group(key["/c/4.txt"]) == [key["/c/3.txt"], key["/c/4.txt"]]
        assert team.group(key["/c/5.txt"]) == [key["/c/5.txt"]]
        assert sorted(team.group_sizes().values()) == [2, 2]
    finally:
        team.close()


def test_a_sync_gives_an_older_librarys_bands_a_btree_each(tmp_path: Path, pg_url: str) -> None:
    """The bands' GIN index of an older library (slow to build, and a scan to ask) is replaced by
    a btree a band the first time a sync opens it; a later sync's near-copies still find theirs."""
    from tests.unit.test_duplicates import ORIGINAL, SYNDICATED, day, make
    from tui.library.pg import PgLibrary
    from tui.library.pg_connect import value

    team = PgLibrary(pg_url, syncing=True)
    conn = team._conn()
    conn.execute(f"DROP INDEX {', '.join(f'sketches_band{band}' for band in range(1, 22))}")
    conn.execute("CREATE INDEX sketches_bands ON sketches USING gin(bands)")  # as version 5 first made it
    original = make(2, ORIGINAL, day(1))
    team.put_files([(original.path, 100, 1, [original])])
    team.merge_leftovers()
    team.close()
    again = PgLibrary(pg_url, syncing=True)
    try:
        conn = again._conn()
        assert value(conn, "SELECT to_regclass('sketches_bands')") is None
        assert value(conn, "SELECT count(*) FROM pg_indexes WHERE indexname ~ '^sketches_band[0-9]+$'") == 21
        copy = make(1, SYNDICATED, day(3))
        again.put_files([(copy.path, 100, 1, [copy])])
        again.merge_leftovers()  # compared with the article held through the bands' indexes
        assert list(again.group_sizes().values()) == [2]
    finally:
        again.close()


def test_a_team_library_s_newest_screenful_comes_before_its_other_rows(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading every row of a team library took 5.5 s at 1M, with the list empty meanwhile: its
    newest rows come first, then the others (each once)."""
    from tui import sync as syncing
    from tui.library.pg import PgLibrary

    folder = many_articles(tmp_path / "clips", 5)
    team = PgLibrary(pg_url, syncing=True)
    for _update in sync(team, [str(folder)]):
        pass
    team.close()
    monkeypatch.setattr(syncing, "FIRST_SCREEN", 2)
    browsing = PgLibrary(pg_url)
    try:
        first, rest, *_ = [update for update in sync(browsing, []) if update.rows or update.finished]
        everything = browsing.rows(newest_first=True)
        assert first.newest_first and first.rows == everything[:2]
        assert not rest.newest_first and sorted(r.key for r in rest.rows) == sorted(
            r.key for r in everything[2:]
        )
        assert rest.total == len(everything) == 5
        # a reload gives no screenful first (the list, already full, would drop to it meanwhile),
        # and only what changed: here nothing
        again = list(sync(browsing, [], again=True))
        assert not any(update.rows for update in again) and again[-1].finished and again[-1].total == 5
    finally:
        browsing.close()
