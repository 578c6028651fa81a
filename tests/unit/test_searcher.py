"""The searcher's rules without a terminal: paging, staleness, the rest delay, cancellation, snippets.

The library is a stand-in that answers every filter with the same keys and records what it was
asked; the session is the real one. Posted steps are collected from the searcher's thread.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path

import pytest

from tui import searching
from tui.article import Article, Block
from tui.library import AtOnce, Page, Row, Stopped
from tui.marks import Marks
from tui.query import Query
from tui.searching import Found, Searcher
from tui.session import Session
from tui.state import ReadingState
from tui.sync import Update

KEYS = list(range(100, 0, -1))  # newest first
WAIT = 10  # seconds a test waits for a step it expects: only ever reached when it fails


class Shelf:
    """A library whose every filter matches every key; it records each search and article fetch."""

    def __init__(self, *, at_once: bool = True, screenful: int | None = None) -> None:
        self.at_once = at_once
        self.screenful = screenful  # the loop's page has this many keys (a team library's)
        self.asked: list[tuple[str, int | None, bool]] = []  # (text, limit, at once)
        self.fetched: list[int] = []
        self.whole_gate: threading.Event | None = None  # whole answers wait for it, asking stop()
        self.stopped = threading.Event()
        self.fail: Exception | None = None

    def search(
        self,
        query: Query,
        sort: str = "relevance",
        reverse: bool = False,
        flags: Mapping[str, AbstractSet[int]] | None = None,
        *,
        limit: int | None = None,
        stop: Callable[[], bool] | None = None,
        at_once: AtOnce | None = None,
    ) -> Page:
        self.asked.append((query.text, limit, at_once is not None))
        if self.fail is not None:
            raise self.fail
        if at_once is not None and not self.at_once:
            raise Stopped
        if at_once is not None and self.screenful is not None and limit is not None:
            limit = min(limit, self.screenful)
        if limit is None or query.is_empty:  # without a filter the whole answer is a kept order
            gate = self.whole_gate
            while gate is not None and not gate.wait(0.001):
                if stop is not None and stop():
                    self.stopped.set()
                    raise Stopped
            return Page(list(KEYS), True)
        return Page(KEYS[:limit], len(KEYS) <= limit)

    def article(self, key: int) -> Article | None:
        self.fetched.append(key)
        text = f"Awal artikel {key}. Di tengah ada kata desa yang dicari. Akhir."
        return Article(
            id=str(key), path=f"{key}.txt", title=f"Artikel {key}", blocks=(Block("paragraph", text),)
        )

    def whole(self) -> list[str]:
        """The texts whose whole answer was asked for."""
        return [text for text, limit, now in self.asked if limit is None and not now]


def rows() -> list[Row]:
    return [
        Row(key, f"Artikel {key}", dt.datetime(2024, 1, 1), None, None, 10, f"{key}.txt", f"d{key}")
        for key in KEYS
    ]


@pytest.fixture
def session(tmp_path: Path) -> Session:
    run = Session(Marks(ReadingState(tmp_path / "state.sqlite3")))
    run.apply(Update(rows=rows(), finished=True), shown_any=False)
    return run


@pytest.fixture
def posted() -> queue.Queue[Found]:
    return queue.Queue()


@pytest.fixture
def searcher_for(session: Session, posted: queue.Queue[Found]) -> Iterator[Callable[..., Searcher]]:
    made: list[Searcher] = []

    def make(shelf: Shelf, **kwargs: object) -> Searcher:
        searcher = Searcher(shelf, session, posted.put, page_rows=10, **kwargs)  # type: ignore[arg-type]
        made.append(searcher)
        return searcher

    yield make
    for searcher in made:
        searcher.close()


def next_step(posted: queue.Queue[Found]) -> Found:
    return posted.get(timeout=WAIT)


def frame_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The snippet waits for the frame alone: its 0.1 s at most (for a frame that never comes) ran
    out when the test's thread was held up right after typing, and the snippet came first."""
    monkeypatch.setattr(searching, "PAINT_WAIT_SECONDS", 60)


def test_the_first_page_comes_at_once_its_snippet_after_the_frame_the_rest_after_a_rest(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found], monkeypatch: pytest.MonkeyPatch
) -> None:
    frame_only(monkeypatch)
    shelf = Shelf()
    searcher = searcher_for(shelf, rest_seconds=0.01)
    shown = searcher.typed("desa", [])
    assert shown is not None and list(shown.keys) == KEYS[:10] and not shown.complete
    assert posted.empty()  # the snippet waits for the frame with the page
    searcher.painted()
    step = next_step(posted)
    assert step.answer is None and step.match is not None
    assert step.match.key == KEYS[0] and "desa" in step.match.line
    assert searcher.take(step, shown.keys) == (None, step.match)
    rest = next_step(posted)  # after the rest, with no call from the loop: a timer, not a poll
    shown_rest, _match = searcher.take(rest, shown.keys)
    assert shown_rest is not None and shown_rest.extend and list(shown_rest.keys) == KEYS
    assert shelf.whole() == ["desa"]


def test_a_page_the_loop_cannot_have_comes_from_the_thread_with_its_snippet_in_one_step(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found]
) -> None:
    shelf = Shelf(at_once=False)  # a phrase, reading flags, another sort, a load writing...
    searcher = searcher_for(shelf, rest_seconds=60)
    assert searcher.typed("desa", []) is None
    step = next_step(posted)
    assert step.answer is not None and list(step.answer.keys) == KEYS[:10]
    assert step.match is not None and step.match.key == KEYS[0]
    shown, match = searcher.take(step, [])
    assert shown is not None and list(shown.keys) == KEYS[:10] and match == step.match


def test_a_screenful_on_the_loop_gets_the_rest_of_its_page_from_the_thread_after_the_frame(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found], monkeypatch: pytest.MonkeyPatch
) -> None:
    frame_only(monkeypatch)
    shelf = Shelf(screenful=4)  # a team library reads a screenful on the event loop
    searcher = searcher_for(shelf, rest_seconds=60)
    shown = searcher.typed("desa", [])
    assert shown is not None and list(shown.keys) == KEYS[:4] and not shown.complete
    assert posted.empty()  # after the frame with the screenful
    searcher.painted()
    page = next_step(posted)
    assert page.answer is not None and list(page.answer.keys) == KEYS[:10]
    shown_page, _match = searcher.take(page, shown.keys)
    assert shown_page is not None and shown_page.extend and list(shown_page.keys) == KEYS[:10]
    step = next_step(posted)
    assert step.match is not None and step.match.key == KEYS[0]
    assert shelf.asked == [("desa", 10, True), ("desa", 10, False)]


def test_the_query_is_parsed_once_and_the_library_asked_once_per_step(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found]
) -> None:
    shelf = Shelf()
    searcher = searcher_for(shelf, rest_seconds=0.01)
    searcher.typed("desa", [])
    searcher.painted()
    next_step(posted)
    next_step(posted)
    assert shelf.asked == [("desa", 10, True), ("desa", None, False)]


def test_an_older_keystroke_s_steps_are_dropped(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found], session: Session
) -> None:
    shelf = Shelf(at_once=False)
    searcher = searcher_for(shelf, rest_seconds=60)
    searcher.typed("de", [])
    old = next_step(posted)
    searcher.typed("desa", [])
    assert searcher.take(old, []) == (None, None)
    new = next_step(posted)
    shown, _match = searcher.take(new, [])
    assert shown is not None and session.query_text == "desa"


def test_keys_faster_than_the_rest_delay_get_no_whole_answer(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found]
) -> None:
    shelf = Shelf()
    searcher = searcher_for(shelf, rest_seconds=0.3)
    for text in ("d", "de", "des"):
        searcher.typed(text, [])
        searcher.painted()
    searcher.typed("desa", [])
    searcher.painted()
    # Snippets until the whole answer: the last key's, and on a busy machine an earlier key's too
    # (the thread may take "des" before "desa" is typed); the whole answer is the last key's alone.
    steps = [next_step(posted)]
    while steps[-1].answer is None:
        steps.append(next_step(posted))
    assert all(step.answer is None for step in steps[:-1]) and len(steps) <= 5
    answer = steps[-1].answer
    assert answer is not None and answer.text == "desa" and answer.complete
    time.sleep(0.4)  # past the rest delay: no earlier key's whole answer comes after
    assert shelf.whole() == ["desa"]


def test_a_new_keystroke_stops_the_whole_answer_under_way(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found]
) -> None:
    shelf = Shelf(at_once=False)
    shelf.whole_gate = threading.Event()  # the whole answer takes until stopped
    searcher = searcher_for(shelf, rest_seconds=0)
    searcher.typed("desa", [])
    first = next_step(posted)
    assert first.answer is not None and not first.answer.complete
    searcher.typed("desa warga", [])
    assert shelf.stopped.wait(WAIT)  # the library was told to stop
    page = next_step(posted)
    assert page.answer is not None and page.answer.text == "desa warga"
    shelf.whole_gate.set()
    rest = next_step(posted)
    assert rest.answer is not None and rest.answer.text == "desa warga" and rest.answer.complete
    assert posted.empty()  # nothing more of "desa"


def test_the_top_article_is_fetched_and_its_snippet_computed_once(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found]
) -> None:
    shelf = Shelf(at_once=False)
    searcher = searcher_for(shelf, rest_seconds=60)
    searcher.typed("desa", [])
    step = next_step(posted)
    assert step.match is not None
    # The reader then shows the same article: it takes the searcher's, and its snippet.
    assert searcher.article(KEYS[0]) is not None
    assert searcher.match_for(KEYS[0], "desa") is step.match
    assert shelf.fetched == [KEYS[0]]
    assert searcher.match_for(KEYS[0], "desa warga") is None  # another filter: not that snippet


def test_again_keeps_the_cursor_s_article_and_says_what_it_cost(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found], session: Session
) -> None:
    shelf = Shelf()
    searcher = searcher_for(shelf)
    searcher.again()  # no filter: the whole list, found by the thread
    step = next_step(posted)
    assert step.answer is not None and step.answer.keep and step.cost is not None
    shown, _match = searcher.take(step, [])
    assert shown is not None and not shown.reset


def test_a_failing_search_is_posted_not_raised(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found]
) -> None:
    shelf = Shelf(at_once=False)
    shelf.fail = OSError("disk I/O error")
    searcher = searcher_for(shelf)
    searcher.typed("desa", [])
    step = next_step(posted)
    assert step.failed == "disk I/O error"
    shelf.fail = None
    searcher.typed("desa warga", [])  # the thread is still there
    assert next_step(posted).answer is not None


def test_pages_and_whole_answers_come_folded_and_a_folded_page_is_not_read_again(
    searcher_for: Callable[..., Searcher], posted: queue.Queue[Found], session: Session
) -> None:
    from tui.folding import Groups

    session.groups = Groups.of({100: 98, 98: 98, 97: 97, 60: 97})  # 100 and 98 copies, 97 and 60
    shelf = Shelf()
    searcher = searcher_for(shelf, rest_seconds=0.01)
    shown = searcher.typed("desa", [])
    assert shown is not None and shown.folding
    assert list(shown.keys) == [100, 99, 97, 96, 95, 94, 93, 92, 91]  # 98 folded into 100's row
    assert session.folded == 1
    searcher.painted()
    while True:
        step = next_step(posted)
        if step.answer is not None:
            break
    whole, _match = searcher.take(step, shown.keys)
    assert whole is not None and whole.extend and 60 not in whole.keys and 98 not in whole.keys
    assert session.folded == 2 and len(session.matched) == len(KEYS)
    assert [limit for _text, limit, _now in shelf.asked] == [10, None]  # the folded page: not again
