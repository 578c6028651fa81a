"""The kliping app: settings, theme, keymap, notices, help and palette; the main screen does the rest."""

from __future__ import annotations

import datetime as dt
import gc
import inspect
import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tui.config import (
    SettingsNotSaved,
    default_config_path,
    file_stamp,
    load_settings,
    reload_settings,
    save_settings,
)
from tui.dialogs.common import HelpScreen, binding_ids, help_sections
from tui.dialogs.messages import Messages, reading_seconds, toast_text
from tui.dialogs.modal import AfterKeys, HeldKeys
from tui.facets import warm as warm_facets
from tui.formatting import display_path
from tui.i18n import _
from tui.library import Library
from tui.library.interface import LibraryLike
from tui.listing import Listing
from tui.marks import Marks
from tui.screens.main import MainScreen, commands, key_groups
from tui.session import Session
from tui.state import ReadingState, Shared, StateLike, default_state_path
from tui.widgets.keys_panel import KeysPanel
from tui.widgets.textual_words import palette_words, toast
from tui.widgets.themes import HIGH_CONTRAST
from tui.writes import WriteQueue

# The collector's thresholds once loading is done. A frame of the list makes some 20k objects;
# at (5000, 10, 10) typing at 100k spent 175 ms in 10 s collecting, with older-generation pauses
# of up to 12 ms in a key's frame; at these, 58 ms (bench_pty first change p90 2.6 -> 1.9 times
# the floor's, medians of four runs).
AFTER_LOADING_GC = (20_000, 50, 100)
SETTINGS_LOOK_SECONDS = 2.0  # how often the config file is looked at (a stat) for the user's edits
SWITCH_SECONDS = 0.001  # once loaded: how long a thread may hold the interpreter's lock when another wants it


class KlipingApp(App[None]):
    """Browse, filter and read a collection of saved articles from the keyboard."""

    TITLE = "kliping"
    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        Binding("question_mark", "help", _("Help"), id="app.help"),
        Binding("q", "quit", _("Quit"), id="app.quit"),
        # Textual's own Ctrl+Q, with our words (a binding here replaces Textual's for the same key).
        Binding("ctrl+q", "quit", _("Quit"), show=False, priority=True, id="app.quit_anywhere"),
        # Textual adds this one itself unless the app has it: ours carries a translated label.
        Binding(
            "ctrl+p",
            "command_palette",
            _("palette"),
            show=False,
            key_display=App.COMMAND_PALETTE_DISPLAY,
            priority=True,
            tooltip=_("Open the command palette"),
            id="app.palette",
        ),
    ]

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        filter_text: str = "",
        cache: Path | None = None,
        processes: int | None = None,
        state_path: Path | None = None,
        config_path: Path | None = None,
        tune_gc: bool = False,
        crash_dir: Path | None = None,
        watch_files: bool = False,
        listing: Listing | None = None,
        library: LibraryLike | None = None,
    ) -> None:
        super().__init__()
        self.listing = listing  # the folders, listed by a child process since launch (tui.listing)
        self.tune_gc = tune_gc  # process-wide collector settings: for the real app, not for tests
        self.paths = [str(path) for path in paths]
        self.processes = processes
        self.crash_dir = crash_dir
        self.watch_files = watch_files  # the real app watches the folders; tests reload by hand
        self.crash_log: Path | None = None
        self.config_path = config_path or default_config_path()
        self.settings, self._settings_message = load_settings(self.config_path)
        if library is None:
            library = Library(cache, duplicates_at=self.settings.duplicates)
        self.library: LibraryLike = library  # or a team's
        # Marks, tags and notes: the person's own file, or a team library's server (by its role).
        self.state: StateLike = library.reading_state(ReadingState(state_path or default_state_path()))
        self.writes = WriteQueue(
            failed=lambda error: self.post_message(self.WriteFailed(str(error))),
            notices=self.state.take_notices,
            told=lambda notice: self.post_message(self.WriteFailed(notice, worded=True)),
        )
        marks = Marks(self.state, self.writes)
        marks.told = lambda notice: self.post_message(self.WriteFailed(notice, worded=True))
        self.state.listen(marks.told)  # the state file is free or writable again: said at once
        self.session = Session(
            marks, sort=self.settings.sort, reverse=self.settings.reverse, query_text=filter_text
        )
        self.session.fold_copies = self.settings.fold_copies
        self._unsaved_told = False
        self._settings_refused_told = False
        self.messages = Messages()  # what the toasts said, for the messages dialog
        self.held_keys = HeldKeys(self)  # keys typed after a dialog's key, until it is open

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.library, self.session, self.paths, self.processes)

    @property
    def main(self) -> MainScreen:
        """The screen under every dialog: the list, the reader and the filter bar."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        if self.tune_gc:
            # Loading creates millions of small objects; collecting less often saves seconds at 100k.
            gc.set_threshold(50_000, 20, 100)
        self.register_theme(HIGH_CONTRAST)
        settings = self.settings
        if settings.theme and settings.theme in self.available_themes:
            self.theme = settings.theme
        if settings.keymap:
            self.set_keymap(settings.keymap)
            unknown = sorted(set(settings.keymap) - binding_ids(key_groups(self.BINDINGS)))
            if unknown:
                ids = ", ".join(unknown)
                message = _("Unknown binding ids in the config's keymap: {ids}").format(ids=ids)
                self.notify(message, severity="warning", timeout=12, markup=False)
        self.theme_changed_signal.subscribe(self, lambda theme: self.save_settings(theme=theme.name))
        self._settings_stamp = file_stamp(self.config_path)
        self.set_interval(SETTINGS_LOOK_SECONDS, self._settings_edited)
        for notice in (self.library.notice, self.state.notice, self._settings_message):
            if notice:
                self.notify(notice, severity="warning", timeout=12, markup=False)
        self.state.watch(self._team_annotated)

    @dataclass
    class TeamAnnotated(Message):
        """Someone else changed the team's tags or notes (a team library): what the server has now."""

        shared: Shared

    def _team_annotated(self) -> None:
        """Heard on the state's thread: the server is asked there, not on the event loop."""
        self.post_message(self.TeamAnnotated(self.state.shared_now()))

    def on_kliping_app_team_annotated(self, event: TeamAnnotated) -> None:
        self.session.marks.take_shared(event.shared)
        self.main.annotations.take_searches(event.shared.searches)
        self.main.post_message(MainScreen.Annotated())

    def loaded(self) -> None:
        """Loading is done: what is loaded now lives as long as the app."""
        rows = list(self.session.rows.values())  # taken here: the loop may change the dict meanwhile
        # (A description of its own: Textual's default is the work's repr, here every row's: 2.7 s
        # on the event loop at 1M rows, keys typed meanwhile shown that much later.)
        self.run_worker(
            partial(warm_facets, rows),
            description="facets-warm",
            thread=True,
            group="facets-warm",
            exit_on_error=False,
        )
        if self.tune_gc:
            # The collector need not scan it again, which removes pauses of up to 80 ms at 100k
            # (benchmarks/README.md); then thresholds for typing (AFTER_LOADING_GC).
            gc.freeze()
            gc.set_threshold(*AFTER_LOADING_GC)
            # Textual writes each frame from a thread of its own, which waited for the
            # interpreter's lock up to the 5 ms switch interval whenever a search's thread held it.
            sys.setswitchinterval(SWITCH_SECONDS)

    # -- what is kept between runs ------------------------------------------------------------

    def save_settings(self, **changes: object) -> None:
        for name, value in changes.items():
            setattr(self.settings, name, value)
        try:
            save_settings(self.settings, self.config_path, changes)
            self._settings_stamp = file_stamp(self.config_path)  # our own write is no edit to read back
        except SettingsNotSaved as error:
            if not self._settings_refused_told:  # once: the file is wrong until the user fixes it
                self._settings_refused_told = True
                message = _("Settings not saved: kliping never writes over a file it cannot read. {problem}")
                self.notify(message.format(problem=error), severity="warning", timeout=12, markup=False)
        except OSError as error:
            reason = error.strerror or error
            message = _("Could not save settings: {reason}").format(reason=reason)
            self.notify(message, severity="warning", markup=False)

    def _settings_edited(self) -> None:
        """The user edited the config while the app runs: what they changed takes effect now (the sort
        and the language at the next start), and the app's own saves never put the old values back."""
        stamp = file_stamp(self.config_path)
        if stamp == self._settings_stamp:
            return
        self._settings_stamp = stamp
        before = self.settings
        settings, message = reload_settings(self.config_path, before)
        settings.sort, settings.reverse, settings.lang = before.sort, before.reverse, before.lang
        self.settings = settings
        if message:
            self.notify(message, severity="warning", timeout=12, markup=False)
        if settings.theme and settings.theme != self.theme and settings.theme in self.available_themes:
            self.theme = settings.theme
        if settings.keymap != before.keymap:
            self.set_keymap(settings.keymap)
        if settings.measure != before.measure:
            self.main.measure = settings.measure
        if settings.split != before.split:
            self.main.apply_split()

    def save_position(self, digest: str, fraction: float) -> None:
        """Remember how far into an article the reader got, by its content, for next time."""
        state = self.state
        if fraction > 0:
            self.writes(lambda: state.set_position(digest, fraction))
        else:
            self.writes(lambda: state.clear_position(digest))

    def remember_filter(self, text: str) -> None:
        state = self.state
        self.writes(lambda: state.add_history(text))

    @dataclass
    class WriteFailed(Message):
        """A state write failed on the writer's thread (posting a message is safe from any thread)."""

        reason: str
        worded: bool = False  # the state's own sentence, to show as it is

    def on_kliping_app_write_failed(self, event: WriteFailed) -> None:
        """The marks stay for this run; the user hears once that they could not be kept."""
        if event.worded:
            self.notify(event.reason, severity="warning", timeout=12, markup=False)
        elif not self._unsaved_told:
            self._unsaved_told = True
            message = _("Could not save reading marks ({reason}); they are kept until you quit.")
            self.notify(message.format(reason=event.reason), severity="warning", timeout=12, markup=False)

    def on_unmount(self) -> None:
        if self.session.query_text.strip():
            self.remember_filter(self.session.query_text)
        self.writes.close()
        self.state.close()
        self.library.close()

    # -- the last guard -----------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """An error nobody foresaw: the traceback goes to a crash log, not over the user's screen."""
        super()._handle_exception(error)
        if self.crash_dir is None:
            return  # tests and embedders see the error as Textual reports it
        lines = traceback.format_exception(error)
        try:
            self.crash_dir.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            path = self.crash_dir / f"crash-{stamp}-{os.getpid()}.log"
            path.write_text("".join(lines), encoding="utf-8")
        except OSError:
            return  # nowhere to write it: Textual prints it when the terminal is restored
        self.crash_log = path
        self._exit_renderables.clear()
        if self.is_web:  # textual-serve relays stderr only until the page closes: say it now, not on exit
            print("kliping: " + self.crash_notice(), file=sys.__stderr__, flush=True)

    def crash_notice(self) -> str:
        message = _("kliping stopped on an unexpected error; the details are in {path}")
        return message.format(path=display_path(str(self.crash_log)))

    async def on_event(self, event: events.Event) -> None:
        if not self.held_keys.hold(event):  # a dialog is on its way: it takes them (dialogs/modal.py)
            await super().on_event(event)

    async def on_after_keys(self, message: AfterKeys) -> None:
        result = message.then()
        if inspect.isawaitable(result):
            await result

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """The palette's Screenshot: into Downloads when there is one, else the current folder."""
        if path is None:
            downloads = Path.home() / "Downloads"
            path = str(downloads if downloads.is_dir() else Path.cwd())
        super().action_screenshot(filename, path)

    # -- help and palette ---------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(help_sections(key_groups(self.BINDINGS), self.settings.keymap)))

    def action_show_help_panel(self) -> None:
        """Textual's Keys panel, with Textual's own key descriptions in the interface's language."""
        if not self.screen.query(KeysPanel):
            self.screen.mount(KeysPanel())

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast; Textual's own (the screenshot, how to quit) in the interface's language."""
        if markup:
            message, title = toast(message, title)
        self.messages.add(Text.from_markup(message).plain if markup else message, severity)
        # Long enough to read; a long one cut, whole in the messages dialog (M).
        key = self.get_key_display(Binding(self.settings.keymap.get("app.messages", "M").split(",")[0], ""))
        super().notify(
            toast_text(message, key),
            title=title,
            severity=severity,
            timeout=reading_seconds(message, timeout),
            markup=markup,
        )

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the interface's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Search for commands…")))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        words = palette_words()
        for command in super().get_system_commands(screen):
            title = words.get(command.title, command.title)
            yield command._replace(title=title, help=words.get(command.help, command.help))
        yield from commands(self.main)
