"""Modal screens: the help that lists every key, and the list of files that could not be loaded."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Input, Log, Static

from tui.article import Problem
from tui.dialogs import collection, messages  # noqa: F401  (their dialogs' keys, for binding_ids)
from tui.dialogs.annotations import ConfirmScreen, Options
from tui.dialogs.modal import Dialog, ScrollingDialog, scroll_bindings
from tui.export import format_for, unwritable
from tui.formatting import display_path, number, visible_line
from tui.i18n import Said, _, current_language, ngettext
from tui.loader import UNREAD_TYPE


class HelpScreen(ScrollingDialog):
    """Every key, built from the bindings themselves so the help cannot drift from the code."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", _("Close"), id="help.close"),
        *scroll_bindings("help"),
    ]
    FOCUS = "#help-box"

    def __init__(self, sections: Iterable[tuple[str, Iterable[Binding]]]) -> None:
        super().__init__(id="help")
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        # A grid, so a long description wraps within its own column, not under the keys.
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        for title, bindings in self.sections:
            table.add_row(Text(title, style="bold underline"), "")
            for binding in bindings:
                keys = ", ".join(self.app.get_key_display(Binding(k, "")) for k in binding.key.split(","))
                # The binding's id, dimmed, for the config's [keymap] (only real bindings have one).
                shown = Text(binding.description)
                if binding.id:
                    shown.append(f"  {binding.id}", style="dim")
                table.add_row("  " + keys, shown)
            table.add_row("", "")
        hint = Text(_("Esc closes this help.  Ctrl+P opens the command palette."), style="italic")
        hint.append("\n" + _("The dim names are binding ids: set their keys under [keymap] in the config."))
        # Scrollable and focused, so every key is reachable on a small terminal (80x24).
        with VerticalScroll(id="help-box") as box:
            box.border_title = _("Keys")
            yield Static(Group(table, hint), id="help-text")


class ProblemsScreen(Dialog[None]):
    """The files that could not be read, each with its path and a plain reason."""

    BINDINGS = [Binding("escape,q,p", "dismiss", _("Close"), id="problems.close")]
    FOCUS = "#problems-log"

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
        # Files of types kliping does not read are counted first: in a folder of saved pages
        # they are many, and they are not broken, only not articles.
        unread = [p for p in self.problems if isinstance(p.said, Said) and p.said.text == UNREAD_TYPE]
        if unread:
            suffixes = sorted({os.path.splitext(p.path)[1].lower() or "-" for p in unread})
            summary = ngettext(
                "{count} file of a type kliping does not read ({types}); listed below.",
                "{count} files of types kliping does not read ({types}); listed below.",
                len(unread),
            )
            log.write_line(summary.format(count=len(unread), types=", ".join(suffixes)))
            log.write_line("")
        log.write_lines(f"{display_path(p.path)}: {visible_line(p.reason)}" for p in self.problems)
        log.scroll_home(animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class ExportScreen(Dialog[str | None]):
    """Ask where to write the shown articles; the file name's suffix picks the format."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="export.cancel")]
    FOCUS = "#export-path"

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
        target = os.path.expanduser(path)
        problem = unwritable(target)
        if problem is not None:
            self.query_one("#export-error", Static).update(Text(problem))
            return
        if os.path.isfile(target):  # an earlier export, or any file: replaced only when the user says so
            question = _("{path} exists. Replace it?").format(path=display_path(target))

            def answered(yes: bool | None) -> None:
                if yes:
                    self.dismiss(path)

            self.app.push_screen(ConfirmScreen(question), answered)
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


def help_sections(
    groups: Iterable[tuple[str, Iterable[Binding | tuple[str, ...]]]], keymap: Mapping[str, str]
) -> list[tuple[str, list[Binding]]]:
    """Every key, by where it works (`groups`, from the screen that has them), as the user's keymap
    has it: the help cannot drift."""

    def listed(bindings: Iterable[Binding | tuple[str, ...]]) -> list[Binding]:
        # The palette key is named in the help's closing line rather than listed.
        shown = [b for b in bindings if isinstance(b, Binding) and b.action != "command_palette"]
        return [replace(b, key=keymap[b.id]) if b.id is not None and b.id in keymap else b for b in shown]

    return [
        *((title, listed(bindings)) for title, bindings in groups),
        (
            _("Read marks"),
            [
                Binding("enter", "", _("Opening an article (Enter, [ ], the reading pane) marks it read")),
                Binding("u", "", _("Mark read or unread by hand")),
            ],
        ),
        (
            _("Moving between panes"),
            [Binding("tab", "", _("Next pane")), Binding("shift+tab", "", _("Previous pane"))],
        ),
    ]


def binding_ids(groups: Iterable[tuple[str, Iterable[Binding | tuple[str, ...]]]]) -> set[str]:
    """Every binding id a keymap can name (the help's and the dialogs'), to report the others."""
    kinds: list[type[DOMNode]] = [*_subclasses(Dialog), Options]
    dialogs = [binding for kind in kinds for binding in kind.BINDINGS]
    every = [*dialogs, *(binding for _title, bindings in groups for binding in bindings)]
    return {b.id for b in every if isinstance(b, Binding) and b.id}


def _subclasses(kind: type[DOMNode]) -> list[type[DOMNode]]:
    """Every dialog class: those of tui.dialogs' modules (imported here) and their subclasses."""
    found: list[type[DOMNode]] = kind.__subclasses__()
    return [*found, *(deeper for sub in found for deeper in _subclasses(sub))]
