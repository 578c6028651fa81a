"""Bringing the library up to date: cache reuse, changes, deletions, and parallel parsing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import many_articles, write_article
from tui import sync as sync_module
from tui.library import Library
from tui.sync import Update, changed_on_disk, sync


def run(library: Library, folder: Path, processes: int | None = 1) -> list[Update]:
    return list(sync(library, [folder], processes=processes))


def loaded_then_quit(cache: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """A load into `cache` by a run that quits before the index's merge begins (close it)."""
    from tui.library import merges

    with monkeypatch.context() as quitting:
        quitting.setattr(merges.Merges, "start", lambda self, at_least=2: None)
        library = Library(cache)
        run(library, folder)
    return library


def test_second_sync_reuses_the_cache_and_parses_nothing(tmp_path: Path) -> None:
    folder = many_articles(tmp_path / "c", 30)
    cache = tmp_path / "cache.sqlite3"
    first = run(Library(cache), folder)
    assert sum(len(u.rows) for u in first) == 30
    assert len(first) > 2  # the cached (empty) step, parsed batches, the end
    second = run(Library(cache), folder)
    assert len(second[0].rows) == 30  # everything comes from the cache at once
    assert second[0].done == second[0].total == 30
    assert all(not u.rows for u in second[1:])


def test_changed_added_and_deleted_files_are_followed(tmp_path: Path) -> None:
    folder = many_articles(tmp_path / "c", 5)
    cache = tmp_path / "cache.sqlite3"
    run(Library(cache), folder)
    files = sorted(folder.rglob("*.txt"))
    files[0].unlink()
    write_article(folder, "new.txt", "Artikel Baru Sekali", "1 Mei 2023 10:00", ["Isi baru."])
    write_article(folder, files[1].relative_to(folder).as_posix(), "Judul Diubah", "2 Mei 2023", ["x"])
    updates = run(Library(cache), folder)
    assert len(updates[0].rows) == 5  # the cache as it was, shown before the folder is listed
    assert updates[1].removed == {str(files[0]), str(files[1])}  # then taken back where it changed
    parsed = {row.title for u in updates[2:] for row in u.rows}
    assert parsed == {"Artikel Baru Sekali", "Judul Diubah"}
    library = Library(cache)
    assert len(library.rows()) == 5


def test_parallel_parsing_gives_the_same_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = many_articles(tmp_path / "c", 120)
    monkeypatch.setattr(sync_module, "PARALLEL_FROM", 10)
    monkeypatch.setattr(sync_module, "FIRST", 7)
    monkeypatch.setattr(sync_module, "BATCH", 25)
    serial = run(Library(None), folder, processes=1)
    parallel = run(Library(None), folder, processes=2)

    def titles(updates: list[Update]) -> list[str]:
        return sorted(row.title for u in updates for row in u.rows)

    assert titles(parallel) == titles(serial)
    assert len(titles(serial)) == 120
    assert parallel[-1].finished and parallel[-1].done == 120


def test_problems_are_reported_once_and_cached(tmp_path: Path) -> None:
    folder = many_articles(tmp_path / "c", 3)
    (folder / "kosong.txt").write_text("   \n")
    cache = tmp_path / "cache.sqlite3"
    first = [p for u in run(Library(cache), folder) for p in u.problems]
    assert [p.path.endswith("kosong.txt") for p in first] == [True]
    second = [p for u in run(Library(cache), folder) for p in u.problems]
    assert [p.reason for p in second] == [p.reason for p in first]


def test_damage_found_after_opening_sets_the_cache_aside_and_reloads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from tui.library import schema

    folder = many_articles(tmp_path / "c", 300)
    cache = tmp_path / "cache.sqlite3"
    library = Library(cache)
    run(library, folder)
    library.close()
    size = cache.stat().st_size
    with open(cache, "r+b") as damaged:  # garbage over the middle of the file, header intact
        damaged.seek(size // 3)
        damaged.write(b"\xde\xad\xbe\xef" * (size // 12))
    # As for a large cache: no check at open.
    monkeypatch.setattr(schema, "SCHEMA", dataclasses.replace(schema.SCHEMA, check_below=0))
    library = Library(cache)
    updates = run(library, folder)
    assert sum(len(u.rows) for u in updates) == 300
    assert library.notice is not None and "damaged" in library.notice
    assert list(tmp_path.glob("cache.sqlite3.damaged-*"))


def test_articles_cross_processes_unchanged(tmp_path: Path) -> None:
    import pickle

    from tui.sync import parse_files

    folder = many_articles(tmp_path / "c", 3)
    items = parse_files([str(p) for p in sorted(folder.rglob("*.txt"))])
    assert pickle.loads(pickle.dumps(items)) == items
    assert all(item for *_, item in items)


def test_articles_prepared_by_a_worker_are_stored_as_parsed_ones(tmp_path: Path) -> None:
    from tui.loader import load_file
    from tui.query import parse
    from tui.sync import parse_files

    folder = many_articles(tmp_path / "c", 12)
    write_article(
        folder, "lain.txt", "Kata Langka Sekali", "3 Maret 2024", ["Zebra yang jarang muncul.", "Kata lain."]
    )
    paths = [str(p) for p in sorted(folder.rglob("*.txt"))]
    prepared, plain = Library(tmp_path / "a.sqlite3"), Library(tmp_path / "b.sqlite3")
    prepared.put_files(parse_files(paths))  # each new word carried once per chunk
    plain.put_files([(path, 1, 1, load_file(path)) for path in paths])

    def stored(library: Library) -> list[object]:
        rows = sorted(library.rows(), key=lambda row: row.path)
        return [(row.title, row.date, row.words, library.article(row.key)) for row in rows]

    assert stored(prepared) == stored(plain)
    terms = "SELECT term, stem FROM terms ORDER BY term"
    assert prepared._conn.execute(terms).fetchall() == plain._conn.execute(terms).fetchall()
    assert prepared.search(parse("zebra"), limit=200).keys


def test_warm_start_sends_the_newest_screenful_first(tmp_path: Path) -> None:
    folder = many_articles(tmp_path / "c", 260)
    cache = tmp_path / "cache.sqlite3"
    run(Library(cache), folder)
    updates = run(Library(cache), folder)
    head = updates[0]
    assert head.newest_first and len(head.rows) == sync_module.FIRST_SCREEN
    dates = [row.date for row in head.rows]
    assert dates == sorted(dates, reverse=True)
    everything = sorted((row.date for u in updates for row in u.rows), reverse=True)
    assert dates == everything[: len(dates)]  # really the newest of all
    assert len({row.key for u in updates for row in u.rows}) == 260  # and nothing twice


def test_a_folder_typed_relative_or_absolute_shares_one_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    many_articles(tmp_path / "c2k", 12)
    (tmp_path / "c2k" / "kosong.txt").write_text("   \n")
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "cache.sqlite3"
    first = list(sync(Library(cache), ["c2k"], processes=1))
    assert sum(len(u.rows) for u in first) == 12
    assert all(row.path.startswith("c2k/") for u in first for row in u.rows)
    for typed in (str(tmp_path / "c2k"), "./c2k/"):
        library = Library(cache)
        again = list(sync(library, [typed], processes=1))
        assert len(again[0].rows) == 12 and again[0].done == again[0].total  # all from the cache
        assert all(not u.rows and not u.removed for u in again[1:])  # nothing parsed, nothing taken back
        shown = str(Path(typed))  # as the loader gives them: pathlib's form of what was typed
        assert all(row.path.startswith(shown + os.sep) for row in again[0].rows)
        assert [p.path for u in again for p in u.problems] == [os.path.join(shown, "kosong.txt")]
        article = library.article(again[0].rows[0].key)
        assert article is not None and article.path == again[0].rows[0].path
        library.close()


ORPHAN_SCRIPT = """
import os, sys, time
from tui import sync
sync.PARALLEL_FROM = 0
folder = sys.argv[1]
paths = []
for n in range(sync.FIRST + 8):
    path = os.path.join(folder, f"{n}.txt")
    if n < sync.FIRST:
        with open(path, "w") as out:
            out.write(f"Judul {n}\\n\\nBadan artikel nomor {n}.\\n")
    else:
        os.mkfifo(path)  # a worker that opens it waits forever, as on a slow disk
    paths.append(path)
batches = sync._parse(paths, 2, lambda: False)
next(batches)
import multiprocessing
print(" ".join(str(child.pid) for child in multiprocessing.active_children()), flush=True)
time.sleep(120)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_parse_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    """A kliping killed with SIGKILL (or the OOM killer) leaves no worker processes behind."""
    root = Path(__file__).resolve().parents[2]
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_SCRIPT, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env=dict(os.environ, PYTHONPATH=str(root)),
    )
    try:
        assert parent.stdout is not None
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        assert pids, "no worker processes started"
        deadline = time.monotonic() + 15
        while not all(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [pid for pid in pids if alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"workers outlived the parent: {survivors}"


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting for a parent that is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_changes_on_disk_since_a_load_are_told_apart_from_none(tmp_path: Path) -> None:
    folder = many_articles(tmp_path / "c", 5)
    library = Library(tmp_path / "cache.sqlite3")
    run(library, folder)
    assert not changed_on_disk(library, [folder])
    files = sorted(folder.rglob("*.txt"))
    os.utime(files[0], ns=(1, 1))
    assert changed_on_disk(library, [folder])
    run(library, folder)
    assert not changed_on_disk(library, [folder])
    files[1].unlink()
    assert changed_on_disk(library, [folder])
    run(library, folder)
    write_article(folder, "new.txt", "Artikel Baru Sekali", "1 Mei 2023 10:00", ["Isi baru."])
    assert changed_on_disk(library, [folder])


def test_only_a_bulk_load_says_it_is_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = many_articles(tmp_path / "c", 30)
    monkeypatch.setattr(sync_module, "FIRST", 5)
    monkeypatch.setattr(sync_module, "BULK_FROM", 20)
    library = Library(tmp_path / "cache.sqlite3")
    assert [u.bulk for u in run(library, folder)].count(True) == 1  # 25 files after the first 5
    write_article(folder, "new.txt", "Artikel Baru Sekali", "1 Mei 2023 10:00", ["Isi baru."])
    assert not any(u.bulk for u in run(library, folder))


def test_a_bulk_load_finds_the_same_and_leaves_the_index_merging_as_usual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.query import parse

    folder = many_articles(tmp_path / "c", 120)
    small = Library(tmp_path / "small.sqlite3")
    run(small, folder)
    monkeypatch.setattr(sync_module, "BULK_FROM", 10)
    monkeypatch.setattr(sync_module, "BULK_MOST", 40)
    bulk = Library(tmp_path / "bulk.sqlite3")
    updates = run(bulk, folder)
    assert updates[-1].finished and sum(len(u.rows) for u in updates) == 120
    assert not bulk._writer.in_bulk()
    assert bulk.wait_for_merges(timeout=30)
    for text in ("", "artikel", "a", "-artikel"):
        assert len(bulk.search(parse(text)).keys) == len(small.search(parse(text)).keys)


def test_a_bulk_load_takes_its_later_words_from_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past EVERY_WORD_FILES the texts are not split into words; the merge reads them from the index."""
    from tui.query import parse

    folder = many_articles(tmp_path / "c", 60)
    write_article(folder, "zz1.txt", "Kabar Zebra", "3 Maret 2024", ["Zebrakuda bertemu Søren di café."])
    write_article(folder, "zz2.txt", "Kabar Lain", "4 Maret 2024", ["Pertemuan “kuda” dan naïve pelari."])
    small = Library(tmp_path / "small.sqlite3")
    run(small, folder)
    monkeypatch.setattr(sync_module, "BULK_FROM", 10)
    monkeypatch.setattr(sync_module, "BULK_MOST", 20)
    monkeypatch.setattr(sync_module, "EVERY_WORD_FILES", 5)
    monkeypatch.setattr(sync_module, "FIRST", 2)  # the first files read before listing: every word
    monkeypatch.setattr(sync_module, "BATCH", 5)
    cache = tmp_path / "bulk.sqlite3"
    first = loaded_then_quit(cache, folder, monkeypatch)
    assert first._conn.execute("SELECT 1 FROM terms WHERE term = 'zebrakuda'").fetchone() is None
    first.close()
    bulk = Library(cache)
    run(bulk, folder)  # a warm start merges what the last run left, and reads its words
    assert bulk.wait_for_merges(timeout=30) and bulk.wait_for_stems(timeout=30)
    terms = "SELECT term, stem FROM terms ORDER BY term"
    small.wait_for_stems(timeout=30)
    assert bulk._conn.execute(terms).fetchall() == small._conn.execute(terms).fetchall()
    for text in ("zebrak", "søre", "cafe", "naiv", "temu", "kuda"):
        assert bulk.search(parse(text)).keys and len(bulk.search(parse(text)).keys) == len(
            small.search(parse(text)).keys
        )


def test_merges_a_quit_run_left_undone_resume_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.library import merges
    from tui.query import parse

    folder = many_articles(tmp_path / "c", 120)
    monkeypatch.setattr(sync_module, "BULK_FROM", 10)
    monkeypatch.setattr(sync_module, "BULK_MOST", 3)
    monkeypatch.setattr(sync_module, "BATCH", 3)
    cache = tmp_path / "cache.sqlite3"
    first = loaded_then_quit(cache, folder, monkeypatch)
    left = merges.segments(first._conn)
    first.close()
    assert left >= merges.LEFTOVERS_FROM  # a segment a transaction of three files
    again = Library(cache)
    updates = run(again, folder)  # a warm start: nothing to parse, so no bulk load
    assert updates[-1].finished
    assert again.wait_for_merges(timeout=30)
    assert merges.segments(again._conn) == 1
    assert len(again.search(parse("artikel")).keys) == 120


def test_a_first_page_reads_no_tier_after_the_one_that_filled_it(tmp_path: Path) -> None:
    from tui.query import parse

    library = Library(tmp_path / "cache.sqlite3")
    run(library, many_articles(tmp_path / "c", 60))
    matches: list[str] = []
    library._conn.set_trace_callback(lambda sql: matches.append(sql) if "MATCH" in sql else None)
    page = library.search(parse("artikel"), limit=10)
    assert len(page.keys) == 10 and not page.complete
    assert len(matches) == 1  # the first tier had ten: the others were never started


def test_the_rest_of_an_answer_never_waits_for_the_library_lock(tmp_path: Path) -> None:
    import threading

    from tui.query import parse

    library = Library(tmp_path / "cache.sqlite3")
    run(library, many_articles(tmp_path / "c", 60))
    query = parse("artikel -nomor*1")
    whole = library.search(query).keys
    library._answers.written()  # nothing kept: the rest is searched again
    held, done = threading.Event(), threading.Event()

    def hold() -> None:  # a long write, or another search, holding the library's lock
        with library._db.lock:
            held.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        found: list[list[int]] = []
        rest = threading.Thread(target=lambda: found.append(library.search(query).keys))
        rest.start()
        rest.join(5)
        assert found == [whole]  # found while the lock was held, and the same answer
    finally:
        done.set()
        holder.join()


@pytest.mark.parametrize("typed", [".", "./c", "c/", "c//", "../w/c", "c/bulk/000/00001.txt"])
def test_the_warm_check_finds_every_file_as_the_cache_knows_it_however_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    folder = many_articles(tmp_path / "w" / "c", 12)
    monkeypatch.chdir(folder if typed == "." else folder.parent)
    library = Library(tmp_path / "cache.sqlite3")
    list(sync(library, [typed], processes=1))
    again = list(sync(library, [typed], processes=1))
    assert not any(update.removed for update in again)  # nothing taken back and parsed again
    assert sum(len(update.rows) for update in again) == (1 if typed.endswith(".txt") else 12)  # cached


def test_a_bulk_load_cut_short_is_settled_when_next_opened(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    library = Library(cache)
    library._writer.bulk(True)
    assert library._writer.in_bulk()
    library.close()
    assert not Library(cache)._writer.in_bulk()


def test_large_files_are_parsed_and_written_a_few_megabytes_at_a_time() -> None:
    """Batches by count alone held gigabytes of 5 MB reports: they are bounded by bytes too."""
    from tui import sync as sync_module

    mb = 1024 * 1024
    paths = [f"/r/{n}.txt" for n in range(40)]
    sizes = dict.fromkeys(paths, 5 * mb)
    chunks = sync_module._chunks(paths, sizes)
    assert all(sum(sizes[p] for p in chunk) <= sync_module.CHUNK_BYTES or len(chunk) == 1 for chunk in chunks)
    assert [p for chunk in chunks for p in chunk] == paths  # in order, none lost
    small = [f"/s/{n}.txt" for n in range(450)]
    assert [len(c) for c in sync_module._chunks(small, dict.fromkeys(small, 100))] == [200, 200, 50]
    batches = iter([[(p, 5 * mb, 0, [])] for p in paths])
    groups = list(sync_module._grouped(batches, 2000, sizes))
    assert all(sum(sizes[p] for p, *_ in g) <= sync_module.GROUP_BYTES + 5 * mb for g in groups)
    assert sum(len(g) for g in groups) == 40


def test_the_first_files_of_a_cold_load_are_bounded_by_bytes_too(tmp_path: Path) -> None:
    """A cold load parses its first files before listing the rest: 50 reports of 5 MB were 250 MB at once."""
    for n in range(10):
        with open(tmp_path / f"{n:02d}.txt", "wb") as out:
            out.truncate(5 * 1024 * 1024)  # sparse: only the size matters here
    assert len(sync_module._first_files([tmp_path])) == 2  # 10 MB: past CHUNK_BYTES
    small = tmp_path / "small"
    for n in range(60):
        (small / f"{n:02d}.txt").parent.mkdir(exist_ok=True)
        (small / f"{n:02d}.txt").write_text("Judul\n\nIsi artikel.\n")
    assert len(sync_module._first_files([small])) == sync_module.FIRST


def test_the_folders_listed_by_a_child_since_launch_are_what_sync_would_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tui.listing: the same updates with the child's listing as without, and the child's
    listing taken only once, only for its own paths and only when it arrived whole."""
    from tui import listing as listing_module
    from tui.listing import Listing

    folder = many_articles(tmp_path / "c", 12)
    cache = tmp_path / "cache.sqlite3"
    run(Library(cache), folder)
    files = sorted(folder.rglob("*.txt"))
    files[0].unlink()
    (folder / "bad.txt").mkdir()  # a directory named like an article: a problem either way
    write_article(folder, "new.txt", "Artikel Baru Sekali", "1 Mei 2023 10:00", ["Isi baru."])
    listed_by_scan = sync_module.scan([str(folder)])

    # The libraries' background threads may still run here; the child only lists.
    monkeypatch.setattr(listing_module.threading, "active_count", lambda: 1)
    listing = Listing.start([str(folder)])
    assert listing is not None  # on Linux
    with_child = list(sync(Library(tmp_path / "one.sqlite3"), [folder], processes=1, listing=listing))
    assert listing.take([str(folder)]) is None  # once
    listing.close()
    without = list(sync(Library(tmp_path / "two.sqlite3"), [folder], processes=1))
    assert [
        (u.done, u.total, sorted(u.removed), [(p.path, p.reason) for p in u.problems]) for u in with_child
    ] == [(u.done, u.total, sorted(u.removed), [(p.path, p.reason) for p in u.problems]) for u in without]
    assert sorted(row.title for u in with_child for row in u.rows) == sorted(
        row.title for u in without for row in u.rows
    )

    other = Listing.start([str(folder)])
    assert other is not None
    assert other.take([str(tmp_path)]) is None  # another folder's listing is not taken
    listed = listing_module.scan
    monkeypatch.setattr(listing_module, "scan", lambda paths: time.sleep(60) or listed(paths))
    dead = Listing.start([str(folder)])  # a child that cannot have finished before it is killed
    assert dead is not None
    os.kill(dead._pid, signal.SIGKILL)
    assert dead.take([str(folder)]) is None  # the child died: sync lists in place
    monkeypatch.setattr(listing_module, "scan", listed)
    unused = Listing.start([str(folder)])
    assert unused is not None
    unused.close()  # the app stopped first: the child is ended and reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(unused._pid, os.WNOHANG)

    monkeypatch.setattr(listing_module.threading, "active_count", lambda: 2)
    assert Listing.start([str(folder)]) is None  # forking a process with threads is not safe
    assert sync_module.scan([str(folder)]) == listed_by_scan


def test_a_text_told_free_of_words_beyond_ascii_by_its_bytes_is_so() -> None:
    import json
    import re

    from tui.article import Article, Block
    from tui.library import records
    from tui.library.vocabulary import has_unfolded_word

    allowed = set(records.PUNCTUATION_BYTES)
    for code in [*range(0x80, 0xD800), *range(0xE000, 0x110000)]:
        if set(chr(code).encode()) <= allowed:  # would be taken for punctuation
            assert not re.match(r"\w", chr(code)), hex(code)
    for text in ["plain", "“quoted” — © 2024…", "café", "“naïve”", "ª", "x\u2070", "ø « »", "日本", "⓫"]:
        free = records._no_word_beyond_ascii(f"T\n{text}".encode())
        assert free == (not has_unfolded_word("T", text)), text
    for title, texts in [
        ("T", ['a "b" \\ “c”\n\u2028', "é"]),
        ("T", ["plain “text”", "é\x7f", "x\ty"]),
        ("T", ["plain “text”", "é ©"]),
        ("Two\nlines", ["plain"]),
        ("T", []),
        ("T", ["a\\b"]),
    ]:
        blocks = tuple(Block("paragraph", text) for text in texts)
        article = Article(id="i", path="p", title=title, blocks=blocks, removed=("x", '"y"'))
        prepared = records.prepare(article)
        assert prepared.blocks == json.dumps([[b.kind, b.text] for b in blocks], ensure_ascii=False)
        assert prepared.removed == json.dumps(list(article.removed), ensure_ascii=False)


def test_a_large_update_comes_in_pieces_that_say_the_same() -> None:
    """tui.sync.in_pieces: the event loop takes a 1M-row update in pieces (keys typed meanwhile are
    seen between them); together they take back, report and end as the whole did."""
    from tui.article import Problem
    from tui.library import Row
    from tui.sync import in_pieces

    rows = [Row(n, f"Judul {n}", None, None, None, 10, f"/c/{n}.txt", f"d{n}") for n in range(45)]
    whole = Update(
        rows=rows,
        problems=[Problem("/c/bad.txt", "cannot read")],
        removed={"/c/old.txt"},
        newest_first=True,
        notices=["the cache could not be written"],
        done=45,
        total=45,
        finished=True,
        grouping=True,
    )
    pieces = list(in_pieces(whole, 20))
    assert [len(p.rows) for p in pieces] == [20, 20, 5]
    assert [row for p in pieces for row in p.rows] == rows
    assert [p.problems for p in pieces] == [whole.problems, [], []]
    assert [p.removed for p in pieces] == [{"/c/old.txt"}, set(), set()]
    assert [p.notices for p in pieces] == [whole.notices, [], []]
    assert [p.newest_first for p in pieces] == [True, False, False]
    assert [(p.finished, p.grouping) for p in pieces] == [(False, False), (False, False), (True, True)]
    assert all((p.done, p.total) == (45, 45) for p in pieces)
    assert list(in_pieces(whole, 45)) == [whole]
    assert [len(p.rows) for p in in_pieces(Update(rows=rows[:40], finished=True), 20)] == [20, 20]
    assert [p.finished for p in in_pieces(Update(rows=rows[:40], finished=True), 20)] == [False, True]
