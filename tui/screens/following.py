"""The reader follows the list: the article under the cursor fetched off the loop and shown a moment
later, `[`, `]` and `U` opening the next one, read marks, and where the reader left each article.

A plain object the main screen holds. Its workers post what they found as messages (`Fetched`,
`RawRead`), which the screen hands back here: the worker never waits for the event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from tui.article import Article
from tui.i18n import _
from tui.loader import raw_text
from tui.reading import Fetched, Fetcher
from tui.session import Session
from tui.widgets.article_list import ArticleList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.match_line import MatchLine
from tui.widgets.reader import Prepared, Reader

if TYPE_CHECKING:
    from tui.app import KlipingApp

READER_DELAY_SECONDS = 0.06  # the reader follows the list's cursor this much later: not per
# key while a key is held (auto-repeat comes every 30-40 ms), and not in the middle of the next one
READER_TYPING_DELAY_SECONDS = 0.3  # or this much when typing changed the list: wrapping an article
# between keys (10 ms) was the largest cause of slow keys at 100k (p95 27 ms -> 11 ms at 150 ms a key)
TYPING_PACE_TIMES = 1.5  # and, while keys keep coming, this many times the gap between the last two:
# at a key every 0.4 s, a follow 0.3 s after each answer was wrapped and painted just as the next key came
TYPING_GAP_SECONDS = 1.0  # keys further apart than this are not "typing on" (nor is the follow delayed more)
READ_AFTER_SECONDS = 2.0  # resting this long on an article in the list marks it read


class Following:
    """Keeps the reader on the list's article and marks what is read.

    Given the app (settings, positions), the session, the fetcher, the widgets it feeds, what has focus,
    where to run a worker or a timer and where to post a worker's result (the screen), and `marked` (a
    read mark changed: the list and the status show it).
    """

    BINDINGS = [
        Binding("left_square_bracket", "previous_article", _("Previous"), id="app.previous"),
        Binding("right_square_bracket", "next_article", _("Next"), id="app.next"),
        Binding("U", "next_unread", _("Next unread article"), show=False, id="app.next_unread"),
    ]

    @dataclass
    class ArticleFetched(Message):
        """An article and what goes with it, fetched for the reader (posted from its worker)."""

        fetched: Fetched | None  # None: the fetch failed (the worker's failure is told)
        asked: int  # which of the reader's fetches this answers
        key: int = 0  # the article's row key
        prepared: Prepared | None = None  # its first lines, wrapped in the worker

    @dataclass
    class RawRead(Message):
        """An article's raw file text, read for the raw view (posted from its worker)."""

        article: Article
        text: str
        whole: int

    def __init__(
        self,
        app: KlipingApp,
        session: Session,
        fetcher: Fetcher,
        articles: ArticleList,
        reader: Reader,
        match_line: MatchLine,
        focused: Callable[[], Widget | None],
        run_worker: Callable[..., object],
        set_timer: Callable[[float, Callable[[], None]], Timer],
        post: Callable[[Message], object],
        marked: Callable[[], None],
    ) -> None:
        self.app = app
        self.session = session
        self.fetcher = fetcher
        self.articles = articles
        self.reader = reader
        self.match_line = match_line
        self.focused = focused
        self.run_worker = run_worker
        self.set_timer = set_timer
        self.post = post
        self.marked = marked
        self.timer: Timer | None = None  # the reader's follow, on its way
        self._read_timer: Timer | None = None
        self._match: Fetched | None = None  # what the reader was last given, with its snippet
        self._stepped_to: int | None = None  # the article `[` or `]` went to: read once the reader shows it
        self._asked = 0  # the reader's fetches asked for, and the last one whose answer was handled
        self._answered = 0
        self._dropped = 0  # the fetches asked for before the last key typed: their answers are not shown
        self._typed_at = (-TYPING_GAP_SECONDS, -TYPING_GAP_SECONDS)  # when the last two keys came (monotonic)

    # -- the reader follows the list ----------------------------------------------------------

    def highlighted(self, key: int | None) -> None:
        """The list's cursor moved: the reader follows a moment later, so a keystroke's list
        change is painted first and holding j, or typing fast, does not wrap an article per key."""
        if self.timer is not None:
            self.timer.stop()

        def follow() -> None:
            self.timer = None
            if key is None:
                self.reader.show_nothing(self.session.why_empty())
            else:
                self.read(key)

        # While typing, the list changes on every key; the article is wrapped once typing pauses.
        typing = isinstance(self.focused(), FilterBar)
        delay = self._typing_delay() if typing else READER_DELAY_SECONDS
        self.timer = self.set_timer(delay, follow)

    def _typing_delay(self) -> float:
        """How long typing must rest before the reader follows: longer than the typist's own pace,
        so that the follow does not come just before their next key."""
        before, last = self._typed_at
        gap = last - before
        if gap >= TYPING_GAP_SECONDS or time.monotonic() - last >= TYPING_GAP_SECONDS:
            return READER_TYPING_DELAY_SECONDS
        return max(READER_TYPING_DELAY_SECONDS, min(TYPING_GAP_SECONDS, TYPING_PACE_TIMES * gap))

    def typed(self) -> None:
        """A key in the filter bar: a follow on its way (its timer, or its article still being fetched)
        waits until typing rests again, for the article the key's answer put under the cursor."""
        self._typed_at = (self._typed_at[1], time.monotonic())
        if self.timer is None and self._answered >= self._asked:
            return
        self._dropped = self._asked
        self.highlighted(self.articles.current_key)

    @property
    def waiting(self) -> bool:
        """The reader is following: the article is still to be fetched, or its answer to be shown."""
        return self.timer is not None or self._answered < self._asked

    def read(self, key: int) -> None:
        """Show this article in the reader, wherever the list's cursor is."""
        raw = self.reader.raw
        self._asked += 1
        asked = self._asked
        prepare = self.reader.preparer()  # the reader's layout and styles now, for the worker to wrap with
        self.run_worker(
            lambda: self._fetch(key, raw, asked, prepare),
            thread=True,
            exclusive=True,
            group="reader-fetch",
            exit_on_error=False,
        )  # a library gone: told

    def _fetch(self, key: int, raw: bool, asked: int, prepare: Callable[[Article], Prepared | None]) -> None:
        """The article, its raw text when the raw view is on, and where the reader left it last time;
        its first lines wrapped here, so that the event loop only swaps them in."""
        try:
            fetched = self.fetcher.fetch(key, raw)
        except Exception:
            self.post(self.ArticleFetched(None, asked))
            raise
        worker = get_current_worker()
        if worker.is_cancelled:  # a newer fetch has taken its place
            return
        prepared = prepare(fetched.article) if fetched.article is not None else None
        if not worker.is_cancelled:
            self.post(self.ArticleFetched(fetched, asked, key, prepared))

    def fetched(self, fetched: Fetched | None, asked: int, prepared: Prepared | None = None) -> None:
        self._answered = max(self._answered, asked)
        if fetched is None or asked <= self._dropped:
            return
        self._match = fetched
        article, raw, position, whole = fetched.article, fetched.raw, fetched.position, fetched.raw_whole
        self.reader.show(article, raw, position, raw_whole=whole, prepared=prepared)

    def raw_wanted(self, article: Article) -> None:
        self.run_worker(lambda: self._read_raw(article), thread=True, exclusive=True, group="reader-raw")

    def _read_raw(self, article: Article) -> None:
        text, whole = raw_text(article)
        self.post(self.RawRead(article, text, whole))

    def position_changed(self, digest: str, fraction: float) -> None:
        self.app.save_position(digest, fraction)

    def leave(self, reader: Reader | None) -> None:
        """Keep where the reader is in its article for next time (the reader may be unmounted by
        now, but the object still knows), and reopen that article at the next start."""
        article = reader.article if reader is not None else None
        if reader is None or article is None:
            return
        if self.app.settings.last != article.digest:
            self.app.save_settings(last=article.digest)
        if reader.position is not None:
            self.app.save_position(article.digest, reader.position)

    # -- read marks -----------------------------------------------------------------------------

    def shown(self, article: Article) -> None:
        """The reader shows an article: read when the user went to it, after a rest if they ask so."""
        articles = self.articles
        if self._read_timer is not None:
            self._read_timer.stop()
        key = articles.current_key
        row = self.session.rows.get(key) if key is not None else None
        if row is None or row.digest != article.digest:
            return  # the list has moved on since the reader fetched this article
        if key is not None:
            focused = self.focused()
            if focused is self.reader or key == self._stepped_to:
                self._stepped_to = None
                self.mark_read(key)  # moving with [ and ] marks on the way
            elif self.app.settings.read_when == "rested" and focused is articles and articles.moved:
                # Resting on an article in the list reads it too, if the user asked for that, but a
                # quick pass over it does not, nor does typing a filter or starting the app.
                self._read_timer = self.set_timer(READ_AFTER_SECONDS, lambda: self.mark_read(key))
        fetched = self._match
        match = fetched.match if fetched is not None else None
        if not self.session.query.is_empty and (match is None or match.text == self.session.query_text):
            # The words around the match, found with the article in the reader's thread.
            self.match_line.show(match.line if match else None, match.spans if match else [])

    def mark_read(self, key: int) -> None:
        if not self.session.marks.has("read", key) and self.session.mark("read", key, True):
            self.marked()

    def stop_resting(self) -> None:
        """A key changed the cursor's article's mark: the resting timer must not undo it."""
        if self._read_timer is not None:
            self._read_timer.stop()

    # -- keys -----------------------------------------------------------------------------------

    def previous_article(self) -> None:
        self._step(-1)

    def next_article(self) -> None:
        self._step(1)

    def _step(self, by: int) -> None:
        """`[` and `]` open the article they go to, from the list too: it is read once shown."""
        articles = self.articles
        before = articles.cursor
        if by < 0:
            articles.action_cursor_up()
        else:
            articles.action_cursor_down()
        self._stepped_to = articles.current_key if articles.cursor != before else None

    def next_unread(self) -> None:
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
            self.app.notify(_("No other unread article in the list."), timeout=3, markup=False)
            return
        articles.moved = True
        articles.cursor = found
        self._stepped_to = articles.current_key
