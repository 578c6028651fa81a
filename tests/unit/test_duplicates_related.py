"""Related articles ("more like this"): the articles sharing an article's telling words, its own
near-copies left out."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_duplicates import day, make, put, story
from tui.library import Library

FLOOD = [
    "Banjir bandang melanda Pasuruan setelah tanggul sungai Welang jebol diterjang hujan deras.",
    "Warga Pasuruan mengungsi ke balai desa; relawan membagikan makanan dan selimut kepada pengungsi.",
    "Pemerintah kabupaten menyiapkan perbaikan tanggul Welang dan pengerukan sungai sebelum musim hujan.",
]
FLOOD_AGAIN = [
    "Tanggul sungai Welang di Pasuruan kembali retak, warga khawatir banjir bandang terulang.",
    "Relawan dan pengungsi di balai desa menunggu perbaikan tanggul dari pemerintah kabupaten.",
]


def test_related_finds_the_same_subject_without_its_copies() -> None:
    lib = Library()
    put(
        lib,
        make(1, FLOOD + story(11), day(1)),
        make(2, ["PASURUAN, KOMPAS.com - " + FLOOD[0], *FLOOD[1:], *story(11)], day(2)),  # a copy of 1
        make(3, FLOOD_AGAIN + story(12), day(3)),
        *(make(10 + n, story(20 + n), day(5 + n)) for n in range(8)),
    )
    by_path = {row.path: row.key for row in lib.rows()}
    first, copy, again = by_path["/c/1.txt"], by_path["/c/2.txt"], by_path["/c/3.txt"]
    assert lib.group(first) == [first, copy]
    found = lib.related(first, limit=3)
    assert found[0] == again
    assert first not in found and copy not in found
    assert lib.related(123456789) == []  # no such article
    lib.close()


def test_related_reads_the_counts_kept_at_the_merge_and_asks_the_index_for_newer_words(
    tmp_path: Path,
) -> None:
    from tui.library import related

    lib = Library(tmp_path / "cache.sqlite3")
    with lib.bulk_load():  # the index is merged after it, and the counts kept
        put(
            lib,
            make(1, FLOOD + story(11), day(1)),
            make(3, FLOOD_AGAIN + story(12), day(3)),
            *(make(10 + n, story(20 + n), day(5 + n)) for n in range(8)),
        )
    assert lib.wait_for_merges(timeout=30)
    kept = dict(lib._conn.execute("SELECT term, docs FROM counts"))
    assert kept[related.TOTAL] == 10 and kept["welang"] == 2 and kept["pasuruan"] == 2
    # Written after the count: their words are asked of the index.
    kali = [
        "Sungai Rejoso meluap, jembatan Gempol putus dan Bangil terendam lumpur.",
        "Warga Bangil menyeberangi Rejoso dengan rakit sejak jembatan Gempol putus.",
    ]
    put(lib, make(4, kali, day(4)), make(5, [kali[1], "Lumpur Rejoso menutup jalan Gempol."], day(6)))
    by_path = {row.path: row.key for row in lib.rows()}
    assert "rejoso" not in kept
    assert lib.related(by_path["/c/4.txt"], limit=3)[0] == by_path["/c/5.txt"]
    assert lib.related(by_path["/c/1.txt"], limit=3)[0] == by_path["/c/3.txt"]
    lib.close()


def test_a_cache_without_the_words_counts_is_rebuilt(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "cache.sqlite3"
    lib = Library(path)
    put(lib, make(1, FLOOD, day(1)))
    lib.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE counts")
        conn.execute("PRAGMA user_version = 12")  # the version before the counts were kept
    conn.close()
    again = Library(path)
    assert again.notice is not None and "version" in again.notice
    assert again.rows() == [] and again._conn.execute("SELECT count(*) FROM counts").fetchone() == (0,)
    again.close()
