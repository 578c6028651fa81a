"""The collection as a whole on screen: the facets panel (F) and its counts, the copies of the
article under the cursor (D) and articles like it (R), the reader's section of both, and near-copies
folded or not (X).

A collaborator the main screen holds (`CollectionKeys`), and its dialog. Nothing here runs on a
keystroke of the filter: counting and asking the index happen on threads after an answer or an
article is on screen, and a newer one cancels the older (exclusive workers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.article import Article
from tui.dialogs.annotations import OptionDialog, Options
from tui.facets import Facets
from tui.formatting import count_words, short_date, visible_line
from tui.i18n import _, current_language, ngettext
from tui.library import Row, Stopped
from tui.widgets.facets_panel import FacetsPanel
from tui.widgets.reader_extras import Extras

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

EXTRAS_AFTER_SECONDS = 0.3  # the reader's copies and related articles are found once it rests this long
RELATED = 5  # related articles listed at the end of the reader


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

    @property
    def panel(self) -> FacetsPanel:
        return self.screen.query_one(FacetsPanel)

    def facets(self) -> None:
        """F: the facets panel beside the list, its values focused to choose one; F again hides it."""
        panel = self.panel
        if panel.display and panel.has_focus_within:
            panel.display = False
            self.screen.set_focus(self.screen.articles)
            return
        if not panel.display:
            panel.display = True
            self.count_facets()
        self.screen.set_focus(panel.query_one(OptionList))

    def count_facets(self) -> None:
        """The panel's counts for the answer the list shows, on a thread once its first page is on
        screen; the next answer cancels them (an exclusive worker) and counts again."""
        if not self.panel.display:
            return
        screen = self.screen
        session, library = screen.session, screen.library
        text, query, sort, reverse = session.query_text, session.query, session.sort, session.reverse
        matched, whole = session.matched, not session.counting
        flags = session.marks.flags(query) if query.uses_marks and not whole else None
        self.panel.counting()

        def count() -> None:
            worker = get_current_worker()

            def stop() -> bool:
                return worker.is_cancelled

            try:
                # A first page is not the answer: the whole one is asked for here (the library keeps
                # it, so the searcher's own ask once typing rests finds it ready).
                keys = matched
                if not whole:
                    keys = session.known(library.search(query, sort, reverse, flags, stop=stop).keys, stop)
                found = session.facets(keys, stop)
            except Stopped:
                return
            if not stop():
                screen.app.call_from_thread(self._counted, text, found)

        screen.run_worker(count, thread=True, exclusive=True, group="facets", exit_on_error=False)

    def _counted(self, text: str, found: Facets) -> None:
        if text == self.screen.session.query_text:
            self.panel.show(found)

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
