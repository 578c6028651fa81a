"""Outlets and places read from news datelines, and one name for one outlet (issue 21, item 10)."""

from __future__ import annotations

import json

import pytest

from tui.article import Article
from tui.loader import parse_bytes

REST = " membahas rencana kerja pemerintah daerah tahun depan.\n\nParagraf kedua berita ini.\n"


def parse(text: str, name: str = "a.txt") -> Article:
    (article,) = parse_bytes(text.encode("utf-8"), name)
    assert isinstance(article, Article), article
    return article


@pytest.mark.parametrize(
    ("opening", "source", "place"),
    [
        ("Liputan6.com, Jember - Badan", "Liputan6.com", "Jember"),
        ("TEMPO.CO, Jakarta - Ginjal", "Tempo", "Jakarta"),
        ("TEMPO.CO,Jakarta-Ginjal", "Tempo", "Jakarta"),
        ("KOMPAS.com - Di tengah", "Kompas.com", None),
        ("Liputan6.com, JakartaPada Jumat", "Liputan6.com", "Jakarta"),
        # Outlets no table knows: the pattern is general, and the name is the domain in lower case.
        ("BERITAJATIM.COM, Surabaya - Warga", "beritajatim.com", "Surabaya"),
        ("suarasurabaya.net, Kota Batu — Warga", "suarasurabaya.net", "Kota Batu"),
        ("Harianjogja.com, JOGJA - Warga", "harianjogja.com", "Jogja"),
    ],
)
def test_an_outlets_dateline_gives_the_source_and_the_place(
    opening: str, source: str, place: str | None
) -> None:
    article = parse(f"Judul Berita Hari Ini\n\n{opening}{REST}")
    assert (article.source, article.place) == (source, place)
    assert article.blocks[0].text.startswith(opening)  # the dateline stays readable in the body


@pytest.mark.parametrize(
    ("opening", "place"),
    [("JAKARTA - Bank", "Jakarta"), ("SEOUL- Ju", "Seoul"), ("JAKARTA-Segini", "Jakarta")],
)
def test_a_place_alone_in_capitals_is_a_dateline(opening: str, place: str) -> None:
    assert parse(f"Judul Berita Hari Ini\n\n{opening}{REST}").place == place


@pytest.mark.parametrize(
    "opening", ["COVID-19 kembali", "Example.com is a domain", "Kompas.com, kata dia, akan", "NASA-led team"]
)
def test_no_dateline_no_place(opening: str) -> None:
    assert parse(f"Judul Berita Hari Ini\n\n{opening}{REST}").place is None


def test_one_outlet_has_one_name_however_a_record_writes_it() -> None:
    records = [
        {"title": f"Berita {number}", "source": source, "text": "Isi berita yang cukup panjang untuk dibaca."}
        for number, source in enumerate(
            ["Kompas.com", "kompas.com", "KOMPAS.com", "KOMPAS.COM", "beritajatim.com", "BERITAJATIM.COM"]
        )
    ]
    data = "\n".join(json.dumps(record) for record in records).encode()
    sources = [article.source for article in parse_bytes(data, "r.jsonl") if isinstance(article, Article)]
    assert sources == ["Kompas.com"] * 4 + ["beritajatim.com"] * 2


def test_a_source_that_is_not_a_domain_is_kept_as_written() -> None:
    record = {"title": "T", "source": "The Guardian", "text": "Some text to read here."}
    (article,) = parse_bytes(json.dumps(record).encode(), "r.json")
    assert isinstance(article, Article) and article.source == "The Guardian"
