"""Small hostile files that cost their reader minutes and gigabytes (issue 19, items 3-6 and 10):
each is refused or read within a bound, said as a problem with its path, and the rest loads."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from benchmarks import hostile_files
from tests.helpers import write_article
from tui import archive, budget, documents, loader
from tui import sync as sync_module
from tui.article import Article, Problem
from tui.cli import main
from tui.library import Library
from tui.loader import load_file, parse_bytes, read_raw
from tui.sync import sync

MB = 1024 * 1024


def reasons(items: list[Article | Problem]) -> list[str]:
    return [str(item.reason) for item in items if isinstance(item, Problem)]


def titles(items: list[Article | Problem]) -> list[str]:
    return [item.title for item in items if isinstance(item, Article)]


# ---------------------------------------------------------------- YAML aliases (item 3)


def test_front_matter_whose_aliases_stand_for_too_much_is_set_aside(tmp_path: Path) -> None:
    # 9^5 = 59,049 strings: cheap enough for the old code to expand into a title, over the bound here.
    path = hostile_files.yaml_alias_bomb(tmp_path, depth=5)
    items = load_file(path)
    assert titles(items) == ["Isi artikel yang pendek"]
    assert reasons(items) == ["front matter ignored: its aliases stand for over 10000 values"]
    article = items[0]
    assert isinstance(article, Article) and "title: *e" in article.removed[0]


def test_the_issue_s_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    path = hostile_files.yaml_alias_bomb(tmp_path)  # 9^8 strings: 27 s and 3.3 GB once expanded
    assert path.stat().st_size < 400
    assert reasons(load_file(path)) == ["front matter ignored: its aliases stand for over 10000 values"]


def test_a_few_aliases_and_a_loop_in_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "few.md"
    path.write_text("---\nsite: &s Kompas\nsource: *s\ntitle: Judul Artikel Biasa\n---\n\nIsi.\n")
    items = load_file(path)
    assert titles(items) == ["Judul Artikel Biasa"] and not reasons(items)
    loop = tmp_path / "loop.md"
    loop.write_text("---\ntitle: &t [*t]\n---\n\nIsi artikel yang berputar.\n")
    assert reasons(load_file(loop)) == ["front matter ignored: its aliases stand for over 10000 values"]


def test_front_matter_nested_thousands_deep_is_malformed_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "deep.md"
    path.write_text("---\ntitle: " + "[" * 20_000 + "]" * 20_000 + "\n---\n\nIsi artikel yang dalam.\n")
    assert titles(load_file(path)) == ["Isi artikel yang dalam"]


# ---------------------------------------------------------------- zip bombs (item 4)


def test_a_docx_whose_document_inflates_hundreds_of_times_is_refused(tmp_path: Path) -> None:
    # 3 MB of paragraphs in ~10 KB: the old code parsed it whole (the issue's 60 MB took 32 s, 1.2 GB).
    path = hostile_files.docx_document_bomb(tmp_path, size=3 * MB)
    assert path.stat().st_size < 64 * 1024
    [reason] = reasons(load_file(path))
    assert reason.startswith("not a readable Word document (word/document.xml inflates over 100 times")


def test_the_issue_s_docx_bombs_are_refused(tmp_path: Path) -> None:
    big = hostile_files.docx_document_bomb(tmp_path, size=60 * MB)
    assert "word/document.xml unpacks to 61 MB or more (the limit is 32 MB)" in reasons(load_file(big))[0]
    core = hostile_files.docx_properties_bomb(tmp_path, size=200 * MB)
    assert "docProps/core.xml unpacks to 200 MB or more (the limit is 1 MB)" in reasons(load_file(core))[0]


def test_a_docx_whose_properties_inflate_past_their_limit_is_refused(tmp_path: Path) -> None:
    path = hostile_files.docx_properties_bomb(tmp_path, size=3 * MB)  # the old code read it whole
    [reason] = reasons(load_file(path))
    assert reason.startswith("not a readable Word document (docProps/core.xml")


def test_a_member_that_lies_about_its_size_stops_at_the_limit() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("a.xml", b"<a>" + b"x" * (3 * MB) + b"</a>")
        zipped.writestr("b.xml", b"<b>small</b>")
    with zipfile.ZipFile(out) as zipped:
        assert archive.read_member(zipped, "b.xml", 1024) == b"<b>small</b>"
        with pytest.raises(archive.ArchiveError, match="a.xml unpacks to"):
            archive.read_member(zipped, "a.xml", MB)
        zipped.getinfo("a.xml").file_size = 10  # a central directory that lies: zipfile stops there
        with pytest.raises(zipfile.BadZipFile):
            archive.read_member(zipped, "a.xml", MB)


def test_archive_listings_and_names() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        for number in range(archive.MEMBERS + 1):
            zipped.writestr(f"m{number}", b"")
    with zipfile.ZipFile(out) as zipped, pytest.raises(archive.ArchiveError, match="members"):
        archive.check(zipped)
    assert archive.safe_name("pocket/part_000000.csv") == "pocket/part_000000.csv"
    for hostile in ("../etc/passwd", "/etc/passwd", "a/../../x", "C:\\x", "..\\x"):
        assert archive.safe_name(hostile) is None, hostile


def test_mhtml_nested_thousands_deep_is_a_problem(tmp_path: Path) -> None:
    parts = []
    for depth in range(3000):
        parts.append(f'Content-Type: multipart/related; boundary="b{depth}"\n\n--b{depth}\n')
    path = tmp_path / "deep.mhtml"
    path.write_text("MIME-Version: 1.0\n" + "".join(parts) + "Content-Type: text/html\n\n<p>x</p>\n")
    [item] = load_file(path)
    assert isinstance(item, Problem) and str(item.reason).startswith("not a readable web archive (")


# ---------------------------------------------------------------- a work budget (item 5)


def good_files(folder: Path, count: int = 3) -> list[str]:
    titles = [f"Artikel Baik Nomor {number} Tentang Desa" for number in range(count)]
    for number, title in enumerate(titles):
        write_article(folder, f"good-{number}.txt", title, "2 Maret 2021 09:00", ["Isi artikel yang tenang."])
    return titles


def test_a_pdf_past_its_time_is_stopped_and_said_and_the_rest_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(budget, "SECONDS", 1.0)  # the 500 pages take a second each
    path = hostile_files.pdf_shared_stream(tmp_path)
    wanted = good_files(tmp_path)
    assert main(["--list", "--no-cache", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert sorted(line.split("  ")[-1] for line in out.splitlines()) == sorted(wanted)
    assert f"{path}: took too long to read (over 1 s)" in err
    assert "Traceback" not in err


def test_a_pdf_is_read_up_to_its_page_and_time_budget_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = hostile_files.pdf_shared_stream(tmp_path, pages=40, stream_bytes=4096).read_bytes()
    monkeypatch.setattr(documents, "PDF_PAGES", 5)
    found = documents.pdf(data)
    assert not isinstance(found, str) and "kata kata" in found[1]
    assert str(found[2]["problem"]) == "only the first 5 of 40 pages are read"
    monkeypatch.setattr(documents, "PDF_PAGES", 200)
    monkeypatch.setattr(documents, "PDF_SECONDS", 0.0)  # the first page, then the clock says stop
    found = documents.pdf(data)
    assert not isinstance(found, str) and str(found[2]["problem"]) == "only the first 1 of 40 pages are read"
    items = parse_bytes(data, "pages.pdf")
    assert reasons(items) == ["only the first 1 of 40 pages are read"] and len(titles(items)) == 1


def test_a_stopped_load_does_not_wait_for_the_document_it_is_reading(tmp_path: Path) -> None:
    hostile_files.pdf_shared_stream(tmp_path)
    good_files(tmp_path)
    stop = threading.Event()
    seen: list[str] = []

    def load() -> None:
        for update in sync(Library(None), [str(tmp_path)], should_stop=stop.is_set):
            seen.extend(row.title for row in update.rows)

    thread = threading.Thread(target=load)
    thread.start()
    deadline = time.monotonic() + 10
    while len(seen) < 3 and time.monotonic() < deadline:  # the good files first, then the PDF
        time.sleep(0.05)
    assert len(seen) == 3
    time.sleep(0.5)
    stop.set()
    thread.join(2)
    assert not thread.is_alive()


def test_q_quits_at_once_while_a_pdf_is_being_read(tmp_path: Path) -> None:
    """In a real terminal: the good files show beside the slow PDF, and `q` ends the process."""
    from tests.pty.test_terminal import Terminal

    folder = tmp_path / "articles"
    folder.mkdir()
    hostile_files.pdf_shared_stream(folder)
    good_files(folder)
    term = Terminal(["--no-cache", str(folder)], 120, 35, tmp_path)
    try:
        term.wait_for(lambda screen: "Artikel Baik Nomor 2" in screen, "the good files to show")
        term.press("q")
        status = term.exit_status(timeout=3)
        assert status == 0, f"still running 3 s after q; the screen shows:\n{term.text}"
        assert b"Traceback" not in bytes(term.raw)
    finally:
        term.kill()


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def reading_child_of(pid: int) -> bool:
    """Whether process `pid`'s child that reads documents (tui.budget) is up: started, and ignoring
    Ctrl+C as it does from then on (one still starting would print a KeyboardInterrupt of its own)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
            status = (stat.parent / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue  # a process that ended meanwhile
        ignored = int(next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16)
        if parent == pid and b"spawn_main" in command and ignored & (1 << (signal.SIGINT - 1)):
            return True
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_ctrl_c_stops_list_without_a_traceback(tmp_path: Path) -> None:
    hostile_files.pdf_shared_stream(tmp_path)
    good_files(tmp_path)
    listing = subprocess.Popen(
        [sys.executable, "-m", "tui", "--list", "--no-cache", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a group of its own, as a shell's job: Ctrl+C reaches every process in it
        # Ctrl+C as a foreground job gets it: a background job (`pytest &`, maybe a test runner's
        # worker) passes SIGINT on ignored, and an ignored SIGINT stays ignored in the child.
        preexec_fn=_sigint_default,
    )
    # Started, the good files read, the PDF under way in its child: a fixed 2.5 s sleep was
    # sometimes still Python's start on a loaded machine, whose Ctrl+C is a traceback.
    deadline = time.monotonic() + 60  # a ceiling: the child starts within a second or two
    while not reading_child_of(listing.pid) and listing.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listing.poll() is None, "the listing ended before the PDF was read"
    os.killpg(listing.pid, signal.SIGINT)
    try:
        _out, err = listing.communicate(timeout=30)
    finally:
        listing.kill()
    assert listing.returncode == 128 + signal.SIGINT
    assert b"Traceback" not in err, err.decode(errors="replace")


# ---------------------------------------------------------------- one bad record (item 6)


@pytest.mark.parametrize(("suffix", "where"), [(".json", "item"), (".jsonl", "line")])
def test_one_unreadable_record_is_its_own_problem(tmp_path: Path, suffix: str, where: str) -> None:
    path = hostile_files.wallabag_bad_records(tmp_path, suffix)
    items = load_file(path)
    assert titles(items) == ["Artikel wallabag nomor 1", "Artikel wallabag nomor 5"]
    assert reasons(items) == [  # one line for the file, naming each record (loader.summarised)
        f"3 not read: {where} 2: could not parse: integer division result too large for a float; "
        f"{where} 3: a number too long (over 4300 digits); {where} 4: values nested too deep"
    ]
    last = [item for item in items if isinstance(item, Article)][-1]
    assert last.record == 4
    assert '"Artikel wallabag nomor 5"' in read_raw(last)


def test_an_unreadable_item_across_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "CHUNK", 64 * 1024)  # the deep item spans several reads
    path = hostile_files.wallabag_bad_records(tmp_path)
    assert titles(load_file(path)) == ["Artikel wallabag nomor 1", "Artikel wallabag nomor 5"]
    deep = "[" * 100_000 + '"q\\"]][{"' + "]" * 100_000  # a string of brackets and a quote inside
    text = '[{"title": "a", "text": "b"}, ' + deep + ", 1" + "2" * 5000 + ', {"title": "c", "text": "d"}]'
    (tmp_path / "mixed.json").write_text(text)
    items = load_file(tmp_path / "mixed.json")
    assert titles(items) == ["a", "c"]
    assert reasons(items) == [
        "2 not read: item 2: values nested too deep; item 3: a number too long (over 4300 digits)"
    ]


# ---------------------------------------------------------------- unbounded reads (item 10)


def test_a_csv_line_without_a_break_is_not_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "LINE_LIMIT", MB)
    path = hostile_files.csv_long_line(tmp_path, 24 * MB)  # the issue's 2 GB line, scaled to the limit
    tracemalloc.start()
    try:
        items = load_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    [reason] = reasons(items)
    assert reason.endswith("(a line over 1 MB without a line break)")
    assert peak < 8 * MB, f"{peak / MB:.0f} MB held for a line over the 1 MB limit"


def test_a_large_record_file_is_written_a_piece_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "STREAM_FROM", 4096)  # the 1M-record export, scaled down
    monkeypatch.setattr(sync_module, "PIECE", 10)
    folder = tmp_path / "exports"
    folder.mkdir()
    hostile_files.wallabag_many(folder, 55)
    (folder / "small.json").write_text(json.dumps([hostile_files.wallabag_record(99)]))
    library = Library(None)
    sizes = [len(update.rows) for update in sync(library, [str(folder)]) if update.rows]
    assert max(sizes) <= 10 and sum(sizes) == 56  # never the whole file at once, nothing twice
    assert len(library.rows()) == 56


def test_a_large_record_file_stopped_midway_is_read_again_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "STREAM_FROM", 4096)
    monkeypatch.setattr(sync_module, "PIECE", 10)
    path = hostile_files.wallabag_many(tmp_path, 55)
    cache = tmp_path / "cache.sqlite3"
    library = Library(cache)
    seen: list[int] = []
    for update in sync(library, [str(tmp_path)], should_stop=lambda: sum(seen) >= 20):
        seen.append(len(update.rows))
    assert 20 <= len(library.rows()) < 55
    assert library.file_state()[str(path)] == (-1, -1)  # unfinished: not taken as up to date
    library.close()
    library = Library(cache)
    list(sync(library, [str(tmp_path)]))
    assert sorted(row.title for row in library.rows()) == sorted(
        f"Artikel wallabag nomor {n}" for n in range(55)
    )


def test_a_large_record_file_s_bad_records_are_said_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "STREAM_FROM", 4096)
    monkeypatch.setattr(sync_module, "PIECE", 2)
    hostile_files.wallabag_bad_records(tmp_path)
    library = Library(None)
    said = [str(problem.reason) for update in sync(library, [str(tmp_path)]) for problem in update.problems]
    assert len(said) == 1 and said[0].startswith("3 not read: item 2: could not parse")
    wanted = ["Artikel wallabag nomor 1", "Artikel wallabag nomor 5"]
    assert sorted(row.title for row in library.rows()) == wanted
    assert [str(problem.reason) for problem in library.problems()] == said
