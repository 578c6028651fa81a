"""The searcher's answers on screen: a keystroke's first page in the frame that echoes the key,
the later steps (`Searched` messages) as they come, the cursor kept where it belongs, the match line.

A plain object the main screen holds; what a keystroke searches, and when, is the searcher's
(`tui.searching`), and what the list does with an answer is the session's (`Session.accept`).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.widget import Widget

from tui.i18n import _
from tui.screens.loading import Loading
from tui.searching import Found, Searcher
from tui.session import Session, Shown
from tui.widgets.article_list import ArticleList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.match_line import MatchLine
from tui.widgets.reader import Reader
from tui.widgets.status import StatusLine


class Answers:
    """Shows each answer the searcher hands over in the list, the reader's marks and the match line.

    Given the app, the session, the searcher, the folders (an edited article followed, the cursor put back
    on the one read last time), the widgets it feeds, what has focus, `after_refresh` (the screen's),
    `update_status` and `answered` (each answer shown).
    """

    def __init__(
        self,
        app: App[object],
        session: Session,
        searcher: Searcher,
        folders: Loading,
        articles: ArticleList,
        reader: Reader,
        filter_bar: FilterBar,
        match_line: MatchLine,
        status_line: StatusLine,
        focused: Callable[[], Widget | None],
        after_refresh: Callable[[Callable[[], object]], object],
        update_status: Callable[[], None],
        answered: Callable[[], None] = lambda: None,
    ) -> None:
        self.app = app
        self.session = session
        self.searcher = searcher
        self.folders = folders
        self.articles = articles
        self.reader = reader
        self.filter_bar = filter_bar
        self.match_line = match_line
        self.status_line = status_line
        self.focused = focused
        self.after_refresh = after_refresh
        self.update_status = update_status
        self.answered = answered  # an answer is shown (the facets panel counts it)
        self._keep_after_clear: int | None = None

    def typed(self, text: str) -> None:
        """The keystroke's first page, when the library gives it at once, goes out with the frame
        that echoes the key; the rest comes from the searcher's thread as `Searched` messages."""
        shown = self.searcher.typed(text, self.articles.answer)
        if shown is not None:
            self.show(shown)
            self._repaint_now()
            self.after_refresh(self.searcher.painted)

    def _repaint_now(self) -> None:
        """Hand the screen now the repaints a keystroke's answer asked for, so the frame that
        echoes the key shows the list too.

        Textual posts a widget's repaint when that widget next goes idle, and the screen's frame
        timer had usually fired for the filter's echo alone by then: the list followed a frame
        later (5-7 ms at 240 fps). `_check_refresh` is what Textual runs on idle.
        """
        articles = self.articles
        widgets: list[Widget] = [self.filter_bar, articles, self.match_line, self.status_line]
        if articles.show_vertical_scrollbar:
            widgets.append(articles.vertical_scrollbar)
        for widget in widgets:
            widget._check_refresh()

    def searched(self, found: Found) -> None:
        """A step of a search from the searcher's thread: a page, the whole answer or a snippet."""
        if found.failed is not None:
            message = _("The search failed") + f": {found.failed}"
            self.app.notify(message, severity="error", timeout=15, markup=False)
            return
        shown, match = self.searcher.take(found, self.articles.answer)
        if shown is not None:
            self.show(shown)
        if match is not None and self.articles.current_key == match.key:
            self.match_line.show(match.line, match.spans)

    def keep_after_clear(self, key: int | None) -> None:
        """Esc cleared the filter: the whole list comes back with the cursor on this article."""
        self._keep_after_clear = key

    def show(self, shown: Shown) -> None:
        articles = self.articles
        query = shown.query
        if shown.extend:
            articles.extend(shown.keys)
        else:
            reader = self.reader
            if reader.filter_query != (None if query.is_empty else query):
                # The list goes first; the reader re-marks its article when the list's
                # Highlighted message has it fetched again, so it is wrapped once, not twice.
                reader.set_query(query, rebuild=False)
            # Rows arriving while loading keep the cursor on the article the user went to; one
            # who has not moved yet stays at the top, where the newest articles keep arriving.
            keep_key = articles.current_key if articles.moved else None
            reset = shown.reset
            followed = self.folders.keep_following(shown.keys, shown.complete)
            if followed is not None:  # the article whose file changed stays under the cursor
                keep_key, reset = followed, False
            elif self._keep_after_clear is not None and query.is_empty:
                keep_key, reset = self._keep_after_clear, False
                articles.moved = True
            self._keep_after_clear = None
            articles.show(
                self.session.rows, shown.keys, query, keep=keep_key, reset=reset, folding=shown.folding
            )
            self.folders.put_cursor_back()
            self.give_the_match_line_its_row()  # in the answer's own frame: rows stay put
            if shown.reset:
                self.match_line.show(None)
        if shown.search_again:
            self.folders.refresh_if_due()
        self.update_status()
        self.answered()

    def give_the_match_line_its_row(self) -> None:
        """The match line has a row of its own while the filter bar has focus or a filter is on.

        Shown when the filter bar takes focus, its layout (10 ms at 120x40) goes out with `/`,
        not with the first key typed, which must only show its answer.
        """
        filtering = not self.session.query.is_empty  # the answer shown (parsed once, by its search)
        self.match_line.display = filtering or isinstance(self.focused(), FilterBar)
