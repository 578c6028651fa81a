"""A full disk or a read-only folder is not a crash: the cache and the state go on in memory, and say so once.

Run as root, chmod does not make anything unwritable, so the disk is filled with SQLite's own
limit (PRAGMA max_page_count at the file's current size) and a read-only file is opened
read-only; a folder that cannot be made sits under /proc.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.helpers import many_articles, write_article
from tui import sqlite as sqlite_module
from tui.cli import main
from tui.library import Library
from tui.query import parse
from tui.state import ReadingState
from tui.sync import sync

NOWHERE = Path("/proc/kliping-cannot-be-made")  # no one, not even root, makes a folder here


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, a database file opened cannot grow by a single page."""
    connect = sqlite_module.connect

    def full(target: str, busy_timeout_ms: int = sqlite_module.BUSY_TIMEOUT_MS) -> sqlite3.Connection:
        conn = connect(target, busy_timeout_ms)
        if target != ":memory:":
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count={max(pages, 1)}")
        return conn

    monkeypatch.setattr(sqlite_module, "connect", full)


def open_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, database files open read-only, as on a read-only mount."""

    def read_only(target: str, busy_timeout_ms: int = sqlite_module.BUSY_TIMEOUT_MS) -> sqlite3.Connection:
        if target == ":memory:":
            return sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        uri = f"{Path(target).resolve().as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)

    monkeypatch.setattr(sqlite_module, "connect", read_only)


def count_in_file(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    finally:
        conn.close()


def cached_folder(tmp_path: Path, count: int) -> tuple[Path, Path]:
    """A folder of `count` articles, and a cache file that holds them (closed)."""
    folder = many_articles(tmp_path / "c", count)
    cache = tmp_path / "cache.sqlite3"
    library = Library(cache)
    list(sync(library, [folder], processes=1))
    library.close()
    return folder, cache


def test_the_cache_goes_on_in_memory_when_the_disk_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, cache = cached_folder(tmp_path, 20)
    for n in range(40):
        write_article(
            folder, f"baru/{n}.txt", f"Artikel baru {n}", "1 Mei 2023", ["Isi yang panjang. " * 200]
        )
    fill_the_disk(monkeypatch)
    library = Library(cache)
    assert library.notice is None  # opening needs no room
    updates = list(sync(library, [folder], processes=1))
    notices = [notice for update in updates for notice in update.notices]
    assert len(notices) == 1 and "Could not write the cache" in notices[0] and str(cache) in notices[0]
    assert updates[-1].finished
    assert len(library.rows()) == 60  # what the file held came along, and the new articles too
    assert len(library.search(parse("baru")).keys) == 40
    library.put_files([(str(folder / "baru" / "0.txt"), 1, 1, [])])  # later writes go to memory quietly
    assert library.take_notices() == []
    library.close()
    assert count_in_file(cache) == 20  # the file is as the last write that fitted left it


def test_list_says_once_that_the_cache_is_full_and_lists_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = many_articles(tmp_path / "c", 5)
    assert main(["--list", str(folder)]) == 0
    capsys.readouterr()
    for n in range(30):
        write_article(
            folder, f"baru/{n}.txt", f"Artikel baru {n}", "1 Mei 2023", ["Isi yang panjang. " * 200]
        )
    fill_the_disk(monkeypatch)
    assert main(["--list", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 35
    assert err.count("Could not write the cache") == 1, err
    assert "Traceback" not in err


def test_a_read_only_cache_is_read_and_then_kept_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, cache = cached_folder(tmp_path, 10)
    write_article(folder, "baru.txt", "Artikel baru", "1 Mei 2023", ["Isi baru."])
    open_read_only(monkeypatch)
    library = Library(cache)
    updates = list(sync(library, [folder], processes=1))
    assert len(updates[0].rows) == 10  # the warm start still comes from the file
    notices = [notice for update in updates for notice in [library.notice, *update.notices] if notice]
    assert len(set(notices)) == 1 and "cache" in notices[0]
    assert len(library.rows()) == 11
    library.close()
    assert count_in_file(cache) == 10


def test_a_cache_folder_that_cannot_be_made_means_no_cache(tmp_path: Path) -> None:
    library = Library(NOWHERE / "cache.sqlite3")
    assert library.notice is not None and "Could not open the cache" in library.notice
    folder = many_articles(tmp_path / "c", 3)
    updates = list(sync(library, [folder], processes=1))
    assert sum(len(update.rows) for update in updates) == 3
    assert not NOWHERE.exists()


def starred_state(tmp_path: Path) -> Path:
    """A state file (closed) where "aa" is starred."""
    path = tmp_path / "state.sqlite3"
    with ReadingState(path) as state:
        state.toggle_star("aa")
    return path


def test_marks_are_kept_for_the_run_when_the_state_file_cannot_grow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = starred_state(tmp_path)
    fill_the_disk(monkeypatch)
    state = ReadingState(path)
    assert state.notice is None
    for n in range(300):
        state.set_position(f"digest-{n:04d}-" + "x" * 60, 0.5)
    state.set_read("bb")
    notices = state.take_notices()
    assert len(notices) == 1 and "Could not save" in notices[0]
    assert state.take_notices() == []
    assert state.starred() == {"aa"}  # what was saved before is still there
    assert state.read() == {"bb"}
    assert state.position("digest-0299-" + "x" * 60) == 0.5
    state.close()
    with ReadingState(path) as again:
        assert again.starred() == {"aa"} and again.read() == set()


def test_a_read_only_state_file_keeps_its_marks_and_this_runs_marks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = starred_state(tmp_path)
    open_read_only(monkeypatch)
    state = ReadingState(path)
    assert state.starred() == {"aa"}
    assert state.toggle_star("bb") is True
    assert state.starred() == {"aa", "bb"}
    said = [state.notice, *state.take_notices()]
    assert len([notice for notice in said if notice]) == 1
    state.close()


def test_a_state_folder_that_cannot_be_made_keeps_marks_for_the_run() -> None:
    state = ReadingState(NOWHERE / "state.sqlite3")
    assert state.notice is not None and "will not be kept" in state.notice
    state.set_read("aa")
    assert state.read() == {"aa"}
    state.close()


def _star_everything(folder: Path, tmp_path: Path) -> None:
    """Star every article of the folder in the user's state file, and leave it closed."""
    from tui.state import default_state_path

    library = Library(tmp_path / "digests.sqlite3")
    list(sync(library, [folder], processes=1))
    with ReadingState(default_state_path()) as state:
        state.set_many("starred", [row.digest for row in library.rows()], True)
        state.set_note(library.rows()[0].digest, "Catatan")
    library.close()


def test_list_says_when_the_state_file_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    folder = many_articles(tmp_path / "c", 3)
    _star_everything(folder, tmp_path)
    connect = sqlite_module.connect

    def no_room(target: str, busy_timeout_ms: int = sqlite_module.BUSY_TIMEOUT_MS) -> sqlite3.Connection:
        if target.endswith("state.sqlite3"):  # as on a full disk, where its -shm cannot be made
            raise sqlite3.OperationalError("database or disk is full")
        return connect(target, busy_timeout_ms)

    monkeypatch.setattr(sqlite_module, "connect", no_room)
    assert main(["--list", "--format", "jsonl", str(folder)]) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 3 and all(record["starred"] for record in records)  # read from a copy
    said = [line for line in err.splitlines() if "reading state" in line]
    assert len(said) == 1 and said[0].startswith("kliping: Could not save to the reading state file")


def test_list_says_when_the_state_file_was_damaged_and_moved_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.state import default_state_path

    folder = many_articles(tmp_path / "c", 2)
    path = default_state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all " * 100)
    assert main(["--list", "--format", "jsonl", "--filter", "is:starred", str(folder)]) == 1
    err = capsys.readouterr().err
    aside = list(path.parent.glob("state.sqlite3.damaged-*"))
    assert len(aside) == 1
    assert any(
        line.startswith("kliping: The reading state file was unusable") and aside[0].name in line
        for line in err.splitlines()
    )


# -- a state file held by another process, or read-only for a while ------------------------------


def test_a_state_file_held_by_another_process_is_used_in_memory_then_written_once_free(
    tmp_path: Path,
) -> None:
    path = starred_state(tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another kliping, or sqlite3 on the command line, writing
    state = ReadingState(path)
    heard: list[str] = []
    state.listen(heard.append)
    assert state.notice is not None and "held by another program" in state.notice
    assert state.starred() == {"aa"}  # what the file held, read beside the lock
    state.set_read("bb")
    state.set_note("bb", "Catatan saat terkunci")
    assert not state.retry()  # still held: nothing is lost, it stays in memory
    holder.execute("ROLLBACK")
    holder.close()
    assert state.retry()
    assert len(heard) == 1 and "can be written again" in heard[0]
    state.set_starred("cc")  # and from now on, straight to the file
    with ReadingState(path) as other:
        assert other.read() == {"bb"} and other.starred() == {"aa", "cc"}
        assert other.notes() == {"bb": "Catatan saat terkunci"}
    state.close()


def test_a_state_file_that_is_writable_again_takes_the_marks_made_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 0444 -shm (or a read-only mount) the user then fixes, while kliping runs.
    path = starred_state(tmp_path)
    open_read_only(monkeypatch)
    state = ReadingState(path)
    state.toggle_star("bb")
    said = [notice for notice in [state.notice, *state.take_notices()] if notice]
    assert len(said) == 1 and "if it can be written again" in said[0]
    assert not state.retry()
    monkeypatch.undo()  # the permission is fixed
    assert state.retry()
    assert [notice for notice in state.take_notices() if "can be written again" in notice]
    state.close()
    with ReadingState(path) as again:
        assert again.starred() == {"aa", "bb"}


def test_the_background_goes_back_to_the_file_on_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from tui import state as state_module

    monkeypatch.setattr(state_module, "RETRY_SECONDS", 0.05)
    path = tmp_path / "state.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")
    state = ReadingState(path)
    back = threading.Event()
    state.listen(lambda notice: back.set())
    state.set_read("aa")
    holder.execute("ROLLBACK")
    holder.close()
    assert back.wait(30)
    state.close()
    with ReadingState(path) as again:
        assert again.read() == {"aa"}
