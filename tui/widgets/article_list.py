"""The article list: a line-API view that renders only the rows on screen, so 1M rows cost what 40 do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

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

from tui.folding import Groups
from tui.i18n import _
from tui.library import Row
from tui.marks import Marks
from tui.query import Query
from tui.widgets.list_groups import OpenGroups, ShownRows
from tui.widgets.list_rows import DrawnRows, RowLook, list_style
from tui.widgets.sizing import set_virtual_size

DRAW_AHEAD_SECONDS = 0.012  # after the list stops moving, draw the next pages' rows
DRAW_AHEAD_NEW_ROWS_SECONDS = 0.3  # or this long after new rows: typing brings new ones every key


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
        Binding("m", "toggle_copies", _("Show or hide a group's near-copies"), show=False, id="list.copies"),
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
        self._cache = DrawnRows(self._draw)
        self.lang = "en"
        self.marks: Marks | None = None
        self.groups = Groups()  # near-duplicate groups: a row's `×3`, the copies `x` shows
        self.folding = False  # the answer shows each group as one row (tui.folding)
        self._open = OpenGroups()  # the keys as given, and the groups opened in them (m)
        self._look = RowLook(self)
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
        """The keys shown, in order (an opened group's copies too)."""
        return self._keys

    @property
    def answer(self) -> Sequence[int]:
        """The keys the list was given (what the next answer is compared with)."""
        return self._open.answer

    @property
    def filter_query(self) -> Query | None:
        """The filter whose matches the rows mark."""
        return self._query

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
        folding: bool = False,
    ) -> None:
        """Show these keys; keep the cursor on `keep` when it is still shown, else go to the top.
        `folding`: each near-duplicate group is one row (tui.folding), which `x` opens."""
        before = (self.current_key, self._query)
        self._rows = rows
        self.folding = folding
        keys = self._keys = self._open.give(keys, keep_open=folding and not reset)
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
        self._keys = self._open.give(keys, keep_open=True)
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
        self._keys = self._open.forget(keys)
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

    # -- near-copies folded into their group's row (tui.folding) ----------------------------------

    def action_toggle_copies(self) -> None:
        """Show the near-copies of the cursor's group beneath its row, or hide them again."""
        key = self.current_key
        if key is None:
            return
        opened = self._open.group_row(key)
        if not self._open.is_open(opened) and not self.folding:
            self.notify(_("Every copy is in the list already (X folds them into one row)."), markup=False)
        elif not self._open.toggle(key, self.groups, self._rows):
            self.notify(_("This article has no near-copies."), markup=False)
        else:
            self._keys = self._open.keys
            self._cache.clear()
            self._update_size()
            self.cursor = self._keys.index(opened)
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
        self._cache.moved(old, new, self._width)
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
        below = range(top + height, min(len(self._keys), top + 2 * height))
        self._cache.ahead((*below, *range(max(0, top - height), top)), self._width, self.cursor)

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
            style = self._styles[name] = list_style(self, name)
        return style

    def render_line(self, y: int) -> Strip:
        index, width = self.scroll_offset.y + y, self._width
        if index < len(self._keys):
            return self._cache.get(index, width, index == self.cursor)
        if not self._keys and y == 0 and self.empty_text:
            return self._render_empty(width)
        return Strip.blank(width, self._style("base"))

    def _draw(self, index: int, width: int, is_cursor: bool) -> Strip:
        return self._render_row(self._rows[self._keys[index]], width, is_cursor, self._style("base"))

    def _render_row(self, row: Row, width: int, is_cursor: bool, base: Style) -> Strip:
        """One row as segments (tui.widgets.list_rows); a copy of an opened group indented."""
        groups = self._open
        return self._look.draw(
            row, width, is_cursor, copy=row.key in groups.copies, opened=groups.is_open(row.key)
        )

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
