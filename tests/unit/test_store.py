"""The library finds what the filter asks for, ranks it sensibly, and survives restarts and damage."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tui.article import Article, Block, Problem
from tui.library import Library
from tui.query import parse


def make(
    n: int,
    title: str,
    body: str,
    date: dt.datetime | None = None,
    source: str | None = None,
    place: str | None = None,
) -> Article:
    return Article(
        id=f"a{n}",
        path=f"/c/{n}.txt",
        title=title,
        blocks=(Block("paragraph", body),),
        date=date,
        source=source,
        place=place,
        digest=f"d{n}",
    )


CORPUS = [
    make(
        1,
        "Kesetaraan gender di desa",
        "Warga desa berkumpul.",
        dt.datetime(2022, 3, 1),
        "Kompasiana",
        "Pasuruan",
    ),
    make(
        2,
        "Laporan tahunan",
        "Pertemuan mitra membahas kesetaraan.",
        dt.datetime(2023, 5, 10),
        "Tempo",
        "Jakarta",
    ),
    make(
        3, "Penguatan kapasitas OMS", "Pelatihan untuk organisasi.", dt.datetime(2023, 7, 1), "Kompas", None
    ),
    make(
        4,
        "Café culture",
        "The running club meets at the café.",
        dt.datetime(2024, 1, 2),
        "The Guardian",
        "London",
    ),
    make(5, "Tanpa tanggal", "Kami bertemu di kota untuk temu warga.", None, None, None),
    make(
        6,
        "Forum pembelajaran bersama",
        "Forum ini membahas kesetaraan dan inklusi sosial.",
        dt.datetime(2021, 1, 1),
        "Kompasiana",
        "Surabaya",
    ),
]


@pytest.fixture
def library() -> Iterator[Library]:
    lib = Library()
    lib.put_files([(a.path, 100, 1, [a]) for a in CORPUS])
    yield lib
    lib.close()


def titles(lib: Library, text: str, **kwargs: object) -> list[str]:
    by_key = {row.key: row.title for row in lib.rows()}
    return [by_key[key] for key in lib.search(parse(text), **kwargs).keys]  # type: ignore[arg-type]


def found(lib: Library, text: str, **kwargs: object) -> set[str]:
    return set(titles(lib, text, **kwargs))


def test_title_and_body_case_and_accent_insensitive(library: Library) -> None:
    assert found(library, "laporan tahunan") == {"Laporan tahunan"}
    assert found(library, "LAPORAN ") == {"Laporan tahunan"}
    assert found(library, "cafe") == {"Café culture"}
    assert found(library, "CAFÉ culture") == {"Café culture"}
    assert found(library, "berkumpul") == {"Kesetaraan gender di desa"}


def test_all_words_any_order(library: Library) -> None:
    assert found(library, "desa gender") == {"Kesetaraan gender di desa"}
    assert found(library, "gender tempo") == set()


def test_prefix_while_typing(library: Library) -> None:
    assert found(library, "pembel") == {"Forum pembelajaran bersama"}
    assert found(library, "pembel ") == {"Forum pembelajaran bersama"}
    assert found(library, "forum pembel") == {"Forum pembelajaran bersama"}
    assert found(library, "pembel* forum") == {"Forum pembelajaran bersama"}


def test_phrase(library: Library) -> None:
    assert found(library, '"membahas kesetaraan"') == {"Laporan tahunan", "Forum pembelajaran bersama"}
    assert found(library, '"mitra membahas"') == {"Laporan tahunan"}
    assert found(library, '"kesetaraan membahas"') == set()
    assert found(library, 'title:"kapasitas oms"') == {"Penguatan kapasitas OMS"}


def test_a_fields_phrase_is_looked_for_in_that_field_only() -> None:
    lib = Library()
    articles = [
        make(1, "Banjir", "Liputan The Guardian.", dt.datetime(2024, 1, 1), "Kompas", "Kota Baru"),
        make(2, "Gempa", "Di kota lama.", dt.datetime(2024, 1, 2), "The Guardian", "Kota Lama"),
    ]
    lib.put_files([(a.path, 100, 1, [a]) for a in articles])
    try:
        assert found(lib, 'source:"the guardian"') == {"Gempa"}
        assert found(lib, 'place:"kota lama"') == {"Gempa"}
        assert found(lib, 'banjir -source:"the guardian"') == {"Banjir"}
    finally:
        lib.close()


def test_a_place_phrase_finds_the_places_the_text_names() -> None:
    """place:"jawa tengah" (what F's Enter types for that place) asks for the places the text names,
    as place:tengah does, not the dateline's place alone: it found nothing."""
    lib = Library()
    named = replace(
        make(
            1,
            "Banjir",
            "Warga Demak di Jawa Tengah mengungsi.",
            dt.datetime(2024, 1, 1),
            "Kompas",
            "Semarang",
        ),
        places=("Semarang", "Demak", "Jawa Tengah"),
    )
    other = replace(
        make(2, "Gempa", "Demak, lalu Jawa Barat.", dt.datetime(2024, 1, 2)), places=("Demak", "Jawa Barat")
    )
    lib.put_files([(a.path, 100, 1, [a]) for a in (named, other)])
    try:
        assert found(lib, "place:tengah") == {"Banjir"}
        assert found(lib, 'place:"jawa tengah"') == {"Banjir"}
        assert found(lib, 'place:"semarang"') == {"Banjir"}
        assert found(lib, 'place:"demak jawa"') == set()  # two places are no phrase
    finally:
        lib.close()


def test_exclusion(library: Library) -> None:
    assert found(library, "kesetaraan -forum") == {"Kesetaraan gender di desa", "Laporan tahunan"}
    assert found(library, '-"membahas kesetaraan" kesetaraan') == {"Kesetaraan gender di desa"}
    assert "Café culture" not in found(library, "-cafe")
    assert len(found(library, "-cafe")) == 5


def test_or(library: Library) -> None:
    assert found(library, "laporan OR forum") == {"Laporan tahunan", "Forum pembelajaran bersama"}
    assert found(library, "kesetaraan desa | inklusi") == {
        "Kesetaraan gender di desa",
        "Forum pembelajaran bersama",
    }


def test_field_filters(library: Library) -> None:
    assert found(library, "title:kesetaraan") == {"Kesetaraan gender di desa"}
    assert found(library, "source:kompasiana") == {"Kesetaraan gender di desa", "Forum pembelajaran bersama"}
    assert found(library, "source:kompas") == {
        "Kesetaraan gender di desa",
        "Forum pembelajaran bersama",
        "Penguatan kapasitas OMS",
    }
    assert found(library, "source:guardian") == {"Café culture"}
    assert found(library, "place:pasur") == {"Kesetaraan gender di desa"}
    assert found(library, "year:2023") == {"Laporan tahunan", "Penguatan kapasitas OMS"}
    assert found(library, "date:2023-05") == {"Laporan tahunan"}
    assert found(library, "date:2022..2023-05") == {"Kesetaraan gender di desa", "Laporan tahunan"}
    assert found(library, "after:2023-05") == {"Penguatan kapasitas OMS", "Café culture"}
    assert found(library, "before:2022") == {"Forum pembelajaran bersama"}
    assert found(library, "year:2022 year:2023") == set()
    assert found(library, "kesetaraan -source:kompasiana") == {"Laporan tahunan"}


def test_flags(library: Library) -> None:
    keys = {row.title: row.key for row in library.rows()}
    flags = {"read": {keys["Café culture"]}, "starred": {keys["Tanpa tanggal"]}}
    assert found(library, "is:read", flags=flags) == {"Café culture"}
    assert found(library, "is:starred", flags=flags) == {"Tanpa tanggal"}
    assert len(found(library, "is:unread", flags=flags)) == 5
    assert found(library, "is:unread cafe", flags=flags) == set()
    assert found(library, "is:starred") == set()


def test_stemming(library: Library) -> None:
    assert found(library, "temu ") == {"Laporan tahunan", "Tanpa tanggal"}
    assert found(library, "kuat ") == {"Penguatan kapasitas OMS"}
    assert found(library, "run ") == {"Café culture"}


def test_exact_outranks_stem_only(library: Library) -> None:
    assert titles(library, "temu ") == ["Tanpa tanggal", "Laporan tahunan"]


def test_title_match_ranks_above_body_match(library: Library) -> None:
    ranked = titles(library, "kesetaraan")
    assert ranked[0] == "Kesetaraan gender di desa"
    assert set(ranked[1:]) == {"Laporan tahunan", "Forum pembelajaran bersama"}
    # ties within a tier: newest first
    assert ranked[1:] == ["Laporan tahunan", "Forum pembelajaran bersama"]


def test_sorts_and_reverse(library: Library) -> None:
    assert titles(library, "") == [
        "Café culture",
        "Penguatan kapasitas OMS",
        "Laporan tahunan",
        "Kesetaraan gender di desa",
        "Forum pembelajaran bersama",
        "Tanpa tanggal",
    ]
    assert titles(library, "", sort="date") == titles(library, "")
    assert titles(library, "", sort="date", reverse=True) == titles(library, "")[::-1]
    assert titles(library, "", sort="title")[:2] == ["Café culture", "Forum pembelajaran bersama"]
    assert titles(library, "", sort="source")[0] == "Penguatan kapasitas OMS"  # Kompas
    assert titles(library, "", sort="source")[-1] == "Tanpa tanggal"  # no source: last
    counts = {a.title: a.words for a in CORPUS}
    by_words = [counts[t] for t in titles(library, "", sort="words")]
    assert by_words == sorted(by_words, reverse=True)
    assert titles(library, "kesetaraan", sort="title") == [
        "Forum pembelajaran bersama",
        "Kesetaraan gender di desa",
        "Laporan tahunan",
    ]
    with pytest.raises(ValueError):
        library.search(parse(""), sort="colour")


def test_round_trip(library: Library) -> None:
    rows = {row.title: row for row in library.rows()}
    assert len(rows) == 6 and len(library.rows()) == 6
    row = rows["Café culture"]
    assert row.date == dt.datetime(2024, 1, 2)
    assert (row.source, row.place, row.words, row.path, row.digest) == (
        "The Guardian",
        "London",
        7,
        "/c/4.txt",
        "d4",
    )
    assert library.article(row.key) == CORPUS[3]
    assert library.article(10_000) is None


def test_file_state_replace_and_forget(library: Library) -> None:
    assert library.file_state()["/c/1.txt"] == (100, 1)
    new = make(1, "Judul baru", "Isi yang sama sekali lain.", source="Detik")
    rows = library.put_files([("/c/1.txt", 200, 2, [new, Problem("/c/1.txt", "record 2 is empty")])])
    assert [r.title for r in rows] == ["Judul baru"]
    assert library.file_state()["/c/1.txt"] == (200, 2)
    assert found(library, "berkumpul") == set()
    assert found(library, "sekali") == {"Judul baru"}
    assert library.problems() == [Problem("/c/1.txt", "record 2 is empty")]
    library.forget_files(["/c/1.txt", "/c/2.txt"])
    assert "/c/1.txt" not in library.file_state()
    assert len(library.rows()) == 4
    assert found(library, "sekali") == set()
    assert found(library, "laporan") == set()
    assert library.problems() == []


def test_reopen_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "kliping.sqlite"
    lib = Library(path)
    assert lib.notice is None
    lib.put_files(
        [(a.path, 1, 2, [a]) for a in CORPUS] + [("/bad.txt", 3, 4, [Problem("/bad.txt", "empty")])]
    )
    lib.close()
    again = Library(path)
    assert again.notice is None
    assert len(again.rows()) == 6
    assert again.problems() == [Problem("/bad.txt", "empty")]
    assert found(again, "temu ") == {"Laporan tahunan", "Tanpa tanggal"}
    key = next(r.key for r in again.rows() if r.title == "Café culture")
    assert again.article(key) == CORPUS[3]
    assert again.file_state()["/bad.txt"] == (3, 4)
    # new keys never collide with old ones
    extra = again.put_files([("/c/new.txt", 1, 1, [make(9, "Baru", "baru")])])
    assert extra[0].key not in {r.key for r in again.rows() if r.title != "Baru"}
    again.close()


def test_other_schema_version_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "kliping.sqlite"
    lib = Library(path)
    lib.put_files([(CORPUS[0].path, 1, 1, [CORPUS[0]])])
    lib.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 3")
    conn.close()
    again = Library(path)
    assert again.notice is not None and "version" in again.notice
    assert len(again.rows()) == 0
    again.put_files([(CORPUS[0].path, 1, 1, [CORPUS[0]])])
    assert len(again.rows()) == 1
    again.close()


@pytest.mark.parametrize("damage", ["garbage", "tables"])
def test_damaged_file_is_moved_aside(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "kliping.sqlite"
    if damage == "garbage":
        path.write_bytes(b"this is not a database at all" * 100)
    else:
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE something(other)")
        conn.close()
    lib = Library(path)
    assert lib.notice is not None and "damaged" in lib.notice
    aside = list(tmp_path.glob("kliping.sqlite.damaged-*"))
    assert len(aside) == 1
    assert len(lib.rows()) == 0
    lib.put_files([(CORPUS[0].path, 1, 1, [CORPUS[0]])])
    assert found(lib, "desa") == {"Kesetaraan gender di desa"}
    lib.close()


def test_slips_never_fail(library: Library) -> None:
    for text in ['"unclosed', "foo:bar", "year:abc", "a OR", "-", "OR", "*", '"', "title:", "AND NOT"]:
        library.search(parse(text))


def test_big_batch_stems_in_background(tmp_path: Path) -> None:
    lib = Library(tmp_path / "big.sqlite")
    words = [f"kata{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}" for i in range(3000)]
    articles = [make(100 + i, f"Judul {i}", " ".join(words[i * 100 : i * 100 + 100])) for i in range(30)]
    articles.append(make(99, "Pertemuan", "pertemuan besar"))
    lib.put_files([(a.path, 1, 1, [a]) for a in articles])
    assert lib.wait_for_stems(timeout=60)
    assert found(lib, "temu ") == {"Pertemuan"}
    lib.close()


def test_remembered_answers_are_forgotten_on_every_write(tmp_path: Path) -> None:
    lib = Library(None)
    lib.put_files([("/c/1.txt", 1, 1, [make(1, "Satu koperasi", "isi pertama")])])
    first = lib.search(parse("koperasi")).keys
    assert lib.search(parse("koperasi")).keys is first  # the same answer, not searched again
    lib.put_files([("/c/2.txt", 1, 1, [make(2, "Dua koperasi", "isi kedua")])])
    assert len(lib.search(parse("koperasi")).keys) == 2
    lib.forget_files(["/c/1.txt"])
    assert len(lib.search(parse("koperasi")).keys) == 1


def test_undecodable_names_and_broken_escapes_are_stored_and_given_back(tmp_path: Path) -> None:
    lib = Library(tmp_path / "cache.sqlite3")
    path = "/c/nama\udcff.txt"  # a file name byte that is not UTF-8, as os.scandir gives it
    article = make(1, "Judul \udcff rusak", "isi koperasi \ud800 aneh")  # lone surrogates from JSON
    article = Article(**{**{f: getattr(article, f) for f in article.__dataclass_fields__}, "path": path})
    lib.put_files([(path, 5, 5, [article, Problem(path, "contoh")])])
    again = Library(tmp_path / "cache.sqlite3")
    assert again.file_state() == {path: (5, 5)}
    assert [row.path for row in again.rows()] == [path]
    assert [p.path for p in again.problems()] == [path]
    (key,) = again.search(parse("koperasi")).keys
    stored = again.article(key)
    assert stored is not None and stored.path == path
    assert stored.title == "Judul ? rusak"
    again.forget_files([path])
    assert again.rows() == [] and again.file_state() == {}


def test_date_ranges_match_a_plain_comparison(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    lib = Library(None)
    articles = []
    for n in range(300):
        date = None if n % 17 == 0 else dt.datetime(2018 + n % 7, 1 + n % 12, 1 + rng.randrange(28), n % 24)
        articles.append(make(n, f"Judul {n}", "isi desa", date=date))
    lib.put_files([(f"/c/{n}.txt", 1, 1, [a]) for n, a in enumerate(articles)])
    for text, low, high in [
        ("year:2020", dt.date(2020, 1, 1), dt.date(2021, 1, 1)),
        ("date:2019-03..2021-06", dt.date(2019, 3, 1), dt.date(2021, 7, 1)),
        ("after:2023-06", dt.date(2023, 7, 1), dt.date(9999, 1, 1)),
        ("before:2019", dt.date(1, 1, 1), dt.date(2019, 1, 1)),
    ]:
        expected = {a.title for a in articles if a.date and low <= a.date.date() < high}
        assert found(lib, text) == expected, text
        assert found(lib, text + " desa") == expected, text


def test_remembered_answers_are_bounded_by_their_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.library import answers

    monkeypatch.setattr(answers, "ANSWER_KEYS_KEPT", 10)
    lib = Library(None)
    lib.put_files([(f"/c/{n}.txt", 1, 1, [make(n, f"Judul {n} desa", "isi kota")]) for n in range(8)])
    lib.search(parse("desa"))  # 8 keys
    lib.search(parse("judul"))  # 8 more: the first answer goes
    assert list(lib._answers) == [(parse("judul"), "relevance", False)]
    lib.search(parse("judul 3"))
    assert len(lib._answers) == 2
    monkeypatch.setattr(answers, "ANSWER_KEYS_KEPT", 5)
    lib.search(parse("kota"))  # bigger than the whole budget: not kept, and nothing else goes
    assert len(lib._answers) == 2


def test_a_cache_from_an_older_kliping_is_rebuilt_not_called_damaged(tmp_path: Path) -> None:
    """Caches made before the version moved to PRAGMA user_version kept it in a `meta` table."""
    import sqlite3

    from tui.library import Library

    path = tmp_path / "cache.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(
            "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
            "INSERT INTO meta VALUES ('version', '3');"
            "CREATE TABLE files(path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER);"
            "CREATE TABLE articles(key INTEGER PRIMARY KEY, path TEXT);"
            "CREATE TABLE problems(path TEXT, reason TEXT);"
        )
    library = Library(path)
    try:
        assert library.notice is not None and "another version" in library.notice
        assert not list(tmp_path.glob("*.damaged-*"))
    finally:
        library.close()
