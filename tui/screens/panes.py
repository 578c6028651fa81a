"""Which pane has the focus, and how much room each has: `/`, Enter, Esc, Z, `<` and `>`, and the
filter bar's Enter and Esc, for the main screen.

A plain object the main screen holds. It is given the screen as Textual's `Screen` (what has the
focus, maximizing a pane), never the main screen's own methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.actions import SkipAction
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from tui.config import SPLIT_MAX, SPLIT_MIN
from tui.i18n import _
from tui.screens.answers import Answers
from tui.session import Session
from tui.widgets.article_list import ArticleList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.reader import Reader

if TYPE_CHECKING:
    from tui.app import KlipingApp

SPLIT_STEP = 10  # percent of the screen a < or > gives or takes


class Panes:
    """Moves the focus between the filter bar, the list and the reader, and sizes the panes.

    Given the app (settings, the filter history), the session, the screen (as Textual's `Screen`),
    its widgets, the pane the list sits in (`left`) and the answers (Esc keeps the cursor's article).
    """

    BINDINGS = [
        # Keys that move focus are priority bindings: they act the moment the key arrives, so the
        # keys typed right after them ("/kapasitas" in one burst) already go to the new focus. So
        # are the keys that open a dialog ("t banjir Enter"), which the filter bar types instead.
        Binding("slash", "focus_filter", _("Filter"), priority=True, id="app.filter"),
        Binding(
            "enter",
            "enter",
            _("Read the article (in the filter: go to the list)"),
            show=False,
            priority=True,
            id="app.enter",
        ),
        Binding(
            "escape",
            "escape",
            _("Back to the list (in the filter: clear it)"),
            show=False,
            priority=True,
            id="app.escape",
        ),
        Binding("Z", "full_screen", _("Full-screen reading and back"), show=False, id="app.full_screen"),
        Binding(
            "less_than_sign", "split(-1)", _("Smaller list, larger reader"), show=False, id="app.split_less"
        ),
        Binding(
            "greater_than_sign", "split(1)", _("Larger list, smaller reader"), show=False, id="app.split_more"
        ),
    ]

    def __init__(
        self,
        app: KlipingApp,
        session: Session,
        screen: Screen[None],
        articles: ArticleList,
        reader: Reader,
        filter_bar: FilterBar,
        left: Widget,
        answers: Answers,
    ) -> None:
        self.app = app
        self.session = session
        self.screen = screen
        self.articles = articles
        self.reader = reader
        self.filter_bar = filter_bar
        self.left = left
        self.answers = answers

    # -- the focus ------------------------------------------------------------------------------

    def focus_filter(self) -> None:
        filter_bar = self.filter_bar
        if self.screen.focused is filter_bar:
            # "/" is a priority key: it comes here before the keys typed just before it reach the bar,
            # so it waits behind them in the bar's queue ("hello/world" in a burst was "/helloworld").
            filter_bar.call_later(filter_bar.insert_text_at_cursor, "/")
        else:
            self.screen.set_focus(filter_bar)

    def enter(self) -> None:
        focused = self.screen.focused
        if isinstance(focused, FilterBar):
            # A priority key, it comes before the keys typed just before it reach the bar: the
            # list takes the keys typed after it at once, and the filter is kept behind the others.
            self.to_list(first=True)
            focused.call_later(self.remember_filter)
        elif isinstance(focused, ArticleList):
            # After the keys already on their way: "j j j j Enter" in one burst (a slow SSH link)
            # opens the fifth article, not the first. Those keys find their bindings once they
            # reach the app, with the focus it has then, so choosing (which moves the focus to
            # the reader) waits until the app is idle again.
            focused.call_after_refresh(focused.action_choose)
        else:
            raise SkipAction()

    def escape(self) -> None:
        if self.screen.query("HelpPanel"):  # Textual's Keys panel, from the palette: Esc closes it
            self.app.action_hide_help_panel()
            return
        focused = self.screen.focused
        if isinstance(focused, FilterBar):
            # As Enter: "desa" then Esc in one burst left "desa" in the bar, cleared before it came.
            self.screen.set_focus(self.articles)
            focused.call_later(focused.action_clear)
        elif isinstance(focused, Reader):
            self.screen.set_focus(self.articles)
        elif isinstance(focused, ArticleList) and self.filter_bar.value:
            self.filter_bar.action_clear()
        else:
            raise SkipAction()

    def filter_submitted(self) -> None:
        """Enter in the filter bar: the filter is kept in its history, and the list has the focus."""
        self.remember_filter()
        self.to_list(first=True)

    def remember_filter(self) -> None:
        text = self.filter_bar.value.strip()  # the session has it once the bar's Changed is handled
        if text:
            self.filter_bar.remember(text)
            self.app.remember_filter(text)

    def to_list(self, *, first: bool) -> None:
        """The list takes the focus from the filter bar: at its first article, or (Esc cleared the
        filter) with the whole list back and the cursor on the article found."""
        articles = self.articles
        if not first:
            self.answers.keep_after_clear(articles.current_key)
        if self.screen.focused is articles:
            return
        self.screen.set_focus(articles)
        if first:
            articles.action_first()

    # -- the room each pane has -----------------------------------------------------------------

    def full_screen(self) -> None:
        """The reader alone on the screen (the list, the filter and the footer give it their room),
        and back; Esc also comes back."""
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
            return
        screen.set_focus(self.reader)
        screen.maximize(self.reader, container=False)

    def split(self, step: int) -> None:
        """Give the list (or the reader) more of the screen; kept for the next start."""
        settings = self.app.settings
        now = settings.split if settings.split is not None else (45 if self._stacked else 50)
        split = min(SPLIT_MAX, max(SPLIT_MIN, now + SPLIT_STEP * step))
        if split != settings.split:
            self.app.save_settings(split=split)
        self.apply_split()

    @property
    def _stacked(self) -> bool:
        return self.app.has_class("-narrow") or self.screen.has_class("-narrow")

    def apply_split(self) -> None:
        """The list's share of the screen as the settings have it: its width side by side, its height
        stacked (a terminal narrower than 100 columns); unset, the stylesheet's."""
        split = self.app.settings.split
        styles = self.left.styles
        if split is None:
            styles.clear_rule("width")
            styles.clear_rule("height")
        elif self._stacked:
            styles.width, styles.height = "100%", f"{split}%"
        else:
            styles.width, styles.height = f"{split}%", "1fr"
