"""Links in articles: numbered in the text, kept in the cache, written out as Markdown links."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tui.article import Article, Problem
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


def test_a_text_with_its_own_bracketed_numbers_gets_no_link_numbers() -> None:
    note = "# Wiki\n\nBrowsers use [Gecko](https://gecko.example/) widely.[1] Code: `map[[32]byte]`.\n"
    article = only_article(parse_bytes(note.encode(), "wiki.md"))
    assert article.text == "Browsers use Gecko widely.[1] Code: map[[32]byte]."
    assert article.links == ()
    lines = io.StringIO()
    write_articles([article], lines, "jsonl")
    assert json.loads(lines.getvalue())["text"] == article.text  # its own "[1]" stays


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
