"""Textual's Keys panel (palette: Keys), with Textual's own key descriptions in the interface's language."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import HelpPanel, KeyPanel, Markdown
from textual.widgets._key_panel import BindingsTable

from tui.widgets.textual_words import binding_words


class TranslatedBindingsTable(BindingsTable):
    """Textual's table of the active keys; the descriptions Textual wrote are translated."""

    def render_bindings_table(self) -> Table:
        table = super().render_bindings_table()
        words = binding_words()
        for column in table.columns:
            for cell in column.cells:
                if isinstance(cell, Text) and cell.plain in words:
                    cell.plain = words[cell.plain]
        return table


class TranslatedKeyPanel(KeyPanel):
    def compose(self) -> ComposeResult:
        yield TranslatedBindingsTable(shrink=True, expand=False)


class KeysPanel(HelpPanel):
    """What the palette's Keys command shows: the focused widget's help and every active key."""

    def compose(self) -> ComposeResult:
        yield Markdown(id="widget-help")
        yield TranslatedKeyPanel(id="keys-help")
