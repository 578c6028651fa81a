"""The collection as a whole on screen: facets and a timeline of what the list shows (F), the
copies of the article under the cursor (D) and articles like it (R).

A collaborator the main screen holds (`CollectionKeys`), and its two dialogs. Nothing here runs on
a keystroke of the filter: counting and asking the index happen on a thread when one of these
keys is pressed, and a newer press cancels the older (an exclusive worker).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Sparkline, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.article import Article
from tui.dialogs.annotations import OptionChoice, OptionDialog, Options
from tui.facets import Facets, term_for
from tui.formatting import count_words, number, short_date, visible_line
from tui.i18n import _, current_language, ngettext
from tui.library import Row, Stopped
from tui.widgets.reader_extras import Extras

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

MOST = 12  # values of each facet listed
EXTRAS_AFTER_SECONDS = 0.3  # the reader's copies and related articles are found once it rests this long
RELATED = 5  # related articles listed at the end of the reader


class FacetsScreen(OptionChoice):
    """Counts of what the list shows, and its timeline; Enter adds the value to the filter."""

    BINDINGS = [Binding("escape,q,F", "cancel", _("Close"), id="facets.close")]

    def __init__(self, found: Facets) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        lang = current_language()
        found = self.found
        with Vertical(id="facets-box", classes="dialog-box list-box") as box:
            box.border_title = ngettext(
                "What the list shows: {count} article", "What the list shows: {count} articles", found.total
            ).format(count=number(found.total, lang))
            box.border_subtitle = _("Enter adds it to the filter · Esc to close")
            timeline = found.timeline
            if timeline.busiest is not None:
                day, most = timeline.busiest
                unit = {"day": _("by day"), "week": _("by week"), "month": _("by month")}[timeline.unit]
                busiest = ngettext(
                    "Timeline ({unit}): busiest {period}, {count} article",
                    "Timeline ({unit}): busiest {period}, {count} articles",
                    most,
                ).format(unit=unit, period=timeline.term(day).removeprefix("date:"), count=number(most, lang))
                yield Static(busiest, id="timeline-text", classes="dialog-label", markup=False)
                yield Sparkline([count for _day, count in timeline.points], id="timeline")
            options: list[Option | None] = []
            sections: list[tuple[str, str, Sequence[tuple[str | int, int]]]] = [
                ("source", _("Source"), found.sources[:MOST]),
                ("year", _("Year"), found.years[-MOST:]),
                ("month", _("Month"), sorted(found.months, key=lambda item: -item[1])[:MOST]),
                ("tag", _("Tag"), found.tags[:MOST]),
            ]
            for kind, heading, values in sections:
                if not values:
                    continue
                if options:
                    options.append(None)
                for value, count in values:
                    label = Text.assemble((f"{heading}: ", "bold"), f"{visible_line(str(value))}  ")
                    label.append(f"({number(count, lang)})")
                    options.append(Option(label, id=term_for(kind, value)))
            if not options:
                yield Static(_("Nothing to count: the list is empty."), classes="dialog-label")
            yield Options(*options, id="facet-options")


class ArticlesScreen(OptionDialog[int]):
    """A few articles (copies, related ones) with their source, date and length; Enter reads one."""

    BINDINGS = [Binding("escape,q", "cancel", _("Close"), id="articles_dialog.close")]

    def __init__(self, title: str, rows: Sequence[Row], empty: str) -> None:
        super().__init__()
        self.heading = title
        self.rows = rows
        self.empty = empty

    def compose(self) -> ComposeResult:
        lang = current_language()
        with Vertical(id="articles-box", classes="dialog-box list-box") as box:
            box.border_title = self.heading
            box.border_subtitle = _("Enter reads it · Esc to close")
            options = []
            for row in self.rows:
                details = " · ".join(
                    part
                    for part in (
                        visible_line(row.source or ""),
                        short_date(row.date, lang),
                        ngettext("{count} word", "{count} words", row.words).format(
                            count=count_words(row.words)
                        ),
                    )
                    if part
                )
                options.append(Option(Text(f"{visible_line(row.title)}\n  {details}"), id=str(row.key)))
            if not options:
                yield Static(self.empty, classes="dialog-label", markup=False)
            yield Options(*options, id="article-options")

    def choice(self, option_id: str | None) -> int | None:
        return int(option_id) if option_id else None


class CollectionKeys:
    """What F, D, R and X do for the main screen, and the reader's copies and related articles."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._extras_timer: Timer | None = None

    def find_extras(self, key: int, article: Article | None) -> None:
        """The article's near-copies and related articles for the end of the reader, found on a
        thread once the reader has rested on it: never before it shows, nor per key while moving."""
        if self._extras_timer is not None:
            self._extras_timer.stop()
        if article is None or article.id == self._extras_for:
            return
        self._extras_timer = self.screen.set_timer(EXTRAS_AFTER_SECONDS, lambda: self._find(key, article))

    _extras_for: str | None = None  # the article whose extras the reader has

    @property
    def finding(self) -> bool:
        """The reader's copies and related articles are still to come (for the screen's idle)."""
        return self._extras_timer is not None

    def _find(self, key: int, article: Article) -> None:
        self._extras_timer = None
        screen = self.screen
        keymap = screen.kliping.settings.keymap

        def key_of(binding: str, default: str) -> str:
            return screen.app.get_key_display(Binding(keymap.get(binding, default).split(",")[0], ""))

        copies_key, related_key = key_of("app.copies", "D"), key_of("app.related", "R")

        def find() -> None:
            library, rows = screen.library, screen.session.rows
            copies = [rows[other] for other in library.group(key) if other != key and other in rows]
            if get_current_worker().is_cancelled:
                return
            related = [rows[other] for other in library.related(key, RELATED) if other in rows]
            extras = Extras(article.id, copies, related, copies_key, related_key)
            if not get_current_worker().is_cancelled:
                screen.app.call_from_thread(self._found, extras)

        screen.run_worker(find, thread=True, exclusive=True, group="reader-extras", exit_on_error=False)

    def _found(self, extras: Extras) -> None:
        self._extras_for = extras.article_id
        self.screen.reader.show_extras(extras)

    def fold_copies(self) -> None:
        """Near-copies folded into their group's row, or each in a row of its own (kept for next time)."""
        screen = self.screen
        fold = screen.session.fold_copies = not screen.session.fold_copies
        screen.kliping.save_settings(fold_copies=fold)
        said = (
            _("Near-copies folded into one row (m shows a group's copies).")
            if fold
            else _("Every near-copy in a row of its own.")
        )
        screen.notify(said, timeout=4, markup=False)
        screen.search_again()

    def facets(self) -> None:
        keys = list(self.screen.session.matched)  # near-copies folded into a row counted too

        def count() -> None:
            worker = get_current_worker()
            try:
                found = self.screen.session.facets(keys, stop=lambda: worker.is_cancelled)
            except Stopped:
                return
            if not worker.is_cancelled:
                self.screen.app.call_from_thread(self._show_facets, found)

        self.screen.run_worker(count, thread=True, exclusive=True, group="facets", exit_on_error=False)

    def _show_facets(self, found: Facets) -> None:
        def chosen(term: str | None) -> None:
            if term:
                text = self.screen.filter_bar.value.strip()
                self.screen.apply_filter(f"{text} {term}".strip())

        self.screen.app.push_screen(FacetsScreen(found), chosen)

    def copies(self) -> None:
        key = self.screen.articles.current_key
        if key is None:
            return
        self._articles(
            key,
            lambda: [other for other in self.screen.library.group(key) if other != key],
            _("Copies of this article"),
            _("No near-copies of this article."),
        )

    def related(self) -> None:
        key = self.screen.articles.current_key
        if key is None:
            return
        self._articles(
            key,
            lambda: self.screen.library.related(key),
            _("Articles like this one"),
            _("No related articles found."),
        )

    def _articles(self, key: int, find: Callable[[], list[int]], title: str, empty: str) -> None:
        def look() -> None:
            keys = find()
            for notice in self.screen.library.take_notices():  # a team library: not available there
                self.screen.app.call_from_thread(self.screen.notify, notice, severity="warning", markup=False)
            if get_current_worker().is_cancelled:
                return
            rows = self.screen.session.rows
            found = [rows[other] for other in keys if other in rows]
            self.screen.app.call_from_thread(self._show_articles, title, found, empty)

        self.screen.run_worker(look, thread=True, exclusive=True, group="collection", exit_on_error=False)

    def _show_articles(self, title: str, rows: list[Row], empty: str) -> None:
        self.screen.app.push_screen(ArticlesScreen(title, rows, empty), self.go_to)

    def go_to(self, key: int | None) -> None:
        """The chosen article under the list's cursor when the list shows it, else in the reader."""
        if key is None:
            return
        articles = self.screen.articles
        try:
            articles.cursor = list(articles.keys).index(key)
        except ValueError:
            self.screen.read(key)
