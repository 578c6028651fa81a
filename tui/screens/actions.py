"""What the keys do to the article under the cursor and to the list as shown: marks, raw view,
reading width, copy, open, sort, export, problems: a plain object the main screen holds."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import SuspendNotSupported, SystemCommand
from textual.binding import Binding

from tui import opening
from tui.article import Article
from tui.dialogs.common import ExportScreen, ProblemsScreen
from tui.dialogs.messages import MessagesScreen
from tui.export import annotations_from, copied_text, export_articles, format_for
from tui.formatting import clipped, display_path, number, plain_text, visible_line
from tui.i18n import _, current_language, ngettext
from tui.library.interface import LibraryLike
from tui.marks import Mark
from tui.opening import can_start, editor_command
from tui.screens.downloads import deliver_export
from tui.session import Session
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader
from tui.widgets.status import sort_label

if TYPE_CHECKING:
    from tui.app import KlipingApp

MEASURE_MIN, MEASURE_MAX, MEASURE_STEP = 40, 200, 10  # reading width, in columns


class ArticleActions:
    """The main screen's keys that act on articles and on the list as shown.

    Given the app, the session, the library, the list and the reader (the screen's widgets), where to run
    a worker (the screen, which tells its failures) and callbacks: `marked` (a mark changed by a key),
    `reload` (the file may have changed in the editor), `search_again` (the order changed) and
    `set_measure` (the reading width).
    """

    BINDINGS = [
        Binding("r", "toggle_raw", _("Raw/clean"), id="app.raw"),
        Binding("plus,equals_sign", "wider", _("Wider text"), show=False, id="app.wider"),
        Binding("minus", "narrower", _("Narrower text"), show=False, id="app.narrower"),
        Binding("o", "open_file", _("Open in $EDITOR"), show=False, id="app.open"),
        Binding("y", "copy_text", _("Copy text"), show=False, id="app.copy"),
        Binding("u", "toggle_read", _("Read/unread"), show=False, id="app.read"),
        Binding("asterisk,f", "toggle_star", _("Star"), id="app.star"),
        Binding("e", "export", _("Export shown"), show=False, priority=True, id="app.export"),
        Binding("s", "cycle_sort", _("Sort"), id="app.sort"),
        Binding("S", "reverse_sort", _("Reverse sort"), show=False, id="app.reverse"),
        Binding("p", "show_problems", _("Problems"), show=False, priority=True, id="app.problems"),
        Binding("M", "show_messages", _("The last messages"), show=False, priority=True, id="app.messages"),
    ]

    def __init__(
        self,
        app: KlipingApp,
        session: Session,
        library: LibraryLike,
        articles: ArticleList,
        reader: Reader,
        run_worker: Callable[..., object],
        marked: Callable[[], None],
        reload: Callable[[], None],
        search_again: Callable[[], None],
        set_measure: Callable[[int], None],
    ) -> None:
        self.app = app
        self.session = session
        self.library = library
        self.articles = articles
        self.reader = reader
        self.run_worker = run_worker
        self.marked = marked
        self.reload = reload
        self.search_again = search_again
        self.set_measure = set_measure

    def notify(self, message: str, **kwargs: Any) -> None:
        self.app.notify(message, **kwargs)

    # -- marks --------------------------------------------------------------------------------

    def _toggle_mark(self, mark: Mark) -> None:
        key = self.articles.current_key
        value = self.session.mark(mark, key) if key is not None else None
        if key is None or value is None:
            return
        self.marked()  # the user decided: the screen stops its resting timer and shows the mark
        words = {("read", True): _("Marked read"), ("read", False): _("Marked unread")}
        words |= {("starred", True): _("Starred"), ("starred", False): _("Unstarred")}
        title = clipped(visible_line(self.session.rows[key].title), 50)
        self.notify(f"{words[mark, value]}: {title}", timeout=2, markup=False)

    def toggle_read(self) -> None:
        self._toggle_mark("read")

    def toggle_star(self) -> None:
        self._toggle_mark("starred")

    def toggle_raw(self) -> None:
        self.reader.raw = not self.reader.raw

    def wider(self) -> None:
        self._set_measure(self.reader.measure + MEASURE_STEP)

    def narrower(self) -> None:
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
        self.set_measure(wanted)  # the screen's, bound to the reader's
        self.app.save_settings(measure=wanted)
        self.notify(_("Reading width: {count} columns").format(count=wanted), timeout=2, markup=False)

    def copy_text(self) -> None:
        article = self.reader.article
        if article is None:
            self.notify(_("No article to copy."), severity="warning", markup=False)
            return
        # The clipboard gets text, never a file's escape sequences (pasted into a terminal, they run).
        self.app.copy_to_clipboard(plain_text(copied_text(article)))
        words = number(article.words, current_language())
        message = ngettext(
            "Copied “{title}” ({words} word).", "Copied “{title}” ({words} words).", article.words
        )
        title = clipped(visible_line(article.title), 40)
        self.notify(message.format(title=title, words=words), timeout=3, markup=False)

    def open_file(self) -> None:
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

    def export(self) -> None:
        """Ask where to write the articles shown, then write them in a worker."""
        keys = list(self.articles.keys)
        if not keys:
            self.notify(_("No articles shown to export."), severity="warning", markup=False)
            return
        # In a browser the file is a download: a name is enough.
        default = "kliping-export.jsonl" if self.app.is_web else str(Path.cwd() / "kliping-export.jsonl")

        def chosen(path: str | None) -> None:
            if path:
                work = partial(self._export, keys, path)
                self.run_worker(  # (described: Textual's default is the repr of every key)
                    work,
                    name="export",
                    description="export",
                    group="export",
                    thread=True,
                    exclusive=True,
                    exit_on_error=False,
                )

        self.app.push_screen(ExportScreen(len(keys), default), chosen)

    def _export(self, keys: list[int], path: str) -> None:
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

    def show_problems(self) -> None:
        self.app.push_screen(ProblemsScreen(self.session.problems))

    def show_messages(self) -> None:
        self.app.push_screen(MessagesScreen(list(self.app.messages)))

    @property
    def sort_label(self) -> str:
        session = self.session
        return sort_label(session.sort, session.reverse, session.query.is_empty)

    def cycle_sort(self) -> None:
        self.session.next_sort()
        self._sorted()

    def reverse_sort(self) -> None:
        self.session.reverse = not self.session.reverse
        self._sorted()

    def _sorted(self) -> None:
        self.app.save_settings(sort=self.session.sort, reverse=self.session.reverse)
        self.notify(_("Sorted by {order}").format(order=self.sort_label), timeout=2, markup=False)
        self.search_again()

    def commands(self) -> list[SystemCommand]:
        """The palette's commands for these actions."""
        return [
            SystemCommand(
                _("Sort: next order"),
                _("Cycle relevance, date, title, source, length"),
                self.cycle_sort,
            ),
            SystemCommand(_("Sort: reverse"), _("Reverse the current order"), self.reverse_sort),
            SystemCommand(
                _("Raw / clean text"),
                _("Show the file as saved, or the cleaned article"),
                self.toggle_raw,
            ),
            SystemCommand(
                _("Export shown articles"),
                _("Write the list as shown to JSON Lines, CSV or Markdown"),
                self.export,
            ),
            SystemCommand(_("Problems"), _("Files that could not be loaded, and why"), self.show_problems),
            SystemCommand(
                _("Messages"),
                _("The last messages, to read again what a toast said"),
                self.show_messages,
            ),
        ]
