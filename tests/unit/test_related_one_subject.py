""" "More like this" on a collection about one subject, where most of an article's words are in more
than a tenth of the articles (related.RARE): it was empty for most of them."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import write_article
from tui.library import Library
from tui.library.related import most_telling
from tui.sync import sync

TOPIC = "Program inklusi memperkuat organisasi masyarakat sipil bersama mitra daerah."


def test_an_article_on_the_collection_s_one_subject_has_related_ones(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    for number in range(120):  # every word in all of them, or in half of them: none in few
        side = ["pesisir nelayan", "pegunungan petani"][number % 2]
        write_article(
            folder, f"{number:03d}.txt", f"Kegiatan {side}", "2 Maret 2021 09:00", [f"{TOPIC} {side}."]
        )
    library = Library(tmp_path / "cache.sqlite3")
    rows = {row.key: row for update in sync(library, [folder]) for row in update.rows}
    first = next(key for key, row in rows.items() if "pesisir" in row.title)
    found = library.related(first, 5)
    library.close()
    assert len(found) == 5  # was none
    assert all("pesisir" in rows[other].title for other in found)  # the articles on its side


def test_the_rarer_words_still_come_first_and_alone_when_there_are_enough() -> None:
    counts = {"banjir": 4, "pesisir": 3, "warga": 9, "sungai": 2, "tanggul": 2}
    documents = {"banjir": 30, "pesisir": 20, "warga": 900, "sungai": 40, "tanggul": 12}
    assert [word for _weight, word in most_telling(counts, documents, 1000)] == [
        "banjir",
        "pesisir",
        "tanggul",
        "sungai",
    ]  # warga, in 90 % of them, is not asked
    assert [word for _weight, word in most_telling({"warga": 9, "sungai": 2}, documents, 1000)] == ["sungai"]
    documents["sungai"] = 400  # in 40 %: too common, but nothing rarer
    assert [word for _weight, word in most_telling({"warga": 9, "sungai": 2}, documents, 1000)] == ["sungai"]
