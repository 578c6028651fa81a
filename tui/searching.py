"""Searching as the user types, without Textual: the whole policy of a keystroke's search in one place.

`Searcher.typed(text)` runs on the event loop. It parses the filter once and asks the library once
for a first page within a few milliseconds (`AtOnce`: words only, in relevance or date order, the
lock free): found, it is returned at once, so the frame that echoes the key shows the list. The
rest happens on the searcher's own thread and reaches the loop as one posted `Found` a step:

- the first page, when the loop could not have it (a phrase, reading flags, another sort, a load
  writing), with the words around its top article's match when that article is small;
- else the words around the top article's match, fetched and computed once, after the frame with
  the list went out (`painted`): computing them sooner slowed that frame (10-15 ms instead of 4-6);
- the rest of an answer whose first page was not all of it, once typing has rested `REST_SECONDS`
  (a timed wait on the thread's condition, which the next keystroke ends at once).

A newer keystroke (or `again`) supersedes all of this: the older search is stopped within a
millisecond, and what it posted before is dropped by `take`. The session decides what the list does
with an answer (`Session.accept`); this module decides when to search and what to hand over.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from tui.article import Article, as_written
from tui.library import PAGE_ROWS, AtOnce, Stopped
from tui.library.interface import LibraryLike
from tui.query import Query, parse
from tui.search import snippet
from tui.session import Answer, Session, Shown

REST_SECONDS = 0.25  # the rest of an answer once typing has paused this long: most people's keys
# come closer together, and a whole answer at 100k (40-150 ms) is best not fetched between two
AT_ONCE = AtOnce(seconds=0.012, wait=0.002)  # a keystroke's first page on the loop: given up after
# 12 ms (a merged index at 100k answers in 0.3-3 ms; a thread's page reaches the screen 15-30 ms
# later), and the lock waited for 2 ms at most (an article read holds it about 1 ms)
PAINT_WAIT_SECONDS = 0.1  # the snippet waits this long at most for the frame with the list
SMALL_ARTICLE_CHARS = 20_000  # a top article this small has its snippet posted with its page (< 1 ms)


@dataclass(frozen=True)
class Match:
    """The words around the first match in an article, for the match line under the list."""

    text: str  # the filter text it was found for
    key: int
    line: str
    spans: list[tuple[int, int]]


@dataclass(frozen=True)
class Found:
    """One step of a search, posted from the searcher's thread; `Searcher.take` reads it on the loop."""

    generation: int
    answer: Answer | None = None  # keys for the list: a first page, or the whole answer
    match: Match | None = None
    cost: float | None = None  # the search is over and took this long (it paces refreshes)
    failed: str | None = None  # the search raised this (said to the user, the app goes on)


@dataclass(frozen=True)
class _Job:
    generation: int
    text: str
    query: Query
    keep: bool
    first: Answer | None  # the first page the loop found, else None: the thread finds it
    started: float
    sort: str
    reverse: bool


def match_of(article: Article, query: Query, text: str, key: int, width: int) -> Match | None:
    """The words around the first match of `query` in the article (a millisecond, up to 84 ms for a
    512 KB article: never on the event loop)."""
    if query.is_empty:
        return None
    line, spans = snippet(as_written(article.text), query, width=width)
    return Match(text, key, line, spans) if spans else None


class Searcher:
    """Searches for what the user types: the first page at once, the rest on a thread of its own.

    `post` is called on that thread with each `Found` (the screen posts it as a message, so a
    keystroke costs at most one hop to the event loop while typing goes on: the snippet, or the
    page with its snippet; the rest of an answer is one more, once typing rests).
    """

    def __init__(
        self,
        library: LibraryLike,
        session: Session,
        post: Callable[[Found], object],
        *,
        rest_seconds: float | None = None,
        page_rows: int = PAGE_ROWS,
        at_once: AtOnce | None = AT_ONCE,
    ) -> None:
        self.library = library
        self.session = session
        self.post = post
        self.rest_seconds = REST_SECONDS if rest_seconds is None else rest_seconds
        self.page_rows = page_rows
        self.at_once = at_once  # None: the loop never searches (every page comes from the thread)
        self.snippet_width = 60  # the match line's width, set by the screen
        self._cond = threading.Condition()
        self._generation = 0
        self._job: _Job | None = None
        self._painted = True
        self._closed = False
        self._thread: threading.Thread | None = None
        self._article: tuple[int, Article | None] | None = None  # the last top article fetched
        self._match: Match | None = None  # the last snippet computed

    # -- on the event loop ----------------------------------------------------------------------

    def typed(self, text: str, on_screen: Sequence[int]) -> Shown | None:
        """The filter changed to `text`: what the list shows now, if its first page came at once
        (None: it comes from the thread). Any older search is superseded."""
        session = self.session
        session.typed(text)
        started = time.monotonic()
        generation = self._supersede()
        query = parse(text)
        first: Answer | None = None
        shown: Shown | None = None
        if self.at_once is not None:
            # While loading, the library's lock is a write's for hundreds of ms: not waited for.
            at_once = replace(self.at_once, wait=0.0) if session.loading else self.at_once
            try:
                page = self.library.search(
                    query, session.sort, session.reverse, limit=self.page_rows, at_once=at_once
                )
            except Exception:  # Stopped, or a failure the thread meets again and tells
                pass
            else:
                version = session.rows_version
                folded = session.fold(session.known(page.keys), query)
                first = Answer(
                    text,
                    query,
                    folded.keys,
                    version,
                    page.complete,
                    in_rows=True,
                    folded=folded.hidden,
                    unfolded=folded.whole,
                    folding=folded.folding,
                )
                shown = session.accept(first, on_screen)
                if first.complete and (query.is_empty or not first.keys):
                    session.searched(time.monotonic() - started)  # nothing more to do: no thread
                    return shown
        self._start(_Job(generation, text, query, False, first, started, session.sort, session.reverse))
        return shown

    def again(self) -> None:
        """Search again for the filter as it is (new rows, another order): the answer keeps the
        cursor's article, and comes from the thread."""
        session = self.session
        text = session.query_text
        generation = self._supersede()
        job = _Job(generation, text, parse(text), True, None, time.monotonic(), session.sort, session.reverse)
        self._start(job)

    def painted(self) -> None:
        """The frame with the first page went out: the top article's snippet may be computed now."""
        with self._cond:
            self._painted = True
            self._cond.notify_all()

    def take(self, found: Found, on_screen: Sequence[int]) -> tuple[Shown | None, Match | None]:
        """What the list and the match line do with a posted step: (None, None) for a stale one."""
        if found.generation != self._generation:
            return None, None  # a newer keystroke is on its way
        session = self.session
        if found.cost is not None:
            session.searched(found.cost)
        shown = session.accept(found.answer, on_screen) if found.answer is not None else None
        match = found.match if found.match is not None and found.match.text == session.query_text else None
        return shown, match

    def match_for(self, key: int, text: str) -> Match | None:
        """The snippet already computed for this article and filter, if it was (any thread)."""
        match = self._match
        return match if match is not None and match.key == key and match.text == text else None

    def article(self, key: int) -> Article | None:
        """The article under `key`, fetched once for the snippet and the reader (any thread)."""
        kept = self._article
        if kept is not None and kept[0] == key:
            return kept[1]
        article = self.library.article(key)
        self._article = (key, article)
        return article

    def close(self) -> None:
        """No more searches: the thread ends after the step it is in."""
        with self._cond:
            self._closed = True
            self._generation += 1
            self._cond.notify_all()

    @property
    def searching(self) -> bool:
        """A search is under way or waiting to start (for tests and the screen's idle)."""
        return self._job is not None or self._busy

    # -- the thread ----------------------------------------------------------------------------

    _busy = False

    def _supersede(self) -> int:
        with self._cond:
            self._generation += 1
            self._job = None
            self._cond.notify_all()
            return self._generation

    def _start(self, job: _Job) -> None:
        with self._cond:
            if self._closed:
                return
            self._job = job
            self._painted = job.first is None  # a page shown by the loop is painted first
            self._cond.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kliping-search", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._job is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                job, self._job = self._job, None
                self._busy = job is not None
            if job is None:
                continue
            try:
                self._search(job)
            except Stopped:
                pass
            except Exception as error:  # said to the user by the screen; the app goes on
                self.post(Found(job.generation, failed=str(error) or type(error).__name__))
            finally:
                self._busy = False

    def _stale(self, job: _Job) -> bool:
        return self._generation != job.generation

    def _rest(self, job: _Job, seconds: float, until: Callable[[], bool] = lambda: False) -> None:
        """Wait `seconds` or until `until` (a timed wait that a newer search ends at once)."""
        with self._cond:
            self._cond.wait_for(lambda: self._stale(job) or until(), timeout=seconds)
        if self._stale(job):
            raise Stopped

    def _search(self, job: _Job) -> None:
        session, query = self.session, job.query
        stop = lambda: self._stale(job)  # noqa: E731
        flags = session.marks.flags(query) if query.uses_marks else None
        first = job.first
        if first is None:
            version = session.rows_version
            page = self.library.search(query, job.sort, job.reverse, flags, limit=self.page_rows, stop=stop)
            # Checked against the loaded rows here: a whole answer of 100k keys took 25 ms of the loop.
            folded = session.fold(session.known(page.keys, stop), query, stop)
            first = Answer(
                job.text,
                query,
                folded.keys,
                version,
                page.complete,
                job.keep,
                True,
                folded=folded.hidden,
                unfolded=folded.whole,
                folding=folded.folding,
            )
            top = self._top(job, first)
            cost = time.monotonic() - job.started if first.complete else None
            if top is None or len(top[1].text) <= SMALL_ARTICLE_CHARS:  # its snippet goes with the page
                self._post(job, Found(job.generation, first, self._match_in(job, top), cost))
            else:
                self._post(job, Found(job.generation, first))
                self._post(job, Found(job.generation, match=self._match_in(job, top), cost=cost))
        else:
            self._rest(job, PAINT_WAIT_SECONDS, lambda: self._painted)
            shown_rows = len(first.unfolded if first.unfolded is not None else first.keys)  # before folding
            if not first.complete and shown_rows < self.page_rows:
                # The loop's page was a screenful (a team library's): the rest of the page now.
                page = self.library.search(
                    query, job.sort, job.reverse, flags, limit=self.page_rows, stop=stop
                )
                keys = session.known(page.keys, stop)
                folded = session.fold(keys, query, stop)
                first = Answer(
                    job.text,
                    query,
                    folded.keys,
                    first.version,
                    page.complete,
                    True,
                    True,
                    folded=folded.hidden,
                    unfolded=folded.whole,
                    folding=folded.folding,
                )
                self._post(job, Found(job.generation, first))
            cost = time.monotonic() - job.started if first.complete else None
            match = self._match_in(job, self._top(job, first))
            if match is not None or cost is not None:
                self._post(job, Found(job.generation, match=match, cost=cost))
        if first.complete:
            return
        self._rest(job, self.rest_seconds)
        keys = session.known(self.library.search(query, job.sort, job.reverse, flags, stop=stop).keys, stop)
        folded = session.fold(keys, query, stop)  # a few ms at 100k, here rather than on the loop
        rest = Answer(
            job.text,
            query,
            folded.keys,
            first.version,
            True,
            True,
            True,
            folded=folded.hidden,
            unfolded=folded.whole,
            folding=folded.folding,
        )
        self._post(job, Found(job.generation, rest, cost=time.monotonic() - job.started))

    def _post(self, job: _Job, found: Found) -> None:
        if self._stale(job):
            raise Stopped
        self.post(found)

    def _top(self, job: _Job, first: Answer) -> tuple[int, Article] | None:
        """The answer's top article, when there is a snippet to find in it."""
        if job.query.is_empty or not first.keys:
            return None
        article = self.article(first.keys[0])
        return None if article is None else (first.keys[0], article)

    def _match_in(self, job: _Job, top: tuple[int, Article] | None) -> Match | None:
        """The snippet of the answer's top article: computed once per answer."""
        if top is None:
            return None
        key, article = top
        match = self.match_for(key, job.text) or match_of(
            article, job.query, job.text, key, self.snippet_width
        )
        if match is not None:
            self._match = match
        return match
