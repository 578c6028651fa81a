"""A pane of wrapped lines (the reader's): what fills it wrapped at once and the rest a slice at a
time (tui.widgets.wrapping), scrolled at once, with how far down it is read and which match is current.

The reader (tui.widgets.reader) says what the lines are; this keeps them on screen.
"""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.i18n import _
from tui.widgets.sizing import set_virtual_size
from tui.widgets.wrapping import Layout, Lines, Piece

WRAP_SLICE_SECONDS = 0.004  # past the first screenful, an article is wrapped this long at a time


class WrappedView(ScrollView):
    """Wrapped lines in a scrolling pane; the subclass gives the texts and their styles."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []
        self._match_lines: list[int] = []
        self._wrapping = Lines([], Layout(0, 0, 0, Style(), Style(), Style(), Style()), -1, Console())
        self._current_match = -1
        self._built_width = -1
        self._pending_position: float | None = None
        self.subtitle_head = ""  # said first in the subtitle (the reader's "raw")

    def _layout(self, measure: int, margin: int, width: int) -> Layout:
        """Where the lines go and in which styles, as the pane is now."""
        return Layout(
            measure,
            margin,
            width,
            self.rich_style,
            self.get_component_rich_style("reader--match"),
            self.get_component_rich_style("reader--current-match"),
            self.get_component_rich_style("reader--prefix"),
        )

    @property
    def _first_lines(self) -> int:
        """How many lines are wrapped before an article shows: two screenfuls (the second for paging)."""
        return 2 * max(1, self.scrollable_content_region.height)

    def _lay_out(self, texts: list[Piece] | Lines, measure: int, margin: int, keep_scroll: bool) -> None:
        """Wrap these texts: what the pane shows (where it stays with `keep_scroll`) at once; or show
        these lines, wrapped for this pane's layout on another thread (`Reader.preparer`)."""
        width = self._built_width
        old_y = self.scroll_offset.y
        if isinstance(texts, Lines):
            wrapping = self._wrapping = texts
        else:
            layout = self._layout(measure, margin, width)
            wrapping = self._wrapping = Lines(texts, layout, self._current_match, self.app.console)
        self._lines, self._match_lines = wrapping.lines, wrapping.match_lines
        # What the pane shows now (and where it stays) at once; the rest a slice at a time.
        wanted = (old_y if keep_scroll else 0) + self._first_lines
        wrapping.wrap_until(lambda: len(wrapping.lines) >= wanted)
        if not wrapping.done:
            self.call_later(self._wrap_more, wrapping)
        elif self._match_lines and self._current_match >= len(self._match_lines):
            self._current_match = 0
        self._update_subtitle()
        self.call_after_refresh(self._update_subtitle)  # the percentage read, once laid out again
        set_virtual_size(self, Size(width, len(self._lines)))
        if self._pending_position is not None and self.scrollable_content_region.height > 0 and wrapping.done:
            old_y, keep_scroll = round(self._pending_position * len(self._lines)), True
            self._pending_position = None
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True, force=True)
        elif old_y:
            self.scroll_to(y=old_y, animate=False, immediate=True, force=True)
        self.refresh()

    def _add(self, texts: list[Piece]) -> None:
        """More texts at the end (wrapped after the rest when it is still being wrapped)."""
        if not texts:
            return
        wrapping = self._wrapping
        was_done = wrapping.done
        wrapping.add(texts)
        if was_done:
            wrapping.wrap_all()
            set_virtual_size(self, Size(self._built_width, len(self._lines)))
            self._update_subtitle()
            self.refresh()

    def _wrap_more(self, wrapping: Lines) -> None:
        """A slice of the rest of the article; then the next, after whatever else is waiting."""
        if wrapping is not self._wrapping:
            return  # another article, or the same one wrapped anew
        before = len(self._lines)
        wrapping.wrap_for(WRAP_SLICE_SECONDS)
        if not wrapping.done:
            # The scrollbar (a frame of its own) moves when the view nears the wrapped end, or
            # every few hundred lines: a frame per slice slowed wrapping to a third of its pace.
            near = self.scroll_offset.y + 3 * self.scrollable_content_region.height >= before
            if near or len(self._lines) // 500 != before // 500:
                set_virtual_size(self, Size(self._built_width, len(self._lines)))
            self.call_later(self._wrap_more, wrapping)
            return
        set_virtual_size(self, Size(self._built_width, len(self._lines)))
        if self._pending_position is not None:
            self._restore_position(self._pending_position)
        self._update_subtitle()

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)  # at once, as paging is: an animation across a long article
        # was still running when the next key came, and that key stopped it half-way

    def action_scroll_end(self) -> None:
        """The end of the article, wrapped up to it first (End, G)."""
        self._wrapping.wrap_all()
        set_virtual_size(self, Size(self._built_width, len(self._lines)))
        self._update_subtitle()
        self.scroll_end(animate=False, immediate=True)

    @property
    def wrapping(self) -> bool:
        """Part of the article is still to be wrapped (in slices, between the app's other work)."""
        return not self._wrapping.done

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)

    @property
    def widest_measure(self) -> int:
        """The widest reading column this pane can show (its width less the margins)."""
        return max(20, self.scrollable_content_region.width - 4)

    def _restore_position(self, fraction: float) -> None:
        if not self._lines or self.scrollable_content_region.height <= 0 or self.wrapping:
            self._pending_position = fraction  # not laid out or wrapped yet: restore once it is
            return
        self._pending_position = None
        self.scroll_to(y=round(fraction * len(self._lines)), animate=False, immediate=True, force=True)
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        parts = [self.subtitle_head] if self.subtitle_head else []
        if self._match_lines:
            current = self._current_match + 1 if self._current_match >= 0 else 0
            parts.append(_("match {current}/{total}").format(current=current, total=len(self._match_lines)))
        height = self.scrollable_content_region.height
        if self._lines and height > 0 and not self.wrapping:
            parts.append(f"{self._percent_read(height)}%")
        subtitle = " · ".join(parts)
        if subtitle != self.border_subtitle:  # setting it repaints the whole pane, even to the same text
            self.border_subtitle = subtitle

    def _percent_read(self, height: int) -> int:
        """How far down the article the pane reaches: 100 only when its last line is in view."""
        seen = self.scroll_offset.y + height
        if seen >= len(self._lines):
            return 100
        return min(99, 100 * seen // len(self._lines))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._update_subtitle()

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)
