"""The main screen: the filter bar, the article list and the reader, and the workers that feed them.

The screen wires; the rules live in `tui.session` (what the list shows as loading and searching go
on) and the widgets (how a row or an article looks). Workers run in threads and hand their results
back with `call_from_thread`; only handlers on the event loop change the session and the widgets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input, ProgressBar
from textual.worker import get_current_worker

from tui import chrome
from tui.article import Article
from tui.config import SPLIT_MAX, SPLIT_MIN
from tui.formatting import opened_title
from tui.i18n import _, current_language
from tui.library import Stopped
from tui.library.interface import LibraryLike
from tui.loader import raw_text
from tui.query import Query, parse
from tui.screens.collection import CollectionKeys
from tui.screens.loading import LoadingScreen
from tui.search import snippet
from tui.session import Answer, Session, Status
from tui.widgets.article_list import ArticleList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.match_line import MatchLine
from tui.widgets.reader import Reader
from tui.widgets.status import StatusLine

READER_DELAY_SECONDS = 0.06  # the reader follows the list's cursor this much later: not per
# key while a key is held (auto-repeat comes every 30-40 ms), and not in the middle of the next one
READER_TYPING_DELAY_SECONDS = 0.3  # or this much when typing changed the list: wrapping an article
# between keys (10 ms) was the largest cause of slow keys at 100k (p95 27 ms -> 11 ms at 150 ms a key)
READ_AFTER_SECONDS = 2.0  # resting this long on an article in the list marks it read
REFRESH_SECONDS = 0.4  # while loading, how often the list takes in new rows
PAGE_ROWS = 200  # a search first fetches this many rows: a few screenfuls, in about a millisecond
PAGE_AT_ONCE_SECONDS = 0.012  # the keystroke's handler gives up finding the first page after this
# (a merged index at 100k answers in 0.3-3 ms; a thread's page reaches the screen 15-30 ms later)
PAGE_LOCK_WAIT_SECONDS = 0.002  # and waits this long for the library's lock (an article read holds it ~1 ms)
SPLIT_STEP = 10  # percent of the screen a < or > gives or takes
REST_SECONDS = 0.25  # and the rest once typing has paused this long: most people's keys come
# closer together than this, and a whole answer at 100k (40-150 ms) is best not fetched between two


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


class MainScreen(LoadingScreen):
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
        Binding("r", "toggle_raw", _("Raw/clean"), id="app.raw"),
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
        Binding("ctrl+r", "reload", _("Read the folders again"), show=False, id="app.reload"),
        Binding("M", "show_messages", _("The last messages"), show=False, priority=True, id="app.messages"),
        Binding("F", "facets", _("Facets and timeline of the list"), show=False, id="app.facets"),
        Binding("D", "copies", _("Near-copies of this article"), show=False, id="app.copies"),
        Binding("R", "related", _("Articles like this one"), show=False, id="app.related"),
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
        self._snippet_width = 60  # the match line's width, read by the search thread
        self._reloading = False
        self._reload_pending = False
        self._keep_after_clear: int | None = None
        self._stepped_to: int | None = None  # the article `[` or `]` went to: read once the reader shows it
        self._chrome: dict[str, frozenset[str]] = {}  # learned page chrome by source, this run
        self._stop_watching: threading.Event | None = None
        self.collection = CollectionKeys(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The dialogs' keys are priority bindings: in the filter bar they are letters typed."""
        return not (action in DIALOG_ACTIONS and isinstance(self.focused, FilterBar))

    @property
    def idle(self) -> bool:
        """Nothing on its way: loading is over, the list has the latest rows, the reader has caught up."""
        reader = self.reader
        return (
            self.session.settled
            and self._reader_timer is None
            and not (reader.wrapping or reader.raw_pending)
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
        yield Footer()

    def on_mount(self) -> None:
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
        self.set_interval(REFRESH_SECONDS, self._refresh_if_due)
        self.load()
        self._update_status()
        if self.kliping.watch_files:
            self.watch_folders()

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
        self._snippet_width = max(20, width)

    def on_unmount(self) -> None:
        if self._stop_watching is not None:
            self._stop_watching.set()
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

    # -- searching ----------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.session.typed(event.value)
        # The last key's search stops first: its thread must not hold the interpreter's lock
        # while this key's page is found.
        self.workers.cancel_group(self, "search")
        self.run_search(event.value, shown=self._page_at_once(event.value))

    def _page_at_once(self, text: str) -> Answer | None:
        """The first page, found and shown by the keystroke's own handler when the library can
        answer within PAGE_AT_ONCE_SECONDS: the frame that echoes the key then shows the list.

        A search's thread handing its page back arrived a frame or more after the echo (12-30 ms
        at 100k); None leaves the page to the thread (a phrase, marks, a load writing, a slow page).
        """
        session = self.session
        query = parse(text)
        # While loading, the library's lock is a write's for hundreds of ms: not waited for.
        wait = 0.0 if session.loading else PAGE_LOCK_WAIT_SECONDS
        page = self.library.page_at_once(
            query, session.sort, session.reverse, limit=PAGE_ROWS, seconds=PAGE_AT_ONCE_SECONDS, wait=wait
        )
        if page is None:
            return None
        first = Answer(
            text, query, session.known(page.keys), session.rows_version, page.complete, in_rows=True
        )
        self._show_answer(first)
        self._repaint_now()
        return first

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

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, text: str, keep: bool = False, shown: Answer | None = None) -> None:
        """The first screenful of the answer at once, the rest when typing pauses.

        `shown` is the first page the keystroke's handler already showed; else this worker finds
        it. A newer keystroke cancels this worker, and a cancelled worker's search stops within a
        millisecond, so the whole answer is only ever computed for text the user rests on.
        """
        worker = get_current_worker()
        session = self.session
        started = time.monotonic()
        if shown is not None:
            query, version, known, complete = shown.query, shown.version, shown.keys, shown.complete
            flags = None
            # The snippet's article (a few ms of CPU) waits for the frame with the list, which it
            # slowed by holding the interpreter's lock (10-15 ms frames instead of 4-6).
            painted = threading.Event()
            self.app.call_from_thread(self.call_after_refresh, painted.set)
            while not painted.wait(0.01):
                if worker.is_cancelled:
                    return
        else:
            version = session.rows_version
            query = parse(text)
            flags = session.marks.flags(query) if query.uses_marks else None
            page = self.library.search_page(query, session.sort, session.reverse, flags, limit=PAGE_ROWS)
            # Checked against the loaded rows here: a whole answer of 100k keys took 25 ms of the loop.
            known, complete = session.known(page.keys), page.complete
            if worker.is_cancelled:
                return
            first = Answer(text, query, known, version, complete, keep, in_rows=True)
            self.app.call_from_thread(self._show_answer, first)
        # The words around the top article's match come next, on their own line: fetching the
        # article (a millisecond or more) must not delay the frame with the list.
        found = self._snippet(query, known)
        if found is not None and not worker.is_cancelled:
            self.app.call_from_thread(self._show_snippet, text, known[0], found)
        if not complete:
            resting = time.monotonic() + REST_SECONDS
            while time.monotonic() < resting:
                if worker.is_cancelled:
                    return
                time.sleep(0.01)
            stop = lambda: worker.is_cancelled  # noqa: E731
            try:
                keys = self.library.search_rest(query, session.sort, session.reverse, flags, stop=stop)
            except Stopped:
                return
            try:
                keys = session.known(keys, stop)
            except Stopped:
                return
            rest = Answer(text, query, keys, version, True, True, in_rows=True)
            self.app.call_from_thread(self._show_answer, rest)
        self.app.call_from_thread(session.searched, time.monotonic() - started)

    def _snippet(self, query: Query, keys: Sequence[int]) -> tuple[str, list[tuple[int, int]]] | None:
        """The words around the first match in the answer's top article, so the first frame after
        a key shows them (about a millisecond, in the search's thread)."""
        if query.is_empty or not keys:
            return None
        article = self.library.article(keys[0])
        if article is None:
            return None
        line, spans = snippet(article.text, query, width=self._snippet_width)
        return (line, spans) if spans else None

    def _show_snippet(self, text: str, key: int, found: tuple[str, list[tuple[int, int]]]) -> None:
        """The top article's match, if the list still shows that answer with the cursor on it."""
        if text == self.session.query_text and self.articles.current_key == key:
            self.query_one(MatchLine).show(*found)

    def _show_answer(self, answer: Answer) -> None:
        articles = self.articles
        shown = self.session.accept(answer, articles.keys)
        if shown is None:
            return
        if shown.extend:
            articles.extend(shown.keys)
        else:
            reader = self.reader
            if reader.filter_query != (None if answer.query.is_empty else answer.query):
                # The list goes first; the reader re-marks its article when the list's
                # Highlighted message has it fetched again, so it is wrapped once, not twice.
                reader.set_query(answer.query, rebuild=False)
            # Rows arriving while loading keep the cursor on the article the user went to; one
            # who has not moved yet stays at the top, where the newest articles keep arriving.
            keep_key = articles.current_key if articles.moved else None
            reset = shown.reset
            followed = self._keep_following(shown.keys, answer.complete)
            if followed is not None:  # the article whose file changed stays under the cursor
                keep_key, reset = followed, False
            elif self._keep_after_clear is not None and answer.query.is_empty:
                keep_key, reset = self._keep_after_clear, False
                articles.moved = True
            self._keep_after_clear = None
            articles.show(self.session.rows, shown.keys, answer.query, keep=keep_key, reset=reset)
            self._put_cursor_back()
            self._give_the_match_line_its_row()  # in the answer's own frame: rows stay put
            if shown.reset:
                self.query_one(MatchLine).show(None)
        if shown.search_again:
            self._refresh_if_due()
        self._update_status()

    # -- the reader follows the list ----------------------------------------------------------

    @on(ArticleList.Highlighted)
    def article_highlighted(self, event: ArticleList.Highlighted) -> None:
        event.stop()
        self._following = None  # the user moved on: an edited article no longer holds the cursor
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

    def action_copies(self) -> None:
        self.collection.copies()

    def action_related(self) -> None:
        self.collection.related()

    @work(thread=True, exclusive=True, group="reader-fetch", exit_on_error=False)  # a library gone: told
    def _fetch(self, key: int, raw: bool) -> None:
        """The article, its raw text when the raw view is on, and where the reader left it last time."""
        article = self.library.article(key)
        if article is not None:
            article = chrome.cleaned(article, self._chrome_of(article))
        text, whole = raw_text(article) if article is not None and raw else (None, 0)
        position = self.kliping.state.position(article.digest) if article is not None else None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.reader.show, article, text, position, raw_whole=whole)

    def _chrome_of(self, article: Article) -> frozenset[str]:
        """What repeats across this article's source, learned once a run from up to 200 of its
        articles (in the reader's thread: tens of milliseconds, once per source)."""
        source = chrome.source_key(article.source, article.path)
        found = self._chrome.get(source)
        if found is None:
            found = self._chrome[source] = chrome.learned(
                self.library.neighbours(article, longest=chrome.MAX_LENGTH)
            )
        return found

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
        query = self.session.query
        if not query.is_empty:
            line, spans = snippet(event.article.text, query, width=self._snippet_width)
            self.query_one(MatchLine).show(line if spans else None, spans)

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
