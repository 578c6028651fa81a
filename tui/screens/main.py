"""The main screen: the filter bar, the article list and the reader, and the workers that feed them.

The screen wires; the rules live in `tui.session` (what the list shows as loading and searching go
on) and the widgets (how a row or an article looks). Workers run in threads and hand their results
back with `call_from_thread` or a message; only handlers on the event loop change the session and
the widgets. What a keystroke searches, and when, is the searcher's (`tui.searching`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input, ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from tui.article import Article
from tui.config import SPLIT_MAX, SPLIT_MIN
from tui.dialogs.modal import opens_dialog
from tui.formatting import opened_title
from tui.i18n import _, current_language
from tui.library.interface import LibraryLike
from tui.loader import raw_text
from tui.reading import Fetched, Fetcher
from tui.screens.actions import ArticleActions
from tui.screens.annotations import Annotations
from tui.screens.bulk import Bulk
from tui.screens.collection import CollectionKeys
from tui.screens.loading import Loading
from tui.searching import Found, Match, Searcher
from tui.session import Session, Shown, Status
from tui.watcher import Watcher
from tui.widgets.article_list import ArticleList
from tui.widgets.facets_panel import FacetsPanel
from tui.widgets.filter_bar import FilterBar
from tui.widgets.match_line import MatchLine
from tui.widgets.reader import Reader
from tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from tui.app import KlipingApp

READER_DELAY_SECONDS = 0.06  # the reader follows the list's cursor this much later: not per
# key while a key is held (auto-repeat comes every 30-40 ms), and not in the middle of the next one
READER_TYPING_DELAY_SECONDS = 0.3  # or this much when typing changed the list: wrapping an article
# between keys (10 ms) was the largest cause of slow keys at 100k (p95 27 ms -> 11 ms at 150 ms a key)
READ_AFTER_SECONDS = 2.0  # resting this long on an article in the list marks it read
REFRESH_SECONDS = 0.4  # while loading, how often the list takes in new rows
SPLIT_STEP = 10  # percent of the screen a < or > gives or takes


# What the keys that open a dialog do: acted on as the key arrives, so the keys after it reach the dialog.
DIALOG_ACTIONS = frozenset(
    {
        "edit_tags",
        "tag_list",
        "edit_note",
        "saved_searches",
        "bulk",
        "export",
        "show_problems",
        "show_messages",
    }
)


# The article actions' keys by id, so the screen's list keeps the order the footer and the help show.
ACTION_KEYS = {binding.id: binding for binding in ArticleActions.BINDINGS}


class MainScreen(Screen[None]):
    """The list, the reader and the filter bar, fed by the loader and the searches."""

    BINDINGS = [
        # Keys that move focus are priority bindings: they act the moment the key arrives, so the
        # keys typed right after them ("/kapasitas" in one burst) already go to the new focus. So
        # are the keys that open a dialog ("t banjir Enter"), which the filter bar types instead.
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
        ACTION_KEYS["app.raw"],
        Binding("left_square_bracket", "previous_article", _("Previous"), id="app.previous"),
        Binding("right_square_bracket", "next_article", _("Next"), id="app.next"),
        Binding("U", "next_unread", _("Next unread article"), show=False, id="app.next_unread"),
        Binding("Z", "full_screen", _("Full-screen reading and back"), show=False, id="app.full_screen"),
        Binding(
            "less_than_sign", "split(-1)", _("Smaller list, larger reader"), show=False, id="app.split_less"
        ),
        Binding(
            "greater_than_sign", "split(1)", _("Larger list, smaller reader"), show=False, id="app.split_more"
        ),
        *(ACTION_KEYS[name] for name in ("app.wider", "app.narrower", "app.open", "app.copy", "app.read")),
        *(
            ACTION_KEYS[name]
            for name in ("app.star", "app.export", "app.sort", "app.reverse", "app.problems")
        ),
        *Loading.BINDINGS,
        *Annotations.BINDINGS,
        *Bulk.BINDINGS,
        ACTION_KEYS["app.messages"],
        Binding("F", "facets", _("Facets and timeline of the list"), show=False, id="app.facets"),
        Binding("D", "copies", _("Near-copies of this article"), show=False, id="app.copies"),
        Binding("R", "related", _("Articles like this one"), show=False, id="app.related"),
        Binding(
            "X", "fold_copies", _("Near-copies in one row, or each in its own"), show=False, id="app.fold"
        ),
    ]

    AUTO_FOCUS = "#articles"  # keys typed while the app starts go to the list, not the filter

    # Not a repainting reactive: one on a screen repaints every widget on it (the reader too, 5-10 ms
    # a keystroke at 120x40); the status line it is bound to repaints itself.
    status: var[Status] = var(Status, always_update=False)

    def __init__(
        self, library: LibraryLike, session: Session, paths: list[str], processes: int | None
    ) -> None:
        super().__init__(id="main-screen")
        self.library = library
        self.session = session
        self.paths = paths
        self.processes = processes
        self._read_timer: Timer | None = None
        self._reader_timer: Timer | None = None
        self._reader: Reader | None = None
        self.searcher = Searcher(library, session, lambda found: self.post_message(self.Searched(found)))
        self._reader_match: Match | None = None  # the snippet of the article the reader was given
        self._keep_after_clear: int | None = None
        self._stepped_to: int | None = None  # the article `[` or `]` went to: read once the reader shows it
        self.watcher = Watcher(library, paths, lambda: self.post_message(self.Changed()))
        self.collection = CollectionKeys(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The dialogs' keys are priority bindings: in the filter bar they are letters typed."""
        return not (action in DIALOG_ACTIONS and isinstance(self.focused, FilterBar))

    bulk: Bulk  # acting on everything shown, with undo (made on mount: it needs the app)
    annotations: Annotations  # tags, notes, saved searches, citing, opening the URL
    article_actions: ArticleActions  # marks, raw, width, copy, open, export, sort, problems, messages
    fetcher: Fetcher  # what the reader shows, fetched off the loop
    folders: Loading  # the folders read into the session, again when they change

    @classmethod
    def key_groups(cls, app_bindings: Iterable[Binding | tuple[str, ...]]) -> list[tuple[str, list[Binding]]]:
        """The keys of this screen and its widgets, by where they work: for the help and the keymap."""

        def bindings(*lists: Iterable[Binding | tuple[str, ...]]) -> list[Binding]:
            return [b for found in lists for b in found if isinstance(b, Binding)]

        return [
            (_("Everywhere"), bindings(cls.BINDINGS, app_bindings)),
            (_("Tags, notes, searches"), bindings(Annotations.BINDINGS, Bulk.BINDINGS)),
            (_("Article list"), bindings(ArticleList.BINDINGS)),
            (_("Reading pane"), bindings(Reader.BINDINGS)),
            (_("Filter bar"), bindings(FilterBar.BINDINGS)),
        ]

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

    @property
    def idle(self) -> bool:
        """Nothing on its way: loading is over, the list has the latest rows, the reader has caught up."""
        reader = self.reader
        return (
            self.session.settled
            and not self.searcher.searching
            and self._reader_timer is None
            and not (reader.wrapping or reader.raw_pending)
            and not self.collection.finding
        )

    def compose(self) -> ComposeResult:
        filter_bar = FilterBar(self.session.query_text, id="filter")
        filter_bar.history = self.kliping.state.history()
        yield filter_bar
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield ArticleList(id="articles")
                yield MatchLine(id="match-line")
                yield StatusLine(id="status").data_bind(MainScreen.status)
                yield ProgressBar(id="progress", show_eta=False)
            self._reader = Reader(id="reader")
            yield self._reader
            yield FacetsPanel(id="facets-panel")
        yield Footer()

    def on_mount(self) -> None:
        self.fetcher = Fetcher(self.library, self.kliping.state, self.session, self.searcher)
        shown = lambda: self.articles.keys  # noqa: E731
        self.article_actions = ArticleActions(
            self.kliping,
            self.session,
            self.library,
            lambda: self.articles,
            lambda: self.reader,
            self.run_worker,
            self._marked,
            self.reload,
            self.search_again,
        )
        self.folders = Loading(
            self.kliping,
            self.library,
            self.session,
            self.paths,
            self.processes,
            self.watcher,
            self.fetcher,
            lambda: self.articles,
            lambda: self.query_one(ProgressBar),
            self.run_worker,
            self._update_status,
            self.search_again,
        )
        self.bulk = Bulk(self.app, self.session, self.library, shown, self._marks_changed)
        current, reading = (lambda: self.articles.current_key), (lambda: self.reader.article)
        self.annotations = Annotations(
            self.kliping, self.session, self.library, current, reading, self.apply_filter, self._marks_changed
        )
        articles = self.articles
        articles.border_title = opened_title(self.paths)
        articles.marks = self.reader.marks = self.session.marks
        articles.lang = self.reader.lang = current_language()
        self.reader.measure = self.kliping.settings.measure
        opens = self.kliping.settings.keymap.get("app.open", "o").split(",")[0]
        self.reader.open_key = self.app.get_key_display(Binding(opens, ""))
        links = self.kliping.settings.keymap.get("app.links", "l").split(",")[0]
        self.reader.links_key = self.app.get_key_display(Binding(links, ""))
        self.set_focus(articles)
        self.apply_split()
        self.set_interval(REFRESH_SECONDS, self.folders.refresh_if_due)
        self.folders.load()
        self._update_status()
        if self.kliping.watch_files:
            self.watcher.start()

    def on_resize(self) -> None:
        self.call_after_refresh(self._measure_match_line)
        self.call_after_refresh(self.apply_split)  # the layout may have changed: side by side or stacked

    def action_split(self, step: int) -> None:
        """Give the list (or the reader) more of the screen; kept for the next start."""
        settings = self.kliping.settings
        now = settings.split if settings.split is not None else (45 if self._stacked else 50)
        split = min(SPLIT_MAX, max(SPLIT_MIN, now + SPLIT_STEP * step))
        if split != settings.split:
            self.kliping.save_settings(split=split)
        self.apply_split()

    @property
    def _stacked(self) -> bool:
        return self.app.has_class("-narrow") or self.has_class("-narrow")

    def apply_split(self) -> None:
        """The list's share of the screen as the settings have it: its width side by side, its height
        stacked (a terminal narrower than 100 columns); unset, the stylesheet's."""
        split = self.kliping.settings.split
        left = self.query_one("#left")
        if split is None:
            left.styles.clear_rule("width")
            left.styles.clear_rule("height")
        elif self._stacked:
            left.styles.width, left.styles.height = "100%", f"{split}%"
        else:
            left.styles.width, left.styles.height = f"{split}%", "1fr"

    def _measure_match_line(self) -> None:
        width = self.query_one(MatchLine).content_region.width or self.articles.content_region.width
        self.searcher.snippet_width = max(20, width)

    def on_unmount(self) -> None:
        self.searcher.close()
        self.watcher.stop()
        """Keep where the reader is in its article for next time: the reader is unmounted by now,
        but the object still knows."""
        reader = self._reader
        if (
            reader is not None
            and reader.article is not None
            and self.kliping.settings.last != reader.article.digest
        ):
            self.kliping.save_settings(last=reader.article.digest)  # reopened at the next start
        if reader is not None and reader.article is not None and reader.position is not None:
            self.kliping.save_position(reader.article.digest, reader.position)

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the folders again: files changed on disk, the editor returned, or the user asked."""
        self.folders.reload()

    def action_reload(self) -> None:
        self.folders.reload_asked()

    @dataclass
    class Changed(Message):
        """The folders (or a shared library) changed: posted by the watcher's thread."""

    @on(Changed)
    def changed_outside(self, event: Changed) -> None:
        event.stop()
        self.folders.reload()

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """A failure in the background is told in plain words; the app and what it loaded stay."""
        if event.state != WorkerState.ERROR:
            return
        what = {"load": _("Loading stopped")}.get(event.worker.name, _("A background task failed"))
        self.notify(f"{what}: {event.worker.error}", severity="error", timeout=15, markup=False)
        if event.worker.name == "load":
            self.folders.stopped()

    # -- searching ----------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        """The keystroke's first page, when the library gives it at once, goes out with the frame
        that echoes the key; the rest comes from the searcher's thread as `Searched` messages."""
        shown = self.searcher.typed(event.value, self.articles.answer)
        if shown is not None:
            self._show(shown)
            self._repaint_now()
            self.call_after_refresh(self.searcher.painted)

    def _repaint_now(self) -> None:
        """Hand the screen now the repaints a keystroke's answer asked for, so the frame that
        echoes the key shows the list too.

        Textual posts a widget's repaint when that widget next goes idle, and the screen's frame
        timer had usually fired for the filter's echo alone by then: the list followed a frame
        later (5-7 ms at 240 fps). `_check_refresh` is what Textual runs on idle.
        """
        articles = self.articles
        widgets: list[Widget] = [
            self.filter_bar,
            articles,
            self.query_one(MatchLine),
            self.query_one(StatusLine),
        ]
        if articles.show_vertical_scrollbar:
            widgets.append(articles.vertical_scrollbar)
        for widget in widgets:
            widget._check_refresh()

    def search_again(self) -> None:
        """The filter as it is, searched again (new rows, another order), keeping the cursor's article."""
        self.searcher.again()

    @dataclass
    class Searched(Message):
        """A step of a search, from the searcher's thread (posting is safe from any thread)."""

        found: Found

    @on(Searched)
    def searched(self, event: Searched) -> None:
        event.stop()
        if event.found.failed is not None:
            message = _("The search failed") + f": {event.found.failed}"
            self.notify(message, severity="error", timeout=15, markup=False)
            return
        shown, match = self.searcher.take(event.found, self.articles.answer)
        if shown is not None:
            self._show(shown)
        if match is not None and self.articles.current_key == match.key:
            self.query_one(MatchLine).show(match.line, match.spans)

    def _show(self, shown: Shown) -> None:
        articles = self.articles
        query = shown.query
        if shown.extend:
            articles.extend(shown.keys)
        else:
            reader = self.reader
            if reader.filter_query != (None if query.is_empty else query):
                # The list goes first; the reader re-marks its article when the list's
                # Highlighted message has it fetched again, so it is wrapped once, not twice.
                reader.set_query(query, rebuild=False)
            # Rows arriving while loading keep the cursor on the article the user went to; one
            # who has not moved yet stays at the top, where the newest articles keep arriving.
            keep_key = articles.current_key if articles.moved else None
            reset = shown.reset
            followed = self.folders.keep_following(shown.keys, shown.complete)
            if followed is not None:  # the article whose file changed stays under the cursor
                keep_key, reset = followed, False
            elif self._keep_after_clear is not None and query.is_empty:
                keep_key, reset = self._keep_after_clear, False
                articles.moved = True
            self._keep_after_clear = None
            articles.show(
                self.session.rows, shown.keys, query, keep=keep_key, reset=reset, folding=shown.folding
            )
            self.folders.put_cursor_back()
            self._give_the_match_line_its_row()  # in the answer's own frame: rows stay put
            if shown.reset:
                self.query_one(MatchLine).show(None)
        if shown.search_again:
            self.folders.refresh_if_due()
        self._update_status()
        self.collection.count_facets()  # the panel's counts, when it shows, on a thread

    # -- marks, tags and notes changed --------------------------------------------------------

    @dataclass
    class Annotated(Message):
        """Marks, tags or notes changed outside the list (a bulk action, its undo)."""

    def _marks_changed(self) -> None:
        self.post_message(self.Annotated())

    @on(Annotated)
    def annotated(self, event: Annotated) -> None:
        """The list's rows, the reader and the status show the marks as they are now."""
        event.stop()
        self.articles.refresh_rows()
        self.reader.refresh_annotations()
        self._update_status()

    def apply_filter(self, text: str) -> None:
        """Put a filter in the bar (its change runs the search) and go to the list."""
        self.filter_bar.value = text
        self.filter_bar.cursor_position = len(text)
        self.set_focus(self.articles)

    @opens_dialog
    def action_edit_tags(self) -> None:
        self.annotations.edit_tags()

    @opens_dialog
    def action_tag_list(self) -> None:
        self.annotations.tag_list()

    @opens_dialog
    def action_edit_note(self) -> None:
        self.annotations.edit_note()

    @opens_dialog
    def action_saved_searches(self) -> None:
        self.annotations.saved_searches()

    def action_save_search(self) -> None:
        self.annotations.save_search()

    def action_cite(self) -> None:
        self.annotations.cite()

    def action_open_url(self) -> None:
        self.annotations.open_url()

    @opens_dialog
    def action_links(self) -> None:
        self.annotations.links()

    def _marked(self) -> None:
        """A key changed the cursor's article's mark: the resting timer must not undo it."""
        if self._read_timer is not None:
            self._read_timer.stop()
        self.articles.refresh_rows()
        self._update_status()

    def _mark_read(self, key: int) -> None:
        if not self.session.marks.has("read", key) and self.session.mark("read", key, True):
            self.articles.refresh_rows()
            self._update_status()

    def action_toggle_read(self) -> None:
        self.article_actions.toggle_read()

    def action_toggle_star(self) -> None:
        self.article_actions.toggle_star()

    def action_toggle_raw(self) -> None:
        self.article_actions.toggle_raw()

    def action_wider(self) -> None:
        self.article_actions.wider()

    def action_narrower(self) -> None:
        self.article_actions.narrower()

    def action_copy_text(self) -> None:
        self.article_actions.copy_text()

    def action_open_file(self) -> None:
        self.article_actions.open_file()

    @opens_dialog
    def action_export(self) -> None:
        self.article_actions.export()

    @opens_dialog
    def action_show_problems(self) -> None:
        self.article_actions.show_problems()

    @opens_dialog
    def action_show_messages(self) -> None:
        self.article_actions.show_messages()

    def action_cycle_sort(self) -> None:
        self.article_actions.cycle_sort()

    def action_reverse_sort(self) -> None:
        self.article_actions.reverse_sort()

    def action_focus_filter(self) -> None:
        filter_bar = self.filter_bar
        if self.focused is filter_bar:
            # "/" is a priority key: it comes here before the keys typed just before it reach the bar,
            # so it waits behind them in the bar's queue ("hello/world" in a burst was "/helloworld").
            filter_bar.call_later(filter_bar.insert_text_at_cursor, "/")
        else:
            self.set_focus(filter_bar)

    @opens_dialog
    def action_bulk(self) -> None:
        self.bulk.start()

    def action_undo_bulk(self) -> None:
        self.bulk.undo()

    def commands(self) -> list[SystemCommand]:
        """The palette's commands for this screen, beside Textual's own."""
        return [
            *self.article_actions.commands(),
            SystemCommand(_("Filter"), _("Focus the filter bar"), self.action_focus_filter),
            SystemCommand(
                _("Reload"),
                _("Read the folders again (they are also watched for changes)"),
                self.action_reload,
            ),
            *self.annotations.commands(),
            *self.bulk.commands(),
        ]

    # -- the reader follows the list ----------------------------------------------------------

    @on(ArticleList.Highlighted)
    def article_highlighted(self, event: ArticleList.Highlighted) -> None:
        event.stop()
        self.folders.moved_on()
        # The reader follows a moment later, so a keystroke's list change is painted first and
        # holding j, or typing fast, does not wrap an article per key.
        if self._reader_timer is not None:
            self._reader_timer.stop()
        key = event.key

        def follow() -> None:
            self._reader_timer = None
            if key is None:
                self.reader.show_nothing(self.session.why_empty())
            else:
                self._fetch(key, self.reader.raw)

        # While typing, the list changes on every key; the article is wrapped once typing pauses.
        typing = isinstance(self.focused, FilterBar)
        delay = READER_TYPING_DELAY_SECONDS if typing else READER_DELAY_SECONDS
        self._reader_timer = self.set_timer(delay, follow)

    def read(self, key: int) -> None:
        """Show this article in the reader, wherever the list's cursor is."""
        self._fetch(key, self.reader.raw)

    def action_facets(self) -> None:
        self.collection.facets()

    @on(FacetsPanel.Chosen)
    def facet_chosen(self, event: FacetsPanel.Chosen) -> None:
        event.stop()
        self.apply_filter(f"{self.filter_bar.value.strip()} {event.term}".strip())

    @on(FacetsPanel.Left)
    def facets_left(self, event: FacetsPanel.Left) -> None:
        event.stop()
        self.set_focus(self.articles)

    def action_fold_copies(self) -> None:
        self.collection.fold_copies()

    def action_copies(self) -> None:
        self.collection.copies()

    def action_related(self) -> None:
        self.collection.related()

    @work(thread=True, exclusive=True, group="reader-fetch", exit_on_error=False)  # a library gone: told
    def _fetch(self, key: int, raw: bool) -> None:
        """The article, its raw text when the raw view is on, and where the reader left it last time."""
        fetched = self.fetcher.fetch(key, raw)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._fetched, fetched, key)

    def _fetched(self, fetched: Fetched, key: int) -> None:
        self._reader_match = fetched.match
        self.reader.show(fetched.article, fetched.raw, fetched.position, raw_whole=fetched.raw_whole)
        self.collection.find_extras(key, fetched.article)  # its copies and related ones, once it rests

    @on(Reader.RawWanted)
    def raw_wanted(self, event: Reader.RawWanted) -> None:
        event.stop()
        self._read_raw(event.article)

    @work(thread=True, exclusive=True, group="reader-raw")
    def _read_raw(self, article: Article) -> None:
        text, whole = raw_text(article)
        self.app.call_from_thread(self.reader.show_raw, article, text, whole)

    @on(Reader.PositionChanged)
    def position_changed(self, event: Reader.PositionChanged) -> None:
        event.stop()
        self.kliping.save_position(event.digest, event.fraction)

    @on(ArticleList.Chosen)
    def article_chosen(self, event: ArticleList.Chosen) -> None:
        event.stop()
        self.set_focus(self.reader)
        self._mark_read(event.key)

    @on(Reader.Shown)
    def article_shown(self, event: Reader.Shown) -> None:
        event.stop()
        articles = self.articles
        if self._read_timer is not None:
            self._read_timer.stop()
        key = articles.current_key
        row = self.session.rows.get(key) if key is not None else None
        if row is None or row.digest != event.article.digest:
            return  # the list has moved on since the reader fetched this article
        if key is not None:
            if self.focused is self.reader or key == self._stepped_to:
                self._stepped_to = None
                self._mark_read(key)  # moving with [ and ] marks on the way
            elif self.kliping.settings.read_when == "rested" and self.focused is articles and articles.moved:
                # Resting on an article in the list reads it too, if the user asked for that, but a
                # quick pass over it does not, nor does typing a filter or starting the app.
                self._read_timer = self.set_timer(READ_AFTER_SECONDS, lambda: self._mark_read(key))
        match = self._reader_match
        if not self.session.query.is_empty and (match is None or match.text == self.session.query_text):
            # The words around the match, found with the article in the reader's thread.
            self.query_one(MatchLine).show(match.line if match else None, match.spans if match else [])

    # -- the filter bar -----------------------------------------------------------------------

    def _give_the_match_line_its_row(self) -> None:
        """The match line has a row of its own while the filter bar has focus or a filter is on.

        Shown when the filter bar takes focus, its layout (10 ms at 120x40) goes out with `/`,
        not with the first key typed, which must only show its answer.
        """
        filtering = not self.session.query.is_empty  # the answer shown (parsed once, by its search)
        self.query_one(MatchLine).display = filtering or isinstance(self.focused, FilterBar)

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def focus_moved(self, event: events.DescendantFocus | events.DescendantBlur) -> None:
        if isinstance(event.widget, FilterBar):
            self._give_the_match_line_its_row()

    @on(FilterBar.Left)
    def filter_left(self, event: FilterBar.Left) -> None:
        event.stop()
        self._to_list(first=not event.cleared)

    def _to_list(self, *, first: bool) -> None:
        if not first:
            # Esc cleared the filter: the whole list comes back with the cursor on the article found.
            self._keep_after_clear = self.articles.current_key
        articles = self.articles
        if self.focused is articles:
            return
        self.set_focus(articles)
        if first:
            articles.action_first()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._remember_filter()
        self._to_list(first=True)

    def _remember_filter(self) -> None:
        text = self.session.query_text.strip()
        if text:
            self.filter_bar.remember(text)
            self.kliping.remember_filter(text)

    # -- keys ---------------------------------------------------------------------------------

    def action_enter(self) -> None:
        focused = self.focused
        if isinstance(focused, FilterBar):
            self._remember_filter()
            self._to_list(first=True)
        elif isinstance(focused, ArticleList):
            # After the keys already on their way: "j j j j Enter" in one burst (a slow SSH link)
            # opens the fifth article, not the first. Those keys find their bindings once they
            # reach the app, with the focus it has then, so choosing (which moves the focus to
            # the reader) waits until the app is idle again.
            focused.call_after_refresh(focused.action_choose)
        else:
            raise SkipAction()

    def action_escape(self) -> None:
        if self.query("HelpPanel"):  # Textual's Keys panel, from the palette: Esc closes it
            self.app.action_hide_help_panel()
            return
        focused = self.focused
        if isinstance(focused, FilterBar):
            focused.action_clear()
        elif isinstance(focused, Reader):
            self.set_focus(self.articles)
        elif isinstance(focused, ArticleList) and self.filter_bar.value:
            self.filter_bar.action_clear()
        else:
            raise SkipAction()

    def action_previous_article(self) -> None:
        self._step(-1)

    def action_next_article(self) -> None:
        self._step(1)

    def action_full_screen(self) -> None:
        """The reader alone on the screen (the list, the filter and the footer give it their room),
        and back; Esc also comes back."""
        if self.maximized is not None:
            self.minimize()
            return
        self.set_focus(self.reader)
        self.maximize(self.reader, container=False)

    def action_next_unread(self) -> None:
        """The next unread article in the list (newsboat's `n`), from the top again after the last;
        it opens as with `]`, so it is read once the reader shows it."""
        articles, marks = self.articles, self.session.marks
        keys, here = articles.keys, articles.cursor
        count = len(keys)
        found = (
            next(
                (
                    index % count
                    for index in range(here + 1, here + count + 1)
                    if not marks.has("read", keys[index % count])
                ),
                None,
            )
            if count
            else None
        )
        if found is None or found == here:
            self.notify(_("No other unread article in the list."), timeout=3, markup=False)
            return
        articles.moved = True
        articles.cursor = found
        self._stepped_to = articles.current_key

    def _step(self, by: int) -> None:
        """`[` and `]` open the article they go to, from the list too: it is read once shown."""
        articles = self.articles
        before = articles.cursor
        if by < 0:
            articles.action_cursor_up()
        else:
            articles.action_cursor_down()
        self._stepped_to = articles.current_key if articles.cursor != before else None
