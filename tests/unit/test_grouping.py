"""Near-duplicate groups of a bulk load are made after it, in the background (tui.library.grouping):
the load's workers leave the sketches to make, the groups come with a later finished update, in a
child process at scale, and a cache whose sketches meant otherwise is rebuilt."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.unit.test_duplicates import ORIGINAL, REWORDED, SYNDICATED, day, groups, make, put, story
from tui import sync as sync_module
from tui.library import Library, grouping
from tui.library.records import prepare
from tui.sync import parse_files, sync


def write(folder: Path, name: str, title: str, paragraphs: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def test_a_bulk_load_leaves_sketches_to_make_and_groups_them_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "c"
    write(folder, "1", "Salinan", SYNDICATED)
    write(folder, "2", "Asli", ORIGINAL)
    write(folder, "4", "Diubah", REWORDED)
    for n in range(10, 40):
        write(folder, str(n), f"Lain {n}", story(n))
    monkeypatch.setattr(sync_module, "FIRST", 1)
    monkeypatch.setattr(sync_module, "BULK_FROM", 10)
    library = Library(tmp_path / "cache.sqlite3")
    updates = list(sync(library, [folder], processes=1))
    finished = [n for n, update in enumerate(updates) if update.finished]
    # Finished once the files are in, and again once the groups are (the list's `×3` marks).
    assert len(finished) == 2 and finished[-1] == len(updates) - 1
    paths = {row.key: Path(row.path).stem for row in library.rows()}
    assert {frozenset(paths[key] for key in library.group(face)) for face in library.group_sizes()} == {
        frozenset({"1", "2", "4"})
    }
    pending = library._conn.execute("SELECT count(*) FROM sketches WHERE grouped = 0 OR sketch = X''")
    assert pending.fetchone()[0] == 0
    library.close()


def test_a_bulk_loads_workers_make_no_sketch(tmp_path: Path) -> None:
    write(tmp_path, "1", "Asli", ORIGINAL)
    [(_path, _size, _mtime, [item])] = parse_files([str(tmp_path / "1.txt")], sketch=False)
    assert getattr(item, "sketch", b"x") is None
    [(_path, _size, _mtime, [item])] = parse_files([str(tmp_path / "1.txt")])
    assert getattr(item, "sketch", b"") != b""


def test_groups_are_made_in_a_child_process_at_scale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grouping, "CHILD_FROM", 1)
    lib = Library(tmp_path / "cache.sqlite3")
    put(lib, make(3, story(1), day(2)))  # held before the load: its copy in the load finds it
    with lib.bulk_load():
        articles = [make(2, ORIGINAL, day(1)), make(1, SYNDICATED, day(3)), make(8, story(1)[:5], day(10))]
        lib.put_files([(a.path, 100, 1, [prepare(a, sketch=False)]) for a in articles])
    assert lib.wait_for_groups(timeout=60)
    assert groups(lib) == {frozenset({"1", "2"}), frozenset({"3", "8"})}
    put(lib, make(4, REWORDED, day(5)))  # an everyday write meets what the child grouped
    assert groups(lib) == {frozenset({"1", "2", "4"}), frozenset({"3", "8"})}
    lib.close()


def test_closing_ends_the_grouping_and_the_next_run_makes_it(tmp_path: Path) -> None:
    lib = Library(tmp_path / "cache.sqlite3")
    lib._grouping.close()  # as if the app quit as the load ended
    with lib.bulk_load():
        articles = [make(2, ORIGINAL, day(1)), make(1, SYNDICATED, day(3))]
        lib.put_files([(a.path, 100, 1, [prepare(a, sketch=False)]) for a in articles])
    assert lib.wait_for_groups(timeout=5) and groups(lib) == set()
    lib.close()
    again = Library(tmp_path / "cache.sqlite3")
    assert again.wait_for_groups(timeout=30)
    assert groups(again) == {frozenset({"1", "2"})}
    again.close()


def test_a_cache_from_before_sketches_were_made_after_the_load_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    lib = Library(path)
    put(lib, make(2, ORIGINAL, day(1)))
    lib.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 10")  # before: a sketch b"" could not be stored
    conn.close()
    again = Library(path)
    assert again.notice is not None and "version" in again.notice
    assert again.rows() == []
    again.close()
