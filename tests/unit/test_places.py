"""Places and acronyms an article names (tui.gazetteer): found in its text, a dateline's place
checked, asked for with `place:` in the filter, in `--list` and on PostgreSQL, and counted as facets
(issue 24, item 2)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from tests.helpers import write_article
from tui.article import Article
from tui.cli import main
from tui.facets import as_record, facets, term_for
from tui.gazetteer import gazetteer, mentions, plausible_place
from tui.library import Row
from tui.library.pg_query import matches
from tui.library.pg_text import document
from tui.loader import parse_bytes
from tui.query import parse

REST = " membahas rencana kerja pemerintah daerah tahun depan.\n\nParagraf kedua berita ini.\n"


def places(text: str) -> tuple[str, ...]:
    return mentions("", text)[0]


def acronyms(text: str) -> tuple[str, ...]:
    return mentions("", text)[1]


def test_the_gazetteer_holds_every_province_and_regency() -> None:
    lines = [
        line.split("|")
        for line in resources.files("tui").joinpath("places.txt").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert sum(kind == "P" for kind, *_ in lines) == 38
    # 514 regencies and cities; a regency and a city of one name (Kabupaten and Kota Bandung) are one place
    assert sum(kind == "R" for kind, *_ in lines) == 484
    known = gazetteer()
    for name in (
        "Pasuruan",
        "Jakarta Selatan",
        "Kepulauan Seribu",
        "Tojo Una-Una",
        "Papua Pegunungan",
        "Japan",
    ):
        assert known.place(name) == name


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "Warga Kabupaten Pasuruan dan Kota Surabaya, Jawa Timur, berkumpul.",
            ("Jawa Timur", "Pasuruan", "Surabaya"),
        ),
        ("Hujan deras di Kab. Sidoarjo sejak pagi.", ("Sidoarjo",)),
        # the common spellings name their place
        ("Mahasiswa dari Jogja dan Jaksel tiba di Jatim.", ("Jakarta Selatan", "Jawa Timur", "Yogyakarta")),
        ("Banjir melanda PASURUAN dan JEMBER.", ("Jember", "Pasuruan")),
        # the longest name at each place: Jakarta Selatan, not Jakarta; Bandar Lampung, not Lampung
        ("Rapat di Jakarta Selatan dan Bandar Lampung.", ("Bandar Lampung", "Jakarta Selatan")),
        # English and Indonesian names of countries, and cities of the world
        (
            "Delegasi dari Jepang, Amerika Serikat and the United Kingdom met in Geneva.",
            ("Geneva", "Japan", "United Kingdom", "United States"),
        ),  # fmt: skip
    ],
)
def test_places_named_in_a_text(text: str, named: tuple[str, ...]) -> None:
    assert places(text) == named


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Wisata di Kota Batu ramai.", ("Batu",)),  # after a marker word
        ("Warga di Malang mengungsi.", ("Malang",)),  # in the middle of a sentence
        ("Batu bara naik. Malang nian nasibnya.", ()),  # a common word at a sentence's start
        ("Harga Batu Bara Naik", ()),  # inside a run of capitalised words (a headline)
        ("Menurut Jawa Pos, dalam Roh Kudus", ()),  # a newspaper's name, a phrase: no place
        ("pasuruan ditulis kecil", ()),  # places are written with a capital
    ],
)
def test_a_name_that_is_also_a_word_counts_only_where_it_is_a_place(
    text: str, named: tuple[str, ...]
) -> None:
    assert places(text) == named


def test_acronyms_known_or_spelled_out() -> None:
    text = (
        "Penerima Program Keluarga Harapan (PKH) dan BPJS diperiksa KPK. Badan Penanggulangan Bencana "
        "Daerah (BPBD) siaga. Jakarta (ANTARA) - pukul 10.00 (WIB), kata dia (XYZ)."
    )
    assert acronyms(text) == ("BPBD", "BPJS", "KPK", "PKH")


def test_a_dateline_place_must_look_like_a_place() -> None:
    assert not plausible_place("Info Bisnis")
    assert plausible_place("Cikarang") and plausible_place("JOGJA") and plausible_place("Kota Batu")


def parsed(text: str) -> Article:
    (article,) = parse_bytes(text.encode("utf-8"), "a.txt")
    assert isinstance(article, Article), article
    return article


def test_a_section_name_in_a_dateline_is_no_place() -> None:
    article = parsed(f"Judul Berita Hari Ini\n\nTEMPO.CO, Info Bisnis - Bank daerah{REST}")
    assert (article.source, article.place) == ("Tempo", None)
    assert parsed(f"Judul Berita Hari Ini\n\nINFO BISNIS - Bank daerah{REST}").place is None


def test_an_article_names_its_dateline_place_first_then_the_texts() -> None:
    article = parsed(
        "Bantuan Sosial Cair\n\nJOGJA - Penerima Program Keluarga Harapan (PKH) di Kabupaten Sleman "
        "dan Kota Magelang, Jawa Tengah, menerima bantuan." + REST
    )
    assert article.place == "Jogja"
    assert article.places == ("Yogyakarta", "Jawa Tengah", "Magelang", "Sleman")
    assert article.acronyms == ("PKH",)


def collection(folder: Path) -> Path:
    write_article(
        folder, "a.txt", "Banjir di Pesisir", "2 Maret 2024 09:00",
        ["Surabaya, 01/03/2024 - Banjir merendam rumah warga di Kabupaten Sidoarjo dan Kota Pasuruan."],
    )  # fmt: skip
    write_article(
        folder, "b.txt", "Bantuan Sosial Cair", "3 Maret 2024 09:00",
        ["Penerima PKH di Kabupaten Sleman, Daerah Istimewa Yogyakarta, menerima bantuan dari BPJS."],
    )  # fmt: skip
    write_article(
        folder, "c.txt", "Koperasi Perempuan", "4 Maret 2024 09:00",
        ["Koperasi perempuan desa itu membuka toko baru bagi anggotanya."],
    )  # fmt: skip
    return folder


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["--list", *args]) == 0
    return sorted(line.split("  ")[-1].strip() for line in capsys.readouterr().out.splitlines())


def test_place_asks_for_the_places_a_text_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(collection(tmp_path / "clips"))
    assert listed(capsys, "--filter", "place:sidoarjo", folder) == ["Banjir di Pesisir"]
    assert listed(capsys, "--filter", "place:surabaya", folder) == ["Banjir di Pesisir"]  # the dateline's
    assert listed(capsys, "--filter", "tempat:jogja", folder) == ["Bantuan Sosial Cair"]  # a spelling
    assert listed(capsys, "--filter=-place:pasuruan", folder) == [
        "Bantuan Sosial Cair",
        "Koperasi Perempuan",
    ]
    assert listed(capsys, "--no-cache", "--filter", "place:sleman", folder) == ["Bantuan Sosial Cair"]


def test_a_place_phrase_is_one_place_of_the_text_never_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """place:"jawa timur" finds an article whose text names Jawa Timur (not only a dateline), and no
    phrase runs from one place into the next ("Jawa Timur" then "Pasuruan"), here and on PostgreSQL."""
    folder = tmp_path / "clips"
    body = ["Warga Kabupaten Pasuruan dan Kota Surabaya, Jawa Timur, berkumpul di balai desa pagi ini."]
    write_article(folder, "rapat.txt", "Rapat Warga", "2024-05-02", body)
    assert listed(capsys, "--filter", 'place:"jawa timur"', str(folder)) == ["Rapat Warga"]
    assert main(["--list", "--filter", 'place:"timur pasuruan"', str(folder)]) == 1  # nothing found
    vectors = document("Rapat", "Jawa Timur lalu Pasuruan", None, None)
    positions = dict(part.split(":") for part in vectors.place.split())
    assert int(positions["'pasuruan'"]) - int(positions["'timur'"]) > 1


def test_stats_count_places_and_acronyms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(collection(tmp_path / "clips"))
    assert main(["--list", "--stats", "--json", folder]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["places"] == {"Pasuruan": 1, "Sidoarjo": 1, "Sleman": 1, "Surabaya": 1, "Yogyakarta": 1}
    assert record["acronyms"] == {"BPJS": 1, "PKH": 1}
    assert main(["--list", "--stats", "--lang", "id", folder]) == 0
    assert "\nAkronim: BPJS (1), PKH (1)\n" in capsys.readouterr().out


def test_facets_count_places_and_acronyms_and_ask_for_them() -> None:
    rows = {
        1: Row(1, "a", None, None, None, 10, "/a", "d1", (), "", "Jawa Timur\nPasuruan", "KPK"),
        2: Row(2, "b", None, None, None, 10, "/b", "d2", (), "", "Pasuruan", ""),
        3: Row(3, "c", None, None, None, 10, "/c", "d3"),
    }
    found = facets([1, 2, 3], rows)
    assert found.places == [("Pasuruan", 2), ("Jawa Timur", 1)]
    assert found.acronyms == [("KPK", 1)]
    assert as_record(found)["places"] == {"Pasuruan": 2, "Jawa Timur": 1}
    assert term_for("place", "Jawa Timur") == 'place:"Jawa Timur"'
    assert parse(term_for("place", "Jawa Timur")).groups == parse('place:"jawa timur"').groups
    assert term_for("acronym", "KPK") == '"KPK"'  # the word, not a prefix


def test_postgresql_reads_the_places_a_text_names() -> None:
    body = "Banjir merendam rumah warga di Kabupaten Sidoarjo."
    vectors = document("Banjir", body, None, "Surabaya")
    assert "'sidoarjo'" in vectors.place and "'surabaya'" in vectors.place
    assert matches(parse("place:sidoarjo"), "Banjir", body, None, "Surabaya")
    assert not matches(parse("place:pasuruan"), "Banjir", body, None, "Surabaya")


def test_after_warming_the_first_count_splits_nothing_again() -> None:
    """A load's end splits every row's places and acronyms on a thread (facets.warm): the facets
    panel's first count then costs what the next ones do."""
    import tui.facets as facets_module

    rows = {
        key: Row(
            key, "a", None, None, None, 10, f"/{key}", f"d{key}", (), "", f"Kota {key}\nPasuruan", f"K{key}"
        )
        for key in range(1, 50)
    }
    facets_module._SPLIT.clear()
    facets_module.warm(list(rows.values()))
    kept = dict(facets_module._SPLIT)
    assert "Kota 7\nPasuruan" in kept and "K7" in kept
    found = facets(list(rows), rows)
    assert kept == facets_module._SPLIT  # nothing left to split
    assert ("Pasuruan", 49) in found.places
