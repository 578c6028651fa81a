"""The filter bar: an input that narrows the list with every keystroke."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """Where the user types the filter; Esc clears it and hands the keyboard back to the list."""

    BINDINGS = [
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
        Binding("down", "leave", "To the list", show=False, id="filter.leave"),
    ]

    @dataclass
    class Left(Message):
        """The user is done typing (Esc, Enter or Down) and wants the list."""

        cleared: bool

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(
            value=value,
            placeholder='Filter: words, "a phrase", -not, a OR b, title: source: year:  (/ to focus)',
            id=id,
        )

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Left(cleared=True))

    def action_leave(self) -> None:
        self.post_message(self.Left(cleared=False))
