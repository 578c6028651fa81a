"""Near-duplicate groups: syndicated and re-saved copies are found, kept in the cache, and asked for
in the filter (is:dup, -is:dup, dup:ID)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.article import Article, Block
from tui.library import Library
from tui.query import parse

VOCABULARY = """
program kegiatan masyarakat organisasi kapasitas pertemuan desa perempuan mitra jaringan
penguatan pelatihan inklusi disabilitas kesetaraan gender advokasi pemerintah kebijakan
peserta anggota layanan akses pembangunan pemberdayaan partisipasi kelompok komunitas
daerah wilayah provinsi kabupaten kota warga anak remaja pemuda keluarga sekolah
pendidikan kesehatan ekonomi koperasi usaha pendapatan hibah anggaran dana perencanaan
pelaksanaan forum diskusi lokakarya sosialisasi kampanye media informasi yang dan di untuk
dengan dari pada ini itu dalam akan oleh juga telah sudah bisa menjadi mengikuti
melaksanakan mengadakan memperkuat meningkatkan mendukung membahas menyampaikan
menjelaskan
"""
WORDS = VOCABULARY.split()


def story(seed: int, paragraphs: int = 6) -> list[str]:
    """A made-up article of a few hundred words, the same for the same seed."""
    rng = random.Random(seed)
    return [
        " ".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
            for _ in range(4)
        )
        for _ in range(paragraphs)
    ]


def make(n: int, paragraphs: list[str], date: dt.datetime | None, source: str = "Kompas") -> Article:
    return Article(
        id=f"a{n:04d}",
        path=f"/c/{n}.txt",
        title=f"Artikel {n}",
        blocks=tuple(Block("paragraph", text) for text in paragraphs),
        date=date,
        source=source,
        digest=f"d{n}",
    )


def day(n: int) -> dt.datetime:
    return dt.datetime(2024, 1, 1) + dt.timedelta(days=n)


def put(library: Library, *articles: Article) -> None:
    library.put_files([(a.path, 100, 1, [a]) for a in articles])


def keys_by_id(library: Library) -> dict[int, str]:
    return {row.key: row.path.rsplit("/", 1)[-1].removesuffix(".txt") for row in library.rows()}


def names(library: Library, keys: list[int] | set[int]) -> set[str]:
    by_key = keys_by_id(library)
    return {by_key[key] for key in keys}


def groups(library: Library) -> set[frozenset[str]]:
    """The groups as sets of file numbers."""
    return {frozenset(names(library, library.group(face))) for face in library.group_sizes()}


# The original story 0 and three copies of it as other sites run it; stories 1 and 2 alone.
ORIGINAL = story(0)
SYNDICATED = ["JAKARTA, KOMPAS.com - " + ORIGINAL[0], *ORIGINAL[1:]]
REWORDED = [*ORIGINAL[:3], "Kalimat ini ditambahkan oleh redaksi daerah yang memuat ulang.", *ORIGINAL[4:]]
CUT = ORIGINAL[:4]  # the last two paragraphs cut


@pytest.fixture
def library() -> Iterator[Library]:
    lib = Library()
    put(
        lib,
        make(1, SYNDICATED, day(3), "Tribun"),
        make(2, ORIGINAL, day(1), "Kompas"),
        make(3, story(1), day(2)),
        make(4, REWORDED, day(5), "Detik"),
        make(5, story(2), day(4)),
        make(6, CUT, day(6), "Antara"),
    )
    yield lib
    lib.close()


def test_near_copies_are_one_group_and_others_none(library: Library) -> None:
    assert groups(library) == {frozenset({"1", "2", "4", "6"})}


def test_the_face_is_the_earliest(library: Library) -> None:
    (face,) = library.group_sizes()
    assert names(library, [face]) == {"2"}
    assert library.group_sizes()[face] == 4
    assert names(library, library.group(face)[:1]) == {"2"}


def test_a_new_copy_joins_its_group(library: Library) -> None:
    put(library, make(7, ["BANDUNG - " + ORIGINAL[0], *ORIGINAL[1:5]], day(9), "Pikiran Rakyat"))
    put(library, make(8, story(1)[:5], day(10)))  # a copy of story 1: a new group of two
    assert groups(library) == {frozenset({"1", "2", "4", "6", "7"}), frozenset({"3", "8"})}


def test_an_earlier_copy_becomes_the_face(library: Library) -> None:
    put(library, make(9, SYNDICATED, day(0), "Suara"))
    (face,) = library.group_sizes()
    assert names(library, [face]) == {"9"}


def test_removing_members_regroups_the_rest(library: Library) -> None:
    library.forget_files(["/c/2.txt"])  # the face goes: the earliest left takes its place
    (face,) = library.group_sizes()
    assert names(library, [face]) == {"1"}
    library.forget_files(["/c/1.txt", "/c/4.txt"])
    assert groups(library) == set()  # one article left of it: no group


def test_filter_terms(library: Library) -> None:
    copies = library.search(parse("is:dup")).keys
    assert names(library, copies) == {"1", "4", "6"}
    assert names(library, library.search(parse("-is:dup")).keys) == {"2", "3", "5"}
    assert names(library, library.search(parse("is:dup source:tribun")).keys) == {"1"}
    group_id = library.group_ids()["a0004"]
    assert group_id == "a0002"  # the face's id
    assert names(library, library.search(parse(f"dup:{group_id}")).keys) == {"1", "2", "4", "6"}
    # Any member's id names the group:
    assert names(library, library.search(parse("salinan:a0004")).keys) == {"1", "2", "4", "6"}
    assert names(library, library.search(parse("dup:a0003")).keys) == {"3"}  # alone: its own group
    page = library.search(parse("-is:dup kegiatan"), limit=200)
    assert set(page.keys) <= set(library.search(parse("-is:dup")).keys)


def test_the_threshold_is_tunable() -> None:
    mixed = ORIGINAL[:4] + story(3)[:2]  # a third of it from another story
    articles = [make(2, ORIGINAL, day(1)), make(4, REWORDED, day(5)), make(7, mixed, day(7))]
    strict, usual, loose = Library(duplicates_at=0.95), Library(), Library(duplicates_at=0.6)
    for lib in (strict, usual, loose):
        put(lib, *articles)
    assert groups(strict) == set()
    assert groups(usual) == {frozenset({"2", "4"})}
    assert groups(loose) == {frozenset({"2", "4", "7"})}
    for lib in (strict, usual, loose):
        lib.close()


def test_short_texts_are_never_copies() -> None:
    lib = Library()
    put(lib, make(1, ["Baca juga berita lainnya."], day(1)), make(2, ["Baca juga berita lainnya."], day(2)))
    assert groups(lib) == set()
    lib.close()


def test_groups_are_kept_in_the_cache(tmp_path: Path) -> None:
    lib = Library(tmp_path / "cache.sqlite")
    put(lib, make(2, ORIGINAL, day(1)), make(1, SYNDICATED, day(3)))
    lib.close()
    again = Library(tmp_path / "cache.sqlite")
    assert groups(again) == {frozenset({"1", "2"})}
    put(again, make(4, REWORDED, day(5)))  # and the next run's copy joins it
    assert groups(again) == {frozenset({"1", "2", "4"})}
    again.close()


def test_parse_reads_the_terms() -> None:
    assert parse("is:dup").flags == {"dup"}
    assert parse("-is:dup").without == {"dup"}
    assert parse("dup:A0002").flags == {"dup:a0002"}
    assert parse("salinan:a0002").flags == {"dup:a0002"}
    blank = parse("dup: banjir")
    assert blank.hint is not None and "dup:" in blank.hint
    assert parse("is:dup").describe() == "is:dup"


def test_a_team_library_keeps_groups_from_sync_to_sync(pg_url: str) -> None:
    from tui.library.pg import PgLibrary

    team = PgLibrary(pg_url, syncing=True)
    reader = PgLibrary(pg_url)

    def sizes() -> dict[str, int]:
        ids = {row.key: row.path for row in reader.rows()}
        return {ids[key]: size for key, size in reader.group_sizes().items()}

    def found(text: str) -> set[str]:
        ids = {row.key: row.path for row in reader.rows()}
        return {ids[key] for key in reader.search(parse(text)).keys}

    try:
        original, syndicated, again = (
            make(2, ORIGINAL, day(1)),
            make(1, SYNDICATED, day(3)),
            make(3, SYNDICATED, None),
        )
        team.put_files([(a.path, 100, 1, [a]) for a in (original, syndicated, make(4, story(9), day(2)))])
        team.merge_leftovers()  # (the sync's end)
        assert sizes() == {"/c/2.txt": 2}
        assert found("is:dup") == {"/c/1.txt"} and found("-is:dup") == {"/c/2.txt", "/c/4.txt"}
        assert found("dup:a0001") == found("dup:a0002") == {"/c/1.txt", "/c/2.txt"}
        team.put_files([(again.path, 100, 1, [again])])  # a later sync: joins the group there
        team.merge_leftovers()
        assert sizes() == {"/c/2.txt": 3}
        team.forget_files(["/c/2.txt"])  # the face gone: the earliest dated copy left is the face
        team.merge_leftovers()
        assert sizes() == {"/c/1.txt": 2} and found("is:dup") == {"/c/3.txt"}
        assert (
            reader.group(reader.search(parse("dup:a0003")).keys[0])[0] in reader.search(parse("-is:dup")).keys
        )
        team.forget_files(["/c/1.txt"])
        team.merge_leftovers()
        assert sizes() == {} and found("is:dup") == set()
    finally:
        reader.close()
        team.close()


def test_the_threshold_comes_from_the_config(tmp_path: Path) -> None:
    from tui.config import dump_settings, load_settings

    config = tmp_path / "config.toml"
    config.write_text("duplicates = 0.6\n")
    settings, problem = load_settings(config)
    assert settings.duplicates == 0.6 and problem is None
    assert "duplicates = 0.6" in dump_settings(settings)
    config.write_text("duplicates = 2\n")
    settings, problem = load_settings(config)
    assert settings.duplicates == 0.95 and problem is not None and "duplicates must be 0.5 to 0.95" in problem
    config.write_text('duplicates = "loose"\n')
    settings, problem = load_settings(config)
    assert settings.duplicates == 0.7 and problem is not None and '"loose"' in problem


def test_a_bulk_load_groups_when_it_ends() -> None:
    lib = Library()
    put(lib, make(2, ORIGINAL, day(1)), make(3, story(1), day(2)))  # already there before the load
    with lib.bulk_load():
        put(lib, make(1, SYNDICATED, day(3)), make(5, story(2), day(4)))
        put(lib, make(4, REWORDED, day(5)), make(8, story(1)[:5], day(10)))
        assert groups(lib) == set()  # stored, grouped when the load ends
    assert lib.wait_for_groups(timeout=30)  # in the background
    assert groups(lib) == {frozenset({"1", "2", "4"}), frozenset({"3", "8"})}
    put(lib, make(6, CUT, day(6)))  # and an everyday write after it meets the load's articles
    assert groups(lib) == {frozenset({"1", "2", "4", "6"}), frozenset({"3", "8"})}
    assert names(lib, lib.search(parse("is:dup")).keys) == {"1", "4", "6", "8"}
    lib.close()


def test_a_cold_bulk_load_groups_when_it_ends() -> None:
    lib = Library()
    with lib.bulk_load():
        put(lib, make(2, ORIGINAL, day(1)), make(1, SYNDICATED, day(3)), make(3, story(1), day(2)))
    assert lib.wait_for_groups(timeout=30)
    assert groups(lib) == {frozenset({"1", "2"})}
    lib.close()


def test_a_bulk_load_stopped_before_grouping_is_grouped_by_the_next_run(tmp_path: Path) -> None:
    lib = Library(tmp_path / "cache.sqlite")
    with lib.bulk_load():
        put(lib, make(2, ORIGINAL, day(1)), make(1, SYNDICATED, day(3)))
        lib._writer.duplicates.stopping.set()  # as close() does when the app quits mid-load
    assert groups(lib) == set()
    lib.close()
    again = Library(tmp_path / "cache.sqlite")
    assert again.wait_for_groups(timeout=60)  # grouped on a thread of its own, started by the opening
    assert groups(again) == {frozenset({"1", "2"})}
    again.close()


def test_a_first_sync_stopped_before_grouping_is_grouped_by_the_next(pg_url: str) -> None:
    """A first sync's sketches wait to be grouped under one mark (pg_groups.ALL_PENDING)."""
    from tui.library.pg import PgLibrary

    team = PgLibrary(pg_url, syncing=True)
    try:
        with pytest.raises(KeyboardInterrupt), team.bulk_load():
            team.put_files(
                [(a.path, 100, 1, [a]) for a in (make(2, ORIGINAL, day(1)), make(1, SYNDICATED, day(3)))]
            )
            raise KeyboardInterrupt
        assert team.group_sizes() == {}
        team.merge_leftovers()  # the next sync's end
        assert list(team.group_sizes().values()) == [2]
    finally:
        team.close()
