"""The collection's dialog: a few articles (the copies of one, D, or articles like it, R) to read
one of. (The facets are a panel beside the list: tui.widgets.facets_panel.)"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static
from textual.widgets.option_list import Option

from tui.dialogs.annotations import OptionDialog, Options
from tui.formatting import count_words, short_date, visible_line
from tui.i18n import _, current_language, ngettext
from tui.library import Row


class ArticlesScreen(OptionDialog[int]):
    """A few articles (copies, related ones) with their source, date and length; Enter reads one."""

    BINDINGS = [Binding("escape,q", "cancel", _("Close"), id="articles_dialog.close")]

    def __init__(self, title: str, rows: Sequence[Row], empty: str) -> None:
        super().__init__()
        self.heading = title
        self.rows = rows
        self.empty = empty

    def compose(self) -> ComposeResult:
        lang = current_language()
        with Vertical(id="articles-box", classes="dialog-box list-box") as box:
            box.border_title = self.heading
            box.border_subtitle = _("Enter reads it · Esc to close")
            options = []
            for row in self.rows:
                details = " · ".join(
                    part
                    for part in (
                        visible_line(row.source or ""),
                        short_date(row.date, lang),
                        ngettext("{count} word", "{count} words", row.words).format(
                            count=count_words(row.words)
                        ),
                    )
                    if part
                )
                options.append(Option(Text(f"{visible_line(row.title)}\n  {details}"), id=str(row.key)))
            if not options:
                yield Static(self.empty, classes="dialog-label", markup=False)
            yield Options(*options, id="article-options")

    def choice(self, option_id: str | None) -> int | None:
        return int(option_id) if option_id else None
