"""Pilot tests: drive the real app with keys and check what a user would see."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual import events
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Log
from textual.worker import WorkerCancelled, WorkerFailed

from tests.helpers import (
    many_articles,
    matches_shown,
    reader_lines,
    small_collection,
    watches_in_place,
    write_article,
)
from tui import sync
from tui.app import KlipingApp
from tui.dialogs.common import HelpScreen, ProblemsScreen
from tui.library import Library, Row
from tui.screens.main import MainScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.match_line import MatchLine
from tui.widgets.reader import Reader


async def settle(pilot: Pilot[None]) -> None:
    """Wait on the app's own state: loading over, the list up to date, the reader caught up, no worker."""
    app = pilot.app
    still = 0
    for _ in range(2000):
        await pilot.pause()
        # The folder watcher runs as long as the app: it is never "done".
        busy = [worker for worker in app.workers if not worker.is_finished and worker.group != "watch"]
        idle = all(getattr(screen, "idle", True) for screen in app.screen_stack)
        still = still + 1 if not busy and idle else 0
        if still >= 2:  # twice in a row: a message on its way (one that starts a worker) has arrived
            break
        if not busy and idle:
            continue
        if busy:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await app.workers.wait_for_complete(busy)
        else:
            await pilot.pause(0.01)  # a timer (the reader's follow) is due: let the loop run it
    await pilot.pause()


async def until(pilot: Pilot[None], check: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Let the app run until `check()` holds; `seconds` is a ceiling, only reached when it fails."""
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"{what}: not within {seconds} s")


def titles(app: KlipingApp) -> list[str]:
    return [row.title for row in app.query_one("#articles", ArticleList).articles]


def status(app: KlipingApp) -> str:
    return str(app.query_one("#status").render())


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    return small_collection(tmp_path / "clips")


async def test_lists_every_article_newest_first(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert titles(app) == [
            "Koperasi Perempuan Tumbuh di Sumenep",
            "Forum Pertemuan Mitra Program INKLUSI",
            "Pelatihan Kader Desa di Makassar",
        ]
        assert "3 of 3 articles" in status(app)


async def test_reader_shows_clean_body_and_raw_toggle_shows_leftovers(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the Kompasiana article
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        text = "\n".join(reader_lines(reader))
        assert "Forum Pertemuan Mitra Program INKLUSI" in text
        assert "penguatan jejaring" in text
        assert "13 Oct 2022 18:10" in text
        assert "BERI NILAI" not in text
        await pilot.press("r")
        await settle(pilot)
        raw = "\n".join(reader_lines(reader))
        assert "BERI NILAI" in raw
        await pilot.press("r")
        await settle(pilot)
        assert "BERI NILAI" not in "\n".join(reader_lines(reader))


async def test_filter_narrows_highlights_and_escape_restores(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, FilterBar)
        for key in "koperasi":
            await pilot.press(key)
        await settle(pilot)
        assert titles(app) == ["Koperasi Perempuan Tumbuh di Sumenep"]
        assert "1 of 3 articles" in status(app)
        reader = app.query_one("#reader", Reader)
        assert matches_shown(reader)[1] >= 2  # the title and the body
        # The list marks the match in the title with the match style.
        article_list = app.query_one("#articles", ArticleList)
        line = article_list.render_line(0)
        assert any(seg.style and seg.style.underline for seg in line if "Koperasi" in seg.text)
        await pilot.press("escape")
        await settle(pilot)
        assert app.query_one(FilterBar).value == ""
        assert len(titles(app)) == 3
        assert isinstance(app.focused, ArticleList)


async def test_filter_is_accent_and_case_insensitive_any_order(collection: Path) -> None:
    app = KlipingApp([collection], filter_text="SUMÉNEP koperasi")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert titles(app) == ["Koperasi Perempuan Tumbuh di Sumenep"]


async def test_keys_typed_in_one_burst_all_arrive(collection: Path) -> None:
    """A fast typist's "/koperasi<Enter>j" reaches the filter, then the list, losing nothing."""
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        burst = [("slash", "/")] + [(c, c) for c in "desa"] + [("enter", "\r"), ("G", "G")]
        for key, character in burst:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.query_one(FilterBar).value == "desa"
        article_list = app.query_one("#articles", ArticleList)
        assert app.focused is article_list
        assert titles(app) == ["Pelatihan Kader Desa di Makassar"]


async def test_enter_in_filter_moves_to_first_match(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("G", "slash", "d", "e", "s", "a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        assert app.focused is article_list
        assert article_list.cursor == 0
        assert titles(app)[0] == "Pelatihan Kader Desa di Makassar"


async def test_keys_move_the_cursor_and_brackets_change_article(tmp_path: Path) -> None:
    app = KlipingApp([many_articles(tmp_path / "many", 120)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        assert len(article_list.keys) == 120
        await pilot.press("j", "j", "down")
        assert article_list.cursor == 3
        await pilot.press("k")
        assert article_list.cursor == 2
        await pilot.press("G")
        assert article_list.cursor == 119
        await pilot.press("g", "pagedown")
        assert article_list.cursor > 10
        await pilot.press("home", "enter")
        await settle(pilot)
        assert isinstance(app.focused, Reader)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert article_list.cursor == 1
        reader = app.query_one("#reader", Reader)
        assert reader.article is not None
        assert reader.article.title == article_list.articles[1].title
        await pilot.press("left_square_bracket")
        assert article_list.cursor == 0
        await pilot.press("escape")
        assert app.focused is article_list


async def test_mouse_click_selects_a_row(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        await pilot.click("#articles", offset=(5, 3))  # border, then rows 0, 1, 2
        await settle(pilot)
        assert article_list.cursor == 2
        reader = app.query_one("#reader", Reader)
        assert reader.article is not None
        assert reader.article.title == "Pelatihan Kader Desa di Makassar"


async def test_help_lists_every_key(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(
            line.text for line in app.screen.query_one("#help-text").render_lines(Region(0, 0, 100, 200))
        )
        for words in ("Filter", "Raw/clean", "Next match", "Quit", "Previous", "Sort", "Help"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_problems_are_counted_and_listed(collection: Path) -> None:
    (collection / "empty.txt").write_text("")
    (collection / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(titles(app)) == 3
        assert "2 problems" in status(app)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        lines = app.screen.query_one("#problems-log").lines
        assert any("empty.txt" in line for line in lines)
        assert any("binary.txt" in line for line in lines)


async def test_narrow_terminal_stacks_list_above_reader(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        left = app.query_one("#left").region
        reader = app.query_one("#reader").region
        assert left.width == reader.width == 80
        assert reader.y >= left.bottom
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = app.query_one("#left").region
        reader = app.query_one("#reader").region
        assert reader.x >= left.right
        assert reader.y == left.y


async def test_sort_key_cycles_order(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # relevance (= date without a query) -> date
        await settle(pilot)
        await pilot.press("s")  # -> title
        await settle(pilot)
        assert titles(app) == sorted(titles(app), key=str.lower)
        await pilot.press("S")
        await settle(pilot)
        assert titles(app) == sorted(titles(app), key=str.lower, reverse=True)


async def test_seeds_smoke(seeds: Path) -> None:
    app = KlipingApp([seeds])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(titles(app)) == 2
        assert any(title.startswith("Dukung Penguatan Kapasitas OMS") for title in titles(app))
        assert "2 of 2 articles" in status(app)


async def test_reading_width_keys_change_the_measure(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        widest = max(len(line) for line in reader_lines(reader))
        await pilot.press("minus", "minus")
        await settle(pilot)
        assert reader.measure == 60
        assert max(len(line.strip()) for line in reader_lines(reader)) <= 60
        await pilot.press("plus")
        assert reader.measure == 70
        for _ in range(30):
            await pilot.press("plus")
        assert reader.measure == reader.widest_measure < 200  # it stops at the pane's width
        assert widest > 0


async def test_copy_puts_the_clean_text_on_the_clipboard(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard.startswith("Forum Pertemuan Mitra Program INKLUSI\n\n")
        assert "penguatan jejaring" in app.clipboard
        assert "BERI NILAI" not in app.clipboard


async def test_open_runs_the_editor_on_the_file(
    collection: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    editor = tmp_path / "myeditor"
    editor.write_text("#!/bin/sh\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", f"{editor} --wait")
    monkeypatch.setattr("tui.opening.subprocess.run", lambda command, check: calls.append(command))
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(type(app), "suspend", contextlib.nullcontext)
        await pilot.press("o")
        await pilot.pause()
        assert calls == [[str(editor), "--wait", str(collection / "c.txt")]]


async def test_warm_start_shows_the_cache_then_drops_deleted_files(collection: Path) -> None:
    app = KlipingApp([collection], cache=collection.parent / "cache.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(titles(app)) == 3
    (collection / "a.txt").unlink()
    (collection / "c.txt").write_text("Judul Baru Koperasi\n\nIsi yang diperbarui.\n")
    app = KlipingApp([collection], cache=collection.parent / "cache.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert sorted(titles(app)) == ["Forum Pertemuan Mitra Program INKLUSI", "Judul Baru Koperasi"]
        assert "2 of 2 articles" in status(app)


async def test_the_cursor_row_shows_whether_the_list_has_focus(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        focused = list(article_list.render_line(0))[0].style
        await pilot.press("slash")
        await settle(pilot)
        blurred = list(article_list.render_line(0))[0].style
        assert focused is not None and blurred is not None
        assert focused.bgcolor != blurred.bgcolor  # the row drawn before focus moved is not reused
        await pilot.press("escape")
        await settle(pilot)
        assert list(article_list.render_line(0))[0].style == focused


async def type_until_the_first_page(
    pilot: Pilot[None], monkeypatch: pytest.MonkeyPatch, text: str, *, rows: int, rest: float
) -> tuple[ArticleList, threading.Event]:
    """Type a filter whose first page has `rows` rows, and wait until the list shows just that page.

    The rest of the answer waits for the event returned (set it before settling): on a busy
    machine it could otherwise arrive before the test looks at the first page."""
    app = pilot.app
    app.main.searcher.page_rows = rows
    app.main.searcher.rest_seconds = rest
    gate = threading.Event()
    original = app.library.search

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("limit") is None and kwargs.get("at_once") is None:  # a whole answer
            gate.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(app.library, "search", held)
    await settle(pilot)
    article_list = app.query_one("#articles", ArticleList)
    await pilot.press("/", *text)
    for _ in range(200):
        await pilot.pause(0.01)
        if app.session.query_text == text and len(article_list.keys) == rows:
            break
    return article_list, gate


async def test_a_broad_filter_shows_a_first_page_then_the_whole_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = KlipingApp([many_articles(tmp_path / "many", 120)])
    async with app.run_test(size=(120, 36)) as pilot:
        article_list, rest = await type_until_the_first_page(pilot, monkeypatch, "desa", rows=20, rest=0.6)
        assert len(article_list.keys) == 20 and app.session.counting
        assert "20+ of 120 articles" in status(app)
        page = list(article_list.keys)
        await pilot.press("escape")  # back to the list: Esc in the bar clears it, so go by focus
        app.query_one(ArticleList).focus()
        await pilot.press("down", "down", "down")
        chosen = article_list.current_key
        rest.set()
        await settle(pilot)
        assert len(article_list.keys) == 120 and not app.session.counting
        assert list(article_list.keys[:20]) == page
        assert article_list.current_key == chosen  # the rest arrived without moving the cursor
        assert "120 of 120 articles" in status(app)


async def test_typing_on_stops_the_search_for_what_was_typed_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = KlipingApp([many_articles(tmp_path / "many", 60)])
    async with app.run_test(size=(120, 36)) as pilot:
        app.main.searcher.page_rows = 5
        app.main.searcher.rest_seconds = 0.5  # longer than the pilot takes per key
        await settle(pilot)
        searched: list[str] = []
        original = app.library.search

        def spy(query, *args, **kwargs):  # type: ignore[no-untyped-def]
            if kwargs.get("limit") is None:  # a whole answer
                searched.append(query.text)
            return original(query, *args, **kwargs)

        monkeypatch.setattr(app.library, "search", spy)
        await pilot.press("/", *"desa isi")
        await settle(pilot)
        # Keys come faster than the pause that starts a whole answer: only the last text gets one.
        assert set(searched) == {"desa isi"}
        assert len(app.query_one("#articles", ArticleList).keys) == 60


async def test_rows_taken_back_after_a_warm_start_leave_the_list_first(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crash on start when files changed since the last run, without relying on timing.

    The cache's newest rows are shown at once; the next update takes back those whose files
    changed. The list must never hold a key whose row is gone (a KeyError on the next frame).
    """
    from tui.library import Library
    from tui.screens import loading as loading_module
    from tui.sync import Update, sync

    cache = collection.parent / "cache.sqlite3"
    library = Library(cache)
    for _update in sync(library, [str(collection)]):
        pass
    rows = library.rows(newest_first=True)
    library.close()
    changed = {rows[0].path, rows[2].path}  # the cursor's article and one below it

    def replay(library: object, paths: object, **kwargs: object) -> Iterator[Update]:
        yield Update(rows=rows, newest_first=True, done=3, total=3)
        yield Update(removed=changed, done=1, total=3)
        yield Update(done=3, total=3, finished=True)

    monkeypatch.setattr(loading_module, "sync", replay)
    app = KlipingApp([collection], cache=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        assert [row.title for row in article_list.articles] == [rows[1].title]
        assert [strip.text.strip() for strip in map(article_list.render_line, range(2))][1] == ""
        assert article_list.current_key == rows[1].key


async def test_the_list_is_still_once_a_key_has_shown_its_first_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of a key's first frame are the rows that stay: the rest of the answer, the reader
    and the words around the match (a line of its own now) move none of them."""
    app = KlipingApp([many_articles(tmp_path / "many", 120)])
    async with app.run_test(size=(120, 36)) as pilot:
        # A first page of more than a screenful, fewer than all.
        article_list, rest = await type_until_the_first_page(pilot, monkeypatch, "desa", rows=40, rest=0.3)
        await pilot.pause()  # the frame that shows it: laid out and painted
        assert app.session.counting  # the first page, the rest to come
        height = article_list.scrollable_content_region.height
        first_frame = [article_list.render_line(y).text for y in range(height)]
        match_line = app.query_one(MatchLine)
        assert match_line.display and "desa" in str(match_line.render()).lower()
        rest.set()
        await settle(pilot)
        assert not app.session.counting and len(article_list.keys) == 120
        assert article_list.scrollable_content_region.height == height
        assert [article_list.render_line(y).text for y in range(height)] == first_frame


@pytest.mark.parametrize(
    ("files", "filter_text", "said"),
    [
        ({}, "", "No articles here"),
        ({"a.txt": b"", "b.json": b"{"}, "", "None of the 2 files found could be read"),
        (
            {"a.txt": b"Judul Satu\n\nIsi artikel yang cukup panjang untuk dibaca.\n"},
            "zzzz",
            "No article matches",
        ),
    ],
    ids=["empty-folder", "only-bad-files", "no-match"],
)
async def test_an_empty_list_says_why(
    tmp_path: Path, files: dict[str, bytes], filter_text: str, said: str
) -> None:
    folder = tmp_path / "kliping-folder"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    app = KlipingApp([folder], filter_text=filter_text)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        assert said in article_list.render_line(0).text
        reader = app.query_one("#reader", Reader)
        for _ in range(100):  # the reader is told after the list: on a busy machine, a frame or more later
            if said in "\n".join(reader_lines(reader)):
                break
            await pilot.pause(0.05)
        assert said in "\n".join(reader_lines(reader))
        assert "kliping-folder" in str(article_list.border_title)  # what was opened


async def test_changes_on_disk_show_up_on_reload_and_when_watched(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_place = watches_in_place(monkeypatch)
    app = KlipingApp([collection], watch_files=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(titles(app)) == 3
        watcher = app.main.watcher
        await until(pilot, lambda: in_place(watcher), "the watch in place")  # what came before: unseen
        (collection / "a.txt").unlink()
        (collection / "d.txt").write_text("Artikel Baru dari Disk\n\nIsi artikel baru yang cukup panjang.\n")
        for _ in range(3000):  # the watcher debounces for 1.6 s, then the folders are read again
            await pilot.pause(0.02)
            if "Artikel Baru dari Disk" in titles(app) and len(titles(app)) == 3:
                break
        await settle(pilot)
        assert sorted(titles(app)) == sorted(
            [
                "Artikel Baru dari Disk",
                "Forum Pertemuan Mitra Program INKLUSI",
                "Koperasi Perempuan Tumbuh di Sumenep",
            ]
        )
        assert any("Updated from disk: 1 new or changed, 1 gone." in n.message for n in app._notifications)
        assert app.session.marks.unread == 3  # nothing counted twice by reading the cache again
        (collection / "e.txt").write_text("Satu Lagi\n\nIsi artikel yang lain, juga cukup panjang.\n")
        await pilot.press("ctrl+r")  # the palette's Reload, and the key
        await settle(pilot)
        assert "Satu Lagi" in titles(app)


NEW_TITLE = "Artikel Baru dari Disk"


def during_a_bulk_load(monkeypatch: pytest.MonkeyPatch, batch_written: Callable[[], None]) -> None:
    """The collection's first load made a bulk one (one file read ahead, two in bulk), with
    `batch_written` called once just before the bulk batch is written."""
    monkeypatch.setattr(sync, "FIRST", 1)
    monkeypatch.setattr(sync, "BULK_FROM", 2)
    put_files = Library.put_files
    called: list[bool] = []

    def put(library: Library, batch: list[sync.FileItems]) -> list[Row]:
        if not called and len(batch) == 2:
            called.append(True)
            batch_written()
        return put_files(library, batch)

    monkeypatch.setattr(Library, "put_files", put)


async def wait_for_new_title(pilot: Pilot[None], app: KlipingApp) -> None:
    """Until the file added shows up (the watcher debounces, compares, then reads the folders)."""
    for _ in range(3000):  # a ceiling of a minute: it ends when the title shows
        await pilot.pause(0.02)
        if NEW_TITLE in titles(app):
            break
    await settle(pilot)


def add_a_file(folder: Path) -> None:
    (folder / "d.txt").write_text(f"{NEW_TITLE}\n\nIsi artikel baru yang panjang.\n")


async def test_the_watcher_steps_aside_for_a_bulk_load_and_misses_nothing(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """inotify tells the watcher of every file a load reads: it stops for a bulk load, and once
    it is back the folders are compared with the cache, so a file added meanwhile shows up."""
    app = KlipingApp([collection], watch_files=True)
    watching_during_load: list[bool] = []

    def look_and_add() -> None:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        watching_during_load.append(screen.watcher.watching)
        add_a_file(collection)

    during_a_bulk_load(monkeypatch, look_and_add)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_new_title(pilot, app)
        assert watching_during_load == [False]
        assert len(titles(app)) == 4 and NEW_TITLE in titles(app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.watcher.watching


async def test_the_watcher_comes_back_after_a_bulk_load_that_failed(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail() -> None:
        raise RuntimeError("disk gone for a moment")

    during_a_bulk_load(monkeypatch, fail)
    in_place = watches_in_place(monkeypatch)
    app = KlipingApp([collection], watch_files=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert any("disk gone for a moment" in n.message for n in app._notifications)
        watcher = app.main.watcher
        assert watcher.watching
        await until(pilot, lambda: in_place(watcher), "the watch in place again")
        add_a_file(collection)
        await wait_for_new_title(pilot, app)
        assert len(titles(app)) == 4 and NEW_TITLE in titles(app)


async def test_esc_in_the_filter_keeps_the_cursor_on_the_article_found(tmp_path: Path) -> None:
    app = KlipingApp([many_articles(tmp_path / "many", 30)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"desa 5", "enter", "down")
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        found = article_list.current_key
        assert found is not None and article_list.cursor == 1
        await pilot.press("slash", "escape")  # clear the filter: the whole list, the same article
        await settle(pilot)
        assert len(article_list.keys) == 30
        assert article_list.current_key == found


async def test_small_things_people_hit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(Path, "home", lambda: home)  # no ~/Downloads here
    monkeypatch.chdir(tmp_path)
    app = KlipingApp([many_articles(tmp_path / "many", 5)])
    async with app.run_test(size=(200, 40)) as pilot:
        assert isinstance(app.focused, ArticleList)  # keys typed at start go to the list
        await settle(pilot)
        for _ in range(20):  # far wider than the pane
            await pilot.press("plus")
        reader = app.query_one("#reader", Reader)
        assert reader.measure == reader.widest_measure  # grew, then stopped at the pane's width
        assert "The text already fills the pane." in [n.message for n in app._notifications]
        app.action_show_help_panel()  # the palette's Keys
        await settle(pilot)
        assert app.screen.query("HelpPanel")
        await pilot.press("escape")
        await settle(pilot)
        assert not app.screen.query("HelpPanel")
        app.action_screenshot()
        await settle(pilot)
        for _ in range(100):
            if list(tmp_path.glob("*.svg")):
                break
            await pilot.pause(0.05)
        assert list(tmp_path.glob("*.svg"))  # in the current folder, not a missing ~/Downloads


async def test_enter_after_moves_in_one_burst_opens_where_the_moves_went(tmp_path: Path) -> None:
    """`j j j j Enter` in one write (a slow SSH link) opens the fifth article, not the first."""
    app = KlipingApp([many_articles(tmp_path / "many", 8)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for key, character in [("j", "j")] * 4 + [("enter", "\r")]:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.query_one("#articles", ArticleList).cursor == 4
        assert isinstance(app.focused, Reader)


async def test_the_raw_view_strikes_through_what_cleaning_took_out(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "r")  # the Kompasiana article, as saved
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        reader.scroll_to(y=0, animate=False)
        lines = [reader.render_line(y) for y in range(reader.scrollable_content_region.height)]
        struck = {
            s.text.strip() for line in lines for s in line if s.style and s.style.strike and s.text.strip()
        }
        kept = {
            s.text.strip()
            for line in lines
            for s in line
            if s.text.strip() and not (s.style and s.style.strike)
        }
        assert "BERI NILAI" in struck  # a leftover, dimmed where it stands
        assert any("penguatan jejaring" in text for text in kept)  # the article itself is not
        assert any("Struck-through lines" in line for line in reader_lines(reader))


async def test_an_article_fetched_before_the_raw_view_was_asked_for_still_gets_its_file(
    collection: Path,
) -> None:
    """`j` then `r` at once: the next article's fetch began with the raw view off, and lands with
    it on. The reader asks for the file then, rather than say "Reading the file…" for good."""
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        reader = app.query_one("#reader", Reader)
        second = app.library.article(article_list.keys[1])  # the Kompasiana article
        assert second is not None
        reader.raw = True  # `r`, while the reader still shows the first article
        reader.show(second)  # the fetch started before it: no raw text with it
        await settle(pilot)
        assert reader.article is second and not reader.raw_pending
        assert any("BERI NILAI" in line for line in reader_lines(reader))


async def test_files_kliping_does_not_read_are_counted_in_the_problems(collection: Path) -> None:
    (collection / "notes.xyz").write_text("not an article format")
    (collection / "data.bin2").write_text("nor this")
    (collection / "photo.jpg").write_bytes(b"\xff\xd8")  # a page asset: skipped quietly
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        text = "\n".join(app.screen.query_one(Log).lines)
        assert "2 files of types kliping does not read (.bin2, .xyz)" in text
        assert "photo.jpg" not in text


def site_articles(folder: Path, count: int, chrome_line: str) -> None:
    for n in range(count):
        body = [
            f"Warga desa {n} menanam {n + 3} pohon di tepi sungai pada pagi hari.",
            chrome_line,
            f"Kegiatan ke-{n} ini didukung oleh kelompok tani setempat dan pemerintah desa.",
        ]
        write_article(folder, f"a{n}.txt", f"Berita Desa Nomor {n}", f"{n + 1} Mei 2024", body)


@pytest.mark.parametrize(("count", "learned"), [(8, True), (2, False)], ids=["a-site", "two-articles"])
async def test_lines_that_repeat_across_a_source_are_learned_as_page_chrome(
    tmp_path: Path, count: int, learned: bool
) -> None:
    chrome_line = "Ikuti kanal warta desa kami di aplikasi pesan"
    site_articles(tmp_path / "site", count, chrome_line)
    app = KlipingApp([tmp_path / "site"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        text = "\n".join(reader_lines(reader))
        assert "menanam" in text
        assert (chrome_line in text) is not learned  # learned from the collection, never from two
        if learned:
            await pilot.press("r")
            await settle(pilot)
            assert any(chrome_line in line for line in reader_lines(reader))  # struck through, not lost


async def test_the_status_line_stays_one_line_when_the_screen_is_narrow(collection: Path) -> None:
    (collection / "broken.json").write_text("{ not json", encoding="utf-8")
    app = KlipingApp([collection])
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        await pilot.press("asterisk", "s", "s")  # a star and another order: a longer status
        await settle(pilot)
        line = app.query_one("#status")
        assert "problem" in status(app)
        assert len(status(app)) > line.size.width  # it would need two lines
        assert line.size.height == 1
        painted = line.render_line(0).text
        assert painted.rstrip().endswith("…")


async def test_keystrokes_in_the_filter_lay_nothing_out(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layout re-renders the whole screen (10-15 ms at 100k): the filter's text, the list's new
    length, the match line and the reader's new article all change no widget's size."""
    from textual.screen import Screen

    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # the match line takes its row with the focus: that is laid out
        await settle(pilot)
        layouts: list[Screen[object]] = []
        original = Screen._refresh_layout

        def counted(screen: Screen[object], *args: object, **kwargs: object) -> None:
            layouts.append(screen)
            original(screen, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        for key in "pertemuan":
            await pilot.press(key)
            await settle(pilot)  # the reader follows too: a new article, a new length
        assert titles(app) and app.query_one("#filter", FilterBar).value == "pertemuan"
        assert layouts == []
        await pilot.press("escape")  # the filter gone, the match line gives its row back
        await settle(pilot)
        assert not app.query_one(MatchLine).display
        await pilot.press("slash", "k", "enter")  # a filter in force keeps it
        await settle(pilot)
        assert app.query_one(MatchLine).display and app.focused is app.query_one("#articles")


async def test_a_keystroke_and_its_first_page_go_out_in_one_frame(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The frame that echoes a key in the filter shows the list's new answer too (the list came a
    frame later, 5-7 ms at 240 fps), and no frame while typing repaints the whole screen (a status
    change did: the reader too, 5-10 ms at 120x40)."""
    from textual._compositor import ChopsUpdate
    from textual.app import App
    from textual.screen import Screen

    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "p")
        await settle(pilot)
        bar = app.query_one("#filter", FilterBar)
        article_list = app.query_one("#articles", ArticleList)
        frames: list[tuple[object, str, list[int]]] = []
        original = App._display

        def recorded(self: App[object], screen: Screen[object], renderable: object) -> None:
            frames.append((renderable, bar.value, list(article_list.keys)))
            original(self, screen, renderable)  # type: ignore[arg-type]

        monkeypatch.setattr(App, "_display", recorded)
        filter_y = bar.region.y
        list_lines = set(range(article_list.region.y, article_list.region.bottom))
        for key in "ertemuan":
            frames.clear()
            await pilot.press(key)
            await settle(pilot)
            assert frames and all(isinstance(update, ChopsUpdate) for update, _, _ in frames)
            update, value, keys = next(f for f in frames if filter_y in {y for y, _, _ in f[0].spans})  # type: ignore[attr-defined]
            assert value == bar.value
            assert keys == list(article_list.keys)  # the answer the list keeps showing
            assert list_lines & {y for y, _, _ in update.spans}  # type: ignore[attr-defined]


async def test_the_same_answer_again_leaves_the_reader_alone(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load's last search often gives the list what it shows already: the reader does not show
    (fetch, wrap, repaint) its article again, with a filter on or not, but follows a new filter."""
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        shown: list[object] = []
        original = reader.show

        def spied(article: object, *args: object, **kwargs: object) -> None:
            shown.append(article)
            original(article, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(reader, "show", spied)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.search_again()
        await settle(pilot)
        assert shown == []
        await pilot.press("slash", *"desa", "enter")
        await settle(pilot)
        assert shown  # a new filter: the reader marks its matches
        shown.clear()
        screen.search_again()
        await settle(pilot)
        assert shown == []
