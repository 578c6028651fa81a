"""The kliping app: compose the list, the reader and the filter bar, and wire loading and search."""

from __future__ import annotations

import gc
import os
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input, ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from tui.article import Problem
from tui.config import default_config_path, load_settings, save_settings
from tui.editor import editor_command
from tui.export import export_articles, format_for
from tui.formatting import display_path, number, visible_line
from tui.i18n import _, current_language, ngettext
from tui.library import Library, Row, Stopped
from tui.marks import Mark, Marks
from tui.query import Query, parse
from tui.search import snippet
from tui.state import ReadingState, default_state_path
from tui.sync import Update, sync
from tui.widgets.article_list import ArticleList
from tui.widgets.commands import textual_words
from tui.widgets.filter_bar import FilterBar
from tui.widgets.reader import Reader
from tui.widgets.screens import ExportScreen, HelpScreen, ProblemsScreen
from tui.widgets.status import StatusLine, sort_label
from tui.widgets.themes import HIGH_CONTRAST

SORTS = ("relevance", "date", "title", "source", "words")
MEASURE_MIN, MEASURE_MAX, MEASURE_STEP = 40, 200, 10  # reading width, in columns
READER_DELAY_SECONDS = 0.06  # the reader follows the list's cursor this much later: not per
# key while a key is held (auto-repeat comes every 30-40 ms), and not in the middle of the next one
READER_TYPING_DELAY_SECONDS = 0.3  # or this much when typing changed the list: wrapping an article
# between keys (10 ms) was the largest cause of slow keys at 100k (p95 27 ms -> 11 ms at 150 ms a key)
READ_AFTER_SECONDS = 2.0  # resting this long on an article in the list marks it read
AFTER_LOADING_GC = (5_000, 10, 10)  # the collector's thresholds once loading is done
REFRESH_COST_FACTOR = 10  # while loading, a refresh waits ten times its own cost before the next
REFRESH_SECONDS = 0.4  # while loading, how often the list takes in new rows
PAGE_ROWS = 200  # a search first fetches this many rows: a few screenfuls, in about a millisecond
REST_SECONDS = 0.25  # and the rest once typing has paused this long: most people's keys come
# closer together than this, and a whole answer at 100k (40-150 ms) is best not fetched between two


class KlipingApp(App[None]):
    """Browse, filter and read a collection of saved articles from the keyboard."""

    TITLE = "kliping"
    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        # Keys that move focus are priority bindings: they act the moment the key arrives, so the
        # keys typed right after them ("/kapasitas" in one burst) already go to the new focus.
        Binding("slash", "focus_filter", _("Filter"), priority=True, id="app.filter"),
        Binding(
            "enter",
            "enter",
            _("Read the article (in the filter: go to the list)"),
            show=False,
            priority=True,
            id="app.enter",
        ),
        Binding(
            "escape",
            "escape",
            _("Back to the list (in the filter: clear it)"),
            show=False,
            priority=True,
            id="app.escape",
        ),
        Binding("r", "toggle_raw", _("Raw/clean"), id="app.raw"),
        Binding("left_square_bracket", "previous_article", _("Previous"), id="app.previous"),
        Binding("right_square_bracket", "next_article", _("Next"), id="app.next"),
        Binding("plus,equals_sign", "wider", _("Wider text"), show=False, id="app.wider"),
        Binding("minus", "narrower", _("Narrower text"), show=False, id="app.narrower"),
        Binding("o", "open_file", _("Open in $EDITOR"), show=False, id="app.open"),
        Binding("y", "copy_text", _("Copy text"), show=False, id="app.copy"),
        Binding("u", "toggle_read", _("Read/unread"), show=False, id="app.read"),
        Binding("asterisk,f", "toggle_star", _("Star"), id="app.star"),
        Binding("e", "export", _("Export shown"), show=False, id="app.export"),
        Binding("s", "cycle_sort", _("Sort"), id="app.sort"),
        Binding("S", "reverse_sort", _("Reverse sort"), show=False, id="app.reverse"),
        Binding("p", "show_problems", _("Problems"), show=False, id="app.problems"),
        Binding("question_mark", "help", _("Help"), id="app.help"),
        Binding("q", "quit", _("Quit"), id="app.quit"),
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
    ) -> None:
        super().__init__()
        self.tune_gc = tune_gc  # process-wide collector settings: for the real app, not for tests
        self.paths = [str(path) for path in paths]
        self.library = Library(cache)
        self.config_path = config_path or default_config_path()
        self.settings, self._settings_message = load_settings(self.config_path)
        self.state = ReadingState(state_path or default_state_path())
        self.marks = Marks(self.state)
        self.rows: dict[int, Row] = {}
        self.problems: list[Problem] = []
        self.query_text = filter_text
        self.current_query: Query = parse(filter_text)
        self.sort = self.settings.sort
        self.reverse = self.settings.reverse
        self.loading = True
        self._dirty = False
        self._next_refresh = 0.0
        self._rows_version = 0
        self._rows_at_refresh = 0
        self._processes = processes
        self._read_timer: Timer | None = None
        self._reader_timer: Timer | None = None
        self.reader_pending = False
        self.counting = False  # the list shows the first page of an answer; the rest is coming

    def compose(self) -> ComposeResult:
        filter_bar = FilterBar(self.query_text, id="filter")
        filter_bar.history = self.state.history()
        yield filter_bar
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield ArticleList(id="articles")
                yield StatusLine(id="status")
                yield ProgressBar(id="progress", show_eta=False)
            yield Reader(self.library, self.state, id="reader")
        yield Footer()

    def on_mount(self) -> None:
        if self.tune_gc:
            # Loading creates millions of small objects; collecting less often saves seconds at 100k.
            gc.set_threshold(50_000, 20, 100)
        self.register_theme(HIGH_CONTRAST)
        self._apply_settings()
        article_list = self.query_one(ArticleList)
        article_list.border_title = _("Articles")
        article_list.marks = self.marks
        article_list.lang = self.query_one(Reader).lang = current_language()
        for notice in (self.library.notice, self.state.notice, self._settings_message):
            if notice:
                self.notify(notice, severity="warning", timeout=12, markup=False)
        self.query_one(ArticleList).focus()
        self.set_interval(REFRESH_SECONDS, self._refresh_if_dirty)
        self.load()
        self._update_status()

    # -- loading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        worker = get_current_worker()
        for update in sync(
            self.library,
            self.paths,
            processes=self._processes,
            should_stop=lambda: worker.is_cancelled,
        ):
            if worker.is_cancelled:
                return
            self.call_from_thread(self._take_update, update)

    def _take_update(self, update: Update) -> None:
        if update.removed or update.rows:
            self._rows_version += 1
        if update.removed:
            gone = [row for row in self.rows.values() if row.path in update.removed]
            for row in gone:
                del self.rows[row.key]
            self.marks.remove_rows(gone)
            self.problems = [p for p in self.problems if p.path not in update.removed]
            self._dirty = True
        for row in update.rows:
            self.rows[row.key] = row
        self.marks.add_rows(update.rows)
        self.problems.extend(update.problems)
        progress = self.query_one(ProgressBar)
        progress.update(total=max(1, update.total), progress=update.done)
        if update.rows or update.finished:
            self._dirty = True
        if len(self.rows) >= 2 * self._rows_at_refresh:
            self._next_refresh = 0.0  # twice as many rows as the list shows: worth showing now
        if update.finished:
            self.loading = False
            # What is loaded now lives as long as the app: the collector need not scan it again,
            # which removes pauses of up to 80 ms at 100k articles (benchmarks/README.md).
            if self.tune_gc:
                gc.freeze()
                # Collecting rarely suits loading; afterwards each young-generation collection
                # walked 50k objects, a 20 ms pause in the middle of typing. Small ones instead.
                gc.set_threshold(*AFTER_LOADING_GC)
            progress.display = False
            self._next_refresh = 0.0
            self._refresh_if_dirty()
        elif not self._shown_any:
            if update.newest_first and self.current_query.is_empty and self._date_order:
                # Warm start: the newest cached rows are the top of the list; show them before any
                # search, which at 100k first spends a quarter second building its orders.
                self.query_one(ArticleList).show(self.rows, [row.key for row in update.rows])
            self._refresh_if_dirty()  # the first rows appear at once, not after the next tick
        else:
            self._refresh_if_dirty()  # spaced by its cost, unless the rows have doubled
        self._update_status()

    @property
    def _date_order(self) -> bool:
        return self.sort in ("relevance", "date") and not self.reverse

    @property
    def _shown_any(self) -> bool:
        return bool(self.query_one(ArticleList).keys)

    def _refresh_if_dirty(self) -> None:
        # While loading, a refresh costs a search over everything loaded so far; spacing refreshes
        # by ten times that cost keeps loading from spending more than an eleventh of its time on them.
        if self._dirty and time.monotonic() >= self._next_refresh:
            self._dirty = False
            self._rows_at_refresh = len(self.rows)
            self.run_search(self.query_text, keep=True)

    # -- searching ----------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, text: str, keep: bool = False) -> None:
        """The first screenful of the answer at once, the rest when typing pauses.

        A newer keystroke cancels this worker, and a cancelled worker's search stops within a
        millisecond, so the whole answer is only ever computed for text the user rests on.
        """
        worker = get_current_worker()
        version = self._rows_version
        query = parse(text)
        started = time.monotonic()
        flags = self.marks.flags() if query.flags else None
        page = self.library.search_page(query, self.sort, self.reverse, flags, limit=PAGE_ROWS)
        if worker.is_cancelled:
            return
        self.call_from_thread(self._show_results, text, query, page.keys, keep, version, page.complete)
        if not page.complete:
            resting = time.monotonic() + REST_SECONDS
            while time.monotonic() < resting:
                if worker.is_cancelled:
                    return
                time.sleep(0.01)
            stop = lambda: worker.is_cancelled  # noqa: E731
            try:
                keys = self.library.search(query, self.sort, self.reverse, flags, stop=stop)
            except Stopped:
                return
            if worker.is_cancelled:
                return
            self.call_from_thread(self._show_results, text, query, keys, True, version, True)
        self._next_refresh = time.monotonic() + REFRESH_COST_FACTOR * (time.monotonic() - started)

    def _show_results(
        self, text: str, query: Query, keys: list[int], keep: bool, version: int, complete: bool
    ) -> None:
        if text != self.query_text:
            return  # a newer keystroke is on its way
        # While loading, the index can be a batch ahead of the rows the app has taken in; and rows
        # taken out while this search ran must not be shown.
        stale = version != self._rows_version
        shown = [key for key in keys if key in self.rows] if self.loading or stale else keys
        if stale:
            self._dirty = True
            if not self.loading:
                self._next_refresh = 0.0
                self._refresh_if_dirty()  # loading is over: the answer for the final rows, now
        article_list = self.query_one(ArticleList)
        page = article_list.keys
        self.counting = not complete
        if page and query == self.current_query and len(shown) > len(page) and shown[: len(page)] == page:
            article_list.extend(shown)  # the rest of the answer whose first page is on screen
            self._update_status()
            return
        self.current_query = query
        reader = self.query_one(Reader)
        if reader.filter_query != (None if query.is_empty else query):
            # The list goes first; the reader re-marks its article when the list's
            # Highlighted message has it fetched again, so it is wrapped once, not twice.
            reader.set_query(query, rebuild=False)
        # Rows arriving while loading keep the cursor on the article the user went to; one who
        # has not moved yet stays at the top, where the newest articles keep arriving.
        keep_key = article_list.current_key if article_list.moved else None
        article_list.show(self.rows, shown, query, keep=keep_key, reset=not keep)
        self._update_status()

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """A failure in the background is told in plain words; the app and what it loaded stay."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        what = {"load": _("Loading stopped"), "run_search": _("The search failed")}.get(
            event.worker.name, _("A background task failed")
        )
        self.notify(f"{what}: {error}", severity="error", timeout=15, markup=False)
        if event.worker.name == "load":
            self.loading = False
            self.query_one(ProgressBar).display = False
            self._dirty = True
            self._update_status()

    # -- messages from the widgets ------------------------------------------------------------

    @on(ArticleList.Highlighted)
    def article_highlighted(self, event: ArticleList.Highlighted) -> None:
        event.stop()
        # The reader follows a moment later, so a keystroke's list change is painted first and
        # holding j, or typing fast, does not wrap an article per key.
        if self._reader_timer is not None:
            self._reader_timer.stop()
        key = event.key
        self.reader_pending = True

        def follow() -> None:
            self.reader_pending = False
            for reader in self.query(Reader):  # none while the app is closing
                reader.show_key(key)

        # While typing, the list changes on every key; the article is wrapped once typing pauses.
        typing = isinstance(self.focused, FilterBar)
        delay = READER_TYPING_DELAY_SECONDS if typing else READER_DELAY_SECONDS
        self._reader_timer = self.set_timer(delay, follow)

    @on(ArticleList.Chosen)
    def article_chosen(self, event: ArticleList.Chosen) -> None:
        event.stop()
        self.focus_now(self.query_one(Reader))
        self._mark_read(event.key)

    @on(Reader.Shown)
    def article_shown(self, event: Reader.Shown) -> None:
        event.stop()
        article_list = self.query_one(ArticleList)
        if self._read_timer is not None:
            self._read_timer.stop()
        key = article_list.current_key
        if key is not None:
            if self.focused is self.query_one(Reader):
                self._mark_read(key)  # moving with [ and ] while reading marks on the way
            else:
                # Resting on an article in the list reads it too, but a quick pass over it does not.
                self._read_timer = self.set_timer(READ_AFTER_SECONDS, lambda: self._mark_read(key))
        query = self.current_query
        if query.is_empty or key is None:
            return
        line, spans = snippet(event.article.text, query, width=200)
        text = Text(line)
        for start, end in spans:
            text.stylize("bold underline", start, end)
        article_list.set_snippet(key, text if spans else None)

    @on(FilterBar.Left)
    def filter_left(self, event: FilterBar.Left) -> None:
        event.stop()
        article_list = self.query_one(ArticleList)
        if self.focused is article_list:
            return
        self.focus_now(article_list)
        if not event.cleared:
            article_list.action_first()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._remember_filter()
        self.filter_left(FilterBar.Left(cleared=False))

    # -- reading state and settings -----------------------------------------------------------

    def _mark_read(self, key: int) -> None:
        row = self.rows.get(key)
        if row is not None and not self.marks.has("read", key):
            self.marks.put("read", row, True)
            self.query_one(ArticleList).refresh_rows()
            self._update_status()

    def _toggle_mark(self, mark: Mark) -> None:
        key = self.query_one(ArticleList).current_key
        row = self.rows.get(key) if key is not None else None
        if row is None:
            return
        value = self.marks.toggle(mark, row)
        if self._read_timer is not None:
            self._read_timer.stop()  # the user decided; the resting timer must not undo it
        self.query_one(ArticleList).refresh_rows()
        self._update_status()
        words = {("read", True): _("Marked read"), ("read", False): _("Marked unread")}
        words |= {("starred", True): _("Starred"), ("starred", False): _("Unstarred")}
        self.notify(f"{words[mark, value]}: {visible_line(row.title)[:50]}", timeout=2, markup=False)

    def action_toggle_read(self) -> None:
        self._toggle_mark("read")

    def action_toggle_star(self) -> None:
        self._toggle_mark("starred")

    def _remember_filter(self) -> None:
        text = self.query_text.strip()
        if text:
            self.query_one(FilterBar).remember(text)
            self.state.add_history(text)

    def _apply_settings(self) -> None:
        settings = self.settings
        if settings.theme and settings.theme in self.available_themes:
            self.theme = settings.theme
        self.query_one(Reader).measure = settings.measure
        if settings.keymap:
            self.set_keymap(settings.keymap)
        self.theme_changed_signal.subscribe(self, lambda theme: self._save_settings(theme=theme.name))

    def _save_settings(self, **changes: object) -> None:
        for name, value in changes.items():
            setattr(self.settings, name, value)
        try:
            save_settings(self.settings, self.config_path)
        except OSError as error:
            self.notify(
                _("Could not save settings: {reason}").format(reason=error.strerror or error),
                severity="warning",
                markup=False,
            )

    def on_unmount(self) -> None:
        if self.query_text.strip():
            self.state.add_history(self.query_text)
        self.state.close()
        self.library.close()

    # -- actions ------------------------------------------------------------------------------

    def focus_now(self, widget: Widget) -> None:
        """Move focus before the next key arrives: Widget.focus waits a tick, and fast typists lose keys."""
        self.screen.set_focus(widget)

    def _on_main_screen(self) -> bool:
        return not isinstance(self.screen, ModalScreen)

    def action_focus_filter(self) -> None:
        filter_bar = self.query_one(FilterBar)
        if not self._on_main_screen():
            raise SkipAction()
        if self.focused is filter_bar:
            filter_bar.insert_text_at_cursor("/")
        else:
            self.focus_now(filter_bar)

    def action_enter(self) -> None:
        focused = self.focused
        if not self._on_main_screen() or focused is None:
            raise SkipAction()
        if isinstance(focused, FilterBar):
            self._remember_filter()
            self.filter_left(FilterBar.Left(cleared=False))
        elif isinstance(focused, ArticleList):
            focused.action_choose()
            self.focus_now(self.query_one(Reader))
        else:
            raise SkipAction()

    def action_escape(self) -> None:
        focused = self.focused
        if not self._on_main_screen():
            raise SkipAction()
        if isinstance(focused, FilterBar):
            focused.action_clear()
        elif isinstance(focused, Reader):
            self.focus_now(self.query_one(ArticleList))
        elif isinstance(focused, ArticleList) and self.query_one(FilterBar).value:
            self.query_one(FilterBar).action_clear()
        else:
            raise SkipAction()

    def action_back_to_list(self) -> None:
        self.focus_now(self.query_one(ArticleList))

    def action_toggle_raw(self) -> None:
        reader = self.query_one(Reader)
        reader.raw = not reader.raw

    def action_previous_article(self) -> None:
        self.query_one(ArticleList).action_cursor_up()

    def action_next_article(self) -> None:
        self.query_one(ArticleList).action_cursor_down()

    def action_wider(self) -> None:
        self._set_measure(self.query_one(Reader).measure + MEASURE_STEP)

    def action_narrower(self) -> None:
        self._set_measure(self.query_one(Reader).measure - MEASURE_STEP)

    def _set_measure(self, measure: int) -> None:
        reader = self.query_one(Reader)
        reader.measure = max(MEASURE_MIN, min(MEASURE_MAX, measure))
        self._save_settings(measure=reader.measure)
        self.notify(_("Reading width: {count} columns").format(count=reader.measure), timeout=2, markup=False)

    def action_copy_text(self) -> None:
        article = self.query_one(Reader).article
        if article is None:
            self.notify(_("No article to copy."), severity="warning", markup=False)
            return
        self.copy_to_clipboard(f"{article.title}\n\n{article.text}\n")
        words = number(article.words, current_language())
        message = ngettext(
            "Copied “{title}” ({words} word).", "Copied “{title}” ({words} words).", article.words
        )
        self.notify(
            message.format(title=visible_line(article.title)[:40], words=words), timeout=3, markup=False
        )

    def action_open_file(self) -> None:
        article = self.query_one(Reader).article
        if article is None:
            self.notify(_("No article to open."), severity="warning", markup=False)
            return
        command = editor_command(article.path)
        if command is None:
            self.notify(_("Set $EDITOR or $PAGER to open files."), severity="warning", markup=False)
            return
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.notify(_("This terminal cannot hand over to an editor."), severity="warning", markup=False)
        except OSError as error:
            reason = error.strerror or error
            self.notify(
                _("Could not run {program}: {reason}").format(program=command[0], reason=reason),
                severity="error",
                markup=False,
            )
        self.refresh()

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._save_settings(sort=self.sort)
        self.notify(_("Sorted by {order}").format(order=self.sort_label), timeout=2, markup=False)
        self.run_search(self.query_text, keep=True)

    def action_reverse_sort(self) -> None:
        self.reverse = not self.reverse
        self._save_settings(reverse=self.reverse)
        self.notify(_("Sorted by {order}").format(order=self.sort_label), timeout=2, markup=False)
        self.run_search(self.query_text, keep=True)

    def action_export(self) -> None:
        keys = list(self.query_one(ArticleList).keys)
        if not keys:
            self.notify(_("No articles shown to export."), severity="warning", markup=False)
            return
        default = str(Path.cwd() / "kliping-export.jsonl")

        def chosen(path: str | None) -> None:
            if path:
                self.export(keys, path)

        self.push_screen(ExportScreen(len(keys), default), chosen)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export(self, keys: list[int], path: str) -> None:
        fmt = format_for(path) or "jsonl"
        articles = (a for a in map(self.library.article, keys) if a is not None)
        target = os.path.expanduser(path)
        try:
            count = export_articles(articles, target, fmt)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            failed = _("Export failed: {reason}").format(reason=reason)
            self.call_from_thread(self.notify, failed, severity="error", timeout=10, markup=False)
            return
        done = ngettext("Exported {count} article to {path}", "Exported {count} articles to {path}", count)
        self.call_from_thread(
            self.notify,
            done.format(count=number(count, current_language()), path=display_path(target)),
            timeout=6,
            markup=False,
        )

    def action_show_problems(self) -> None:
        self.push_screen(ProblemsScreen(self.problems))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        sections: list[tuple[str, Iterable[Binding]]] = [
            (_("Everywhere"), _bindings(KlipingApp.BINDINGS)),
            (_("Article list"), _bindings(ArticleList.BINDINGS)),
            (_("Reading pane"), _bindings(Reader.BINDINGS)),
            (_("Filter bar"), _bindings(FilterBar.BINDINGS)),
            (
                _("Moving between panes"),
                [Binding("tab", "", _("Next pane")), Binding("shift+tab", "", _("Previous pane"))],
            ),
        ]
        self.push_screen(HelpScreen(sections))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        words = textual_words()
        for command in super().get_system_commands(screen):
            title = words.get(command.title, command.title)
            yield command._replace(title=title, help=words.get(command.help, command.help))
        yield SystemCommand(
            _("Sort: next order"),
            _("Cycle relevance, date, title, source, length"),
            self.action_cycle_sort,
        )
        yield SystemCommand(_("Sort: reverse"), _("Reverse the current order"), self.action_reverse_sort)
        yield SystemCommand(
            _("Raw / clean text"),
            _("Show the file as saved, or the cleaned article"),
            self.action_toggle_raw,
        )
        yield SystemCommand(
            _("Export shown articles"),
            _("Write the list as shown to JSON Lines, CSV or Markdown"),
            self.action_export,
        )
        yield SystemCommand(
            _("Problems"), _("Files that could not be loaded, and why"), self.action_show_problems
        )
        yield SystemCommand(_("Filter"), _("Focus the filter bar"), self.action_focus_filter)

    # -- status line --------------------------------------------------------------------------

    @property
    def sort_label(self) -> str:
        return sort_label(self.sort, self.reverse, self.current_query.is_empty)

    def _update_status(self) -> None:
        self.query_one("#status", StatusLine).show(
            shown=len(self.query_one(ArticleList).keys),
            more=self.counting,
            loaded=len(self.rows),
            unread=self.marks.unread,
            starred=self.marks.starred,
            problems=len(self.problems),
            loading=self.loading,
            order=self.sort_label,
            hint=self.current_query.hint,
        )


def _bindings(bindings: Iterable[Binding | tuple[str, ...]]) -> list[Binding]:
    # The palette key is named in the help's closing line rather than listed.
    return [b for b in bindings if isinstance(b, Binding) and b.action != "command_palette"]
