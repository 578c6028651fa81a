"""The main screen: the filter bar, the article list and the reader, and the workers that feed them.

The screen wires: what each key does is held by a plain object (`Panes`, `Answers`, `Following`,
`ArticleActions`, `Loading`, `Annotations`, `Bulk`, `CollectionKeys`), given what it works with.
The rules live in `tui.session` (what the list shows as loading and searching go on) and the
widgets (how a row or an article looks). Workers run in threads and post their results as
messages, which the screen hands to their object; only handlers on the event loop change the
session and the widgets. What a keystroke searches, and when, is the searcher's (`tui.searching`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar
from textual.worker import Worker, WorkerState

from tui.dialogs.modal import opens_dialog
from tui.formatting import opened_title
from tui.i18n import _, current_language
from tui.library.interface import LibraryLike
from tui.reading import Fetcher
from tui.screens.actions import ArticleActions
from tui.screens.annotations import Annotations
from tui.screens.answers import Answers
from tui.screens.bulk import Bulk
from tui.screens.collection import CollectionKeys
from tui.screens.following import Following
from tui.screens.loading import Loading
from tui.screens.panes import Panes
from tui.searching import Found, Searcher
from tui.session import Session, Status
from tui.watcher import Watcher
from tui.widgets.article_list import ArticleList
from tui.widgets.facets_panel import FacetsPanel
from tui.widgets.filter_bar import FilterBar
from tui.widgets.match_line import MatchLine
from tui.widgets.reader import Reader
from tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from tui.app import KlipingApp

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

# The panes' keys by id, likewise.
PANE_KEYS = {binding.id: binding for binding in Panes.BINDINGS}


def done_by(method: Callable[[MainScreen], Callable[[], object]]) -> Callable[[MainScreen], None]:
    """A key's action on the screen, done by the object the screen holds for that key (Textual looks
    an action up on the screen, never on a plain object)."""

    def action(screen: MainScreen) -> None:
        method(screen)()

    return action


class MainScreen(Screen[None]):
    """The list, the reader and the filter bar, fed by the loader and the searches."""

    BINDINGS = [
        *(PANE_KEYS[name] for name in ("app.filter", "app.enter", "app.escape")),
        ACTION_KEYS["app.raw"],
        *Following.BINDINGS,
        *(PANE_KEYS[name] for name in ("app.full_screen", "app.split_less", "app.split_more")),
        *(ACTION_KEYS[name] for name in ("app.wider", "app.narrower", "app.open", "app.copy", "app.read")),
        *(
            ACTION_KEYS[name]
            for name in ("app.star", "app.export", "app.sort", "app.reverse", "app.problems")
        ),
        *Loading.BINDINGS,
        *Annotations.BINDINGS,
        *Bulk.BINDINGS,
        ACTION_KEYS["app.messages"],
        *CollectionKeys.BINDINGS,
    ]

    AUTO_FOCUS = "#articles"  # keys typed while the app starts go to the list, not the filter

    # Not a repainting reactive: one on a screen repaints every widget on it (the reader too, 5-10 ms
    # a keystroke at 120x40); the status line it is bound to repaints itself.
    status: var[Status] = var(Status, always_update=False)
    # Bound down to the widgets that show them (attributes down): the marks (read, starred, tags,
    # notes) changed, tags or notes changed (the reader shows them), the reading width.
    marks_changed: var[int] = var(0, init=False)
    annotations_changed: var[int] = var(0, init=False)
    measure: var[int] = var(80, init=False)

    def __init__(
        self, library: LibraryLike, session: Session, paths: list[str], processes: int | None
    ) -> None:
        super().__init__(id="main-screen")
        self.library = library
        self.session = session
        self.paths = paths
        self.processes = processes
        self._reader: Reader | None = None
        self.searcher = Searcher(library, session, lambda found: self.post_message(self.Searched(found)))
        self.watcher = Watcher(library, paths, lambda: self.post_message(self.Changed()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The dialogs' keys are priority bindings: in the filter bar they are letters typed."""
        return not (action in DIALOG_ACTIONS and isinstance(self.focused, FilterBar))

    # What the keys do, each held by one object (made on mount: they need the app and the widgets).
    article_actions: ArticleActions  # marks, raw, width, copy, open, export, sort, problems, messages
    folders: Loading  # the folders read into the session, again when they change
    following: Following  # the reader on the list's article, read marks, [ ] and U
    annotations: Annotations  # tags, notes, saved searches, citing, opening the URL
    bulk: Bulk  # acting on everything shown, with undo
    collection: CollectionKeys  # facets and timeline, near-copies, related articles
    fetcher: Fetcher  # what the reader shows, fetched off the loop
    panes: Panes  # the focus, and the room each pane has
    answers: Answers  # the searcher's answers shown in the list, the reader and the match line

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
            and not self.following.waiting
            and not (reader.wrapping or reader.raw_pending)
            and not self.collection.finding
        )

    def compose(self) -> ComposeResult:
        filter_bar = FilterBar(self.session.query_text, id="filter")
        filter_bar.history = self.kliping.state.history()
        yield filter_bar
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield ArticleList(id="articles").data_bind(MainScreen.marks_changed)
                yield MatchLine(id="match-line")
                yield ProgressBar(id="progress", show_eta=False)
            self._reader = Reader(id="reader").data_bind(MainScreen.annotations_changed, MainScreen.measure)
            yield self._reader
            yield FacetsPanel(id="facets-panel")
        # The screen's width, under the panes: under the list alone it was cut to the list's width,
        # a third of the screen with the facets panel open.
        yield StatusLine(id="status").data_bind(MainScreen.status)
        yield Footer()

    def on_mount(self) -> None:
        app, session, library, searcher = self.kliping, self.session, self.library, self.searcher
        articles, reader, match_line = self.articles, self.reader, self.query_one(MatchLine)
        run, post = self.run_worker, self.post_message
        self.fetcher = Fetcher(library, app.state, session, searcher)
        self.following = Following(
            app, session, self.fetcher, articles, reader, match_line, lambda: self.focused, run,
            self.set_timer, post, self._marks_shown,
        )  # fmt: skip
        self.article_actions = ArticleActions(
            app, session, library, articles, reader, run, self._marked, self.reload, self.search_again,
            self._set_measure,
        )  # fmt: skip
        self.folders = Loading(
            app, library, session, self.paths, self.processes, self.watcher, self.fetcher, articles,
            self.query_one(ProgressBar), run, self._update_status, self.search_again,
        )  # fmt: skip
        self.answers = Answers(
            self.app, session, searcher, self.folders, articles, reader, self.filter_bar, match_line,
            self.query_one(StatusLine), lambda: self.focused, self.call_after_refresh, self._update_status,
            lambda: self.collection.count_facets(),
        )  # fmt: skip
        self.panes = Panes(
            app, session, self, articles, reader, self.filter_bar, self.query_one("#left"), self.answers
        )
        self.bulk = Bulk(self.app, session, library, lambda: articles.keys, self._marks_changed)
        self.annotations = Annotations(
            app, session, library, lambda: articles.current_key, lambda: reader.article, self.apply_filter,
            self._marks_changed,
        )  # fmt: skip
        self.collection = CollectionKeys(
            app, session, library, articles, reader, self.query_one(FacetsPanel),
            lambda: self.filter_bar.value, run, self.set_timer, post, self.apply_filter, self.following.read,
            self.set_focus, self.search_again, self._key_shown,
        )  # fmt: skip
        self.articles.border_title = opened_title(self.paths)
        self.articles.marks = self.reader.marks = session.marks
        self.articles.lang = self.reader.lang = current_language()
        self.measure = app.settings.measure
        self.reader.open_key, self.reader.links_key = (
            self._key_shown("app.open", "o"),
            self._key_shown("app.links", "l"),
        )
        self.set_focus(self.articles)
        self.panes.apply_split()
        self.set_interval(REFRESH_SECONDS, self.folders.refresh_if_due)
        self.folders.load()
        self._update_status()
        if app.watch_files:
            self.watcher.start()

    def _key_shown(self, binding_id: str, default: str) -> str:
        """A key as the user's keymap has it, as the footer writes it (the reader names it)."""
        key = self.kliping.settings.keymap.get(binding_id, default).split(",")[0]
        return self.app.get_key_display(Binding(key, ""))

    def on_resize(self) -> None:
        self.call_after_refresh(self._measure_match_line)
        self.call_after_refresh(
            self.panes.apply_split
        )  # the layout may have changed: side by side or stacked

    def action_split(self, step: int) -> None:
        self.panes.split(step)

    def apply_split(self) -> None:
        """The settings' split, as the user edited it."""
        self.panes.apply_split()

    def _measure_match_line(self) -> None:
        width = self.query_one(MatchLine).content_region.width or self.articles.content_region.width
        self.searcher.snippet_width = max(20, width)

    def on_unmount(self) -> None:
        self.searcher.close()
        self.watcher.stop()
        self.following.leave(self._reader)  # where the reader is, for next time

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the folders again: files changed on disk, the editor returned, or the user asked."""
        self.folders.reload()

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
        self.answers.typed(event.value)  # the key's list first: the reader's follow only waits
        self.following.typed()

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
        self.answers.searched(event.found)

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
        self.annotations_changed += 1
        self.marks_changed += 1

    def _marks_shown(self) -> None:
        self.marks_changed += 1

    def watch_marks_changed(self) -> None:
        self._update_status()

    def _marked(self) -> None:
        """A key changed the cursor's article's mark: the resting timer must not undo it."""
        self.following.stop_resting()
        self._marks_shown()

    def _set_measure(self, measure: int) -> None:
        self.measure = measure

    def apply_filter(self, text: str) -> None:
        """Put a filter in the bar (its change runs the search) and go to the list."""
        self.filter_bar.value = text
        self.filter_bar.cursor_position = len(text)
        self.set_focus(self.articles)

    # -- what the keys do, each done by the object that holds the key ------------------------

    # -- the reader follows the list ----------------------------------------------------------

    @on(ArticleList.Highlighted)
    def article_highlighted(self, event: ArticleList.Highlighted) -> None:
        event.stop()
        self.folders.moved_on()
        self.following.highlighted(event.key)

    @on(Following.ArticleFetched)
    def article_fetched(self, event: Following.ArticleFetched) -> None:
        event.stop()
        self.following.fetched(event.fetched, event.asked, event.prepared)
        if event.fetched is not None:  # its copies and related articles, once the reader rests on it
            self.collection.find_extras(event.key, event.fetched.article)

    @on(Reader.RawWanted)
    def raw_wanted(self, event: Reader.RawWanted) -> None:
        event.stop()
        self.following.raw_wanted(event.article)

    @on(Following.RawRead)
    def raw_read(self, event: Following.RawRead) -> None:
        event.stop()
        self.reader.show_raw(event.article, event.text, event.whole)

    @on(Reader.PositionChanged)
    def position_changed(self, event: Reader.PositionChanged) -> None:
        event.stop()
        self.kliping.save_position(event.digest, event.fraction)

    @on(ArticleList.Chosen)
    def article_chosen(self, event: ArticleList.Chosen) -> None:
        event.stop()
        self.set_focus(self.reader)
        self.following.mark_read(event.key)

    @on(Reader.Shown)
    def article_shown(self, event: Reader.Shown) -> None:
        event.stop()
        self.following.shown(event.article)

    @on(CollectionKeys.Counted)
    def counted(self, event: CollectionKeys.Counted) -> None:
        event.stop()
        self.collection.counted(event)

    @on(CollectionKeys.ExtrasFound)
    def extras_found(self, event: CollectionKeys.ExtrasFound) -> None:
        event.stop()
        self.collection.extras_found(event.extras)

    @on(FacetsPanel.Chosen)
    def facet_chosen(self, event: FacetsPanel.Chosen) -> None:
        event.stop()
        self.collection.facet_chosen(event.term)

    @on(FacetsPanel.Left)
    def facets_left(self, event: FacetsPanel.Left) -> None:
        event.stop()
        self.set_focus(self.articles)

    @on(CollectionKeys.Looked)
    def looked(self, event: CollectionKeys.Looked) -> None:
        event.stop()
        self.collection.looked(event)

    # -- the filter bar -----------------------------------------------------------------------

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def focus_moved(self, event: events.DescendantFocus | events.DescendantBlur) -> None:
        if isinstance(event.widget, FilterBar):
            self.answers.give_the_match_line_its_row()

    @on(FilterBar.Left)
    def filter_left(self, event: FilterBar.Left) -> None:
        event.stop()
        self.panes.to_list(first=not event.cleared)

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.panes.filter_submitted()


# Each key's action on the screen, done by the object the screen holds for that key: a table, not
# a method apiece (Textual looks an action up on the screen, never on a plain object).
ROUTES: dict[str, Callable[[MainScreen], Callable[[], object]]] = {
    "focus_filter": lambda screen: screen.panes.focus_filter,
    "enter": lambda screen: screen.panes.enter,
    "escape": lambda screen: screen.panes.escape,
    "full_screen": lambda screen: screen.panes.full_screen,
    "toggle_raw": lambda screen: screen.article_actions.toggle_raw,
    "wider": lambda screen: screen.article_actions.wider,
    "narrower": lambda screen: screen.article_actions.narrower,
    "open_file": lambda screen: screen.article_actions.open_file,
    "copy_text": lambda screen: screen.article_actions.copy_text,
    "toggle_read": lambda screen: screen.article_actions.toggle_read,
    "toggle_star": lambda screen: screen.article_actions.toggle_star,
    "export": lambda screen: screen.article_actions.export,
    "cycle_sort": lambda screen: screen.article_actions.cycle_sort,
    "reverse_sort": lambda screen: screen.article_actions.reverse_sort,
    "show_problems": lambda screen: screen.article_actions.show_problems,
    "show_messages": lambda screen: screen.article_actions.show_messages,
    "previous_article": lambda screen: screen.following.previous_article,
    "next_article": lambda screen: screen.following.next_article,
    "next_unread": lambda screen: screen.following.next_unread,
    "reload": lambda screen: screen.folders.reload_asked,
    "edit_tags": lambda screen: screen.annotations.edit_tags,
    "tag_list": lambda screen: screen.annotations.tag_list,
    "edit_note": lambda screen: screen.annotations.edit_note,
    "saved_searches": lambda screen: screen.annotations.saved_searches,
    "save_search": lambda screen: screen.annotations.save_search,
    "cite": lambda screen: screen.annotations.cite,
    "open_url": lambda screen: screen.annotations.open_url,
    "links": lambda screen: screen.annotations.links,
    "bulk": lambda screen: screen.bulk.start,
    "undo_bulk": lambda screen: screen.bulk.undo,
    "facets": lambda screen: screen.collection.facets,
    "copies": lambda screen: screen.collection.copies,
    "related": lambda screen: screen.collection.related,
    "fold_copies": lambda screen: screen.collection.fold_copies,
}
OPENS_DIALOG = frozenset(
    {
        "export",
        "show_problems",
        "show_messages",
        "edit_tags",
        "tag_list",
        "edit_note",
        "saved_searches",
        "links",
        "bulk",
    }
)  # their keys after them are held
for _name, _method in ROUTES.items():
    _action = done_by(_method)
    setattr(MainScreen, f"action_{_name}", opens_dialog(_action) if _name in OPENS_DIALOG else _action)


def key_groups(app_bindings: Iterable[Binding | tuple[str, ...]]) -> list[tuple[str, list[Binding]]]:
    """The keys of this screen and its widgets, by where they work: for the help and the keymap."""

    def bindings(*lists: Iterable[Binding | tuple[str, ...]]) -> list[Binding]:
        return [b for found in lists for b in found if isinstance(b, Binding)]

    own = bindings(Annotations.BINDINGS, Bulk.BINDINGS)  # a section of their own, not listed twice
    return [
        (_("Everywhere"), [b for b in bindings(MainScreen.BINDINGS, app_bindings) if b not in own]),
        (_("Tags, notes, searches"), own),
        (_("Article list"), bindings(ArticleList.BINDINGS)),
        (_("Reading pane"), bindings(Reader.BINDINGS)),
        (_("Filter bar"), bindings(FilterBar.BINDINGS)),
        (_("Facets panel"), bindings(FacetsPanel.BINDINGS)),
    ]


def commands(screen: MainScreen) -> list[SystemCommand]:
    """The palette's commands for this screen, beside Textual's own."""
    return [
        *screen.article_actions.commands(),
        SystemCommand(_("Filter"), _("Focus the filter bar"), screen.panes.focus_filter),
        SystemCommand(
            _("Reload"),
            _("Read the team library again from the server (others' syncs also show by themselves)")
            if screen.library.shared
            else _("Read the folders again (they are also watched for changes)"),
            screen.folders.reload_asked,
        ),
        *screen.annotations.commands(),
        *screen.bulk.commands(),
    ]
