"""The collection as a whole on screen: facets and a timeline of what the list shows (F), the
copies of the article under the cursor (D) and articles like it (R).

A collaborator the main screen holds (`CollectionKeys`); its dialogs are in `tui/dialogs/collection.py`.
Nothing here runs on a keystroke of the filter: counting and asking the index happen on a thread
when one of these keys is pressed, and a newer press cancels the older (an exclusive worker); the
thread posts what it found (`Counted`, `Looked`), which the screen hands back here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import get_current_worker

from tui.dialogs.collection import ArticlesScreen, FacetsScreen
from tui.facets import Facets
from tui.i18n import _
from tui.library import Row, Stopped
from tui.library.interface import LibraryLike
from tui.session import Session
from tui.widgets.article_list import ArticleList


class CollectionKeys:
    """What F, D and R do for the main screen.

    Given the app, the session, the library, the list, the filter's text, where to run a worker and post
    its result (the screen) and callbacks: `apply_filter` (a facet chosen) and `read` (an article the list
    does not show).
    """

    BINDINGS = [
        Binding("F", "facets", _("Facets and timeline of the list"), show=False, id="app.facets"),
        Binding("D", "copies", _("Near-copies of this article"), show=False, id="app.copies"),
        Binding("R", "related", _("Articles like this one"), show=False, id="app.related"),
    ]

    @dataclass
    class Counted(Message):
        """What the list shows, counted (posted from the counting thread)."""

        found: Facets

    @dataclass
    class Looked(Message):
        """The articles found for D or R (posted from the worker that looked them up)."""

        title: str
        rows: list[Row]
        empty: str

    def __init__(
        self,
        app: App[object],
        session: Session,
        library: LibraryLike,
        articles: ArticleList,
        filter_text: Callable[[], str],
        run_worker: Callable[..., object],
        post: Callable[[Message], object],
        apply_filter: Callable[[str], None],
        read: Callable[[int], None],
    ) -> None:
        self.app = app
        self.session = session
        self.library = library
        self.articles = articles
        self.filter_text = filter_text
        self.run_worker = run_worker
        self.post = post
        self.apply_filter = apply_filter
        self.read = read

    def facets(self) -> None:
        keys = list(self.articles.keys)

        def count() -> None:
            worker = get_current_worker()
            try:
                found = self.session.facets(keys, stop=lambda: worker.is_cancelled)
            except Stopped:
                return
            if not worker.is_cancelled:
                self.post(self.Counted(found))

        self.run_worker(count, thread=True, exclusive=True, group="facets", exit_on_error=False)

    def counted(self, found: Facets) -> None:
        def chosen(term: str | None) -> None:
            if term:
                text = self.filter_text().strip()
                self.apply_filter(f"{text} {term}".strip())

        self.app.push_screen(FacetsScreen(found), chosen)

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
