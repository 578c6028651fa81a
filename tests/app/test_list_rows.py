"""The list's rows, drawn as segments directly, cell for cell as Rich's Text would draw them."""

from __future__ import annotations

import random
from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tests.app.test_app import settle
from tests.helpers import write_article
from tui.app import KlipingApp
from tui.search import match_spans
from tui.widgets.article_list import ArticleList

WORDS = ["desa", "penguatan", "kapasitas", "Perempuan", "日本語", "Ünïcode", "pertemuan", "x"]


def cells(segments: list[Segment]) -> list[tuple[str, Style]]:
    return [(char, segment.style or Style()) for segment in segments for char in segment.text]


async def test_rows_match_what_rich_text_draws_at_every_width(tmp_path: Path) -> None:
    chooser = random.Random(7)
    folder = tmp_path / "clips"
    for number in range(30):
        title = " ".join(chooser.choice(WORDS) for _ in range(chooser.randint(1, 12)))
        write_article(
            folder, f"{number:02d}.txt", title, "2 Maret 2021 09:00", [f"Isi {title} nomor {number}."]
        )
    for number, tags in enumerate(["banjir, rob", "jawa tengah, 日本, banjir bandang rob pesisir"]):
        (folder / f"tagged{number}.md").write_text(
            f"---\ntitle: desa penguatan {number}\ntags: {tags}\n---\n\nIsi desa penguatan.\n",
            encoding="utf-8",
        )
    app = KlipingApp([folder], filter_text="desa penguatan")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        await pilot.press("asterisk", "u")  # a starred row, a read one
        await settle(pilot)
        base = article_list._style("base")
        assert any(article_list._rows[key].tags for key in article_list.keys)
        for width in (20, 35, 40, 47, 53, 60, 75, 118):
            for index, key in enumerate(article_list.keys):
                row = article_list._rows[key]
                is_cursor = index == 0
                strip = article_list._render_row(row, width, is_cursor, base)
                assert strip.cell_length == width
                assert cells(list(strip)) == old_row(article_list, row, width, is_cursor, base), (width, row)


def old_row(
    widget: ArticleList, row: object, width: int, is_cursor: bool, base: Style
) -> list[tuple[str, Style]]:
    """The row as the list drew it through Rich's Text before it built segments itself."""
    from tui.formatting import count_words, short_date, visible_line
    from tui.widgets.list_rows import annotation_label as _annotation_label
    from tui.widgets.list_rows import fit as _fit
    from tui.widgets.list_rows import source_width

    meta_style = Style() if is_cursor else widget._style("meta")
    style = widget._style("cursor") if is_cursor else base
    date = short_date(row.date, widget.lang)
    words = count_words(row.words)
    source = visible_line(row.source or "")
    columns: list[tuple[str, int]] = []
    if width >= 36:
        columns.append((date, 11))
    if width >= 48:
        columns.append((_fit(source, source_width(width)), source_width(width)))
    if width >= 54:
        columns.append((words, 5))
    marks = widget.marks
    assert marks is not None
    unread = not marks.has("read", row.key)
    starred = marks.has("starred", row.key)
    title_width = max(4, width - 3 - sum(w + 1 for _value, w in columns))
    label = _annotation_label(marks, row)
    label_width = min(len(label), title_width // 3) if title_width >= 15 else 0
    if label_width:
        title_width -= label_width + 1
    shown_title = visible_line(row.title)
    title = Text(shown_title, no_wrap=True, overflow="ellipsis", end="")
    if unread:
        title.stylize(widget._style("unread"))
    if widget._query is not None:
        for start, end in match_spans(shown_title, widget._query):
            title.stylize(widget._style("match"), start, end)
    title.truncate(title_width, overflow="ellipsis", pad=True)
    line = Text("›" if is_cursor else " ", end="")
    line.append("★" if starred else " ", widget._style("star"))
    line.append("•" if unread else " ")
    line.append_text(title)
    if label_width:
        line.append(" ")
        tags = Text(label, no_wrap=True, overflow="ellipsis", end="")
        tags.truncate(label_width, overflow="ellipsis", pad=True)
        tags.stylize(meta_style)
        line.append_text(tags)
    for value, column_width in columns:
        line.append(" ")
        line.append(value.rjust(column_width)[:column_width], meta_style)
    line.truncate(width, pad=True)
    line.stylize_before(style)
    return cells(list(line.render(widget.app.console)))
