"""A line under the list with the words around the cursor's article's first match."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.formatting import visible_line


class MatchLine(Static):
    """Where the filter matched in the article under the cursor, as search tools show it.

    It has a line of its own under the list, shown while a filter is typed, so filling it in
    moves no row of the list (it used to be a line inserted under the cursor row).
    """

    DEFAULT_CSS = """
    MatchLine {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-style: italic;
        display: none;
    }
    """

    def show(self, line: str | None, spans: list[tuple[int, int]] | None = None) -> None:
        """The words around a match, with the matched ones underlined; None clears the line."""
        if not line:
            self.update("", layout=False)  # one line, whatever it holds: no layout of the screen
            return
        text = Text(visible_line(line), no_wrap=True, overflow="ellipsis", end="")
        for start, end in spans or []:
            text.stylize("bold underline", start, end)
        self.update(text, layout=False)
