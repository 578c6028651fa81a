"""One row of the article list as segments: title, marks, tags, a group's size, date, source and
length, built directly (through Rich's Text a row took 0.2 ms, most of a new answer's frame at 100k)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tui.folding import Groups
from tui.formatting import count_words, short_date, visible_line
from tui.library import Row
from tui.marks import Marks
from tui.query import Query
from tui.search import match_spans

COPY_INDENT = "  ↳ "  # an opened group's copies, beneath the row that stands for it


def cut(
    text: str, width: int, style: Style, match: Style, spans: Sequence[tuple[int, int]], pad: Style
) -> list[Segment]:
    """Text in exactly `width` cells: cut with an ellipsis when longer (which takes the style of
    the character it replaces), padded with `pad` when shorter, the spans in the match style."""
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    segments: list[Segment] = []
    at = 0
    for start, end in spans:
        if start >= len(text):
            break
        if start > at:
            segments.append(Segment(text[at:start], style))
        end = min(end, len(text))
        segments.append(Segment(text[start:end], match))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:], style))
    room = width - cell_len(text)
    if room > 0:
        segments.append(Segment(" " * room, pad))
    return segments


def source_width(width: int) -> int:
    """The source column's cells for a row `width` wide: more room for long outlet names on a wide pane."""
    return max(11, min(24, (width - 30) // 3))


def fit(text: str, width: int) -> str:
    """Text in at most `width` cells, cut with an ellipsis, so a cut name is not taken for a whole one."""
    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


def annotation_label(marks: Marks, row: Row) -> str:
    """A pen when the article has a note, then its tags: "✎ #banjir #rob"."""
    tags = marks.tags_of(row) if row.tags or marks.tag_keys else []
    label = " ".join("#" + visible_line(tag) for tag in tags)
    if marks.has_note(row.digest):
        label = f"✎ {label}" if label else "✎"
    return label


def list_style(widget: Widget, name: str) -> Style:
    """One of the list's styles by name: whole styles where `auto` (as in $text) needs the
    background, the cursor's on the base, the marks' partial."""
    base = widget.rich_style
    if name == "base":
        return base
    if name == "cursor":
        return base + widget.get_component_rich_style("article-list--cursor")
    if name in ("meta", "match"):
        return base + widget.get_component_rich_style(f"article-list--{name}")
    return widget.get_component_rich_style(f"article-list--{name}", partial=True)


class Drawn(Protocol):
    """What a row's look depends on beyond the row: the list's marks, filter, groups and language."""

    marks: Marks | None
    groups: Groups
    folding: bool  # each group is one row: its size shows on whichever member stands for it
    lang: str

    @property
    def filter_query(self) -> Query | None: ...

    def _style(self, name: str) -> Style: ...


class RowLook:
    """Draws the list's rows as it has them (`view`: the article list)."""

    def __init__(self, view: Drawn) -> None:
        self.view = view

    def group_label(self, row: Row, copy: bool, opened: bool) -> str:
        """ "×3" on the row that stands for a group of three ("×3 ▾" while its copies show beneath)."""
        if copy:
            return ""
        groups = self.view.groups
        size = groups.size(row.key)
        if size < 2 or not (self.view.folding or groups.face.get(row.key) == row.key):
            return ""
        return f"×{size} ▾" if opened else f"×{size}"

    def draw(
        self, row: Row, width: int, is_cursor: bool, *, copy: bool = False, opened: bool = False
    ) -> Strip:
        """The row in `width` cells; `copy`: a copy shown beneath its opened group's row."""
        view, look = self.view, self.view._style
        base = look("base")
        style = look("cursor") if is_cursor else base
        meta = style if is_cursor else style + look("meta")  # the cursor row is one colour
        date = short_date(row.date, view.lang)
        words = count_words(row.words)
        source = visible_line(row.source or "")
        # Columns give way to the title as the pane narrows.
        columns: list[tuple[str, int]] = []
        if width >= 36:
            columns.append((date, 11))
        if width >= 48:  # the source widens with the pane (11 to 24 cells), cut with an ellipsis
            columns.append((fit(source, source_width(width)), source_width(width)))
        if width >= 54:
            columns.append((words, 5))
        marks = view.marks
        unread = marks is not None and not marks.has("read", row.key)
        starred = marks is not None and marks.has("starred", row.key)
        title_width = max(4, width - 3 - sum(w + 1 for _value, w in columns))
        # Tags and a note, compactly after the title: a third of its room at most, the title first.
        label = annotation_label(marks, row) if marks is not None else ""
        group = self.group_label(row, copy, opened)
        if group:
            label = f"{group} {label}".rstrip()
        label_width = min(len(label), title_width // 3) if title_width >= 15 else 0
        if label_width:
            title_width -= label_width + 1
        # The cursor is also a symbol, so it shows without colour (NO_COLOR, monochrome terminals).
        # Unread and starred are symbols as well as styles, never colour alone.
        segments = [
            Segment("›" if is_cursor else " ", style),
            Segment("★" if starred else " ", style + look("star")),
            Segment("•" if unread else " ", style),
        ]
        if copy and title_width > 2 * len(COPY_INDENT):
            segments.append(Segment(COPY_INDENT, meta))
            title_width -= len(COPY_INDENT)
        title = visible_line(row.title)
        query = view.filter_query
        spans = match_spans(title, query) if query is not None else []
        title_style = style + look("unread") if unread else style
        segments += cut(title, title_width, title_style, title_style + look("match"), spans, style)
        if label_width:
            segments.append(Segment(" ", style))
            segments += cut(label, label_width, meta, meta, [], meta)
        for value, column_width in columns:
            segments.append(Segment(" ", style))
            padded = " " * (column_width - cell_len(value)) + value
            segments.append(Segment(set_cell_size(padded, column_width), meta))
        return Strip(segments).adjust_cell_length(width, style)


class DrawnRows:
    """Rows drawn once and kept by (index, width, cursor): a frame draws only the rows it has not."""

    MOST = 2000

    def __init__(self, draw: Callable[[int, int, bool], Strip]) -> None:
        self.draw = draw  # (index, width, is_cursor) -> the row
        self.strips: dict[tuple[int, int, bool], Strip] = {}

    def __len__(self) -> int:
        return len(self.strips)

    def clear(self) -> None:
        self.strips.clear()

    def get(self, index: int, width: int, is_cursor: bool) -> Strip:
        key = (index, width, is_cursor)
        strip = self.strips.get(key)
        if strip is None:
            strip = self.draw(index, width, is_cursor)
            if len(self.strips) > self.MOST:
                self.strips.clear()
            self.strips[key] = strip
        return strip

    def ahead(self, indexes: Iterable[int], width: int, cursor: int) -> None:
        """Draw these rows now, while idle, so paging finds them drawn."""
        for index in indexes:
            key = (index, width, index == cursor)
            if key not in self.strips and len(self.strips) < self.MOST:
                self.strips[key] = self.draw(index, width, index == cursor)

    def moved(self, old: int, new: int, width: int) -> None:
        """The cursor moved: the two rows it left and reached are drawn again."""
        self.strips.pop((old, width, True), None)
        self.strips.pop((new, width, False), None)
