"""The collection as a whole on screen: the facets panel (F) and its counts, the copies of the
article under the cursor (D) and articles like it (R), the reader's section of both, and near-copies
folded into one row or not (X).

A collaborator the main screen holds (`CollectionKeys`); its dialog is in `tui/dialogs/collection.py`.
Nothing here runs on a keystroke of the filter: counting and asking the index happen on threads
after an answer or an article is on screen, and a newer one cancels the older (exclusive workers);
the thread posts what it found (`Counted`, `Looked`, `ExtrasFound`), which the screen hands back here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import OptionList
from textual.worker import get_current_worker

from tui.article import Article
from tui.dialogs.collection import ArticlesScreen
from tui.facets import Facets
from tui.i18n import _
from tui.library import Row, Stopped
from tui.library.interface import LibraryLike
from tui.session import Session
from tui.widgets.article_list import ArticleList
from tui.widgets.facets_panel import FacetsPanel
from tui.widgets.reader import Reader
from tui.widgets.reader_extras import Extras

if TYPE_CHECKING:
    from tui.app import KlipingApp

EXTRAS_AFTER_SECONDS = 0.3  # the reader's copies and related articles are found once it rests this long
RELATED = 5  # related articles listed at the end of the reader


class CollectionKeys:
    """What F, D, R and X do for the main screen, and the reader's copies and related articles.

    Given the app, the session, the library, the list, the reader, the facets panel, the filter's text,
    where to run a worker, a timer and post its result (the screen) and callbacks: `apply_filter` (a
    facet chosen), `read` (an article the list does not show), `focus` and `search_again` (folding
    changed), and `key_shown` (a key as the user's keymap has it, for the reader to name).
    """

    BINDINGS = [
        Binding("F", "facets", _("Facets and timeline of the list"), show=False, id="app.facets"),
        Binding("D", "copies", _("Near-copies of this article"), show=False, id="app.copies"),
        Binding("R", "related", _("Articles like this one"), show=False, id="app.related"),
        Binding(
            "X", "fold_copies", _("Near-copies in one row, or each in its own"), show=False, id="app.fold"
        ),
    ]

    @dataclass
    class Counted(Message):
        """What the filter finds, counted for the panel (posted from the counting thread)."""

        text: str  # the filter it was counted for
        found: Facets

    @dataclass
    class ExtrasFound(Message):
        """An article's near-copies and related articles, for the end of the reader (from a thread)."""

        extras: Extras

    @dataclass
    class Looked(Message):
        """The articles found for D or R (posted from the worker that looked them up)."""

        title: str
        rows: list[Row]
        empty: str

    def __init__(
        self,
        app: KlipingApp,
        session: Session,
        library: LibraryLike,
        articles: ArticleList,
        reader: Reader,
        panel: FacetsPanel,
        filter_text: Callable[[], str],
        run_worker: Callable[..., object],
        set_timer: Callable[[float, Callable[[], None]], Timer],
        post: Callable[[Message], object],
        apply_filter: Callable[[str], None],
        read: Callable[[int], None],
        focus: Callable[[Widget], object],
        search_again: Callable[[], None],
        key_shown: Callable[[str, str], str],
    ) -> None:
        self.app = app
        self.session = session
        self.library = library
        self.articles = articles
        self.reader = reader
        self.panel = panel
        self.filter_text = filter_text
        self.run_worker = run_worker
        self.set_timer = set_timer
        self.post = post
        self.apply_filter = apply_filter
        self.read = read
        self.focus = focus
        self.search_again = search_again
        self.key_shown = key_shown
        self._extras_timer: Timer | None = None
        self._extras_for: str | None = None  # the article whose extras the reader has

    def facets(self) -> None:
        """F: the facets panel beside the list, its values focused to choose one; F again hides it."""
        panel = self.panel
        if panel.display and panel.has_focus_within:
            panel.display = False
            self.focus(self.articles)
            return
        if not panel.display:
            panel.display = True
            self.count_facets()
        self.focus(panel.query_one(OptionList))

    def count_facets(self) -> None:
        """The panel's counts for the answer the list shows, on a thread once its first page is on
        screen; the next answer cancels them (an exclusive worker) and counts again."""
        if self._extras_timer is not None:  # the list changed: the reader follows and asks again
            self._extras_timer.stop()
            self._extras_timer = None
        if not self.panel.display:
            return
        session, library = self.session, self.library
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
                self.post(self.Counted(text, found))

        self.run_worker(count, thread=True, exclusive=True, group="facets", exit_on_error=False)

    def counted(self, counted: Counted) -> None:
        if counted.text == self.session.query_text:
            self.panel.show(counted.found)

    def facet_chosen(self, term: str) -> None:
        self.apply_filter(f"{self.filter_text().strip()} {term}".strip())

    def fold_copies(self) -> None:
        """Near-copies folded into their group's row, or each in a row of its own (kept for next time)."""
        session = self.session
        fold = session.fold_copies = not session.fold_copies
        self.app.save_settings(fold_copies=fold)
        said = (
            _("Near-copies folded into one row (m shows a group's copies).")
            if fold
            else _("Every near-copy in a row of its own.")
        )
        self.app.notify(said, timeout=4, markup=False)
        self.search_again()

    # -- the reader's copies and related articles ------------------------------------------------

    def find_extras(self, key: int, article: Article | None) -> None:
        """The article's near-copies and related articles for the end of the reader, found on a
        thread once the reader has rested on it: never before it shows, nor per key while moving."""
        if self._extras_timer is not None:
            self._extras_timer.stop()
            self._extras_timer = None
        if article is None or article.id == self._extras_for:
            return
        self._extras_timer = self.set_timer(EXTRAS_AFTER_SECONDS, lambda: self._find(key, article))

    @property
    def finding(self) -> bool:
        """The reader's copies and related articles are still to come (for the screen's idle)."""
        return self._extras_timer is not None

    def _find(self, key: int, article: Article) -> None:
        self._extras_timer = None
        copies_key, related_key = self.key_shown("app.copies", "D"), self.key_shown("app.related", "R")

        def find() -> None:
            library, rows = self.library, self.session.rows
            copies = [rows[other] for other in library.group(key) if other != key and other in rows]
            if get_current_worker().is_cancelled:
                return
            related = [rows[other] for other in library.related(key, RELATED) if other in rows]
            if not get_current_worker().is_cancelled:
                self.post(self.ExtrasFound(Extras(article.id, copies, related, copies_key, related_key)))

        self.run_worker(find, thread=True, exclusive=True, group="reader-extras", exit_on_error=False)

    def extras_found(self, extras: Extras) -> None:
        self._extras_for = extras.article_id
        self.reader.show_extras(extras)

    def copies(self) -> None:
        key = self.articles.current_key
        if key is None:
            return
        self._articles_of(
            lambda: [other for other in self.library.group(key) if other != key],
            _("Copies of this article"),
            _("No near-copies of this article."),
        )

    def related(self) -> None:
        key = self.articles.current_key
        if key is None:
            return
        self._articles_of(
            lambda: self.library.related(key), _("Articles like this one"), _("No related articles found.")
        )

    def _articles_of(self, find: Callable[[], list[int]], title: str, empty: str) -> None:
        def look() -> None:
            keys = find()
            for notice in self.library.take_notices():  # a team library: not available there
                self.app.notify(notice, severity="warning", markup=False)  # (thread-safe)
            if get_current_worker().is_cancelled:
                return
            rows = self.session.rows
            self.post(self.Looked(title, [rows[other] for other in keys if other in rows], empty))

        self.run_worker(look, thread=True, exclusive=True, group="collection", exit_on_error=False)

    def looked(self, found: Looked) -> None:
        self.app.push_screen(ArticlesScreen(found.title, found.rows, found.empty), self.go_to)

    def go_to(self, key: int | None) -> None:
        """The chosen article under the list's cursor when the list shows it, else in the reader."""
        if key is None:
            return
        articles = self.articles
        try:
            articles.cursor = list(articles.keys).index(key)
        except ValueError:
            self.read(key)
