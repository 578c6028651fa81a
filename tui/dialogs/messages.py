"""The messages the app has shown, kept for a dialog: a toast goes within seconds, and some are long."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.dialogs.modal import ScrollingDialog, scroll_bindings
from tui.formatting import visible
from tui.i18n import _

KEPT = 100  # the last messages kept for the dialog
SHORTEST_SECONDS = 3.0  # a toast shows at least this long
LONGEST_SECONDS = 30.0  # and at most this long: the messages dialog keeps it after
CHARACTERS_A_SECOND = 15.0  # reading speed, slow enough for a second language
TOAST_CHARACTERS = 280  # a longer message is cut in its toast (a toast taller than the screen was
# clipped at its bottom); the dialog has it whole


@dataclass(frozen=True)
class Said:
    """One message, as shown, with when and how strongly."""

    at: dt.datetime
    severity: str
    text: str


class Messages:
    """The last KEPT messages, oldest first."""

    def __init__(self) -> None:
        self._said: deque[Said] = deque(maxlen=KEPT)

    def add(self, text: str, severity: str) -> None:
        self._said.append(Said(dt.datetime.now(), severity, text))

    def __iter__(self) -> Iterator[Said]:
        return iter(list(self._said))

    def __len__(self) -> int:
        return len(self._said)


def reading_seconds(text: str, timeout: float | None) -> float:
    """How long a toast stays: long enough to read it (a long one vanished after 3 s), never less
    than asked."""
    needed = SHORTEST_SECONDS + len(text) / CHARACTERS_A_SECOND
    return max(timeout or SHORTEST_SECONDS, min(needed, LONGEST_SECONDS))


def toast_text(text: str, key: str) -> str:
    """The message as its toast shows it: cut, saying where the whole of it is, when it is long."""
    if len(text) <= TOAST_CHARACTERS:
        return text
    return text[: TOAST_CHARACTERS - 1].rstrip() + "… " + _("({key}: every message)").format(key=key)


class MessagesScreen(ScrollingDialog):
    """The last messages, newest at the bottom, to read again what a toast said."""

    BINDINGS = [
        Binding("escape,q,M", "dismiss", _("Close"), id="messages.close"),
        *scroll_bindings("messages"),
    ]
    FOCUS = "#messages-box"

    def __init__(self, said: list[Said]) -> None:
        super().__init__(id="messages")
        self.said = said

    def compose(self) -> ComposeResult:
        text = Text()
        if not self.said:
            text.append(_("No messages yet."))
        marks = {"warning": "! ", "error": "!! "}
        for said in self.said:  # user text: never markup
            text.append(f"{said.at:%H:%M:%S}  ", style="dim")
            text.append(f"{marks.get(said.severity, '')}{visible(said.text)}\n")
        # Scrollable and focused; the newest at the bottom, in view.
        with VerticalScroll(id="messages-box") as box:
            box.border_title = _("Messages")
            box.border_subtitle = _("Esc to close")
            yield Static(text, id="messages-text")

    def on_mount(self) -> None:
        self.query_one("#messages-box", VerticalScroll).scroll_end(animate=False, immediate=True)
