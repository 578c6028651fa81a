"""An input and a text area that hold plain text only: what they are given from files (tags, notes,
a filter from the tag list) or by a paste cannot send escape sequences to the terminal."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input, TextArea

from tui.formatting import plain_line, plain_text


class PlainInput(Input):
    """A one-line input whose value never holds a control character, and at most `limit` characters.

    An Input draws its value as it is: an imported tag holding ESC ] 0 ; set the terminal's title.
    """

    limit = 2000

    def validate_value(self, value: str) -> str:
        return plain_line(value)[: self.limit]

    def replace(self, text: str, start: int, end: int) -> None:
        # Cleaned before it goes in, so the cursor lands after what was really inserted.
        super().replace(plain_line(text)[: self.limit], start, end)


class PlainTextArea(TextArea):
    """A text area that takes plain text only, from its caller and from a paste (newlines and tabs stay)."""

    def __init__(self, text: str = "", **options: Any) -> None:
        super().__init__(plain_text(text), **options)

    async def _on_paste(self, event: events.Paste) -> None:
        # TextArea's own handler, further along the classes, inserts the text as changed here.
        event.text = plain_text(event.text)
