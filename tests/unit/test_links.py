"""Links in articles: numbered in the text, kept in the cache, written out as Markdown links."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tui.article import OWN_MARK, Article, Problem, as_written, unmarked
from tui.export import copied_text, export_articles, read_back, write_articles
from tui.library import Library
from tui.loader import parse_bytes
from tui.query import parse


def only_article(results: list[Article | Problem]) -> Article:
    assert len(results) == 1 and isinstance(results[0], Article), results
    return results[0]


NOTE = (
    "# A note\n\n"
    'The [council\'s report](https://example.org/report "title") came out, as [Tempo](https://tempo.co/a)'
    " said; see [the notes](notes.md) and [the report again](https://example.org/report).\n\n"
    "- a list item with [a source](http://example.net/s)\n"
)

# A plain article: our own path reads it. The menu's and the sidebar's links are no body text.
PLAIN_PAGE = """<html><head><title>Banjir di Demak</title>
<link rel="canonical" href="https://news.example.com/2024/banjir"></head><body>
<nav><a href="/home">Home</a> <a href="/nasional">Nasional</a></nav>
<article><h1>Banjir di Demak</h1>
<p>Air sungai meluap di Demak setelah hujan deras semalam, kata <a href="/tokoh/bupati">bupati</a> kepada
wartawan yang datang ke lokasi pengungsian di balai desa pada pagi hari.</p>
<p>Data lengkap ada di <a href="https://bnpb.go.id/data">laman BNPB</a> dan di <a href="#catatan">catatan</a>
kaki; warga diminta waspada karena hujan masih akan turun sepanjang pekan ini menurut prakiraan.</p>
<p>Pengungsi menerima bantuan makanan dari <a href="javascript:alert(1)">relawan</a> setempat setiap hari,
dan sekolah di sekitar lokasi diliburkan sampai air surut sepenuhnya dari jalan desa itu.</p>
</article>
<aside><a href="/berita/lain">Berita lain yang tidak ada hubungannya</a></aside>
</body></html>"""

# Not a plain article (a div soup with a sidebar): trafilatura reads it.
SOUP_PAGE = """<html><head><title>Rob di Semarang</title></head><body>
<div class="wrap"><div class="menu"><a href="https://site.example/a">Satu</a> <a href="https://site.example/b">Dua</a></div>
<div class="content"><h1>Rob di Semarang</h1>
<ul class="share-buttons"><li><a href="https://share.example/?u=rob">BMKG</a></li></ul>
<p>Rob merendam pesisir utara Semarang sejak Senin pagi, menurut <a href="https://bmkg.go.id/rob">BMKG</a>,
dan ribuan rumah warga di tiga kecamatan tergenang air laut setinggi lutut orang dewasa.</p>
<p>Pemerintah kota menyiapkan pompa tambahan dan dapur umum bagi warga yang rumahnya terendam paling parah
di sepanjang pantai, sambil menunggu air laut surut kembali pada malam hari nanti.</p>
<p>Warga berharap tanggul laut yang dijanjikan sejak lama segera dibangun agar banjir rob tidak lagi datang
setiap bulan dan merusak rumah serta perahu nelayan yang ditambatkan di muara sungai itu.</p>
</div><div class="sidebar"><h3>Terpopuler</h3><ul>
<li><a href="https://site.example/x">Berita populer lain hari ini</a></li>
<li><a href="https://site.example/y">Berita populer kedua hari ini</a></li></ul></div></div>
</body></html>"""


def test_markdown_links_are_numbered_in_the_text_and_kept() -> None:
    article = only_article(parse_bytes(NOTE.encode(), "note.md"))
    assert [block.text for block in article.blocks] == [
        "The council's report[1] came out, as Tempo[2] said; see the notes and the report again[1].",
        "a list item with a source[3]",
    ]
    # Each address once, by its first place in the text; a link to another file is no web address.
    assert article.links == ("https://example.org/report", "https://tempo.co/a", "http://example.net/s")
    assert article.words == 21  # the markers are not words


def test_page_links_are_made_whole_and_only_the_body_keeps_them() -> None:
    article = only_article(parse_bytes(PLAIN_PAGE.encode(), "banjir.html"))
    text = article.text
    assert "kata bupati[1] kepada" in text and "laman BNPB[2] dan di catatan kaki" in text
    assert "relawan setempat" in text
    assert article.links == ("https://news.example.com/tokoh/bupati", "https://bnpb.go.id/data")


def test_trafilatura_pages_keep_their_body_links_not_a_share_button_with_the_same_words() -> None:
    article = only_article(parse_bytes(SOUP_PAGE.encode(), "rob.html"))
    assert "menurut BMKG[1]," in article.text
    assert article.links == ("https://bmkg.go.id/rob",)
    assert "populer" not in article.text


def test_links_survive_the_cache() -> None:
    article = only_article(parse_bytes(NOTE.encode(), "/c/note.md"))
    library = Library()
    try:
        library.put_files([(article.path, 100, 1, [article])])
        (row,) = library.rows()
        stored = library.article(row.key)
        assert stored is not None and stored.links == article.links and stored.text == article.text
    finally:
        library.close()


def test_a_link_marker_is_no_word_to_search() -> None:
    """ "Tempo[2] said" is searched as "Tempo said": the phrase is found and the number "2" is not."""
    article = only_article(parse_bytes(NOTE.encode(), "/c/note.md"))
    library = Library()
    try:
        library.put_files([(article.path, 100, 1, [article])])
        library.merge_leftovers()

        def found(text: str) -> int:
            return len(library.search(parse(text)).keys)

        assert found('"tempo said"') == 1 and found('"source list"') == 0 and found('"a source"') == 1
        assert found("2") == 0 and found("3") == 0 and found("report") == 1
    finally:
        library.close()


def test_markdown_export_writes_markdown_links_and_reads_back(tmp_path: Path) -> None:
    article = only_article(parse_bytes(NOTE.encode(), "note.md"))
    out = io.StringIO()
    write_articles([article], out, "md")
    assert "The council's report[\\[1\\]](<https://example.org/report>) came out" in out.getvalue()
    assert "a source[\\[3\\]](<http://example.net/s>)" in out.getvalue()
    path = tmp_path / "out.md"
    export_articles([article], path, "md")
    assert read_back(path, "md")[0]["text"] == article.text
    lines = io.StringIO()
    write_articles([article], lines, "jsonl")
    assert json.loads(lines.getvalue())["links"] == list(article.links)


# A wiki's page: its citations "[1]" are its own text, its links are links (a fragment link is none).
WIKI_PAGE = """<html><head><title>Gecko (mesin peramban) - Wikipedia</title>
<link rel="canonical" href="https://id.wikipedia.org/wiki/Gecko"></head><body>
<nav><a href="/wiki/Halaman_Utama">Halaman Utama</a></nav>
<main><h1>Gecko (mesin peramban)</h1>
<p><b>Gecko</b> adalah mesin peramban buatan <a href="/wiki/Mozilla">Mozilla</a> sejak tahun 1997 yang dipakai
<a href="https://www.mozilla.org/firefox/">Firefox</a> di Demak.<sup><a href="#cite_note-1">[1]</a></sup>
Mesin ini ditulis dalam bahasa C++ dan Rust.<sup><a href="#cite_note-2">[2]</a></sup></p>
<p>Pada tahun 2017 sebagian komponennya diganti dengan kode dari proyek <a href="/wiki/Servo">Servo</a>,
sehingga halaman web ditampilkan lebih cepat di komputer dengan banyak inti prosesor.<sup>
<a href="#cite_note-3">[3]</a></sup></p>
<p>Gecko juga dipakai oleh peramban lain seperti Thunderbird dan SeaMonkey, serta oleh sejumlah aplikasi yang
menampilkan isi web di dalam jendelanya sendiri tanpa membuka peramban terpisah, kata KPK.</p>
</main></body></html>"""

WIKI_LINKS = (
    "https://id.wikipedia.org/wiki/Mozilla",
    "https://www.mozilla.org/firefox/",
    "https://id.wikipedia.org/wiki/Servo",
)
WIKI_WRITTEN = (
    "adalah mesin peramban buatan Mozilla sejak tahun 1997 yang dipakai Firefox di Demak.[1] Mesin ini "
    "ditulis dalam bahasa C++ dan Rust.[2]"
)


def written(text: str) -> str:
    return " ".join(text.split())


def test_a_text_with_its_own_bracketed_numbers_keeps_its_links_and_its_own_numbers() -> None:
    note = "# Wiki\n\nBrowsers use [Gecko](https://gecko.example/) widely.[1] Code: `map[[32]byte]`.\n"
    article = only_article(parse_bytes(note.encode(), "wiki.md"))
    assert article.links == ("https://gecko.example/",)
    assert unmarked(article.text, article.links) == "Browsers use Gecko widely.[1] Code: map[[32]byte]."
    assert as_written(article.text) == "Browsers use Gecko[1] widely.[1] Code: map[[32]byte]."
    lines = io.StringIO()
    write_articles([article], lines, "jsonl")
    assert json.loads(lines.getvalue())["text"] == "Browsers use Gecko widely.[1] Code: map[[32]byte]."
    markdown = io.StringIO()
    write_articles([article], markdown, "md")
    assert "Gecko[\\[1\\]](<https://gecko.example/>) widely.[1] Code: map[[32]byte]." in markdown.getvalue()
    assert OWN_MARK not in markdown.getvalue() and OWN_MARK not in copied_text(article)
    assert "widely.[1] Code" in copied_text(article)


def test_a_markdown_link_whose_words_hold_a_bracketed_number_is_kept() -> None:
    note = "# Laporan\n\nLihat [Laporan [1] tahunan](https://example.org/a) dari BPS.\n"
    article = only_article(parse_bytes(note.encode(), "laporan.md"))
    assert article.links == ("https://example.org/a",)
    assert as_written(article.text) == "Lihat Laporan [1] tahunan[1] dari BPS."
    assert unmarked(article.text, article.links) == "Lihat Laporan [1] tahunan dari BPS."


def test_a_wiki_page_keeps_its_links_and_its_citations_as_written(tmp_path: Path) -> None:
    article = only_article(parse_bytes(WIKI_PAGE.encode(), "gecko.html"))
    assert article.links == WIKI_LINKS
    assert "buatan Mozilla[1] sejak" in written(as_written(article.text))
    assert "Firefox[2] di Demak.[1] Mesin" in written(as_written(article.text))
    assert "proyek Servo[3], sehingga" in written(as_written(article.text))
    for fmt in ("jsonl", "csv", "md"):
        path = tmp_path / f"out.{fmt}"
        export_articles([article], path, fmt)
        exported = path.read_text(encoding="utf-8")
        assert OWN_MARK not in exported
        text = read_back(path, fmt)[0]["text"]
        assert text is not None
        if fmt == "md":  # the links as Markdown links, read back as the article has them
            assert "Firefox[\\[2\\]](<https://www.mozilla.org/firefox/>) di Demak.[1]" in exported
            assert text == article.text
        else:
            assert WIKI_WRITTEN in written(text)
    lines = io.StringIO()
    write_articles([article], lines, "jsonl")
    assert json.loads(lines.getvalue())["links"] == list(WIKI_LINKS)
    assert article.places[:1] == ("Demak",) and "KPK" in article.acronyms


def test_a_wiki_page_is_searched_as_written_and_read_back_from_the_cache() -> None:
    article = only_article(parse_bytes(WIKI_PAGE.encode(), "/c/gecko.html"))
    library = Library()
    try:
        library.put_files([(article.path, 100, 1, [article])])
        library.merge_leftovers()
        (row,) = library.rows()
        stored = library.article(row.key)
        assert stored is not None and stored.links == WIKI_LINKS and stored.text == article.text
        assert stored.places == article.places and stored.acronyms == article.acronyms

        def found(text: str) -> int:
            return len(library.search(parse(text)).keys)

        # across a link marker, and a word its own "[2]" follows
        assert found('"firefox di demak"') == 1 and found("rust") == 1
        assert found('"servo sehingga"') == 1 and found("2060") == 0
    finally:
        library.close()


def test_an_old_text_with_link_markers_reads_as_before() -> None:
    """A cache or a team library written before its own "[2]" were kept: plain markers are links."""
    old = "Menurut BMKG[1], air naik; lihat peta[2]."
    links = ("https://bmkg.go.id/rob", "https://peta.example/rob")
    assert unmarked(old, links) == "Menurut BMKG, air naik; lihat peta."
    assert as_written(old) == old


def test_json_lines_carry_the_text_without_link_numbers() -> None:
    article = only_article(parse_bytes(NOTE.encode(), "note.md"))
    lines = io.StringIO()
    write_articles([article], lines, "jsonl")
    assert json.loads(lines.getvalue())["text"].startswith("The council's report came out, as Tempo said;")


def test_the_copied_text_lists_what_its_link_markers_point_to() -> None:
    article = only_article(parse_bytes(NOTE.encode(), "note.md"))
    copied = copied_text(article)
    assert copied.startswith("A note\n\nThe council's report[1] came out")
    assert copied.endswith(
        "\n\nLinks\n\n[1] https://example.org/report\n[2] https://tempo.co/a\n[3] http://example.net/s\n"
    )
    plain = only_article(parse_bytes(b"# Tanpa tautan\n\nHanya teks biasa di sini.\n", "plain.md"))
    assert copied_text(plain) == "Tanpa tautan\n\nHanya teks biasa di sini.\n"
