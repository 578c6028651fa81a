"""Related articles ("more like this"): the articles sharing an article's telling words, its own
near-copies left out."""

from __future__ import annotations

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
