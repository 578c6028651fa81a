"""Exports: every format reads back exactly, and a failure never leaves a partial or damaged file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.article import Article, Block
from tui.export import FIELDS, FORMATS, export_articles, format_for, read_back, write_articles

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("title", "date", "source", "place", "url", "path", "words", "text")


def article(
    title: str,
    text: str,
    *,
    date: dt.datetime | None = None,
    source: str | None = None,
    place: str | None = None,
    url: str | None = None,
    path: str = "seeds/a.txt",
) -> Article:
    blocks = tuple(Block("paragraph", part) for part in text.split("\n\n")) if text else ()
    made = Article(
        id=f"id-{abs(hash((title, text))) % 10_000}",
        path=path,
        title=title,
        blocks=blocks,
        date=date,
        source=source,
        place=place,
        url=url,
    )
    assert made.text == text
    return made


def expected(item: Article) -> dict[str, str | None]:
    return {
        "title": item.title,
        "date": item.date.isoformat() if item.date else None,
        "source": item.source,
        "place": item.place,
        "url": item.url,
        "path": item.path,
        "words": str(item.words),
        "text": item.text,
    }


TRICKY = [
    article(
        "Rumah Inklusi: “Setara” untuk semua — ça, 日本, 🦎",
        'Pasuruan, 29/08/2022 - Kegiatan dimulai.\n\nIa berkata, "kami, semua", lalu pergi.',
        date=dt.datetime(2022, 8, 29),
        source="Kompasiana",
        place="Pasuruan",
        url="https://example.org/a?b=1&c=2",
    ),
    article(
        "## Not a heading *really* [x](y) #",
        "---\n\n## also not a heading\n\n# nor this\n\n\\backslash line\n\n===\n\n- - -\n\nend",
        date=dt.datetime(2023, 1, 2, 13, 45, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        path='seeds/with, comma "and quotes".txt',
    ),
    article("No date, no source", "Single line body with trailing spaces   ", source=None),
    article("Lines\nin\ttitle\r", "line one\nline two\r\nline three\n\n\n\nafter gap\n", place="Bandung"),
    article("Empty body", ""),
    article("Separators", "a\n---\n\nb\n\n---\n\n## c", url="http://x: y"),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_tricky_articles_round_trip(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    assert export_articles(TRICKY, path, fmt) == len(TRICKY)
    records = read_back(path, fmt)
    assert [{name: record[name] for name in CHECKED} for record in records] == [expected(a) for a in TRICKY]


@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_to_export(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    assert export_articles([], path, fmt) == 0
    assert read_back(path, fmt) == []


def test_jsonl_has_ids_and_plain_unicode(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    export_articles(TRICKY[:2], path, "jsonl")
    raw = path.read_text(encoding="utf-8")
    assert "日本" in raw and "\\u" not in raw.split("\n")[0]  # ensure_ascii=False
    lines = raw.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["id"] == TRICKY[0].id
    assert first["words"] == TRICKY[0].words  # a number, as in `kliping --list --json`
    assert first["date"] == "2022-08-29T00:00:00"
    # cut: only a huge article's first part; links: the body's links, "[N]" in the text elsewhere
    assert set(first) == {"id", *FIELDS, "cut", "whole_bytes", "links"}
    assert first["cut"] is False and first["whole_bytes"] is None
    assert read_back(path, "jsonl")[0]["id"] == TRICKY[0].id


def test_csv_has_a_header_and_missing_values_are_empty(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    export_articles([TRICKY[2]], path, "csv")
    raw = path.read_bytes().decode("utf-8")
    header, row = raw.split("\r\n")[:2]
    assert header == ",".join(FIELDS)
    assert row.startswith('"No date, no source",,,,,seeds/a.txt,')


def test_markdown_looks_like_markdown(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    export_articles(TRICKY[:2], path, "md")
    raw = path.read_text(encoding="utf-8")
    sections = raw.split("\n---\n\n")
    assert len(sections) == 2
    assert sections[0].startswith(
        "## Rumah Inklusi: “Setara” untuk semua — ça, 日本, 🦎\n\n- date: 2022-08-29"
    )
    assert "- source: Kompasiana\n" in sections[0]
    assert "\nPasuruan, 29/08/2022 - Kegiatan dimulai.\n\nIa berkata" in sections[0]
    assert sections[1].startswith("## \\#\\# Not a heading \\*really\\* \\[x\\](y) \\#\n")
    body_lines = sections[1].split("\n")
    assert "---" not in body_lines and "\\---" in body_lines
    assert not any(line.startswith("## ") for line in body_lines[1:])
    assert "- source:" not in sections[1]  # unknown values are left out


def test_write_articles_streams_to_any_text_stream() -> None:
    out = io.StringIO()
    seen: list[str] = []

    def articles() -> Iterator[Article]:
        for item in TRICKY:
            seen.append(out.getvalue())
            yield item

    assert write_articles(articles(), out, "jsonl") == len(TRICKY)
    assert seen[1].count("\n") == 1 and seen[2].count("\n") == 2  # each written before the next is made
    with pytest.raises(ValueError, match="unknown export format"):
        write_articles([], out, "xml")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("found.jsonl", "jsonl"),
        ("found.JSON", "jsonl"),
        ("a/b/found.csv", "csv"),
        ("found.md", "md"),
        ("found.markdown", "md"),
        ("found.txt", None),
        ("found", None),
        ("csv", None),
    ],
)
def test_format_for(name: str, fmt: str | None) -> None:
    assert format_for(name) == fmt


class Exploding(Exception):
    pass


def failing_articles() -> Iterator[Article]:
    yield TRICKY[0]
    yield TRICKY[1]
    raise Exploding("the library went away")


class BadText:
    """Looks like an Article but its body cannot be produced."""

    def __getattr__(self, name: str) -> object:
        return getattr(TRICKY[0], name)

    @property
    def text(self) -> str:
        raise OSError(5, "Input/output error")


@pytest.mark.parametrize("fmt", FORMATS)
def test_failure_half_way_leaves_no_file(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    with pytest.raises(Exploding):
        export_articles(failing_articles(), path, fmt)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_failure_half_way_keeps_the_old_file(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    export_articles(TRICKY[2:4], path, fmt)
    before = path.read_bytes()
    items: list[Article] = [TRICKY[0], BadText()]  # type: ignore[list-item]
    with pytest.raises(OSError, match="Input/output"):
        export_articles(items, path, fmt)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_failing_disk_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out.csv"
    export_articles(TRICKY[:1], path, "csv")
    before = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        export_articles(TRICKY, path, "csv")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_export_refuses_a_missing_folder_and_rejects_unknown_formats(tmp_path: Path) -> None:
    """A missing folder is a mistake in the name (the user could not write there by hand either)."""
    path = tmp_path / "new" / "folder" / "out.md"
    with pytest.raises(OSError, match="there is no folder"):
        export_articles(TRICKY[:1], path, "md")
    assert not (tmp_path / "new").exists()
    with pytest.raises(ValueError):
        export_articles(TRICKY, tmp_path / "x.xml", "xml")
    assert not (tmp_path / "x.xml").exists()


def test_undecodable_file_names_keep_the_export_valid_utf8(tmp_path: Path) -> None:
    odd = article("Odd name", "body", path="seeds/caf\udce9.txt")  # a byte that was not UTF-8
    for fmt in FORMATS:
        path = tmp_path / f"out.{fmt}"
        export_articles([odd], path, fmt)
        path.read_bytes().decode("utf-8")  # strict: raises if the file is not valid UTF-8
    assert read_back(tmp_path / "out.jsonl", "jsonl")[0]["path"] == "seeds/caf\udce9.txt"


def test_read_back_reports_a_foreign_markdown_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# My notes\n\nhello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="article 1"):
        read_back(path, "md")


# Article titles and bodies: any text without surrogates (which cannot be UTF-8), and text made
# mostly of what Markdown and CSV treat specially, which random text would rarely produce.
RISKY = ["---", "## x", "#", "\\", "\\---", "===", "- - -", "", "\n", "a\n---\nb", "\r\n"]
TEXT = (
    st.text(st.characters(codec="utf-8"), max_size=200)
    | st.text("-#\\ \n\r=*_,\"'a", max_size=40)
    | st.lists(st.sampled_from(RISKY), max_size=5).map("\n".join)
)
OPTIONAL_TEXT = st.none() | st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)
PARAGRAPHS = st.lists(TEXT, max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(
        st.tuples(TEXT, PARAGRAPHS, OPTIONAL_TEXT, OPTIONAL_TEXT, OPTIONAL_TEXT, TEXT),
        max_size=4,
    ),
    fmt=st.sampled_from(FORMATS),
)
def test_any_text_round_trips(
    items: list[tuple[str, list[str], str | None, str | None, str | None, str]], fmt: str
) -> None:
    articles = [
        Article(
            id=str(n),
            path=path,
            title=title,
            blocks=tuple(Block("paragraph", p) for p in paragraphs),
            source=source,
            place=place,
            url=url,
        )
        for n, (title, paragraphs, source, place, url, path) in enumerate(items)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"out.{fmt}"
        assert export_articles(articles, path, fmt) == len(articles)
        records = read_back(path, fmt)
    assert [{name: r[name] for name in CHECKED} for r in records] == [expected(a) for a in articles]


# --- safe to share -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_takes_the_users_umask(tmp_path: Path, fmt: str) -> None:
    """A file made to be shared is readable by others under umask 022, as `touch` would make it."""
    old = os.umask(0o022)
    try:
        export_articles(TRICKY[:1], tmp_path / f"out.{fmt}", fmt)
        os.umask(0o077)
        export_articles(TRICKY[:1], tmp_path / f"private.{fmt}", fmt)
    finally:
        os.umask(old)
    assert (tmp_path / f"out.{fmt}").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / f"private.{fmt}").stat().st_mode & 0o777 == 0o600


def test_an_export_over_an_old_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    export_articles(TRICKY[:1], path, "csv")
    assert path.stat().st_mode & 0o777 == 0o640


FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "'=quoted"]


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    items = [article(text, "body", source=text, place=text, path=text) for text in FORMULAS]
    path = tmp_path / "out.csv"
    export_articles(items, path, "csv")
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))[1:]
    for row, text in zip(rows, FORMULAS, strict=True):
        title, _date, src, place, _url, file_path, words, _text, *_marks = row
        for cell in (title, src, place, file_path):
            assert cell == "'" + text, cell  # shown as text by Excel, LibreOffice and Sheets
        assert words.isdigit()
    assert [r["title"] for r in read_back(path, "csv")] == FORMULAS  # and read back as written


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_to_a_device_or_fifo_is_written_through(tmp_path: Path, fmt: str) -> None:
    """`-o /dev/null` or a FIFO stays what it is: the export goes into it, nothing replaces it.

    The device is reached through a symlink in tmp_path, so code that replaces what it is given
    (run as root, say) replaces only the link, never the machine's /dev/null.
    """
    null = tmp_path / "null"
    null.symlink_to("/dev/null")
    export_articles(TRICKY, null, fmt)
    assert null.is_symlink() and null.is_char_device()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    export_articles(TRICKY[:1], fifo, fmt)
    reader.join(5)  # a daemon: if the FIFO was replaced, the blocked reader is left behind
    assert fifo.is_fifo()
    assert received and b"Rumah Inklusi" in received[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "pipe"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_to_a_symlink_writes_its_target(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "real" / f"found.{fmt}"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / f"link.{fmt}"
    link.symlink_to(target)
    export_articles(TRICKY[:2], link, fmt)
    assert link.is_symlink() and link.resolve() == target
    assert len(read_back(target, fmt)) == 2
    dangling = tmp_path / f"dangling.{fmt}"
    dangling.symlink_to(tmp_path / "real" / f"new.{fmt}")
    export_articles(TRICKY[:1], dangling, fmt)
    assert dangling.is_symlink() and len(read_back(tmp_path / "real" / f"new.{fmt}", fmt)) == 1


def test_a_markdown_export_makes_no_link_of_the_text_s_own_words(tmp_path: Path) -> None:
    """ "[x](javascript:...)" or "<javascript:...>" left in a clipping were live links once the
    export was opened in a Markdown viewer; they are shown as written, and read back the same."""
    from markdown_it import MarkdownIt

    text = (
        "Klik [di sini](javascript:alert(1)) atau <javascript:alert(2)> sekarang.\n\n"
        "Rumus a < b dan \\] tetap, [kurung] biasa juga."
    )
    made = article("Tautan Jahat", text)
    out = tmp_path / "out.md"
    export_articles([made], str(out), "md")
    viewer = MarkdownIt()
    viewer.validateLink = lambda url: True  # type: ignore[method-assign]  # as a lax viewer: any address
    html = viewer.render(out.read_text(encoding="utf-8"))
    assert "href" not in html and "di sini](javascript" in html.replace("&quot;", '"')
    assert read_back(out, "md")[0]["text"] == text
