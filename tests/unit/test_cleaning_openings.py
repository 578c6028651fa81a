"""The openings tables let a line skip a case-blind pattern only when the pattern cannot match it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import cleaning
from tui.cleaning import _may_open

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# A line for every alternative of each pattern, as a page may write it.
EXAMPLES = {
    "leftover": (
        cleaning._LEFTOVER_START,
        cleaning.LEFTOVER,
        [
            "follow us", "ikuti kami", "baca juga", "read also", "read more:", "simak juga", "lihat juga:",
            "see also:", "baca berita lainnya", "© 2024 Site", "(c) 2024", "copyright", "hak cipta",
            "kompasiana adalah platform blog", "dapatkan update", "download aplikasi", "unduh aplikasi",
            "klik disini", "gabung di whatsapp", "join our", "sign up for", "subscribe to", "berlangganan",
            "related:", "tag:", "tags:", "topik:", "share this", "bagikan ke", "advertisement",
            "scroll to continue", "artikel ini telah tayang di", "this article was published",
            "[Gambas:Video 20detik]", "(aln)", "simak video", "tonton video", "saksikan video",
            "lihat video", "watch the video", "a post shared by", "Halaman 1 2 Selanjutnya",
            "halaman selanjutnya", "baca halaman berikutnya", "Lanjut ke halaman berikutnya",
            "lanjutkan membaca", "Continue reading", "Next page", "Page 2 of 3", "Halaman 2 dari 3",
        ],
    ),
    "label": (
        cleaning._METADATA_LABEL,
        cleaning.LABEL,
        [
            "diperbarui", "diterbitkan", "dipublikasikan", "dipublish", "published", "posted", "updated",
            "last updated", "tanggal", "date", "tayang", "terbit",
        ],
    ),
    "byline": (
        cleaning._BYLINE,
        cleaning.BYLINE,
        [
            "by A", "oleh A", "penulis: A", "reporter A", "pewarta A", "editor A", "penyunting A",
            "author A", "ditulis oleh A", "written by A", "kontributor A",
        ],
    ),
    "caption": (
        cleaning._CAPTION,
        cleaning.CAPTION,
        [
            "gambar:", "foto:", "image:", "photo:", "picture:", "ilustrasi:", "illustration:", "fig.",
            "figure 1:", "grafik:", "sumber foto:", "sumber gambar:", "dok.:", "dokumentasi:", "credit:",
            "kredit foto:", "(dok)", "(foto)", "(photo)", "(ist)", "(istimewa)", "(sumber)", "foto/",
            "photo /", "image/",
        ],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_alternative_opens_as_its_table_says(name: str) -> None:
    pattern, bit, lines = EXAMPLES[name]
    for line in lines:
        for written in (line, line.upper(), line.title()):
            assert pattern.match(written), written  # the example is one the pattern takes
            assert _may_open(written, bit), written


def test_openings_never_change_a_match() -> None:
    lines = [
        line.strip()
        for path in sorted(SEEDS.iterdir())
        for line in path.read_text("utf-8", "replace").split("\n")
    ]
    lines += ["", "x", "(", "\u212aompasiana adalah platform blog", "\u017fhare this", "Ｆollow us"]
    for pattern, bit, _examples in EXAMPLES.values():
        for line in lines:
            if pattern.match(line):
                assert _may_open(line, bit), line
