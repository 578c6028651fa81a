"""The article list: a line-API view that renders only the rows on screen, so 1M rows cost what 40 do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from tui.formatting import count_words, short_date, visible_line
from tui.i18n import _
from tui.library import Row
from tui.marks import Marks
from tui.query import Query
from tui.search import match_spans
from tui.widgets.sizing import set_virtual_size

DRAW_AHEAD_SECONDS = 0.012  # after the list stops moving, draw the next pages' rows
DRAW_AHEAD_NEW_ROWS_SECONDS = 0.3  # or this long after new rows: typing brings new ones every key


class ShownRows(Sequence[Row]):
    """The rows the list shows, in order, without copying 100k of them."""

    def __init__(self, rows: Mapping[int, Row], keys: Sequence[int]) -> None:
        self._rows = rows
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]
        return self._rows[self._keys[index]]


def _cut(
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


def _fit(text: str, width: int) -> str:
    """Text in at most `width` cells, cut with an ellipsis, so a cut name is not taken for a whole one."""
    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


def _annotation_label(marks: Marks, row: Row) -> str:
    """A pen when the article has a note, then its tags: "✎ #banjir #rob"."""
    tags = marks.tags_of(row) if row.tags or marks.tag_keys else []
    label = " ".join("#" + visible_line(tag) for tag in tags)
    if marks.has_note(row.digest):
        label = f"✎ {label}" if label else "✎"
    return label


class ArticleList(ScrollView, can_focus=True):
    """One line per article: title, source, date and length, with the filter's matches highlighted."""

    BINDING_GROUP_TITLE = _("Article list")  # in the palette's Keys panel

    BINDINGS = [
        Binding("down,j", "cursor_down", _("Down"), show=False, id="list.down"),
        Binding("up,k", "cursor_up", _("Up"), show=False, id="list.up"),
        Binding("pagedown,space", "page_down", _("Page down"), show=False, id="list.page_down"),
        Binding("pageup", "page_up", _("Page up"), show=False, id="list.page_up"),
        Binding("home,g", "first", _("First"), show=False, id="list.first"),
        Binding("end,G", "last", _("Last"), show=False, id="list.last"),
        Binding("enter", "choose", _("Read"), id="list.read"),
    ]

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--match",
        "article-list--meta",
        "article-list--unread",
        "article-list--star",
    }

    DEFAULT_CSS = """
    ArticleList {
        background: $surface;
        overflow-x: hidden;  /* rows are cut to the width: a horizontal scrollbar would take a row */
        scrollbar-gutter: stable;  /* and the width never depends on the vertical one showing */
        & > .article-list--cursor { background: $block-cursor-blurred-background; color: $text; }
        &:focus > .article-list--cursor {
            background: $block-cursor-background;
            color: auto 100%;
            text-style: bold;
        }
        & > .article-list--match { background: $warning-muted; color: auto 100%; text-style: bold underline; }
        & > .article-list--meta { color: $text-muted; }
        & > .article-list--unread { text-style: bold; }
        & > .article-list--star { color: $warning; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=False, repaint=False)
    marks_changed: var[int] = var(0, init=False)  # bound to the screen's: the rows' marks are redrawn

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another article (or to none, when the list is empty)."""

        key: int | None

    @dataclass
    class Chosen(Message):
        """The user asked to read the article under the cursor."""

        key: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: Mapping[int, Row] = {}
        self._keys: Sequence[int] = []
        self._query: Query | None = None
        self._ahead_timer: Timer | None = None
        self._cache: dict[tuple[int, int, bool], Strip] = {}
        self.lang = "en"
        self.marks: Marks | None = None
        self.groups: Mapping[int, int] = {}  # a near-duplicate group's face: how many articles it has
        self.moved = False  # has the user moved the cursor since the list was last reset?
        self.empty_text = ""  # said in the list when it shows nothing
        self._styles: dict[str, Style] = {}

    # -- what the app gives and reads --------------------------------------------------------

    @property
    def articles(self) -> ShownRows:
        """The shown articles, in order."""
        return ShownRows(self._rows, self._keys)

    @property
    def keys(self) -> Sequence[int]:
        return self._keys

    @property
    def current_key(self) -> int | None:
        if 0 <= self.cursor < len(self._keys):
            return self._keys[self.cursor]
        return None

    def show(
        self,
        rows: Mapping[int, Row],
        keys: Sequence[int],
        query: Query | None = None,
        *,
        keep: int | None = None,
        reset: bool = False,
    ) -> None:
        """Show these keys; keep the cursor on `keep` when it is still shown, else go to the top."""
        before = (self.current_key, self._query)
        self._rows = rows
        self._keys = keys
        self._query = query if query is not None and not query.is_empty else None
        self._cache.clear()
        if reset:
            self.moved = False
        position = 0
        if not reset and keep is not None:
            try:
                position = keys.index(keep)  # no copy: this runs on every keystroke
            except ValueError:
                position = 0
        self._update_size()
        old = self.cursor
        self.cursor = min(position, max(0, len(keys) - 1))
        if self.cursor == old and (self.current_key, self._query) != before:
            # Another article under the same row, or the same one under another filter: the
            # reader follows. The same answer again (the last search of a load) fetched and
            # wrapped the article under the cursor once more.
            self.post_message(self.Highlighted(self.current_key))
        self._scroll_to_cursor()
        self.refresh()
        self._draw_ahead_soon(DRAW_AHEAD_NEW_ROWS_SECONDS)

    def extend(self, keys: Sequence[int]) -> None:
        """The whole answer, after its first page was shown: the rows on screen and the cursor stay."""
        shown_before = len(self._keys)
        self._keys = keys
        self._update_size()  # the scrollbar moves; the rows on screen are drawn already, unless
        if self.scroll_offset.y + self.scrollable_content_region.height > shown_before:
            self.refresh()  # the view reaches past the first page's end
        self._draw_ahead_soon(DRAW_AHEAD_NEW_ROWS_SECONDS)

    def forget(self, keys: Set[int], *, quiet: bool = False) -> None:
        """Rows the session let go of (their files changed or went): they leave the list at once.

        The list reads its rows from the session's mapping as it draws, so a key it still held
        after its row was gone would fail on the next frame. `quiet`: the cursor's article is
        coming back (its file was edited), so the reader is not told to follow the row in its place.
        """
        if not any(key in keys for key in self._keys):
            return
        current = self.current_key
        self._keys = [key for key in self._keys if key not in keys]
        self._cache.clear()
        self._update_size()
        if current in keys:  # the cursor's article went: the cursor stays where it was
            cursor = min(self.cursor, max(0, len(self._keys) - 1))
            if quiet:
                self.set_reactive(ArticleList.cursor, cursor)
                self._scroll_to_cursor()
            else:
                self.cursor = cursor
                self.post_message(self.Highlighted(self.current_key))
        elif current is not None:
            self.cursor = self._keys.index(current)
        self.refresh()

    def watch_marks_changed(self) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Redraw after marks changed (read, starred): the rows are the same, their symbols are not."""
        self._cache.clear()
        self.refresh()

    # -- geometry -----------------------------------------------------------------------------

    @property
    def _width(self) -> int:
        """Columns for text: the widget less its scrollbar, which would otherwise cover the last ones."""
        return self.scrollable_content_region.width

    def _update_size(self) -> None:
        set_virtual_size(self, Size(self._width, len(self._keys)))

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._update_size()
        # A smaller terminal keeps the cursor's row in view (it used to stay below the last row),
        # once the new size is laid out.
        self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        if not self._keys:
            return
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True)

    def watch_cursor(self, old: int, new: int) -> None:
        self._cache.pop((old, self._width, True), None)
        self._cache.pop((new, self._width, False), None)
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.current_key))
        self._draw_ahead_soon()

    def _draw_ahead_soon(self, delay: float = DRAW_AHEAD_SECONDS) -> None:
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_timer = self.set_timer(delay, self._draw_ahead)

    def _draw_ahead(self) -> None:
        """Draw the rows a page below and above the view while idle, so paging finds them drawn.

        Drawing a screenful of rows is most of what a page down costs (about 2 ms of 8).
        """
        self._ahead_timer = None
        height = self.scrollable_content_region.height
        if not self._keys or self._width <= 0 or height <= 0:
            return
        top = self.scroll_offset.y
        base = self._style("base")
        below = range(top + height, min(len(self._keys), top + 2 * height))
        above = range(max(0, top - height), top)
        for index in (*below, *above):
            cache_key = (index, self._width, index == self.cursor)
            if cache_key not in self._cache and len(self._cache) < 2000:
                row = self._rows[self._keys[index]]
                self._cache[cache_key] = self._render_row(row, self._width, index == self.cursor, base)

    # -- rendering ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()  # the theme or the CSS changed
        self._cache.clear()

    def on_focus(self) -> None:
        self.notify_style_update()  # the cursor row looks different with and without focus

    def on_blur(self) -> None:
        self.notify_style_update()

    def _style(self, name: str) -> Style:
        """Styles looked up once per theme, not per row: computing them was a third of a row's cost."""
        style = self._styles.get(name)
        if style is None:
            base = self.rich_style
            if name == "base":
                style = base
            elif name == "cursor":
                style = base + self.get_component_rich_style("article-list--cursor")
            elif name in ("meta", "match"):
                # Whole styles: a partial one cannot work out `auto` (as in $text) against its background.
                style = base + self.get_component_rich_style(f"article-list--{name}")
            else:
                style = self.get_component_rich_style(f"article-list--{name}", partial=True)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        width = self._width
        line = scroll_y + y
        base = self._style("base")
        index = line
        if index >= len(self._keys):
            if not self._keys and y == 0 and self.empty_text:
                return self._render_empty(width)
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        cache_key = (index, width, is_cursor)
        strip = self._cache.get(cache_key)
        if strip is None:
            strip = self._render_row(self._rows[self._keys[index]], width, is_cursor, base)
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[cache_key] = strip
        return strip

    def _render_row(self, row: Row, width: int, is_cursor: bool, base: Style) -> Strip:
        """One row as segments, built directly: through Rich's Text it took 0.2 ms a row, most of
        a new answer's frame at 100k (a screenful is drawn anew on every keystroke)."""
        style = self._style("cursor") if is_cursor else base
        meta = style if is_cursor else style + self._style("meta")  # the cursor row is one colour
        date = short_date(row.date, self.lang)
        words = count_words(row.words)
        source = visible_line(row.source or "")
        # Columns give way to the title as the pane narrows.
        columns: list[tuple[str, int]] = []
        if width >= 36:
            columns.append((date, 11))
        if width >= 48:  # the source widens with the pane (11 to 24 cells), cut with an ellipsis
            columns.append((_fit(source, source_width(width)), source_width(width)))
        if width >= 54:
            columns.append((words, 5))
        marks = self.marks
        unread = marks is not None and not marks.has("read", row.key)
        starred = marks is not None and marks.has("starred", row.key)
        title_width = max(4, width - 3 - sum(w + 1 for _value, w in columns))
        # Tags and a note, compactly after the title: a third of its room at most, the title first.
        label = _annotation_label(marks, row) if marks is not None else ""
        copies = self.groups.get(row.key)
        if copies:
            label = f"×{copies} {label}".rstrip()
        label_width = min(len(label), title_width // 3) if title_width >= 15 else 0
        if label_width:
            title_width -= label_width + 1
        # The cursor is also a symbol, so it shows without colour (NO_COLOR, monochrome terminals).
        # Unread and starred are symbols as well as styles, never colour alone.
        segments = [
            Segment("›" if is_cursor else " ", style),
            Segment("★" if starred else " ", style + self._style("star")),
            Segment("•" if unread else " ", style),
        ]
        title = visible_line(row.title)
        spans = match_spans(title, self._query) if self._query is not None else []
        title_style = style + self._style("unread") if unread else style
        segments += _cut(title, title_width, title_style, title_style + self._style("match"), spans, style)
        if label_width:
            segments.append(Segment(" ", style))
            segments += _cut(label, label_width, meta, meta, [], meta)
        for value, column_width in columns:
            segments.append(Segment(" ", style))
            padded = " " * (column_width - cell_len(value)) + value
            segments.append(Segment(set_cell_size(padded, column_width), meta))
        return Strip(segments).adjust_cell_length(width, style)

    def _render_empty(self, width: int) -> Strip:
        """Why the list is empty, in its first line: an empty folder, bad files, no match."""
        text = Text(" " + self.empty_text, no_wrap=True, overflow="ellipsis", end="")
        text.truncate(width, overflow="ellipsis", pad=True)
        text.stylize_before(self._style("meta"))
        return Strip(list(text.render(self.app.console)), width)

    # -- keys and mouse -----------------------------------------------------------------------

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _move(self, position: int) -> None:
        self.moved = True
        if self._keys:
            self.cursor = max(0, min(position, len(self._keys) - 1))

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._page())

    def action_page_up(self) -> None:
        self._move(self.cursor - self._page())

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self._keys) - 1)

    def action_choose(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Chosen(key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self._keys):
            self.moved = True
            self.cursor = index
            if event.chain >= 2:
                self.action_choose()
