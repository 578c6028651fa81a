"""The filter bar: an input that narrows the list with every keystroke, and remembers earlier filters."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive

from tui.formatting import plain_line
from tui.i18n import _
from tui.query import MAX_CHARS
from tui.widgets.plain_input import PlainInput

# The longest filter kept: a pasted megabyte was stored whole in the history, and Esc took 1-3 s.
# Longer than the query reads, so its hint still says that the rest was left out.
FILTER_LIMIT = 2 * MAX_CHARS


class FilterBar(PlainInput):
    """Where the user types the filter; Esc clears it and hands the keyboard back to the list."""

    HELP = _(
        "## Filter\n\n"
        "Every word must match, in the title or the text; the last one as a prefix while you type.\n\n"
        '- `"a phrase"`: the words together\n'
        "- `-word`: without it\n"
        "- `a OR b`: either\n"
        "- `title:` `source:` `place:` `tag:` `note:`: in that field\n"
        "- `year:2024` `after:2023-01-01` `before:2024`: by date\n"
        "- `is:unread` `is:starred` `has:note`: by what you did\n\n"
        "Enter goes to the list, Esc clears the filter, Up and Down recall earlier filters."
    )

    # Input sets its virtual size (its text's width) on every keystroke, and as Textual's reactive
    # that lays out the whole screen (10-15 ms here): the filter bar's own size never changes.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    limit = FILTER_LIMIT

    BINDING_GROUP_TITLE = _("Filter bar")  # in the palette's Keys panel

    BINDINGS = [
        Binding("escape", "clear", _("Clear the filter and go to the list"), id="filter.clear"),
        Binding("up", "history_back", _("Earlier filter"), show=False, id="filter.history_back"),
        Binding("down", "history_forward", _("Later filter"), show=False, id="filter.history_forward"),
    ]

    @dataclass
    class Left(Message):
        """The user is done typing (Esc or Enter) and wants the list."""

        cleared: bool

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(
            value=value,
            placeholder=_(
                'Filter: words, "a phrase", -not, a OR b, title: source: year: is:unread tag:  (/)'
            ),
            id=id,
        )
        self._history: list[str] = []
        self._position: int | None = None  # index into history while browsing it with up/down
        self._draft = ""

    @property
    def history(self) -> list[str]:
        """Earlier filters, oldest first."""
        return self._history

    @history.setter
    def history(self, queries: list[str]) -> None:
        # Kept by older runs, or written by another program: as plain and as short as typed ones.
        self._history = [plain_line(query)[: self.limit] for query in queries]

    def action_clear(self) -> None:
        self.value = ""
        self._position = None
        self.post_message(self.Left(cleared=True))

    def remember(self, query: str) -> None:
        """Add a query to the history shown with up/down (the caller persists it)."""
        query = plain_line(query)[: self.limit].strip()
        if query:
            if query in self.history:
                self.history.remove(query)
            self.history.append(query)
        self._position = None

    def action_history_back(self) -> None:
        if not self.history:
            return
        if self._position is None:
            self._draft = self.value
            self._position = len(self.history)
        self._position = max(0, self._position - 1)
        self._recall(self.history[self._position])

    def action_history_forward(self) -> None:
        if self._position is None:
            return
        self._position += 1
        if self._position >= len(self.history):
            self._position = None
            self._recall(self._draft)
        else:
            self._recall(self.history[self._position])

    def _recall(self, value: str) -> None:
        self.value = value
        self.cursor_position = len(value)
