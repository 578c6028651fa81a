"""Real saved pages read right: date grammar, copied-page headers, scraper records, documents, chrome.

Every file here is written by the test itself (no third-party page text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from benchmarks.hostile_files import text_page_pdf
from tui import chrome, webpage
from tui.article import Article, Problem
from tui.dates import is_date_line, parse_date
from tui.loader import find_files, load_articles, load_file, parse_bytes, read_raw

BODY = (
    "Warga desa berkumpul di balai untuk membahas program penguatan kapasitas bersama mitra lokal.\n"
    "Kepala desa menyampaikan rencana kerja tahun depan dan meminta masukan dari kelompok perempuan.\n"
    "Pertemuan ditutup dengan kesepakatan untuk bertemu lagi bulan depan di kantor kecamatan.\n"
)
EN_BODY = (
    "<p>The council met on Tuesday to discuss the new budget for schools and clinics in the district.</p>"
    "<p>Members agreed that the plan needs more money for rural areas, where needs are greatest.</p>"
    "<p>A final vote is expected next month after public hearings in every district of the region.</p>"
    "<p>Residents who spoke at the meeting asked for more buses and longer opening hours at clinics.</p>"
)


def one(results: list[Article | Problem]) -> Article:
    assert len(results) == 1, results
    assert isinstance(results[0], Article), results[0]
    return results[0]


def text_article(text: str, name: str = "a.txt") -> Article:
    return one(parse_bytes(text.encode("utf-8"), name))


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Rabu, 18 Jun 2025 07:30 WIB", dt.datetime(2025, 6, 18, 7, 30)),
        ("18 Juni 2025 | 20.04 WIB", dt.datetime(2025, 6, 18, 20, 4)),
        ("Jurnalis-Rabu, 18 Juni 2025 |17:15 WIB", dt.datetime(2025, 6, 18, 17, 15)),
        ("Kompas.com- 18/06/2025, 21:35 WIB", dt.datetime(2025, 6, 18, 21, 35)),
        ("Rabu, 10 Januari 2024 | 08:05 WIB", dt.datetime(2024, 1, 10, 8, 5)),
        ("Sen, 04 Des 2023 14:22 WIB", dt.datetime(2023, 12, 4, 14, 22)),
        ("2025/07/03 16:13:50", dt.datetime(2025, 7, 3, 16, 13)),
        ("Kamis (14/3/2024)", dt.datetime(2024, 3, 14)),
        ("March 12, 2024", dt.datetime(2024, 3, 12)),
        ("Jumat, 9 Agus 2024 pukul 10.00 WITA", dt.datetime(2024, 8, 9, 10, 0)),
        ("Sabtu, 3 Okt 2020, 09:00 WIT", dt.datetime(2020, 10, 3, 9, 0)),
        ("Sel, 5 Mei 2020 - 13:45 WIB", dt.datetime(2020, 5, 5, 13, 45)),
    ],
)
def test_date_lines_of_real_sites(line: str, expected: dt.datetime) -> None:
    assert is_date_line(line) == expected
    article = text_article(f"Judul Berita Desa\n{line}\n\n{BODY}")
    assert article.date == expected
    assert article.title == "Judul Berita Desa"
    assert line not in article.text and line in article.removed


def test_a_labelled_date_line_in_a_header() -> None:
    article = text_article(f"Judul Berita Desa\nDiperbarui 18 Jun 2025, 14:05 WIB\n\n{BODY}")
    assert article.date == dt.datetime(2025, 6, 18, 14, 5)
    assert "Diperbarui" not in article.text


@pytest.mark.parametrize(
    ("month", "number"),
    [
        *[(name, 1) for name in ("Januari", "January", "Jan")],
        *[(name, 2) for name in ("Februari", "Pebruari", "February", "Feb", "Peb")],
        *[(name, 3) for name in ("Maret", "March", "Mar")],
        *[(name, 4) for name in ("April", "Apr")],
        *[(name, 5) for name in ("Mei", "May")],
        *[(name, 6) for name in ("Juni", "June", "Jun")],
        *[(name, 7) for name in ("Juli", "July", "Jul")],
        *[(name, 8) for name in ("Agustus", "August", "Agu", "Agt", "Agus", "Aug")],
        *[(name, 9) for name in ("September", "Sep", "Sept")],
        *[(name, 10) for name in ("Oktober", "October", "Okt", "Oct")],
        *[(name, 11) for name in ("November", "Nopember", "Nov", "Nop")],
        *[(name, 12) for name in ("Desember", "December", "Des", "Dec")],
    ],
)
def test_every_month_name_and_abbreviation(month: str, number: int) -> None:
    assert parse_date(f"7 {month} 2023") == dt.datetime(2023, number, 7)


def test_a_date_inside_a_title_is_not_a_date_line() -> None:
    assert is_date_line("Banjir melanda kota pada 5 Juni 2024 sore") is None


# ------------------------------------------------------------------ copied page headers


def test_channel_line_becomes_the_source_and_leaves_the_title() -> None:
    article = text_article(f"Judul Berita Desa\ndetikNews\nRabu, 18 Jun 2025 07:30 WIB\n\n{BODY}")
    assert article.title == "Judul Berita Desa"
    assert article.source == "detikcom"
    assert "detikNews" not in article.text
    article = text_article(f"Judul Berita Desa\ncontohberita.co.id\n18 Juni 2025 | 20.04 WIB\n\n{BODY}")
    assert article.source == "contohberita.co.id"
    article = text_article(f"Judul Berita Desa\nWarta Kampung\n18 Juni 2025 | 20.04 WIB\n\n{BODY}")
    assert article.source == "Warta Kampung"  # any short name over a date line


def test_a_copyright_line_never_gives_the_source_pt() -> None:
    article = text_article(
        f"Judul Berita Desa\n\n{BODY}\nCopyright 2024 PT. Warta Kampung Media. All rights reserved.\n"
    )
    assert article.source == "Warta Kampung Media"


def test_photo_caption_before_the_title_and_a_title_ending_in_dots() -> None:
    header = "Lihat Foto\nPerusahaan Klaim Ponsel Buatan Lokal, Ahli: Mustahil...\nkompas.com\n"
    article = text_article(f"{header}Kompas.com- 18/06/2025, 21:04 WIB\n\n{BODY}")
    assert article.title == "Perusahaan Klaim Ponsel Buatan Lokal, Ahli: Mustahil..."
    assert article.date == dt.datetime(2025, 6, 18, 21, 4)
    assert article.source == "Kompas.com"
    assert "Lihat Foto" in article.removed


def test_site_leftovers_in_the_body() -> None:
    text = (
        f"Judul Berita Desa\n\n{BODY}SCROLL TO CONTINUE WITH CONTENT\n[Gambas:Video Contoh]\n(abc/def)\n"
        "Simak juga Video: Warga berkumpul di balai desa\n"
        "Paragraf terakhir berita ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT yang tetap dibaca.\n"
    )
    article = text_article(text)
    for leftover in ("SCROLL TO", "Gambas", "(abc/def)", "Simak juga Video", "ADVERTISEMENT"):
        assert leftover not in article.text, leftover
    assert "Paragraf terakhir berita yang tetap dibaca." in article.text


def test_a_title_loses_its_escape_sequences_and_the_body_keeps_them_for_the_outputs_to_show() -> None:
    """A title is one plain line (it goes into dialogs and citations); the body is faithful, and every
    output shows its controls as escapes (see tests/app/test_hostile.py)."""
    article = text_article("Judul \x1b]0;x\x07Berita\n\nIsi \u009b2J berita di sini yang cukup panjang.\n")
    assert article.title == "Judul Berita"
    assert "\u009b2J" in article.text


# ------------------------------------------------------------------ records


@pytest.mark.parametrize(
    ("title_key", "body_key", "date_key", "url_key", "source_key"),
    [
        ("judul", "isi", "tanggal", "link", "sumber"),
        ("judul", "isi_berita", "tanggal_publikasi", "article_url", "sumber"),
        ("title", "konten", "waktu", "url", "source"),
        ("Title", "FullText", "publish_date", "Url", "publisher"),
        ("headline", "content", "published_at", "link", "site_name"),
    ],
)
def test_record_keys_in_indonesian_and_english(
    tmp_path: Path, title_key: str, body_key: str, date_key: str, url_key: str, source_key: str
) -> None:
    record = {
        title_key: "Judul Berita Desa",
        body_key: BODY,
        date_key: "Diperbarui 18 Jun 2025, 14:05 WIB",
        url_key: "https://contoh.id/berita/1",
        source_key: "contoh.id",
        "kategori": "desa",
        "category": "village",
        "penulis": "Penulis",
        "author": "Author",
    }
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n")
    (tmp_path / "b.json").write_text(json.dumps([record]))
    with open(tmp_path / "c.csv", "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(record))
        writer.writeheader()
        writer.writerow(record)
    found = list(load_articles([tmp_path]))
    assert len(found) == 4 and all(isinstance(item, Article) for item in found), found
    for article in found:
        assert isinstance(article, Article)
        assert article.title == "Judul Berita Desa"
        assert article.date == dt.datetime(2025, 6, 18, 14, 5)
        assert article.url == "https://contoh.id/berita/1"
        assert article.source == "contoh.id"
        assert article.text.startswith("Warga desa berkumpul")


def test_csv_semicolons_multiline_fields_bad_rows_and_raw(tmp_path: Path) -> None:
    path = tmp_path / "scrape.csv"
    path.write_text(
        'judul;isi;tanggal\n"Satu";"Baris satu.\n\nBaris dua.";"2024/01/02 10:00:00"\n"Dua";"";""\n',
        encoding="utf-8",
    )
    results = load_file(path)
    assert isinstance(results[0], Article) and results[0].title == "Satu"
    assert results[0].date == dt.datetime(2024, 1, 2, 10, 0)
    assert results[0].text == "Baris satu.\n\nBaris dua."
    assert isinstance(results[1], Problem) and results[1].reason.startswith("row 2: no article text")
    assert '"judul": "Satu"' in read_raw(results[0])


def test_html_in_a_record_body_is_cleaned_like_a_page() -> None:
    record = {
        "judul": "Judul",
        "isi_berita": f"<div class='share'>Bagikan</div>{EN_BODY}<script>x()</script>",
    }
    article = one(parse_bytes(json.dumps(record).encode(), "r.json"))
    assert article.text.startswith("The council met on Tuesday")
    assert "x()" not in article.text and "Bagikan" not in article.text


# ------------------------------------------------------------------ web pages


def page(head: str, body: str) -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_json_ld_headline_date_and_publisher() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Ignored Site"},
            {
                "@type": "NewsArticle",
                "headline": "Budget Deal Reached",
                "datePublished": "2024-01-12T10:30:00+07:00",
                "publisher": {"@type": "Organization", "name": "Example News"},
            },
        ],
    }
    head = f'<title>Other - Example</title><script type="application/ld+json">{json.dumps(ld)}</script>'
    article = one(
        parse_bytes(page(head, f"<article><h1>Budget Deal Reached</h1>{EN_BODY}</article>"), "p.html")
    )
    assert article.title == "Budget Deal Reached"
    assert article.date == dt.datetime(2024, 1, 12, 10, 30)
    assert article.source == "Example News"


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Harga Beras Naik - Kompas.com", None, "Harga Beras Naik"),
        ("Harga Beras Naik | Republika Online", "Republika Online", "Harga Beras Naik"),
        ("KapanLagi.com: Harga Beras Naik", None, "Harga Beras Naik"),
        ("Harga Beras Naik | Contoh", "Contoh", "Harga Beras Naik"),
        ("Questions - Answers", None, "Questions - Answers"),
    ],
)
def test_site_names_come_off_titles(title: str, site: str | None, expected: str) -> None:
    head = f"<title>{title}</title>" + (f'<meta property="og:site_name" content="{site}">' if site else "")
    article = one(parse_bytes(page(head, f"<main>{EN_BODY}</main>"), "p.html"))
    assert article.title == expected


def test_canonical_url_og_url_and_domain_source() -> None:
    head = '<title>T</title><link rel="canonical" href="https://www.contoh.co.id/a/1">'
    article = one(parse_bytes(page(head, f"<main><h1>T</h1>{EN_BODY}</main>"), "p.html"))
    assert article.url == "https://www.contoh.co.id/a/1"
    assert article.source == "contoh.co.id"


def test_visible_date_by_the_heading() -> None:
    body = "<div><span>Home</span></div><h1>Budget Deal Reached</h1><div>By Staff</div>"
    body += f"<div>March 12, 2024</div>{EN_BODY}"
    article = one(parse_bytes(page("<title>Budget Deal Reached</title>", body), "p.html"))
    assert article.date == dt.datetime(2024, 3, 12)


def test_wrapper_classes_forms_and_an_empty_main_keep_the_article() -> None:
    body = (
        "<main></main><form><div class='widget-area sidebar-menu ad-wrap'>"
        f"<article><h1>Budget Deal Reached</h1>{EN_BODY}</article></div></form>"
    )
    article = one(parse_bytes(page("<title>x</title>", body), "p.html"))
    assert "rural areas" in article.text and "final vote" in article.text


def test_the_fallback_chain_ends_in_the_visible_text(monkeypatch: pytest.MonkeyPatch) -> None:
    html = page("<title>T</title>", f"<main>{EN_BODY}</main>")
    monkeypatch.setattr(webpage, "_trafilatura", lambda text: [])
    article = one(parse_bytes(html, "p.html"))  # our own path
    assert "rural areas" in article.text
    from tui import formats

    monkeypatch.setattr(formats, "html", lambda text, meta: ([], {}))
    article = one(parse_bytes(html, "p.html"))  # the page's visible text
    assert "rural areas" in article.text


PLAIN_BODY = (
    "<header class='site'><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/login'>Log in</a>"
    "</nav></header><main><article><h1>Budget Deal Reached</h1>"
    "<time datetime='2024-03-05'>March 5, 2024</time>"
    f"{EN_BODY}<figure><img src='a.jpg'><figcaption>Photo 1. The council hall.</figcaption></figure>"
    f"<blockquote><p>“We will fund every clinic,” said the chair of the council.</p></blockquote>{EN_BODY}"
    "</article></main><footer><p>© 2024 The District Times</p></footer>"
)


def test_a_plain_article_page_is_read_without_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    from selectolax.lexbor import LexborHTMLParser

    html = page("<title>Budget Deal Reached - The District Times</title>", PLAIN_BODY)
    assert webpage.plain_article(LexborHTMLParser(html.decode()))
    through_trafilatura = one(parse_bytes(html, "p.html"))
    monkeypatch.setattr(webpage, "plain_article", lambda page: False)
    assert one(parse_bytes(html, "p.html")).text == through_trafilatura.text  # the same text either way
    assert through_trafilatura.title == "Budget Deal Reached"
    assert through_trafilatura.date == dt.datetime(2024, 3, 5)
    assert "final vote" in through_trafilatura.text and "every clinic" in through_trafilatura.text
    assert "Log in" not in through_trafilatura.text and "council hall" not in through_trafilatura.text


@pytest.mark.parametrize(
    "change",
    [
        ("</main>", "</main><div class='more'>" + EN_BODY.replace("council", "board") * 2 + "</div>"),
        ("<main><article>", "<main><article><div>"),  # the text in a wrapper: not plain
        ("<main><article>", "<article><p>A second article, a teaser.</p></article><main><article>"),
        ("<blockquote>", "<ul class='related-posts'><li>Other news</li></ul><blockquote>"),
        (EN_BODY, EN_BODY[:120] + "</p>"),  # too short to be an article on its own
        ("on Tuesday", "on <time datetime='2024-03-05'>Tuesday</time>"),  # a time inside a sentence
    ],
)
def test_a_page_that_is_not_one_plain_article_goes_through_trafilatura(change: tuple[str, str]) -> None:
    from selectolax.lexbor import LexborHTMLParser

    body = PLAIN_BODY.replace(*change)
    assert not webpage.plain_article(LexborHTMLParser(page("<title>T</title>", body).decode()))


def test_a_page_of_tiny_text_is_never_empty() -> None:
    article = one(
        parse_bytes(
            page("", "<div class='menu'><div class='ad'>Halo dunia, apa kabar?</div></div>"), "p.html"
        )
    )
    assert "Halo dunia" in article.text


# ------------------------------------------------------------------ documents


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer (Helvetica), built by hand."""
    ops = ["BT", "/F1 11 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    return text_page_pdf(ops)


def test_pdf_with_a_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "kliping.pdf"
    path.write_bytes(
        make_pdf(
            [
                "Laporan Kegiatan Desa",
                "",
                "Rabu, 10 Januari 2024 | 08:05 WIB",
                "",
                "Warga desa berkumpul di balai untuk membahas program penguatan",
                "kapasitas bersama mitra lokal dan pemerintah kecamatan setempat.",
            ]
        )
    )
    article = one(load_file(path))
    assert article.title == "Laporan Kegiatan Desa"
    assert article.date == dt.datetime(2024, 1, 10, 8, 5)
    assert "penguatan kapasitas bersama" in article.text
    assert "Warga desa" in read_raw(article)


def test_a_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([]))
    assert load_file(path) == [Problem(str(path), "no text layer (a scanned PDF needs OCR first)")]
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    problem = load_file(tmp_path / "broken.pdf")[0]
    assert isinstance(problem, Problem)


def make_docx(paragraphs: list[tuple[str, str]], title: str | None = None) -> bytes:
    """A minimal .docx: (style, text) paragraphs, and a title in its properties."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
        if style
        else f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        for style, text in paragraphs
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "word/document.xml", f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
        )
        if title:
            archive.writestr(
                "docProps/core.xml",
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
                ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
                f"<dc:title>{title}</dc:title><dcterms:created>2013-12-23T23:15:00Z</dcterms:created>"
                "</cp:coreProperties>",
            )
    return out.getvalue()


def test_docx_paragraphs_headings_lists_and_a_printed_date(tmp_path: Path) -> None:
    path = tmp_path / "kliping.docx"
    path.write_bytes(
        make_docx(
            [
                ("Heading1", "Laporan Kegiatan Desa"),
                ("", "Rabu, 10 Januari 2024 | 08:05 WIB"),
                ("", "Warga desa berkumpul di balai untuk membahas program inklusi sosial."),
                ("ListParagraph", "Butir pertama"),
            ],
            title="Laporan Kegiatan Desa",
        )
    )
    article = one(load_file(path))
    assert article.title == "Laporan Kegiatan Desa"
    assert article.date == dt.datetime(2024, 1, 10, 8, 5)  # the printed date beats the file's own
    assert [block.kind for block in article.blocks] == ["paragraph", "list"]
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    assert isinstance(load_file(tmp_path / "bad.docx")[0], Problem)


def test_python_docx_output_reads(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Judul Dokumen", 1)
    document.add_paragraph("Isi dokumen yang ditulis dengan Word untuk kliping berita.")
    document.save(str(tmp_path / "w.docx"))
    article = one(load_file(tmp_path / "w.docx"))
    assert article.title == "Judul Dokumen"
    assert article.text == "Isi dokumen yang ditulis dengan Word untuk kliping berita."


def make_mhtml(html: str, location: str = "https://contoh.id/berita/1") -> bytes:
    return (
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: " + location + "\r\n"
        "Subject: Judul\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        "------B\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: "
        + location
        + "\r\n\r\n"
        + html.replace("=", "=3D")
        + "\r\n------B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + "iVBORw0KGgo=\r\n"
        "------B--\r\n"
    ).encode()


@pytest.mark.parametrize("suffix", [".mhtml", ".mht"])
def test_mhtml_single_file_pages(tmp_path: Path, suffix: str) -> None:
    html = page(
        "<title>Budget Deal Reached</title>", f"<article><h1>Budget Deal Reached</h1>{EN_BODY}</article>"
    )
    path = tmp_path / f"page{suffix}"
    path.write_bytes(make_mhtml(html.decode()))
    article = one(load_file(path))
    assert article.title == "Budget Deal Reached"
    assert article.url == "https://contoh.id/berita/1"
    assert "rural areas" in article.text
    (tmp_path / f"empty{suffix}").write_bytes(
        b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
    )
    assert isinstance(load_file(tmp_path / f"empty{suffix}")[0], Problem)


def test_unread_types_are_reported_and_page_assets_skipped_quietly(tmp_path: Path) -> None:
    (tmp_path / "Page.html").write_bytes(page("<title>T</title>", f"<main>{EN_BODY}</main>"))
    assets = tmp_path / "Page_files"
    assets.mkdir()
    for name in ("style.css", "app.js", "logo.png", "font.woff2", "data.bin"):
        (assets / name).write_text("x")
    for name in ("photo.JPG", "notes.xyz", "sheet.xlsx", "Thumbs.db"):
        (tmp_path / name).write_text("x")
    mine = tmp_path / "my_files"  # a folder that only looks like a page's assets
    mine.mkdir()
    (mine / "a.txt").write_text("Judul\n\n" + BODY)
    found = list(find_files([tmp_path]))
    paths = sorted(Path(item).name for item in found if isinstance(item, Path))
    assert paths == ["Page.html", "a.txt"]
    reasons = sorted((Path(item.path).name, item.reason) for item in found if isinstance(item, Problem))
    assert reasons == [
        ("notes.xyz", "a file type kliping does not read (.xyz)"),
        ("sheet.xlsx", "a file type kliping does not read (.xlsx)"),
    ]


# ------------------------------------------------------------------ learned chrome


def lines_of(n: int, site_lines: list[str], quote: str | None = None) -> list[str]:
    word = "".join(chr(ord("a") + int(digit)) for digit in str(n))  # a word of its own per article
    own = [f"Paragraf khusus tentang {word} di desa.", f"Kalimat lain soal {word}."]
    return [*own[:1], *site_lines, *own[1:], *([quote] if quote else [])]


SITE_CHROME = [
    "SCROLL TO RESUME CONTENT",
    "Halaman 1 2 Selanjutnya",
    "Skip to content",
    "[Embed:Video Situs]",
]


def test_chrome_is_learned_from_a_large_collection() -> None:
    learned = chrome.learned(lines_of(n, SITE_CHROME if n % 4 else SITE_CHROME[:2]) for n in range(200))
    for line in SITE_CHROME:
        assert chrome.line_key(line) in learned
    kept, removed = chrome.split(lines_of(3, SITE_CHROME), learned)
    assert removed == SITE_CHROME
    assert kept == lines_of(3, [])


def test_small_collections_and_shared_quotes_keep_their_text() -> None:
    quote = (
        "Menteri mengatakan bahwa program ini akan dilanjutkan tahun depan di seluruh desa yang terdampak."
    )
    # Too few articles to learn anything:
    assert chrome.learned(lines_of(n, SITE_CHROME, quote) for n in range(4)) == frozenset()
    # Many articles, a sentence quoted in six of them:
    learned = chrome.learned(lines_of(n, SITE_CHROME, quote if n < 6 else None) for n in range(60))
    assert chrome.line_key(quote) not in learned
    assert chrome.line_key("SCROLL TO RESUME CONTENT") in learned


def test_a_line_in_one_article_of_many_is_not_chrome() -> None:
    assert chrome.line_key("Menu Utama") in chrome.learned(lines_of(n, ["Menu Utama"]) for n in range(30))
    assert chrome.learned([*(lines_of(n, []) for n in range(30)), ["Menu Utama"]]) == frozenset()


def test_chrome_never_empties_an_article_and_keys_ignore_numbers() -> None:
    assert chrome.line_key("Foto: 12 Juni  ") == chrome.line_key("foto: 13 juni")
    kept, removed = chrome.split(["Menu"], frozenset({"menu"}))
    assert kept == ["Menu"] and removed == []
    assert chrome.source_key(None, "/a/b/c.txt") == "folder:/a/b"
    assert chrome.source_key("Kompas.com", "/x") == "kompas.com"


def test_meta_index_finds_what_a_selector_finds() -> None:
    from selectolax.lexbor import LexborHTMLParser

    from tui.formats import meta_index

    page = LexborHTMLParser(
        '<html><head><meta NAME="Date" content="a"><meta name="date" content="b">'
        '<meta name=" date" content="c"><meta property="og:url" property="x" content="d">'
        '<svg><meta name="pubdate" content="svg"></svg><noscript><meta name="pubdate" content="n">'
        '</noscript></head><body><template><meta name="date" content="t"></template>'
        '<meta name="DATE" itemprop="date" content="e"></body></html>'
    )
    metas = meta_index(page)
    for attribute in ("name", "property", "itemprop"):
        for value in ("date", "Date", "DATE", " date", "og:url", "x", "pubdate"):
            node = page.css_first(f'meta[{attribute}="{value}"]')
            found = metas.get((attribute, value))
            assert (found and found.attributes) == (node and node.attributes), (attribute, value)


def test_what_pypdf_repaired_does_not_reach_stderr(tmp_path: Path) -> None:
    # Read in place, as where no reading process can be started (the child's stderr is /dev/null);
    # in a process of its own, since pytest's log capture would hide what pypdf logs.
    import subprocess
    import sys

    data = make_pdf(["Laporan Kegiatan Desa", "", "Warga desa berkumpul di balai bersama mitra lokal."])
    at = data.rindex(b"startxref\n")
    wrong = int(data[at + 10 :].split()[0]) + 7  # pypdf finds the table anyway, and logs that it had to
    path = tmp_path / "laporan.pdf"
    path.write_bytes(data[:at] + b"startxref\n%d\n%%%%EOF\n" % wrong)
    code = "import sys; from tui.documents import pdf; print(pdf(open(sys.argv[1], 'rb').read())[1])"
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert "mitra lokal" in done.stdout
    assert done.stderr == ""
