"""The loader turns messy saved pages into clean articles and never lets a bad file stop the rest."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tui import formats, loader
from tui.article import Article, Problem
from tui.loader import find_files, load_articles, load_file, parse_bytes, read_raw

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

BODY = (
    "The council met on Tuesday to discuss the new budget for schools and clinics.\n\n"
    "Members agreed that the plan needs more money for rural areas, where needs are greatest.\n\n"
    "A final vote is expected next month after public hearings in every district.\n"
)


def only_article(results: list[Article | Problem]) -> Article:
    assert len(results) == 1, results
    article = results[0]
    assert isinstance(article, Article), article
    return article


def parse_text(text: str, name: str = "a.txt") -> Article:
    return only_article(parse_bytes(text.encode("utf-8"), name))


def problems(results: list[Article | Problem] | list[Path | Problem]) -> list[Problem]:
    return [item for item in results if isinstance(item, Problem)]


# ------------------------------------------------------------------ seeds


def test_seed_000_title_is_derived_from_the_first_sentence() -> None:
    article = only_article(load_file(SEEDS / "000_17a3e6327fd624fc.txt"))
    assert article.title_derived
    assert article.title.startswith("Sekretariat INKLUSI terus berkomitmen")
    assert article.title.endswith("…")
    assert len(article.title) <= 100
    assert article.date is None  # "Juni hingga Agustus 2024" is not a publication date
    assert len(article.blocks) == 9
    assert [block.kind for block in article.blocks].count("quote") == 2
    assert article.blocks[4].kind == "quote"
    assert article.blocks[-1].text.endswith("masyarakat inklusif.")


def test_seed_002_kompasiana_page() -> None:
    article = only_article(load_file(SEEDS / "002_5333ad575779ec51.txt"))
    assert article.title == (
        "Dukung Penguatan Kapasitas OMS, LPKP Jawa Timur Bersama Jaringan Rumah Inklusi "
        "Jawa Timur Melaksanakan Pertemuan Rutin Ditingkat Provinsi"
    )
    assert not article.title_derived
    assert article.date == dt.datetime(2022, 10, 13, 18, 10)
    assert article.source == "Kompasiana"
    assert article.place == "Pasuruan"
    captions = [block for block in article.blocks if block.kind == "caption"]
    assert len(captions) == 3
    assert all(block.text.startswith("Gambar ") for block in captions)
    assert article.blocks[-1].text.endswith("Program MADANI Jawa Timur.")
    body = article.text
    for leftover in ("Follow Instagram", "Baca juga", "BERI NILAI", "Headline", "Diperbarui"):
        assert leftover not in body
        assert any(leftover in line for line in article.removed)
    assert "Lihat ke Halaman Asli" in article.removed
    assert "tahun sebelumnya" in body  # runs of (non-breaking) spaces collapsed
    assert body.startswith("Gambar 1.")


def test_seeds_load_as_a_folder() -> None:
    results = list(load_articles([SEEDS]))
    assert [type(item) for item in results] == [Article, Article]
    assert len({article.id for article in results if isinstance(article, Article)}) == 2


# ------------------------------------------------------------------ formats


def test_txt_article_fields() -> None:
    article = only_article(parse_bytes(("Council Agrees on Budget\n\n" + BODY).encode(), "n.txt"))
    assert article.title == "Council Agrees on Budget"
    assert not article.title_derived
    assert [block.kind for block in article.blocks] == ["paragraph"] * 3
    assert article.path == "n.txt"
    assert len(article.id) == 12 and int(article.id, 16) >= 0
    assert len(article.digest) == 16
    assert article.record is None
    assert article.words == sum(len(block.text.split()) for block in article.blocks)


def test_id_is_stable_for_a_path_and_digest_follows_content() -> None:
    one = parse_text(BODY, "x.txt")
    again = parse_text(BODY, "x.txt")
    other_path = parse_text(BODY, "y.txt")
    other_text = parse_text(BODY + "\nMore.\n", "x.txt")
    assert one.id == again.id and one.digest == again.digest
    assert one.id != other_path.id and one.digest == other_path.digest
    assert one.digest != other_text.digest


def test_hard_wrapped_paragraphs_are_joined() -> None:
    article = parse_text("first line of a paragraph\nthat goes on.\n\nSecond paragraph here.\n")
    assert [block.text for block in article.blocks] == [
        "first line of a paragraph that goes on.",
        "Second paragraph here.",
    ]


def test_markdown_front_matter_headings_quotes_lists() -> None:
    text = (
        "---\n"
        "title: Front Matter Title\n"
        "date: 2024-01-12\n"
        "source: Example Daily\n"
        "url: https://example.org/a\n"
        "place: Surabaya\n"
        "---\n"
        "# Front Matter Title\n\n"
        "Intro paragraph with **bold** and a [link](https://x.org).\n\n"
        "## Background\n\n"
        "> A quoted line\n> that continues.\n\n"
        "- first item\n"
        "* second item\n"
        "1. numbered item\n\n"
        "![A photo of the meeting](photo.jpg)\n\n"
        "Closing paragraph of the note.\n"
    )
    article = only_article(parse_bytes(text.encode(), "note.md"))
    assert article.title == "Front Matter Title"
    assert article.date == dt.datetime(2024, 1, 12)
    assert article.source == "Example Daily"
    assert article.url == "https://example.org/a"
    assert article.place == "Surabaya"
    assert article.links == ("https://x.org",)
    assert [(block.kind, block.text) for block in article.blocks] == [
        ("paragraph", "Intro paragraph with bold and a link[1]."),
        ("heading", "Background"),
        ("quote", "A quoted line that continues."),
        ("list", "first item"),
        ("list", "second item"),
        ("list", "1. numbered item"),
        ("caption", "A photo of the meeting"),
        ("paragraph", "Closing paragraph of the note."),
    ]


def test_markdown_title_from_first_heading_without_front_matter() -> None:
    article = only_article(parse_bytes(b"# The Heading\n\nSome body text here.\n", "n.markdown"))
    assert article.title == "The Heading"
    assert [block.text for block in article.blocks] == ["Some body text here."]


def test_markdown_backslash_escapes_are_the_characters_themselves() -> None:
    """CommonMark: `\\*` is a star, not emphasis, and the backslash goes; in a code span it stays."""
    text = (
        "# Judul \\*penting\\*\n\n"
        "Harga naik 10\\% dan \\_bukan miring\\_, tanda \\# bukan judul, *miring* dan \\\\ satu.\n\n"
        "\\# Bukan judul\n\n"
        "1\\. Bukan daftar, [tautan \\*](https://contoh.id/a) dan `kode a\\*b`.\n\n"
        "Garis C:\\Users tetap: \\w bukan tanda baca.\n"
    )
    article = only_article(parse_bytes(text.encode(), "e.md"))
    assert article.title == "Judul *penting*"
    assert [block.text for block in article.blocks] == [
        "Harga naik 10% dan _bukan miring_, tanda # bukan judul, miring dan \\ satu.",
        "# Bukan judul",
        "1. Bukan daftar, tautan *[1] dan kode a\\*b.",
        "Garis C:\\Users tetap: \\w bukan tanda baca.",
    ]
    assert [block.kind for block in article.blocks] == ["paragraph"] * 4
    assert article.links == ("https://contoh.id/a",)


def test_markdown_malformed_front_matter_still_loads() -> None:
    text = "---\ntitle: [unclosed\n  - : :\n---\n# Real Title\n\nBody text stays.\n"
    article = only_article(parse_bytes(text.encode(), "bad.md"))
    assert article.title == "Real Title"
    assert article.text == "Body text stays."
    assert any("unclosed" in line for line in article.removed)


def test_front_matter_libyaml_refuses_is_read_as_pure_python_yaml_reads_it() -> None:
    text = "---\ntitle: Judul Depan\ndate: 2020-02-06\ntags: [desa, pesan:]\n---\nIsi artikel di sini.\n"
    article = only_article(parse_bytes(text.encode(), "a.md"))
    assert article.title == "Judul Depan"
    assert article.date == dt.datetime(2020, 2, 6)
    assert "desa" in article.tags


HTML_PAGE = """<!doctype html>
<html><head>
<title>Budget Deal Reached | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-01-12T10:30:00Z">
<link rel="canonical" href="https://example.com/budget">
<script>var tracking = "Budget script text";</script>
<style>p { color: red }</style>
</head><body>
<header><a href="/">Home</a> <a href="/news">News</a></header>
<nav><ul><li>World</li><li>Politics</li></ul></nav>
<div class="share-buttons"><a>Share on Facebook</a><a>Tweet</a></div>
<article>
<h1>Budget Deal Reached</h1>
<p>The council <b>finally</b> agreed on the budget<br>after a long night.</p>
<figure><img src="x.jpg"><figcaption>Council members vote.</figcaption></figure>
<blockquote><p>We did it for the children.</p></blockquote>
<ul><li>More money for schools</li><li>New clinics</li></ul>
<p>Advertisement</p>
<p>The plan takes effect in March after the mayor signs it.</p>
<div class="related-posts"><h3>Related articles</h3><p>Other story</p></div>
</article>
<aside>Most popular: things</aside>
<footer>© 2024 Example News. All rights reserved.</footer>
<button>Load more</button>
</body></html>
"""


def test_html_article_text_without_junk() -> None:
    article = only_article(parse_bytes(HTML_PAGE.encode(), "page.html"))
    assert article.title == "Budget Deal Reached"
    assert article.source == "Example News"
    assert article.date == dt.datetime(2024, 1, 12, 10, 30)
    assert article.url == "https://example.com/budget"
    assert [(block.kind, block.text) for block in article.blocks] == [
        ("paragraph", "The council finally agreed on the budget after a long night."),
        ("caption", "Council members vote."),
        ("quote", "We did it for the children."),
        ("list", "More money for schools"),
        ("list", "New clinics"),
        ("paragraph", "The plan takes effect in March after the mayor signs it."),
    ]
    for junk in ("script", "color", "Politics", "Share", "Other story", "©", "Load more"):
        assert junk not in article.text


def test_html_title_fallbacks_and_time_element() -> None:
    page = (
        "<html><head><title>Only Title - Site</title></head><body><main>"
        "<p>Posted <time datetime='2023-08-14'>14 Aug</time></p>"
        "<p>Some text of the page that is long enough.</p></main></body></html>"
    )
    article = only_article(parse_bytes(page.encode(), "p.htm"))
    assert article.title == "Only Title - Site"  # no og:site_name, so no suffix is stripped
    assert article.date == dt.datetime(2023, 8, 14)
    page = "<html><body><h1>Heading One</h1><div>Loose text.<br>Second line.</div></body></html>"
    article = only_article(parse_bytes(page.encode(), "p.html"))
    assert article.title == "Heading One"
    assert [block.text for block in article.blocks] == ["Loose text.", "Second line."]


def test_unknown_suffix_sniffs_html() -> None:
    article = only_article(parse_bytes(b"<!DOCTYPE html><html><body><h1>T</h1><p>x y.</p>", "page"))
    assert article.title == "T"
    assert article.text == "x y."


def test_jsonl_records_and_a_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "One", "text": "First body.", "date": "2024-01-12"}),
        '{"title": "Broken", "text": "x" "y"}',
        "",
        json.dumps({"headline": "Three", "content": "Third body.", "url": "https://kompas.com/x"}),
        json.dumps({"title": "No text here"}),
        json.dumps(["not", "an", "object"]),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = load_file(path)
    articles = [item for item in results if isinstance(item, Article)]
    assert [article.title for article in articles] == ["One", "Three"]
    assert articles[0].date == dt.datetime(2024, 1, 12)
    assert articles[1].source == "Kompas.com"
    assert articles[1].url == "https://kompas.com/x"
    assert [article.record for article in articles] == [0, 2]
    assert articles[0].id != articles[1].id
    assert [problem.reason for problem in problems(results)] == [  # one line for the file
        "3 not read: line 2: invalid JSON (Expecting ',' delimiter); "
        "line 5: no article text (no 'text', 'content' or 'body' field); line 6: not a JSON object",
    ]
    assert json.loads(read_raw(articles[1]))["headline"] == "Three"


def test_json_single_object_list_and_misnamed_jsonl(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"title": "Solo", "body": "Body.", "site_name": "Site"}, indent=2))
    article = only_article(load_file(single))
    assert (article.title, article.source, article.record, article.text) == (
        "Solo",
        "Site",
        None,
        "Body.",
    )
    listed = tmp_path / "many.json"
    listed.write_text(json.dumps([{"title": "A", "text": "a."}, {"title": "B", "text": "b."}]))
    articles = load_file(listed)
    assert [(a.title, a.record) for a in articles if isinstance(a, Article)] == [("A", 0), ("B", 1)]
    assert json.loads(read_raw(articles[1]))["title"] == "B"  # type: ignore[arg-type]
    misnamed = tmp_path / "lines.json"
    misnamed.write_text('{"title": "L1", "text": "one."}\n{"title": "L2", "text": "two."}\n')
    assert [a.title for a in load_file(misnamed) if isinstance(a, Article)] == ["L1", "L2"]


def test_json_record_html_body_and_no_text() -> None:
    data = json.dumps({"title": "H", "content": "<p>Para one.</p><p>Para two.</p>"}).encode()
    assert only_article(parse_bytes(data, "r.json")).text == "Para one.\n\nPara two."
    (problem,) = parse_bytes(b'{"title": "Empty", "text": "  "}', "r.json")
    assert problem == Problem("r.json", "the file: no article text (no 'text', 'content' or 'body' field)")
    (problem,) = parse_bytes(b'{"title": ', "r.json")
    assert isinstance(problem, Problem) and problem.reason.startswith("invalid JSON")


# ------------------------------------------------------------------ encodings


def test_utf8_with_bom() -> None:
    article = only_article(parse_bytes(b"\xef\xbb\xbfJudul Berita\n\n" + BODY.encode(), "b.txt"))
    assert article.title == "Judul Berita"


def test_cp1252_smart_quotes_and_accents() -> None:
    text = "Caf\u00e9 Reopens\n\n\u201cWe are back,\u201d said the owner of the caf\u00e9.\n\nMore text.\n"
    article = only_article(parse_bytes(text.encode("cp1252"), "c.txt"))
    assert article.title == "Caf\u00e9 Reopens"
    assert article.blocks[0].text == "\u201cWe are back,\u201d said the owner of the caf\u00e9."
    assert article.blocks[0].kind == "quote"


def test_latin1_bytes_that_cp1252_cannot_decode() -> None:
    data = "Se\u00f1or Title\n\nEl ni\u00f1o \x81 lleg\u00f3.\n".encode("latin-1")
    article = only_article(parse_bytes(data, "l.txt"))
    assert article.title == "Se\u00f1or Title"
    assert "ni\u00f1o" in article.text


def test_crlf_and_cr_line_endings() -> None:
    for newline in ("\r\n", "\r"):
        data = ("Title Here" + newline * 2 + "Body one." + newline * 2 + "Body two.").encode()
        article = only_article(parse_bytes(data, "e.txt"))
        assert article.title == "Title Here"
        assert [block.text for block in article.blocks] == ["Body one.", "Body two."]


def test_invalid_utf8_byte_mid_file_still_loads() -> None:
    data = "Judul Baru\n\nPara satu – dengan “kutipan”.\n\n".encode() + b"Rusak \xff ok.\n"
    article = only_article(parse_bytes(data, "u.txt"))
    assert article.title == "Judul Baru"
    assert "“kutipan”" in article.text  # still read as UTF-8, not as cp1252 mojibake
    assert "Rusak \ufffd ok." in article.text


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Diperbarui: 13 Oktober 2022   18:10", dt.datetime(2022, 10, 13, 18, 10)),
        ("Senin, 14 Agu 2023 10:30 WIB", dt.datetime(2023, 8, 14, 10, 30)),
        ("29/08/2022", dt.datetime(2022, 8, 29)),
        ("Published on 12 January 2024", dt.datetime(2024, 1, 12)),
        ("January 12, 2024", dt.datetime(2024, 1, 12)),
        ("2024-01-12", dt.datetime(2024, 1, 12)),
        ("2024-01-12T10:30:00Z", dt.datetime(2024, 1, 12, 10, 30)),
        ("Dipublikasikan 5 Peb 2021", dt.datetime(2021, 2, 5)),
        ("Tanggal: 1 Nop 2020", dt.datetime(2020, 11, 1)),
        ("Rabu, 3 Des 2019", dt.datetime(2019, 12, 3)),
        ("Updated: Mar 3, 2024 at 4:05 pm", dt.datetime(2024, 3, 3, 16, 5)),
        ("Jumat, 7 Agt 2020 pukul 09.15 WIB", dt.datetime(2020, 8, 7, 9, 15)),
        ("12 Mei 2021", dt.datetime(2021, 5, 12)),
        ("Posted 2 Sept 2018", dt.datetime(2018, 9, 2)),
    ],
)
def test_date_forms_in_the_head(line: str, expected: dt.datetime) -> None:
    article = parse_text(f"A Headline For The Story\n\n{line}\n\n{BODY}")
    assert article.date == expected
    assert line.split()[0] not in article.text
    assert " ".join(line.split()) in article.removed


@pytest.mark.parametrize("line", ["31/02/2022", "30 Februari 2021", "2024-13-40", "45 Oktober 2022"])
def test_impossible_dates_are_rejected(line: str) -> None:
    assert parse_text(f"A Headline\n\n{line}\n\n{BODY}").date is None


def test_labelled_date_beats_a_dateline_and_a_date_in_prose_is_ignored() -> None:
    text = "Judul\n\nDiperbarui: 1 Maret 2023\n\nMalang, 2/1/2023 - Rapat digelar 5 Mei 2022 lalu.\n"
    assert parse_text(text).date == dt.datetime(2023, 3, 1)
    text = "Judul\n\nMalang, 2/1/2023 - Rapat digelar pada 5 Mei 2022 lalu.\n\nLagi.\n"
    assert parse_text(text).date == dt.datetime(2023, 1, 2)
    text = "Judul\n\nRapat digelar pada tanggal 5 Mei 2022 lalu di kota Malang bersama warga.\n"
    assert parse_text(text).date is None


# ------------------------------------------------------------------ title, source, place


def test_title_from_a_headline_line_versus_a_first_sentence() -> None:
    assert parse_text("Short Headline\n" + BODY).title == "Short Headline"
    wrapped = parse_text("The council met on Tuesday to discuss the new\nbudget for schools.\n\nMore.\n")
    assert wrapped.title_derived  # a hard-wrapped first line is not a headline
    assert wrapped.blocks[0].text == "The council met on Tuesday to discuss the new budget for schools."
    article = parse_text("This opening line is a full sentence.\nAnother line follows it here.\n")
    assert article.title_derived
    assert article.title == "This opening line is a full sentence"
    assert len(article.blocks) == 2
    long_sentence = "Word " * 40 + "end."
    article = parse_text(long_sentence + "\n\nNext.\n")
    assert article.title.endswith("…") and len(article.title) <= 100
    assert not article.title.endswith(" …")


@pytest.mark.parametrize(
    ("opening", "place", "source"),
    [
        ("Pasuruan, 29/08/2022 (Hotel Inna Tretes Pasuruan) - Setelah rapat", "Pasuruan", None),
        ("JAKARTA, KOMPAS.com - Pemerintah mengumumkan", "Jakarta", "Kompas.com"),
        ("Jakarta (ANTARA) - Pemerintah mengumumkan", "Jakarta", "ANTARA"),
        ("Kota Batu, 3 Mei 2023 — Warga berkumpul", "Kota Batu", None),
    ],
)
def test_dateline_place_and_source(opening: str, place: str, source: str | None) -> None:
    article = parse_text(f"Judul Berita\n\n{opening} untuk membahas rencana kerja.\n\nLagi.\n")
    assert article.place == place
    assert article.source == source
    assert article.blocks[0].text.startswith(opening)  # the dateline stays readable in the body


def test_no_place_without_a_dateline() -> None:
    article = parse_text("Judul\n\nIndonesia, negara kepulauan - kata mereka, luas sekali.\n")
    assert article.place is None


def test_kompasiana_disclaimer_names_the_source() -> None:
    text = (
        "Judul Tulisan\n\nKompasiana adalah platform blog. Konten ini menjadi tanggung jawab "
        "bloger dan tidak mewakili pandangan redaksi Kompas.\n\n" + BODY
    )
    article = parse_text(text)
    assert article.source == "Kompasiana"
    assert "platform blog" not in article.text


def test_copyright_footer_names_the_source() -> None:
    article = parse_text("Title\n\n" + BODY + "\n© 2024 Example News. All rights reserved.\n")
    assert article.source == "Example News"
    assert "©" not in article.text


# ------------------------------------------------------------------ leftovers, captions, quotes


def test_generic_english_web_tail_is_removed() -> None:
    tail = (
        "Share this:\n\nTwitter\n\nFacebook\n\nLike this:\n\nRelated\n\nLeave a Reply\n\n"
        "Your email address will not be published. Required fields are marked.\n\n"
        "Comment\n\nName\n\nPrivacy Policy\n\nTerms of Use\n"
    )
    article = parse_text("Council Agrees\n\n" + BODY + "\n" + tail)
    assert article.text == BODY.strip()
    assert "Leave a Reply" in article.removed
    assert "Terms of Use" in article.removed


def test_leftover_markers_inside_the_body() -> None:
    text = (
        "Judul\n\nParagraf pertama yang panjang dan berisi kalimat.\n\n"
        "Baca Juga: Berita lain yang tidak terkait\n\nADVERTISEMENT\n\n"
        "Scroll to continue with content\n\nParagraf kedua juga berisi kalimat lengkap.\n\n"
        "Iklan\n\nParagraf ketiga yang menutup artikel ini dengan baik.\n"
    )
    article = parse_text(text)
    assert len(article.blocks) == 3
    assert article.removed == (
        "Baca Juga: Berita lain yang tidak terkait",
        "ADVERTISEMENT",
        "Scroll to continue with content",
        "Iklan",
    )


def test_real_paragraphs_mentioning_leftover_words_survive() -> None:
    text = (
        "Judul\n\nWarga diminta untuk bagikan informasi ini kepada tetangga mereka.\n\n"
        "Comments from residents were mostly positive, the mayor said on Monday.\n\n"
        "Terbaru, pemerintah menambah anggaran untuk sekolah di desa.\n"
    )
    article = parse_text(text)
    assert len(article.blocks) == 3
    assert article.removed == ()


def test_a_footer_marker_cuts_the_rest_only_near_the_end() -> None:
    text = "Title\n\nComments\n\n" + BODY
    assert len(parse_text(text).blocks) == 3  # "Comments" near the top is not a footer
    text = "Title\n\n" + BODY + "\nComments\n\nJohn says: great piece, thanks for writing it.\n"
    article = parse_text(text)
    assert len(article.blocks) == 3
    assert "John says: great piece, thanks for writing it." in article.removed


def test_captions_and_quotes() -> None:
    text = (
        "Judul\n\nFoto: Warga berkumpul di balai desa\n\nImage: A crowd in the square\n\n"
        "Sumber foto: Humas Pemkab\n\n(Dok. Panitia)\n\n"
        "\u201cKami senang sekali,\u201d ujar Ketua RT.\n\n"
        '"We are ready," said the mayor.\n\n'
        "\u201cIni bukan kutipan utuh\u201d menurut sebagian orang lalu dibahas panjang lebar.\n\n"
        "Paragraf biasa.\n"
    )
    kinds = [block.kind for block in parse_text(text).blocks]
    assert kinds == ["caption"] * 4 + ["quote", "quote", "paragraph", "paragraph"]


def test_lihat_ke_halaman_asli_glued_to_the_last_line() -> None:
    article = parse_text("Satu kalimat.\nKalimat terakhir.Lihat ke Halaman Asli")
    assert article.blocks[-1].text == "Kalimat terakhir."
    assert article.removed == ("Lihat ke Halaman Asli",)
    assert article.source == "Kompasiana"


def test_spaces_tabs_and_invisible_characters_are_tidied() -> None:
    article = parse_text("Judul\n\nSatu  dua\ttiga\u00a0\u00a0empat\u200b lima.\n\nAkhir kalimat.\n")
    assert article.blocks[0].text == "Satu dua tiga empat lima."


def test_text_without_blank_lines_is_one_paragraph_per_line() -> None:
    article = parse_text("Satu kalimat panjang di sini.\nDua kalimat.\nTiga kalimat.\n")
    assert [block.text for block in article.blocks] == [
        "Satu kalimat panjang di sini.",
        "Dua kalimat.",
        "Tiga kalimat.",
    ]


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\r\n  ", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (not text)"),
        (bytes(range(1, 32)) * 10, "binary file (not text)"),
    ],
)
def test_empty_whitespace_and_binary(data: bytes, reason: str) -> None:
    assert parse_bytes(data, "bad.txt") == [Problem("bad.txt", reason)]


def test_empty_file_on_disk(tmp_path: Path) -> None:
    (tmp_path / "e.txt").write_bytes(b"")
    assert load_file(tmp_path / "e.txt") == [Problem(str(tmp_path / "e.txt"), "empty file")]


def test_directory_named_like_a_file(tmp_path: Path) -> None:
    (tmp_path / "x.txt").mkdir()
    assert load_file(tmp_path / "x.txt") == [Problem(str(tmp_path / "x.txt"), "is a folder, not a file")]


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.txt"
    good.write_text(BODY)
    locked = tmp_path / "locked.txt"
    locked.write_text(BODY)
    real_open = open

    def guarded_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", guarded_open)
    results = list(load_articles([tmp_path]))
    assert isinstance(results[0], Article) and results[0].path == str(good)
    assert results[1] == Problem(str(locked), "cannot read: permission denied")


def test_file_vanishing_between_listing_and_reading(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(BODY)
    found = find_files([tmp_path])
    first = next(found)
    (tmp_path / "b.txt").unlink()
    assert isinstance(first, Path)
    assert load_file(tmp_path / "b.txt") == [
        Problem(str(tmp_path / "b.txt"), "file disappeared while loading")
    ]


def test_unexpected_parse_error_becomes_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "clean", explode)
    assert parse_bytes(BODY.encode(), "p.txt") == [Problem("p.txt", "could not parse: boom")]


def test_file_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "TEXT_LIMIT", 1024 * 1024)
    big = tmp_path / "big.txt"
    with big.open("wb") as stream:
        stream.truncate(3 * 1024 * 1024)  # sparse: no real disk used
    assert load_file(big) == [Problem(str(big), "file too large to be an article (3 MB; the limit is 1 MB)")]


def test_a_file_grown_since_its_size_was_read_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tumbuh.txt"
    path.write_text(BODY)
    real = os.stat

    def shrunk(name: object, *args: object, **kwargs: object) -> os.stat_result:
        info = real(name, *args, **kwargs)  # type: ignore[call-overload]
        if str(name) != str(path):
            return info
        fields = list(info)
        fields[6] = 10  # st_size: the file was 10 bytes when it was looked at
        return os.stat_result(fields)

    monkeypatch.setattr(loader.os, "stat", shrunk)
    [article] = load_file(path)
    assert isinstance(article, Article)
    assert article.text == parse_bytes(BODY.encode(), str(path))[0].text  # type: ignore[union-attr]


def test_a_file_grown_past_the_limit_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "TEXT_LIMIT", 100)
    path = tmp_path / "tumbuh.txt"
    path.write_text("kata " * 100)
    real = os.stat

    def shrunk(name: object, *args: object, **kwargs: object) -> os.stat_result:
        info = real(name, *args, **kwargs)  # type: ignore[call-overload]
        fields = list(info)
        if str(name) == str(path):
            fields[6] = 10
        return os.stat_result(fields)

    monkeypatch.setattr(loader.os, "stat", shrunk)
    [problem] = load_file(path)
    assert isinstance(problem, Problem) and "too large" in problem.reason


def test_jsonl_is_streamed_past_the_text_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "TEXT_LIMIT", 100)
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"title": f"T{i}", "text": "x."}) + "\n" for i in range(50)))
    assert len([item for item in load_file(path) if isinstance(item, Article)]) == 50


# ------------------------------------------------------------------ finding files


def test_find_paths_spell_files_as_pathlib_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.loader import find_paths

    (tmp_path / "c" / "sub").mkdir(parents=True)
    (tmp_path / "c" / "a.txt").write_text(BODY)
    (tmp_path / "c" / "sub" / "b.md").write_text(BODY)
    (tmp_path / "c" / "x.bin").write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    for root in ("c", "./c", "c/", ".//c//", str(tmp_path / "c"), "c/sub/..", "."):
        found = [item if isinstance(item, Problem) else str(item) for item in find_files([root])]
        assert list(find_paths([root])) == found
        assert not any(isinstance(p, str) and p.startswith("./") for p in found)


def test_find_files_order_hidden_and_suffixes(tmp_path: Path) -> None:
    for name in ("b.md", "a.TXT", "c.xyz", ".hidden.txt", "sub/z.html", ".git/x.txt", "d.jsonl", "e.png"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(BODY)
    found = [
        str(Path(item).relative_to(tmp_path)) for item in find_files([tmp_path]) if isinstance(item, Path)
    ]
    assert found == ["a.TXT", "b.md", "d.jsonl", "sub/z.html"]
    problems = [item for item in find_files([tmp_path]) if isinstance(item, Problem)]
    assert problems == [Problem(str(tmp_path / "c.xyz"), "a file type kliping does not read (.xyz)")]


def test_a_file_named_explicitly_gets_the_same_type_decision_as_in_a_folder(tmp_path: Path) -> None:
    notes = tmp_path / "notes.ris"
    notes.write_text("TY  - BOOK\n\n" + BODY)
    assert list(find_files([notes])) == [notes]
    assert list(load_articles([notes])) == [Problem(str(notes), "a file type kliping does not read (.ris)")]


def test_missing_path() -> None:
    assert list(find_files(["/nonexistent/kliping"])) == [
        Problem("/nonexistent/kliping", "no such file or folder")
    ]


def test_fifo_in_a_folder(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.bin")
    (tmp_path / "ok.txt").write_text(BODY)
    assert list(find_files([tmp_path])) == [
        tmp_path / "ok.txt",
        Problem(str(tmp_path / "pipe.txt"), "not a regular file"),
    ]
    assert load_file(tmp_path / "pipe.txt") == [Problem(str(tmp_path / "pipe.txt"), "not a regular file")]


def test_symlink_loops_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)  # a folder loop
    (tmp_path / "sub" / "same.txt").symlink_to(tmp_path / "a.txt")  # a second way to one file
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")  # a link to itself
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    found = list(find_files([tmp_path, tmp_path / "a.txt"]))
    assert [item for item in found if isinstance(item, Path)] == [tmp_path / "a.txt"]
    reasons = {Path(problem.path).name: problem.reason for problem in problems(found)}
    assert reasons["gone.txt"] == "broken link (its target does not exist)"
    assert reasons["self.txt"].startswith("cannot read: link loop")


def test_folder_that_cannot_be_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "closed").mkdir()
    (tmp_path / "open.txt").write_text(BODY)
    real_scandir = os.scandir

    def guarded(path: str) -> object:
        if str(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    assert list(find_files([tmp_path])) == [
        Problem(str(tmp_path / "closed"), "cannot open folder: permission denied"),
        tmp_path / "open.txt",
    ]


def test_read_raw_returns_the_file_and_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    raw = "Lihat ke Halaman Asli\r\n\r\nTitle\r\n\r\nBody text.\r\n"
    path.write_bytes(raw.encode())
    article = only_article(load_file(path))
    assert read_raw(article) == raw.replace("\r\n", "\n")
    path.unlink()
    assert "gone" in read_raw(article)


def test_loader_imports_no_ui_library() -> None:
    code = "import sys, tui.loader; print(sorted(m for m in sys.modules if m in ('textual', 'rich')))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "source",
    [
        "t: [a,, b]\n",
        "t: [a:, b]\n",
        "t: [a, b:]\n",
        "t: [a,, b:]\n",
        "t: [a, b:, c,, d]\n",
        "t: [a, , b]\n",
        "t: [a,]\n",
        "t: [a::, b]\n",
        "t: [a:b:, c]\n",
        "x: 'q\n t: [a,, b]'\n",
        "t: [a:,, b]\n",
        "t: [a, :]\n",
        "t: [1:, 2]\n",
        "t: [a b:, c d]\n",
        "t: [a,\n b,, c]\n",
        "t: [été:, b]\n",
        "title: x\u2028t: [a,, b]\n",
    ],
)
def test_front_matter_read_in_c_as_the_pure_python_loader_reads_it(source: str) -> None:
    try:
        expected = yaml.safe_load(source)
    except yaml.YAMLError:
        expected = None
    assert formats._front_fields(source) == expected


@pytest.mark.parametrize(
    "space",
    [" ", "  ", "\t", "\u00a0", "\u2003", " \u200b ", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u3000"],
)
def test_word_count_matches_split_whatever_the_spaces(space: str) -> None:
    """A text file's words are counted from its blocks' spaces when that is exact: never otherwise."""
    text = (
        f"Title Line Here\n\nOne{space}two three{space}{space}four.\n{space}Five six.{space}\n\n"
        "Seven eight nine.\n\n" + BODY
    )
    for body in (text, text + "ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT  word  ADVERTISEMENT  end\n"):
        article = only_article(parse_bytes(body.encode(), "n.txt"))
        assert article.words == sum(len(block.text.split()) for block in article.blocks)
