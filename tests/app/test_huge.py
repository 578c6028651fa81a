"""A huge article (a book-length report, a saved page with everything inlined) keeps its first part.

Only the first KEEP_BYTES of its clean text are kept, stored and searched, so memory does not grow
with the collection's bytes (issue 13, item 12; the figures are in benchmarks/README.md). Nothing
is lost in silence: the file is untouched, and the reader, the raw view, `--list --plain` and
`--list --json` say the text is cut.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.app.test_app import settle
from tests.helpers import reader_lines
from tui import chrome
from tui.app import KlipingApp
from tui.article import KEEP_BYTES, Article, Block, keep_first
from tui.cli import main
from tui.i18n import set_language
from tui.library import Library
from tui.loader import load_file, raw_text, read_raw
from tui.query import parse
from tui.sync import sync
from tui.widgets.reader import Reader

FIRST_WORD = "awalanlaporan"  # in the report's first paragraph
LAST_WORD = "penutuplaporan"  # in its last one, far beyond the part kept


def filler(number: int) -> str:
    return f"Paragraf {number} membahas penguatan kapasitas kader desa dan organisasi masyarakat sipil."


def write_report(folder: Path, name: str = "laporan.txt", paragraphs: int = 14000) -> Path:
    """A plain-text report of about 1.2 MB: a title, a date, then numbered paragraphs."""
    body = [f"Laporan ini dibuka dengan kata {FIRST_WORD} di paragraf pertama."]
    body += [filler(n) for n in range(1, paragraphs)]
    body.append(f"Laporan ini ditutup dengan kata {LAST_WORD} di paragraf terakhir.")
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    head = "Laporan Tahunan Jaringan Kader Desa\n\nDiperbarui: 3 Mei 2024 10:00\n\n"
    text = head + "\n\n".join(body) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return write_report(tmp_path / "clips")


def test_blocks_past_the_limit_are_cut_at_a_space() -> None:
    blocks = tuple(Block("paragraph", f"kata{n} " * 30 + "akhir.") for n in range(100))
    whole = len("\n\n".join(b.text for b in blocks).encode())
    kept, size = keep_first(blocks, 1000)
    text = "\n\n".join(b.text for b in kept)
    assert size == whole
    assert len(text.encode()) <= 1000
    assert "\n\n".join(b.text for b in blocks).startswith(text)
    assert not text.endswith(("kata", "kat"))  # never half a word
    assert keep_first(blocks, whole) == (blocks, 0)  # exactly at the limit: whole


def test_one_huge_paragraph_of_multibyte_text_is_cut_inside_it() -> None:
    block = Block("paragraph", "désa “kader” " * 10_000)
    (kept,), size = keep_first((block,), 4096)
    assert size == len(block.text.encode())
    assert len(kept.text.encode()) <= 4096
    assert block.text.startswith(kept.text)
    assert "\ufffd" not in kept.text  # never half a character


def test_a_file_bigger_than_the_limit_gives_its_first_part(report: Path) -> None:
    (article,) = load_file(report)
    assert isinstance(article, Article)
    assert article.title == "Laporan Tahunan Jaringan Kader Desa"
    assert FIRST_WORD in article.text
    assert LAST_WORD not in article.text
    assert len(article.text.encode()) <= KEEP_BYTES
    assert article.whole_bytes > report.stat().st_size - 200  # the whole clean text's size
    assert article.words > 14000 * 10  # the whole article's words, as the list shows them
    assert report.read_text().endswith(f"{LAST_WORD} di paragraf terakhir.\n")  # the file is untouched


def test_an_article_under_the_limit_is_whole(tmp_path: Path) -> None:
    (article,) = load_file(write_report(tmp_path, paragraphs=20))
    assert isinstance(article, Article)
    assert article.whole_bytes == 0
    assert LAST_WORD in article.text


def test_search_finds_a_word_of_the_part_kept(report: Path, tmp_path: Path) -> None:
    library = Library(tmp_path / "cache.sqlite3")
    for _update in sync(library, [report.parent]):
        pass
    assert len(library.search(parse(FIRST_WORD)).keys) == 1
    assert library.search(parse(LAST_WORD)).keys == []  # beyond the part kept: the file has it
    (key,) = library.search(parse(FIRST_WORD)).keys
    article = library.article(key)
    assert article is not None and article.whole_bytes > KEEP_BYTES  # kept with the cache
    library.close()


def test_the_raw_text_of_a_huge_file_is_its_first_part_at_a_line_end(report: Path) -> None:
    (article,) = load_file(report)
    assert isinstance(article, Article)
    text, whole = raw_text(article)
    assert whole == report.stat().st_size
    assert len(text.encode()) <= KEEP_BYTES
    assert text.endswith("\n") and report.read_text().startswith(text)
    assert read_raw(article) == report.read_text()  # asked for all of it, it is all there


def test_chrome_taken_out_of_a_huge_article_keeps_its_whole_word_count(report: Path) -> None:
    (article,) = load_file(report)
    assert isinstance(article, Article)
    line = article.blocks[1].text
    cleaned = chrome.cleaned(article, frozenset({chrome.line_key(line)}))
    assert cleaned.words == article.words and cleaned.whole_bytes == article.whole_bytes


def reader_text(app: KlipingApp) -> str:
    """The reading pane's text as one line (a notice is wrapped over several)."""
    return " ".join(line.strip() for line in reader_lines(app.query_one("#reader", Reader)) if line.strip())


@pytest.mark.parametrize(
    ("lang", "clean", "raw"),
    [
        ("en", "Only the first 512 KB of this 1.2 MB article is kept and searched; press o to open",
         "Only the first 512 KB of 1.2 MB is shown here; press o to open the file"),
        ("id", "Hanya 512 KB pertama dari artikel berukuran 1,2 MB ini yang disimpan dan bisa dicari",
         "Hanya 512 KB pertama dari 1,2 MB yang ditampilkan di sini"),
    ],
)  # fmt: skip
async def test_the_reader_says_only_the_first_part_is_kept(
    report: Path, lang: str, clean: str, raw: str
) -> None:
    set_language(lang)
    try:
        app = KlipingApp([report.parent])
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            text = reader_text(app)
            assert text.count(clean) == 2  # above the text, and where it stops
            assert text.index(clean) < text.index(FIRST_WORD)
            assert text.rindex(clean) > text.rindex("Paragraf") and text.endswith(".")
            await pilot.press("r")
            await settle(pilot)
            text = reader_text(app)
            assert text.count(raw) == 2
            assert text.index(raw) < text.index(FIRST_WORD) < text.rindex(raw)
            assert LAST_WORD not in text
    finally:
        set_language("en")


async def test_the_reader_says_nothing_of_a_whole_article(tmp_path: Path) -> None:
    app = KlipingApp([write_report(tmp_path / "clips", paragraphs=20).parent])
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        text = reader_text(app)
        assert LAST_WORD in text
        assert "Only the first" not in text


def test_list_outputs_say_the_text_is_cut(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_report(report.parent, "pendek.txt", paragraphs=20)
    assert main(["--list", "--json", "--no-cache", str(report.parent)]) == 0
    records = {Path(r["path"]).name: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert records["laporan.txt"]["cut"] is True
    assert records["laporan.txt"]["whole_bytes"] > KEEP_BYTES
    assert len(records["laporan.txt"]["text"].encode()) <= KEEP_BYTES
    assert records["pendek.txt"]["cut"] is False and records["pendek.txt"]["whole_bytes"] is None
    assert main(["--list", "--plain", "--no-cache", "--filter", FIRST_WORD, str(report.parent)]) == 0
    out = capsys.readouterr().out
    assert f"Only the first 512 KB of this 1.2 MB article is kept; the whole text is in {report}." in out


def test_learning_a_sources_chrome_reads_only_its_short_lines(tmp_path: Path) -> None:
    """Up to 200 huge articles of one source were read whole to learn its chrome (3 GB in the app):
    only lines short enough to be chrome are fetched, and every article still counts."""
    folder = tmp_path / "clips"
    write_report(folder, "a.txt", paragraphs=20)
    write_report(folder, "b.txt", paragraphs=20)
    library = Library(tmp_path / "cache.sqlite3")
    for _update in sync(library, [folder]):
        pass
    (key, _other) = library.search(parse(FIRST_WORD)).keys
    article = library.article(key)
    assert article is not None
    whole = library.neighbours(article)
    short = library.neighbours(article, longest=chrome.MAX_LENGTH)
    assert len(short) == len(whole) == 2
    assert short == [[line for line in lines if len(line) <= chrome.MAX_LENGTH] for lines in whole]
    assert library.neighbours(article, longest=10) == [[], []]
    library.close()
