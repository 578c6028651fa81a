"""What the keys do to the article under the cursor and to the list as shown: marks, raw view,
reading width, copy, open, sort, export, problems. The main screen adds the wiring around them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import SuspendNotSupported, SystemCommand
from textual.screen import Screen
from textual.timer import Timer

from tui import opening
from tui.article import Article
from tui.dialogs.common import ExportScreen, ProblemsScreen
from tui.dialogs.messages import MessagesScreen
from tui.dialogs.modal import opens_dialog
from tui.export import annotations_from, export_articles, format_for
from tui.formatting import display_path, number, plain_text, visible_line
from tui.i18n import _, current_language, ngettext
from tui.library.interface import LibraryLike
from tui.marks import Mark
from tui.opening import can_start, editor_command
from tui.screens.downloads import deliver_export
from tui.session import Session, Status
from tui.widgets.article_list import ArticleList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.reader import Reader
from tui.widgets.status import sort_label

if TYPE_CHECKING:
    from tui.app import KlipingApp

MEASURE_MIN, MEASURE_MAX, MEASURE_STEP = 40, 200, 10  # reading width, in columns


class ArticleActions(Screen[None]):
    """The actions of the main screen's keys that act on articles, and the parts they reach."""

    library: LibraryLike
    session: Session
    status: Status
    _read_timer: Timer | None = None  # resting on an article marks it read; a decision stops it
    reload: Callable[[], None]  # read the folders again: the main screen does it
    action_reload: Callable[[], None]
    search_again: Callable[[], None]  # the main screen searches

    @property
    def kliping(self) -> KlipingApp:
        return cast("KlipingApp", self.app)

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def reader(self) -> Reader:
        return self.query_one(Reader)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def _update_status(self) -> None:
        articles = self.articles
        self.status = self.session.status(len(articles.keys))
        empty = "" if articles.keys else self.session.why_empty()
        if empty != articles.empty_text:
            articles.empty_text = empty
            articles.refresh()

    # -- marks --------------------------------------------------------------------------------

    def _mark_read(self, key: int) -> None:
        if not self.session.marks.has("read", key) and self.session.mark("read", key, True):
            self.articles.refresh_rows()
            self._update_status()

    def _toggle_mark(self, mark: Mark) -> None:
        key = self.articles.current_key
        value = self.session.mark(mark, key) if key is not None else None
        if key is None or value is None:
            return
        if self._read_timer is not None:
            self._read_timer.stop()  # the user decided; the resting timer must not undo it
        self.articles.refresh_rows()
        self._update_status()
        words = {("read", True): _("Marked read"), ("read", False): _("Marked unread")}
        words |= {("starred", True): _("Starred"), ("starred", False): _("Unstarred")}
        title = visible_line(self.session.rows[key].title)[:50]
        self.notify(f"{words[mark, value]}: {title}", timeout=2, markup=False)

    def action_toggle_read(self) -> None:
        self._toggle_mark("read")

    def action_toggle_star(self) -> None:
        self._toggle_mark("starred")

    def action_toggle_raw(self) -> None:
        self.reader.raw = not self.reader.raw

    def action_wider(self) -> None:
        self._set_measure(self.reader.measure + MEASURE_STEP)

    def action_narrower(self) -> None:
        self._set_measure(self.reader.measure - MEASURE_STEP)

    def _set_measure(self, measure: int) -> None:
        reader = self.reader
        widest = max(MEASURE_MIN, min(MEASURE_MAX, reader.widest_measure))
        wanted = max(MEASURE_MIN, min(MEASURE_MAX, measure))
        if measure > reader.measure:  # wider stops at the pane's width
            wanted = min(wanted, max(widest, reader.measure))
        if wanted == reader.measure and measure > wanted:
            # Wider than the pane does nothing: say so once, not a "width: 96" per key press.
            self.notify(_("The text already fills the pane."), timeout=2, markup=False)
            return
        reader.measure = wanted
        self.kliping.save_settings(measure=reader.measure)
        self.notify(_("Reading width: {count} columns").format(count=reader.measure), timeout=2, markup=False)

    def action_copy_text(self) -> None:
        article = self.reader.article
        if article is None:
            self.notify(_("No article to copy."), severity="warning", markup=False)
            return
        # The clipboard gets text, never a file's escape sequences (pasted into a terminal, they run).
        self.app.copy_to_clipboard(plain_text(f"{article.title}\n\n{article.text}\n"))
        words = number(article.words, current_language())
        message = ngettext(
            "Copied “{title}” ({words} word).", "Copied “{title}” ({words} words).", article.words
        )
        title = visible_line(article.title)[:40]
        self.notify(message.format(title=title, words=words), timeout=3, markup=False)

    def action_open_file(self) -> None:
        article = self.reader.article
        if article is None:
            self.notify(_("No article to open."), severity="warning", markup=False)
            return
        if self.app.is_web:  # the editor would open on the server, in no terminal the reader sees
            message = _("Opening the file in an editor is not available in the browser.")
            self.notify(message, severity="warning", markup=False)
            return
        command = editor_command(article.path)
        if command is None:
            self.notify(_("Set $EDITOR or $PAGER to open files."), severity="warning", markup=False)
            return
        program = display_path(command[0])
        if not can_start(command):
            message = _(
                "Could not run {program}: it was not found, or cannot be run. Set $EDITOR to your editor."
            )
            self.notify(message.format(program=program), severity="error", timeout=8, markup=False)
            return
        try:
            with self.app.suspend():  # Textual takes the terminal back only when this ends without an error
                failed = opening.run(command)
        except SuspendNotSupported:
            self.notify(_("This terminal cannot hand over to an editor."), severity="warning", markup=False)
            return
        self.app.refresh()
        if failed is not None:
            reason = failed.strerror if isinstance(failed, OSError) and failed.strerror else str(failed)
            message = _("Could not run {program}: {reason}").format(program=program, reason=reason)
            self.notify(message, severity="error", timeout=8, markup=False)
            return
        self.reload()  # the file may have changed: it is read again, its marks follow it

    @opens_dialog
    def action_export(self) -> None:
        keys = list(self.articles.keys)
        if not keys:
            self.notify(_("No articles shown to export."), severity="warning", markup=False)
            return
        # In a browser the file is a download: a name is enough.
        default = "kliping-export.jsonl" if self.app.is_web else str(Path.cwd() / "kliping-export.jsonl")

        def chosen(path: str | None) -> None:
            if path:
                self.export(keys, path)

        self.app.push_screen(ExportScreen(len(keys), default), chosen)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export(self, keys: list[int], path: str) -> None:
        fmt = format_for(path) or "jsonl"
        articles = (a for a in map(self.library.article, keys) if a is not None)
        target = os.path.expanduser(path)
        try:
            if self.app.is_web:
                self._deliver(articles, path, fmt)
                return
            count = export_articles(articles, target, fmt, annotations_from(self.session.marks))
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            failed = _("Export failed: {reason}").format(reason=reason)
            self.app.call_from_thread(self.notify, failed, severity="error", timeout=10, markup=False)
            return
        done = ngettext("Exported {count} article to {path}", "Exported {count} articles to {path}", count)
        message = done.format(count=number(count, current_language()), path=display_path(target))
        self.app.call_from_thread(self.notify, message, timeout=6, markup=False)

    def _deliver(self, articles: Iterable[Article], path: str, fmt: str) -> None:
        """The export as a download of the page (screens/downloads.py); the worker reports failures."""
        count, name = deliver_export(self.app, articles, path, fmt, annotations_from(self.session.marks))
        done = ngettext(
            "Exported {count} article: downloading {name}",
            "Exported {count} articles: downloading {name}",
            count,
        )
        message = done.format(count=number(count, current_language()), name=name)
        self.app.call_from_thread(self.notify, message, timeout=6, markup=False)

    @opens_dialog
    def action_show_problems(self) -> None:
        self.app.push_screen(ProblemsScreen(self.session.problems))

    @opens_dialog
    def action_show_messages(self) -> None:
        self.app.push_screen(MessagesScreen(list(self.kliping.messages)))

    def action_focus_filter(self) -> None:
        filter_bar = self.filter_bar
        if self.focused is filter_bar:
            # "/" is a priority key: it comes here before the keys typed just before it reach the bar,
            # so it waits behind them in the bar's queue ("hello/world" in a burst was "/helloworld").
            filter_bar.call_later(filter_bar.insert_text_at_cursor, "/")
        else:
            self.set_focus(filter_bar)

    @property
    def sort_label(self) -> str:
        session = self.session
        return sort_label(session.sort, session.reverse, session.query.is_empty)

    def action_cycle_sort(self) -> None:
        self.session.next_sort()
        self._sorted()

    def action_reverse_sort(self) -> None:
        self.session.reverse = not self.session.reverse
        self._sorted()

    def _sorted(self) -> None:
        self.kliping.save_settings(sort=self.session.sort, reverse=self.session.reverse)
        self.notify(_("Sorted by {order}").format(order=self.sort_label), timeout=2, markup=False)
        self.search_again()

    def commands(self) -> list[SystemCommand]:
        """The palette's commands for this screen, beside Textual's own."""
        return [
            SystemCommand(
                _("Sort: next order"),
                _("Cycle relevance, date, title, source, length"),
                self.action_cycle_sort,
            ),
            SystemCommand(_("Sort: reverse"), _("Reverse the current order"), self.action_reverse_sort),
            SystemCommand(
                _("Raw / clean text"),
                _("Show the file as saved, or the cleaned article"),
                self.action_toggle_raw,
            ),
            SystemCommand(
                _("Export shown articles"),
                _("Write the list as shown to JSON Lines, CSV or Markdown"),
                self.action_export,
            ),
            SystemCommand(
                _("Problems"), _("Files that could not be loaded, and why"), self.action_show_problems
            ),
            SystemCommand(_("Filter"), _("Focus the filter bar"), self.action_focus_filter),
            SystemCommand(
                _("Messages"),
                _("The last messages, to read again what a toast said"),
                self.action_show_messages,
            ),
            SystemCommand(
                _("Reload"),
                _("Read the folders again (they are also watched for changes)"),
                self.action_reload,
            ),
        ]
