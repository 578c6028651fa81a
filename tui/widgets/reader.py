"""The reading pane: a clean article at a comfortable measure, or the raw file, with matches marked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive, var

from tui.article import Article
from tui.i18n import _
from tui.marks import Marks
from tui.query import Query
from tui.widgets.reader_extras import Extras, extras_texts
from tui.widgets.reader_text import ArticleText
from tui.widgets.sizing import set_virtual_size
from tui.widgets.wrapped_view import WrappedView
from tui.widgets.wrapping import Lines, Piece


@dataclass(frozen=True)
class Prepared:
    """An article's first screenfuls wrapped on the fetch thread, and the pane they were wrapped for."""

    article_id: str
    made_for: tuple[object, ...]  # the reader's `_made_for()` then: shown only if it is the same now
    lines: Lines


class Reader(WrappedView, can_focus=True):
    """Shows the article it is given; it touches no file or database (the screen fetches and saves)."""

    BINDING_GROUP_TITLE = _("Reading pane")  # in the palette's Keys panel

    BINDINGS = [
        Binding("down,j", "scroll_down", _("Down"), show=False, id="reader.down"),
        Binding("up,k", "scroll_up", _("Up"), show=False, id="reader.up"),
        Binding("pagedown,space", "page_down", _("Page down"), show=False, id="reader.page_down"),
        Binding("pageup,b", "page_up", _("Page up"), show=False, id="reader.page_up"),
        Binding("home,g", "scroll_home", _("Top"), show=False, id="reader.top"),
        Binding("end,G", "scroll_end", _("Bottom"), show=False, id="reader.bottom"),
        Binding("n", "next_match", _("Next match"), show=False, id="reader.next_match"),
        Binding("N", "previous_match", _("Previous match"), show=False, id="reader.previous_match"),
    ]

    COMPONENT_CLASSES = {
        "reader--title",
        "reader--meta",
        "reader--heading",
        "reader--quote",
        "reader--caption",
        "reader--prefix",
        "reader--match",
        "reader--current-match",
        "reader--notice",
        "reader--removed",
        "reader--note",
        "reader--link",
    }

    DEFAULT_CSS = """
    Reader {
        background: $surface;
        overflow-x: hidden;  /* lines are wrapped to the width: never a horizontal scrollbar */
        scrollbar-gutter: stable;  /* the width to wrap at never depends on the scrollbar showing */
        & > .reader--title { color: $text; text-style: bold; }
        & > .reader--meta { color: $text-muted; }
        & > .reader--heading { text-style: bold; }
        & > .reader--quote { text-style: italic; }
        & > .reader--caption { color: $text-muted; text-style: italic; }
        & > .reader--prefix { color: $primary; }
        & > .reader--match { background: $warning-muted; color: auto 100%; text-style: bold underline; }
        & > .reader--current-match { background: $accent; color: auto 100%; text-style: bold; }
        & > .reader--removed { text-style: dim strike; }
        & > .reader--notice { color: $text-muted; text-style: italic; }
        & > .reader--note { color: $secondary; }
        & > .reader--link { color: $text-primary; }  /* a link marker "[2]", not the text's own "[1]" */
    }
    """

    raw: reactive[bool] = reactive(False)
    measure: reactive[int] = reactive(80)
    annotations_changed: var[int] = var(0, init=False)  # bound to the screen's: tags or notes changed

    @dataclass
    class Shown(Message):
        """An article is now on screen (the screen uses it for the list's snippet and read marks)."""

        article: Article

    @dataclass
    class PositionChanged(Message):
        """The reader leaves an article at this fraction of its length (0: the top), to keep for next time."""

        digest: str
        fraction: float

    @dataclass
    class RawWanted(Message):
        """The raw view was asked for an article whose file has not been read yet."""

        article: Article

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.filter_query: Query | None = None
        self.lang = "en"
        self._raw_text: str | None = None
        self._raw_whole = 0  # the raw text's whole size when only its first part was read, else 0
        self.open_key = "o"  # the key that opens the file (app.open), as the user's keymap has it
        self.links_key = "l"  # the key that lists the article's links to open one (app.links)
        self._built_theme: str | None = None  # the theme whose colours the built lines hold
        self._notice = _("No article selected.")
        self.marks: Marks | None = None  # the user's tags and notes, shown under the details
        self._extras: Extras | None = None  # the article's copies and related articles, once found

    # -- what the app calls -------------------------------------------------------------------

    def show_nothing(self, why: str) -> None:
        """No article to show: the list is empty, and this is why."""
        self.show(None, notice=why)

    def show(
        self,
        article: Article | None,
        raw: str | None = None,
        position: float | None = None,
        *,
        notice: str | None = None,
        raw_whole: int = 0,
        prepared: Prepared | None = None,
    ) -> None:
        """Show an article (with its raw file text, if read) at a remembered position (0.0-1.0);
        `raw_whole` is the raw text's whole size when `raw` is only its first part; `prepared`, its
        lines wrapped off the loop (used when the pane, filter and marks are as they were then)."""
        same = self.article is not None and article is not None and self.article.id == article.id
        if not same:
            self._leave()
            self._pending_position = None
        self.article = article
        self._raw_text = raw
        self._raw_whole = raw_whole
        if article is None:
            self._notice = notice or _("This article is no longer in the library.")
        if self.filter_query is not None:
            self._current_match = 0  # an article opens at its first match: marked in the one wrap
        self._rebuild(keep_scroll=same, prepared=prepared)
        if article is not None:
            if self.raw and raw is None:
                # Fetched before the raw view was turned on (`j` then `r` at once): it would have
                # said "Reading the file…" for good.
                self.post_message(self.RawWanted(article))
            self.post_message(self.Shown(article))
            if self.filter_query is not None and (self._match_lines or self.wrapping):
                self._scroll_to_match()
            if not self._match_lines and not same and position:
                self._restore_position(position)

    def set_query(self, query: Query | None, *, rebuild: bool = True) -> None:
        """Take a new filter; without `rebuild`, the marks appear when the next article is shown."""
        self.filter_query = query if query is not None and not query.is_empty else None
        self._current_match = -1
        if rebuild:
            self._rebuild()

    def watch_raw(self, raw: bool) -> None:
        if self.article is None:
            return
        if raw and self._raw_text is None:
            self.post_message(self.RawWanted(self.article))
        self._rebuild()
        self.scroll_to(y=0, animate=False)

    def show_raw(self, article: Article, text: str, whole: int = 0) -> None:
        """The raw file text of an article, read by the screen after `RawWanted` (`whole`: its whole
        size when `text` is only its first part)."""
        if self.article is article:
            self._raw_text = text
            self._raw_whole = whole
            self._rebuild()
            self.scroll_to(y=0, animate=False)

    def watch_measure(self) -> None:
        self._rebuild()

    def watch_annotations_changed(self) -> None:
        self.refresh_annotations()

    def refresh_annotations(self) -> None:
        """The article's tags or note changed: show them where the reader is."""
        if self.article is not None and not self.raw:
            self._rebuild(keep_scroll=True)

    # -- building the lines -------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._built_width:
            self._rebuild(keep_scroll=True)

    def _style(self, name: str) -> Style:
        # Whole styles: a partial one cannot work out `auto` (as in $text) against its background.
        return self.get_component_rich_style(name)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        theme = self.app.theme
        if theme != self._built_theme:
            # A new theme: the built lines hold the old one's colours (rebuilt once the new ones apply).
            if self._built_theme is not None:
                self.call_after_refresh(self._rebuild, keep_scroll=True)
            self._built_theme = theme

    @staticmethod
    def _column(width: int, measure: int) -> tuple[int, int]:
        """The reading column's width and its left margin in a pane this wide."""
        measure = max(20, min(measure, width - 4))
        return measure, max(1, (width - measure) // 2)

    def _rebuild(self, keep_scroll: bool = False, prepared: Prepared | None = None) -> None:
        width = self.scrollable_content_region.width
        self._built_width = width
        if width <= 0:
            return
        measure, margin = self._column(width, self.measure)
        text = self._text()
        article = self.article
        texts: list[Piece] | Lines  # (text, prefix), or what makes it when it is wrapped
        if article is None:
            texts = [text.line(self._notice, "reader--notice")]
        elif self.raw:
            texts = text.raw(article, self._raw_text, self._raw_whole)
            measure = max(20, width - 2)
            margin = 1
        else:
            extras = self._extras
            more = extras_texts(extras, article, text) if extras and extras.article_id == article.id else []
            if prepared and prepared.article_id == article.id and prepared.made_for == self._made_for():
                texts = prepared.lines  # wrapped on the fetch thread: only swapped in here
                texts.add(more)
            else:
                texts = text.clean(article) + more
        self.subtitle_head = _("raw") if self.raw else ""
        self._lay_out(texts, measure, margin, keep_scroll)

    def _text(self, style: Callable[[str], Style] | None = None) -> ArticleText:
        """What builds the texts, with the reader's styles, filter, marks and keys as they are now."""
        return ArticleText(
            style or self._style, self.lang, self.filter_query, self.marks, self.open_key, self.links_key
        )

    def _made_for(self) -> tuple[object, ...]:
        """All that the clean article's lines depend on, but the article: lines prepared for other
        values are wrapped again."""
        region = self.scrollable_content_region
        return (
            region.width, region.height, self.measure, self.app.theme, self.filter_query,
            self.annotations_changed, self.lang, self.open_key, self.links_key, self.raw,
        )  # fmt: skip

    def preparer(self) -> Callable[[Article], Prepared | None]:
        """What wraps an article's first screenfuls as this reader would now, on any thread: called
        on the loop, it takes the styles and the layout; the fetch thread calls what it returns.

        Wrapping (with the article's matches marked) took 10-40 ms on the loop after a key at 100k,
        just when the next key's answer was to be painted."""
        width = self.scrollable_content_region.width
        if width <= 0 or self.raw:
            return lambda article: None  # the raw view waits for its file's text: wrapped once it has it
        made_for = self._made_for()
        measure, margin = self._column(width, self.measure)
        styles = {name: self._style(name) for name in self.COMPONENT_CLASSES}
        text = self._text(styles.__getitem__)
        layout = self._layout(measure, margin, width)
        filtered = self.filter_query is not None
        current = 0 if filtered else self._current_match  # as `show` sets it
        wanted, console = self._first_lines, self.app.console

        def enough(lines: Lines) -> bool:
            """Two screenfuls, from the first match when there is a filter (where the article opens)."""
            matches = lines.match_lines
            if filtered and not matches:
                return False
            return len(lines.lines) >= (matches[0] if filtered else 0) + wanted

        def prepare(article: Article) -> Prepared:
            lines = Lines(text.clean(article), layout, current, console)
            lines.wrap_until(lambda: enough(lines))
            return Prepared(article.id, made_for, lines)

        return prepare

    def show_extras(self, extras: Extras) -> None:
        """The article's near-copies and articles like it, found after it showed: added at its end."""
        article = self.article
        if article is None or article.id != extras.article_id:
            return  # the reader has moved on
        self._extras = extras
        if self.raw:
            return  # shown with the clean article
        self._add(extras_texts(extras, article, self._text()))

    @property
    def raw_pending(self) -> bool:
        """The raw view is on and the file's text is still being read."""
        return self.raw and self.article is not None and self._raw_text is None

    @property
    def position(self) -> float | None:
        """How far into the clean article the reader is (0.0-1.0), or None when that means nothing."""
        if self.article is None or self.raw or not self._lines or self.wrapping:
            return None  # (while wrapping, the length is not known yet)
        return self.scroll_offset.y / max(1, len(self._lines))

    def _leave(self) -> None:
        """Tell the screen where the reader left the article it is leaving, to keep for next time."""
        position = self.position
        if self.article is not None and position is not None:
            self.post_message(self.PositionChanged(self.article.digest, position))

    def _goto_match(self, index: int) -> None:
        if index < 0:
            self._wrapping.wrap_all()  # the last match: all of it
        else:
            self._wrapping.wrap_until(lambda: len(self._match_lines) > index)
        self._current_match = index % len(self._match_lines)
        self._rebuild(keep_scroll=True)
        self._scroll_to_match()

    def _scroll_to_match(self) -> None:
        wrapping = self._wrapping
        wrapping.wrap_until(lambda: len(self._match_lines) > self._current_match)
        set_virtual_size(self, Size(self._built_width, len(self._lines)))
        if not self._match_lines:
            return
        if self._current_match >= len(self._match_lines):
            self._current_match = 0
        y = self._match_lines[self._current_match]
        height = self.scrollable_content_region.height
        self.scroll_to(y=max(0, y - height // 3), animate=False, immediate=True, force=True)
        self._update_subtitle()

    def action_next_match(self) -> None:
        self._wrapping.wrap_until(lambda: bool(self._match_lines))  # the first may be further down
        if self._match_lines:
            self._goto_match(self._current_match + 1)
        else:
            self.notify(
                _("No matches in this article.") if self.filter_query else _("Type a filter first."),
                markup=False,
            )

    def action_previous_match(self) -> None:
        self._wrapping.wrap_until(lambda: bool(self._match_lines))  # the first may be further down
        if self._match_lines:
            self._goto_match(self._current_match - 1 if self._current_match > 0 else -1)
        else:
            self.notify(
                _("No matches in this article.") if self.filter_query else _("Type a filter first."),
                markup=False,
            )
