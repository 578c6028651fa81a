"""Modal screens: the help that lists every key, and the list of files that could not be loaded."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Log, Static

from tui.article import Problem
from tui.export import format_for
from tui.formatting import display_path, number
from tui.i18n import _, current_language, ngettext


class HelpScreen(ModalScreen[None]):
    """Every key, built from the bindings themselves so the help cannot drift from the code."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", _("Close"), id="help.close"),
    ]

    def __init__(self, sections: Iterable[tuple[str, Iterable[Binding]]]) -> None:
        super().__init__(id="help")
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        text = Text()
        for title, bindings in self.sections:
            text.append(f"{title}\n", style="bold")
            for binding in bindings:
                keys = ", ".join(self.app.get_key_display(Binding(k, "")) for k in binding.key.split(","))
                text.append(f"  {keys:<22}", style="bold")
                text.append(f"{binding.description}\n")
            text.append("\n")
        text.append(_("Esc closes this help.  Ctrl+P opens the command palette."), style="italic")
        with Vertical(id="help-box") as box:
            box.border_title = _("Keys")
            yield Static(text, id="help-text")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class ProblemsScreen(ModalScreen[None]):
    """The files that could not be read, each with its path and a plain reason."""

    BINDINGS = [Binding("escape,q,p", "dismiss", _("Close"), id="problems.close")]

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(id="problems")
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-box") as box:
            count = len(self.problems)
            title = ngettext("{count} file not loaded", "{count} files not loaded", count)
            box.border_title = title.format(count=number(count, current_language()))
            box.border_subtitle = _("Esc to close")
            log = Log(id="problems-log", highlight=False)
            yield log

    def on_mount(self) -> None:
        log = self.query_one(Log)
        if not self.problems:
            log.write_line(_("Every file loaded."))
        log.write_lines(f"{display_path(p.path)}: {p.reason}" for p in self.problems)
        log.scroll_home(animate=False)
        log.focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class ExportScreen(ModalScreen[str | None]):
    """Ask where to write the shown articles; the file name's suffix picks the format."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="export.cancel")]

    def __init__(self, count: int, default_path: str) -> None:
        super().__init__(id="export")
        self.count = count
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            title = ngettext("Export {count} article", "Export {count} articles", self.count)
            box.border_title = title.format(count=number(self.count, current_language()))
            box.border_subtitle = _("Enter to write · Esc to cancel")
            yield Static(_("File (.jsonl, .csv or .md):"), id="export-label")
            yield Input(self.default_path, id="export-path")
            yield Static("", id="export-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if not path:
            self.query_one("#export-error", Static).update(_("Type a file name."))
            return
        if format_for(path) is None:
            self.query_one("#export-error", Static).update(
                _("End the name with .jsonl, .csv or .md to choose the format.")
            )
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
