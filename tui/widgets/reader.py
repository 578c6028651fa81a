"""The reading pane: a clean article at a comfortable measure, or the raw file, with matches marked."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.console import Console
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.article import Article, Block, utf8_size
from tui.formatting import display_path, long_date, size, visible, visible_line
from tui.i18n import _, ngettext
from tui.marks import Marks
from tui.query import Query
from tui.search import match_spans
from tui.widgets.sizing import set_virtual_size
from tui.widgets.wrapping import LIST_PREFIX, MATCH, Layout, Lines, Piece

PREFIXES = {"quote": "  │ ", "caption": "  ◇ ", "list": LIST_PREFIX}
WRAP_SLICE_SECONDS = 0.004  # past the first screenful, an article is wrapped this long at a time


class Reader(ScrollView, can_focus=True):
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
        self._lines: list[Strip] = []
        self._match_lines: list[int] = []
        self._wrapping = Lines([], Layout(0, 0, 0, Style(), Style(), Style(), Style()), -1, Console())
        self._current_match = -1
        self._built_width = -1
        self._built_theme: str | None = None  # the theme whose colours the built lines hold
        self._notice = _("No article selected.")
        self._pending_position: float | None = None
        self.marks: Marks | None = None  # the user's tags and notes, shown under the details

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
    ) -> None:
        """Show an article (with its raw file text, if read) at a remembered position (0.0-1.0);
        `raw_whole` is the raw text's whole size when `raw` is only its first part."""
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
        self._rebuild(keep_scroll=same)
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

    def _rebuild(self, keep_scroll: bool = False) -> None:
        width = self.scrollable_content_region.width
        self._built_width = width
        if width <= 0:
            return
        measure = max(20, min(self.measure, width - 4))
        margin = max(1, (width - measure) // 2)
        texts: list[Piece] = []  # (text, prefix), or what makes it when it is wrapped
        article = self.article
        notice_style = self._style("reader--notice")
        if article is None:
            texts.append((Text(self._notice, style=self._style("reader--notice")), ""))
        elif self.raw:
            raw = self._raw_text if self._raw_text is not None else _("Reading the file…")
            header = Text(
                _("Raw file: {path}").format(path=display_path(article.path)),
                style=self._style("reader--meta"),
            )
            texts.append((header, ""))
            cut = self._raw_cut_notice(raw)
            if cut is not None:  # said before the text and again where it stops
                texts.append((Text(cut, style=notice_style), ""))
            if article.removed:
                note = _("Struck-through lines were taken out of the clean article as page leftovers.")
                texts.append((Text(note, style=self._style("reader--notice")), ""))
            # What cleaning took out is shown where it stands in the file, struck through and dimmed.
            removed = {line.strip() for line in article.removed if line.strip()}
            removed_style = self._style("reader--removed")

            def raw_line(line: str) -> tuple[Text, str]:
                text = self._marked(Text(visible(line)))
                if removed and line.strip() in removed:
                    text.stylize(removed_style)
                return text, ""

            texts += [partial(raw_line, line) for line in raw.split("\n")]
            if cut is not None:
                texts.append((Text(""), ""))
                texts.append((Text(cut, style=notice_style), ""))
            measure = max(20, width - 2)
            margin = 1
        else:
            texts.append(
                (self._marked(Text(visible_line(article.title), style=self._style("reader--title"))), "")
            )
            texts.append((Text(self._meta_line(article), style=self._style("reader--meta")), ""))
            notes = self.marks.notes_shown(article.digest) if self.marks is not None else []
            for author, note in notes:  # a team library's carry their author (tui.marks)
                texts.append((Text(""), ""))
                if author is not None:
                    texts.append(
                        (Text(visible_line(author) + ":", style=self._style("reader--note")), "  ✎ ")
                    )
                for line in note.split("\n"):
                    texts.append((Text(visible_line(line), style=self._style("reader--note")), "  ✎ "))
            texts.append((Text(""), ""))
            cut = self._cut_notice(article)
            if cut is not None:  # said before the text and again where it stops
                texts.append((Text(cut, style=notice_style), ""))
                texts.append((Text(""), ""))
            if not article.blocks and article.url:
                link = _("A link saved without its text: {url} (w opens it in the browser).")
                texts.append(
                    (
                        Text(link.format(url=visible_line(article.url)), style=self._style("reader--notice")),
                        "",
                    )
                )
            styles = {kind: self._style(f"reader--{kind}") for kind in ("heading", "quote", "caption")}
            for block in article.blocks:
                texts.append(partial(self._block_text, block, styles.get(block.kind, Style())))
                texts.append((Text(""), ""))
            if article.links:  # what the "[3]" in the text point to, and how to open one
                texts.append((Text(_("Links"), style=styles["heading"]), ""))
                texts.append((Text(""), ""))
                for number, url in enumerate(article.links, start=1):
                    texts.append(
                        (Text(f"[{number}] {visible_line(url)}", style=self._style("reader--meta")), "")
                    )
                hint = _("Press {key} to choose one to open in the browser.").format(key=self.links_key)
                texts.append((Text(""), ""))
                texts.append((Text(hint, style=notice_style), ""))
                texts.append((Text(""), ""))
            if cut is not None:
                texts.append((Text(cut, style=notice_style), ""))
        old_y = self.scroll_offset.y
        layout = Layout(
            measure,
            margin,
            width,
            self.rich_style,
            self._style("reader--match"),
            self._style("reader--current-match"),
            self._style("reader--prefix"),
        )
        wrapping = self._wrapping = Lines(texts, layout, self._current_match, self.app.console)
        self._lines, self._match_lines = wrapping.lines, wrapping.match_lines
        # What the pane shows now (and where it stays) at once; the rest a slice at a time.
        wanted = (old_y if keep_scroll else 0) + 2 * max(1, self.scrollable_content_region.height)
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

    def _cut_notice(self, article: Article) -> str | None:
        """What the reader says of a huge article of which only the first part is kept."""
        if not article.whole_bytes:
            return None
        said = _(
            "Only the first {kept} of this {whole} article is kept and searched; "
            "press {key} to open the file and read it all."
        )
        kept, whole = size(utf8_size(article.text), self.lang), size(article.whole_bytes, self.lang)
        return said.format(kept=kept, whole=whole, key=self.open_key)

    def _raw_cut_notice(self, raw: str) -> str | None:
        """What the raw view says when it holds only the first part of the file (or record)."""
        if not self._raw_whole or self._raw_text is None:
            return None
        said = _(
            "Only the first {kept} of {whole} is shown here; press {key} to open the file and see it all."
        )
        kept, whole = size(utf8_size(raw), self.lang), size(self._raw_whole, self.lang)
        return said.format(kept=kept, whole=whole, key=self.open_key)

    def _meta_line(self, article: Article) -> str:
        parts = [long_date(article.date, self.lang), article.source or "", article.place or ""]
        parts = [visible_line(part) for part in parts]
        if article.words:  # a link saved without its text has neither
            parts.append(ngettext("{count} word", "{count} words", article.words).format(count=article.words))
            minutes = article.reading_minutes
            parts.append(ngettext("{count} min read", "{count} min read", minutes).format(count=minutes))
        if article.title_derived:
            parts.append(_("title from first sentence"))
        tags = self.marks.tags_of_digest(article.digest, article.tags) if self.marks else list(article.tags)
        if tags:
            label = self.marks.tag_label if self.marks else lambda _digest, tag: tag  # with its author
            parts.append(" ".join("#" + visible_line(label(article.digest, tag)) for tag in tags))
        return " · ".join(part for part in parts if part)

    def _block_text(self, block: Block, style: Style) -> tuple[Text, str]:
        return self._marked(Text(visible(block.text), style=style)), PREFIXES.get(block.kind, "")

    def _marked(self, text: Text) -> Text:
        if self.filter_query is not None:
            for start, end in match_spans(text.plain, self.filter_query):
                text.spans.append(Span(start, end, MATCH))
        return text

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
    def raw_pending(self) -> bool:
        """The raw view is on and the file's text is still being read."""
        return self.raw and self.article is not None and self._raw_text is None

    @property
    def wrapping(self) -> bool:
        """Part of the article is still to be wrapped (in slices, between the app's other work)."""
        return not self._wrapping.done

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)

    # -- matches and position -----------------------------------------------------------------

    @property
    def widest_measure(self) -> int:
        """The widest reading column this pane can show (its width less the margins)."""
        return max(20, self.scrollable_content_region.width - 4)

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

    def _restore_position(self, fraction: float) -> None:
        if not self._lines or self.scrollable_content_region.height <= 0 or self.wrapping:
            self._pending_position = fraction  # not laid out or wrapped yet: restore once it is
            return
        self._pending_position = None
        self.scroll_to(y=round(fraction * len(self._lines)), animate=False, immediate=True, force=True)
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        parts = []
        if self.raw:
            parts.append(_("raw"))
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

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)
