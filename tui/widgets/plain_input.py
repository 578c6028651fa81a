"""An input and a text area that hold plain text only: what they are given from files (tags, notes,
a filter from the tag list) or by a paste cannot send escape sequences to the terminal.

Both also take their own editing keys (Backspace, Ctrl+U, arrows, Up and Down in the filter
bar) in their own queue, in the order they were typed: Textual looks a focused widget's bindings
up only once the key has bubbled back up to the app, so in a burst ("desa", Backspace, Backspace,
"x") the letters typed after a Backspace were in before it was applied ("des", not "dex").
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tui.formatting import plain_line, plain_text


async def own_binding(widget: Widget, event: events.Key) -> bool:
    """Run the widget's own binding for a key that is not text, here in the widget's queue, behind
    the keys typed before it; False when it has none (the key goes on up, as Textual sends it)."""
    if event.is_printable:
        return False  # text: the widget's own handler types it
    bindings = widget._bindings  # Textual's, with the user's keymap applied as Textual does
    keymap = widget.app._keymap
    if keymap:  # (a copy only then: the widget's own stay as they are)
        bindings = bindings.copy()
        bindings.apply_keymap(keymap)
    for binding in bindings.key_to_bindings.get(event.key, ()):
        # A priority binding has already acted, when the key reached the app.
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()  # not run again when the key reaches the app
            return True
    return False


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

    async def _on_key(self, event: events.Key) -> None:
        # Input's own handler, further along the classes, types the text.
        await own_binding(self, event)


class PlainTextArea(TextArea):
    """A text area that takes plain text only, from its caller and from a paste (newlines and tabs stay)."""

    def __init__(self, text: str = "", **options: Any) -> None:
        super().__init__(plain_text(text), **options)

    async def _on_key(self, event: events.Key) -> None:
        await own_binding(self, event)

    async def _on_paste(self, event: events.Paste) -> None:
        # TextArea's own handler, further along the classes, inserts the text as changed here.
        event.text = plain_text(event.text)
