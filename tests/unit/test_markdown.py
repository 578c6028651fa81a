"""Markdown's inline text read as CommonMark reads it: links, images, emphasis, code, escapes, entities.

Every note here is written by the test itself, after what Obsidian, Joplin, Omnivore and web clippers write.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import formats
from tui.article import Article
from tui.loader import load_file, parse_bytes

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


def article(text: str) -> Article:
    (found,) = parse_bytes(text.encode(), "note.md")
    assert isinstance(found, Article), found
    return found


def units(text: str) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    return [(unit.kind, unit.text, unit.links) for unit in formats.markdown(text)[0]]


@pytest.mark.parametrize(
    ("text", "shown", "words"),
    [
        (
            "Lihat [Laporan [1] tahunan](https://example.org/a) itu.",
            "Lihat Laporan [1] tahunan itu.",
            "Laporan [1] tahunan",
        ),
        ("Catatan [see [1]](https://example.org/a) di sini.", "Catatan see [1] di sini.", "see [1]"),
        (
            "A [list [of [nested]] words](https://example.org/a).",
            "A list [of [nested]] words.",
            "list [of [nested]] words",
        ),
    ],
)
def test_link_words_may_hold_brackets(text: str, shown: str, words: str) -> None:
    """CommonMark allows balanced brackets in a link's words: the link was lost, its Markdown shown.
    (The article then gets no link numbers: its text holds its own "[1]", cleaning's rule.)"""
    assert units(text + "\n") == [("", shown, ((words, "https://example.org/a"),))]


@pytest.mark.parametrize(
    ("text", "shown", "links"),
    [
        (  # reference links, collapsed and shortcut ones, labels in any case; the definitions unseen
            "Baca [laporan][1], [Peta][] dan [Data Desa].\n\n[1]: https://example.org/r\n"
            '[peta]: <https://example.org/p> "Peta"\n[data  desa]: https://example.org/d\n',
            ["Baca laporan[1], Peta[2] dan Data Desa[3]."],
            ("https://example.org/r", "https://example.org/p", "https://example.org/d"),
        ),
        (  # an address between <> may hold spaces, and a title after it
            'Unduh [berkas](<https://example.org/my file.pdf> "Berkas") ini.\n',
            ["Unduh berkas[1] ini."],
            ("https://example.org/my%20file.pdf",),
        ),
        (
            "Lihat [situs](https://example.org/a (Judul)) itu.\n",
            ["Lihat situs[1] itu."],
            ("https://example.org/a",),
        ),
        (  # parentheses in an address (Wikipedia's), balanced or escaped
            "Lihat [Foo](https://en.wikipedia.org/wiki/Foo_(bar)) dan [Baz](https://e.org/Baz_\\(q\\)).\n",
            ["Lihat Foo[1] dan Baz[2]."],
            ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://e.org/Baz_(q)"),
        ),
        (  # an image inside a link: its alt text is the link's words
            "Klik [![Logo desa](https://example.org/logo.png)](https://example.org/desa) untuk profil.\n",
            ["Klik Logo desa[1] untuk profil."],
            ("https://example.org/desa",),
        ),
        (  # Omnivore writes its links' slashes as entities
            "Lihat [posting](https:&#x2F;&#x2F;organicdonut.com&#x2F;2024&#x2F;) dan [cari](https://e.org/?a=1&amp;b=2).\n",
            ["Lihat posting[1] dan cari[2]."],
            ("https://organicdonut.com/2024/", "https://e.org/?a=1&b=2"),
        ),
        (  # a link's words cut by the line's wrapping, emphasis and code in them
            "Baca [laporan\ntahunan](https://example.org/a), [yang *baru*](https://example.org/b) dan "
            "[`make test`](https://example.org/c).\n",
            ["Baca laporan tahunan[1], yang baru[2] dan make test[3]."],
            ("https://example.org/a", "https://example.org/b", "https://example.org/c"),
        ),
        (
            "Kunjungi <https://example.org/auto> sekarang.\n",
            ["Kunjungi https://example.org/auto[1] sekarang."],
            ("https://example.org/auto",),
        ),
        (  # what a code span holds is no link and no emphasis
            "Tulis `[a](https://example.org/c)` dan `*b*` di berkas.\n",
            ["Tulis [a](https://example.org/c) dan *b* di berkas."],
            (),
        ),
    ],
)
def test_links_as_commonmark_reads_them(text: str, shown: list[str], links: tuple[str, ...]) -> None:
    found = article(text)
    assert [block.text for block in found.blocks] == shown
    assert found.links == links


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (  # entities; underscores inside words are no emphasis
            "Tom &amp; Jerry&nbsp;show, snake_case_name, harga &lt; 5 &copy; 2024 &#8212; selesai.",
            "Tom & Jerry show, snake_case_name, harga < 5 © 2024 — selesai.",
        ),
        (  # emphasis across a line's end; footnotes and wiki links as written
            "Baris *pertama\nkedua* dan **tebal\nsekali**.[^1] Lihat [[Catatan Lain]].",
            "Baris pertama kedua dan tebal sekali.[^1] Lihat [[Catatan Lain]].",
        ),
        ("Baris satu\\\nbaris dua.", "Baris satu baris dua."),
        ("Tanda ``a ` b`` itu, 5 * 3 * 2 tetap.", "Tanda a ` b itu, 5 * 3 * 2 tetap."),
    ],
)
def test_inline_text_as_commonmark_reads_it(text: str, shown: str) -> None:
    """Entities are their characters, emphasis may cross a line, a backslash at a line's end is a
    break; footnotes and wiki links stay as written."""
    assert [block.text for block in article(text + "\n").blocks] == [shown]


def test_an_image_alone_or_linked_is_a_caption_whatever_its_alt_holds() -> None:
    text = (
        "Isi catatan pertama.\n\n"
        "![Foto [1] warga desa](https://example.org/f.jpg)\n\n"
        "[![Peta banjir](https://example.org/peta.png)](https://example.org/banjir)\n\n"
        "![](https://example.org/kosong.png)\n"
    )
    assert units(text)[1:] == [
        ("caption", "Foto [1] warga desa", ()),
        ("caption", "Peta banjir", (("Peta banjir", "https://example.org/banjir"),)),
    ]


def test_a_definition_is_read_only_where_commonmark_reads_one() -> None:
    """One cannot interrupt a paragraph, nor be a footnote; the first of a label counts."""
    text = (
        "Baca [a] dan [b].\n[a]: https://example.org/tidak\n\n"
        "[^b]: catatan kaki\n\n"
        "[b]: https://example.org/b\n[B]: https://example.org/lain\n"
    )
    assert units(text) == [
        ("", "Baca [a] dan b. [a]: https://example.org/tidak", (("b", "https://example.org/b"),)),
        ("", "[^b]: catatan kaki", ()),
    ]


def test_omnivore_notes_keep_their_links() -> None:
    (note,) = load_file(EXPORTS / "omnivore-obsidian-note.md")
    assert isinstance(note, Article)
    assert "https://organicdonut.com/2024/06/cuda-one/" in note.links
    assert "https://youtu.be/KuXjwB4LzSA" in note.links


def test_a_definition_may_have_its_title_on_the_next_line() -> None:
    """As writers that wrap lines put it (pandoc): the title is no text of the note."""
    text = 'Baca [laporan][1].\n\n  [1]: https://example.org/r\n    "Laporan tahunan 2024"\n'
    assert units(text) == [("", "Baca laporan.", (("laporan", "https://example.org/r"),))]


def test_a_code_fence_closes_only_with_its_own_mark() -> None:
    """A "~~~" inside a "```" block is code, and "```js```" in a line is a code span, not a fence
    that took the rest of the note as code."""
    text = "```py\nx = 1\n~~~\n```\n\n```js``` is how code is marked.\n\nAfter *that*.\n"
    assert units(text) == [
        ("paragraph", "x = 1", ()),
        ("paragraph", "~~~", ()),
        ("", "js is how code is marked.", ()),
        ("", "After that.", ()),
    ]


def test_html_tags_in_a_note_are_no_words() -> None:
    """What a note's own HTML marks shows as its words ("<sup>1.10.0</sup>" as "1.10.0"), a <br> a space."""
    text = "Versi <sup>1.10.0</sup> dan <mark>penting</mark>,<br>baris <!-- catatan --> baru.\n"
    assert [block.text for block in article(text).blocks] == ["Versi 1.10.0 dan penting, baris baru."]


def test_an_escaped_bar_in_a_table_cell_is_the_cells_own() -> None:
    """GFM: "\\|" is a bar within a cell (Obsidian writes "[[note\\|alias]]" in tables), in code too."""
    text = "| Nama | Kode |\n|---|---|\n| a \\| b | `x\\|y` |\n"
    assert [unit[1] for unit in units(text)] == ["Nama | Kode", "a | b | x|y"]
