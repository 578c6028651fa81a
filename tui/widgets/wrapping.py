"""An article's lines, wrapped a part at a time: what the pane shows at once, the rest in slices.

Wrapping is the reader's whole cost: about 1 ms per KB of text (a 1 MB report took 0.95 s, the
app frozen meanwhile). The reader wraps what fills its pane, then the rest a few milliseconds at
a time between the app's other work, so keys and frames never wait for a long article.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.style import Style
from rich.text import Span, Text
from textual.strip import Strip

# A text to wrap and the prefix of its first line, or what makes them when wrapped (a long
# article's blocks are made into Text, their matches marked, only as the wrapping reaches them).
Piece = tuple[Text, str] | Callable[[], tuple[Text, str]]

MATCH = "kliping-match"  # placeholder style for a match, replaced by the theme's when wrapping
LIST_PREFIX = "  • "


@dataclass(frozen=True)
class Layout:
    """Where the text goes and in which styles."""

    measure: int
    margin: int
    width: int
    base: Style
    match: Style
    current: Style
    prefix: Style


class Lines:
    """The wrapped lines of one article, and the lines its matches are on, growing as wrapped."""

    def __init__(self, texts: Sequence[Piece], layout: Layout, current_match: int, console: Console) -> None:
        self.lines: list[Strip] = []
        self.match_lines: list[int] = []
        self._pending = deque(texts)
        self._layout = layout
        self._current = current_match
        self._console = console

    def add(self, texts: Sequence[Piece]) -> None:
        """More texts after the article (its copies, related articles), wrapped after the rest."""
        self._pending.extend(texts)

    @property
    def done(self) -> bool:
        return not self._pending

    def wrap_until(self, enough: Callable[[], bool]) -> None:
        """Wrap text after text until `enough()` says so, or all is wrapped."""
        while self._pending and not enough():
            piece = self._pending.popleft()
            self._wrap(*(piece() if callable(piece) else piece))

    def wrap_for(self, seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        self.wrap_until(lambda: time.perf_counter() >= deadline)

    def wrap_all(self) -> None:
        self.wrap_until(lambda: False)

    def _wrap(self, text: Text, prefix: str) -> None:
        layout, console, lines, match_lines = self._layout, self._console, self.lines, self.match_lines
        margin, width = layout.margin, layout.width
        wrapped = text.wrap(console, max(10, layout.measure - len(prefix)), overflow="fold")
        for number, line in enumerate(wrapped):
            current_here = False
            spans: list[Span] = []
            for span in sorted(line.spans, key=lambda s: s.start):
                if span.style != MATCH:
                    spans.append(span)
                    continue
                is_current = len(match_lines) == self._current
                current_here = current_here or is_current
                match_lines.append(len(lines))
                spans.append(span._replace(style=layout.current if is_current else layout.match))
            line.spans[:] = spans
            # The current match also gets a marker in the margin: never by colour alone.
            out = Text(("▶" if current_here else " ").rjust(margin), end="")
            if current_here:
                out.stylize(layout.current, margin - 1, margin)
            if prefix:
                shown = prefix if number == 0 or prefix != LIST_PREFIX else "    "
                out.append(shown, layout.prefix)
            out.append_text(line)
            out.truncate(width, pad=True)
            out.stylize_before(layout.base)
            lines.append(Strip(list(out.render(console)), width))
