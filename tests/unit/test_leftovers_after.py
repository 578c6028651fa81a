"""What follows an article on a saved page (the next read, readers' comments, a messaging-app prompt)
is not its text, however long it is (issue 21, item 11)."""

from __future__ import annotations

import pytest

from tui.article import Article
from tui.loader import parse_bytes

ARTICLE = "\n\n".join(
    f"Paragraph {number} of the report says the council met again to weigh the budget for schools, "
    "clinics and roads, and that a vote is due next month after hearings."
    for number in range(1, 6)
)
TEASERS = "\n\n".join(
    f"Teaser {number}: a long summary of another story on the site, about travel and hotels, written "
    "in full sentences so that it reads like prose and outweighs the article that came before it."
    for number in range(1, 16)
)


def parse(text: str) -> Article:
    (article,) = parse_bytes(text.encode("utf-8"), "a.txt")
    assert isinstance(article, Article), article
    return article


@pytest.mark.parametrize("marker", ["Read This Next", "Up next", "Comentar", "Comentarios", "Berita Lainnya"])
def test_a_long_tail_after_a_last_marker_is_cut(marker: str) -> None:
    article = parse(f"The Headline Here\n\n{ARTICLE}\n\n{marker}\n\n{TEASERS}\n")
    assert "Paragraph 5" in article.text
    assert "Teaser" not in article.text and marker not in article.text
    assert marker in article.removed and any("Teaser 15" in line for line in article.removed)  # nothing lost


def test_a_marker_before_the_article_has_begun_cuts_nothing() -> None:
    article = parse(f"The Headline Here\n\nA short opening line.\n\nRead next\n\n{ARTICLE}\n")
    assert "Paragraph 5" in article.text


def test_a_messaging_app_channel_prompt_is_taken_out() -> None:
    prompt = (
        "Simak breaking news dan berita pilihan kami langsung di ponselmu. Pilih saluran andalanmu akses "
        "berita Kompas.com WhatsApp Channel : https://www.whatsapp.com/channel/0029VaFPbedBPzjZrk13HO3D. "
        "Pastikan kamu sudah install aplikasi WhatsApp ya."
    )
    article = parse(f"Judul Berita Hari Ini\n\n{ARTICLE}\n\n{prompt}\n")
    assert "WhatsApp" not in article.text and prompt in article.removed


@pytest.mark.parametrize(
    "prompt",
    [
        "Halaman 1 2 Selanjutnya",
        "Lanjut ke halaman berikutnya",
        "Continue reading",
        "Page 2 of 3",
        "Next page",
    ],
)
def test_a_next_page_prompt_is_taken_out(prompt: str) -> None:
    closing = "Paragraf penutup yang masih berita."
    article = parse(f"Judul Berita Hari Ini\n\n{ARTICLE}\n\n{prompt}\n\n{closing}\n")
    assert prompt not in article.text and prompt in article.removed
    assert "Paragraf penutup" in article.text


def test_a_sentence_about_pages_is_kept() -> None:
    line = "Halaman 12 laporan itu menyebut anggaran naik dua kali lipat dari tahun lalu."
    assert line in parse(f"Judul Berita Hari Ini\n\n{ARTICLE}\n\n{line}\n").text
