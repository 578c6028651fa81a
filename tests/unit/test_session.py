"""The rules of one run, without a terminal: what the list shows as loading and searching go on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.helpers import StopAfter
from tui import session as session_module
from tui.article import Problem
from tui.library import Row, Stopped
from tui.marks import Marks
from tui.query import parse
from tui.session import Answer, Session
from tui.state import ReadingState
from tui.sync import Update


def row(key: int, path: str = "", title: str = "") -> Row:
    return Row(
        key,
        title or f"Artikel {key}",
        dt.datetime(2024, 1, key % 28 + 1),
        None,
        None,
        100,
        path or f"{key}.txt",
        f"d{key}",
    )


def session(tmp_path: Path, **kwargs: object) -> Session:
    return Session(Marks(ReadingState(tmp_path / "state.sqlite3")), **kwargs)  # type: ignore[arg-type]


def test_a_warm_start_shows_the_newest_rows_before_any_search(tmp_path: Path) -> None:
    s = session(tmp_path)
    applied = s.apply(Update(rows=[row(3), row(2)], newest_first=True), shown_any=False)
    assert applied.first_rows == [3, 2] and applied.refresh_now
    assert s.refresh_due()
    assert not s.refresh_due()  # taken: the next one waits for new rows


def test_rows_taken_back_leave_the_list_with_their_keys(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.apply(Update(rows=[row(1, "a.txt"), row(2, "b.txt")]), shown_any=False)
    s.apply(Update(problems=[Problem("a.txt", "old reason")]), shown_any=True)
    applied = s.apply(Update(removed={"a.txt"}), shown_any=True)
    assert applied.removed == {1}
    assert list(s.rows) == [2]
    assert s.problems == []  # the file's old problem goes with it


def test_an_answer_for_older_text_is_dropped(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.typed("kop")
    s.typed("kope")
    assert s.accept(Answer("kop", parse("kop"), [1], s.rows_version, True), []) is None


def test_an_answer_never_names_a_row_the_session_does_not_hold(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.apply(Update(rows=[row(1, "a.txt"), row(2, "b.txt")]), shown_any=False)
    version = s.rows_version
    s.apply(Update(removed={"a.txt"}), shown_any=True)  # while the search ran
    s.apply(Update(finished=True), shown_any=True)
    shown = s.accept(Answer("", parse(""), [1, 2], version, True), [2])
    assert shown is not None and list(shown.keys) == [2]
    assert shown.search_again  # loading is over: the answer for the final rows, at once


def test_keys_checked_in_the_search_thread_are_checked_again_only_when_rows_moved(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.apply(Update(rows=[row(1, "a.txt"), row(2, "b.txt"), row(3, "c.txt")]), shown_any=False)
    version = s.rows_version
    checked = s.known([3, 9, 2, 1])  # in the search's thread: 9 was never loaded
    assert checked == [3, 2, 1]
    shown = s.accept(Answer("", parse(""), checked, version, True, in_rows=True), [])
    assert shown is not None and shown.keys is checked  # taken as it is: no second pass
    s.apply(Update(removed={"b.txt"}), shown_any=True)  # rows moved after the check
    shown = s.accept(Answer("", parse(""), checked, version, True, in_rows=True), [])
    assert shown is not None and list(shown.keys) == [3, 1]


def test_checking_a_long_answer_stops_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_module, "KNOWN_CHUNK", 2)
    s = session(tmp_path)
    s.apply(Update(rows=[row(k, f"{k}.txt") for k in range(1, 8)]), shown_any=False)
    keys = [7, 9, 5, 3, 1, 8]
    assert s.known(keys, lambda: False) == s.known(keys) == [7, 5, 3, 1]
    second = StopAfter(1)
    with pytest.raises(Stopped):
        s.known(keys, second)
    assert second.asked == 2  # between chunks: the first was checked, the second not begun


def test_after_a_failed_load_answers_are_checked_against_the_rows(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.apply(Update(rows=[row(2)]), shown_any=False)
    s.stopped_loading()
    shown = s.accept(Answer("", parse(""), [1, 2], s.rows_version, True), [])
    assert shown is not None and list(shown.keys) == [2]


def test_the_rest_of_an_answer_extends_its_first_page(tmp_path: Path) -> None:
    s = session(tmp_path, query_text="desa")
    s.apply(Update(rows=[row(k) for k in range(1, 6)], finished=True), shown_any=False)
    first = s.accept(Answer("desa", parse("desa"), [5, 4], s.rows_version, False), [])
    assert first is not None and not first.extend and s.counting
    whole = s.accept(Answer("desa", parse("desa"), [5, 4, 3, 2], s.rows_version, True, keep=True), [5, 4])
    assert whole is not None and whole.extend and not whole.reset and not s.counting
    other = s.accept(Answer("desa", parse("desa"), [3, 2], s.rows_version, True, keep=True), [5, 4, 3, 2])
    assert other is not None and not other.extend and not other.reset  # a new order keeps the cursor


def test_refreshes_while_loading_are_spaced_by_their_cost(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.apply(Update(rows=[row(k) for k in range(1, 11)]), shown_any=False)
    assert s.refresh_due(now=100.0)
    s.searched(0.05, now=100.0)  # a search over what is loaded took 50 ms
    s.apply(Update(rows=[row(11)]), shown_any=True)
    assert not s.refresh_due(now=100.2)
    assert s.refresh_due(now=100.6)  # ten times its cost later
    s.apply(Update(rows=[row(k) for k in range(12, 40)]), shown_any=True)
    assert s.refresh_due(now=100.6)  # twice the rows shown: worth showing at once


def test_the_status_is_data(tmp_path: Path) -> None:
    s = session(tmp_path, sort="title", query_text="x:")
    s.apply(Update(rows=[row(1), row(2)], problems=[Problem("c.txt", "empty")]), shown_any=False)
    assert s.mark("starred", 1) is True
    assert s.mark("read", 2, True) is True
    assert s.mark("read", 99, True) is None
    status = s.status(shown=2)
    assert (status.shown, status.loaded, status.unread, status.starred, status.problems) == (2, 2, 1, 1, 1)
    assert status.loading and status.sort == "title" and status.hint
    s.next_sort()
    assert s.sort == "source"


def test_marks_follow_an_article_through_an_edit(tmp_path: Path) -> None:
    state = ReadingState(tmp_path / "state.sqlite3")
    s = Session(Marks(state))
    s.apply(Update(rows=[row(1, "a.txt"), row(2, "b.txt")]), shown_any=False)
    s.mark("starred", 1, True)
    s.mark("read", 1, True)
    state.set_position("d1", 0.5)
    s.apply(Update(removed={"a.txt"}), shown_any=True)  # the file changed on disk
    edited = Row(7, "Artikel 1 (diedit)", None, None, None, 120, "a.txt", "d1-edited")
    s.apply(Update(rows=[edited]), shown_any=True)
    assert s.marks.has("starred", 7) and s.marks.has("read", 7)
    assert state.starred() == {"d1-edited"} and state.read() == {"d1-edited"}
    assert state.position("d1-edited") == 0.5
    fresh = Row(8, "Baru", None, None, None, 50, "c.txt", "d8")  # a new article at a new path
    s.apply(Update(rows=[fresh]), shown_any=True)
    assert not s.marks.has("starred", 8) and not s.marks.has("read", 8)


def test_a_file_read_again_is_changed_not_gone_and_its_keys_are_paired(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.apply(
        Update(rows=[row(1, "a.txt"), row(2, "b.json", "Satu"), row(3, "b.json", "Dua")]), shown_any=False
    )
    s.reloading()
    s.apply(Update(removed={"a.txt", "b.json"}), shown_any=True)
    applied = s.apply(
        Update(rows=[row(11, "a.txt"), row(12, "b.json", "Dua"), row(13, "b.json", "Tiga")]), shown_any=True
    )
    assert applied.replaced == {1: 11, 3: 12}  # one article by its path, one of several by its title
    assert (s.added, s.taken_back) == (3, 0)  # "3 new or changed, 0 gone"


def test_an_empty_answer_to_is_dup_says_the_groups_are_still_being_made(tmp_path: Path) -> None:
    """After a first load the near-duplicate groups come later (grouping.py): meanwhile is:dup
    finds nothing, and saying "No article matches" would be untrue."""
    s = session(tmp_path)
    s.apply(Update(rows=[row(1, "/a.txt", "Satu"), row(2, "/b.txt", "Dua")]), shown_any=False)
    s.apply(Update(finished=True, grouping=True), shown_any=True)
    s.typed("is:dup")
    s.query = parse("is:dup")
    assert "still being found" in s.why_empty()
    s.query = parse("banjir")  # a filter that asks no group: no match is no match
    assert s.why_empty().startswith("No article matches")
    s.query = parse("is:dup")
    s.apply(Update(finished=True), shown_any=True)  # the groups are in
    assert s.why_empty().startswith("No article matches")


def test_an_empty_list_while_the_articles_are_read_says_so_not_that_nothing_matches(tmp_path: Path) -> None:
    """A list in title order waits for every row (a team library of 1M: 15 s); it said "No article
    matches “”" meanwhile."""
    s = session(tmp_path)
    s.apply(Update(rows=[row(1, "/a.txt", "Satu"), row(2, "/b.txt", "Dua")]), shown_any=False)
    assert s.loading
    assert s.why_empty() == "Reading the articles… (2 so far)"
    s.typed("banjir")
    s.query = parse("banjir")
    assert s.why_empty().startswith("No article matches “banjir” yet")
    s.apply(Update(finished=True), shown_any=True)
    assert s.why_empty().startswith("No article matches “banjir”. Esc")
