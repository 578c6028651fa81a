# ruff: noqa: E501  (the table in the docstring is quoted whole in the closing note)
"""Hostile input: folders of broken, strange and huge files beside two good articles.

Every case runs twice, through ``kliping --list`` (``tui.cli.main``) and through the app
(Pilot), and checks that the two good articles (and any the case adds) load exactly once,
that every bad file or record is reported exactly once with its path and a plain reason,
with no traceback and no "Errno", and that nothing raises.

| case | what kliping does |
| --- | --- |
| binary files named .txt (all 256 byte values; a PNG) | reported: "binary file (not text)" |
| invalid UTF-8 in the middle of a file | loads; a mostly-UTF-8 file keeps its UTF-8 with U+FFFD for the bad bytes, otherwise the whole file is read as cp1252 |
| a cp1252 file beside a UTF-8 file | both load; smart quotes and accents come out right in each |
| 50 MB on one line (.txt, .jsonl, .json) | reported without being read whole: "file too large to be an article (50 MB; the limit is 16 MB)", "line 1: record too large (over 16 MB)"; the CLI's peak memory stays under 250 MB |
| 10,000 empty files | each reported: "empty file"; the good articles load (under 60 s) |
| an unreadable file (open raises PermissionError) | reported: "cannot read: permission denied" |
| a file deleted between listing and reading | reported: "file disappeared while loading" |
| a file truncated to nothing between listing and reading | reported: "empty file" |
| a FIFO and a character device named .txt | reported: "not a regular file"; never opened, so nothing blocks |
| symlink loop (a.txt -> b.txt -> a.txt), a link to the folder itself, a dangling link, a second link to a good file | loops reported: "cannot read: link loop (too many levels of symbolic links)"; dangling: "broken link (its target does not exist)"; the folder link and the duplicate are skipped silently, so nothing loads twice |
| 200 nested folders | the article at the bottom loads |
| a file name with a newline | loads; the name is printed as ``\\n`` on one line |
| a file name with invalid UTF-8 bytes | loads; the cache stores the name with its bytes spelled out and gives the same name back; printed with ``\\xff`` escapes |
| JSON Lines with bad lines (not JSON, a list, a string, a record with no text, blank lines) | good records load; each bad line reported once with its line number |
| a JSON list with a broken item; a JSON Lines file of blank lines | items before the break load; "item 2: invalid JSON (...)"; "only whitespace" |
| HTML with unclosed tags | loads (the parser closes them) |
| HTML that is only scripts; a 0-byte .html | reported: "no article text (nothing but markup)"; "empty file" |
| HTML nested 5,000 elements deep | loads (the walk is iterative, not recursive) |
| Markdown lines of unpaired ``**``, ``[`` and ``![``, 100k short lines in one paragraph | load in well under a second each (they took 20-90 s before the regexes and joins were made linear) |

Other cases (a folder that cannot be listed, a directory named like a file given as a
PATH, a file over the size limit) are in tests/unit/test_loader.py.
"""

from __future__ import annotations

import builtins
import json
import os
import random
import re
import stat
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual.widgets._toast import Toast

import tui.loader
from tests.app.test_app import settle
from tests.helpers import reader_lines, write_article
from tui.app import KlipingApp
from tui.cli import display_path, main
from tui.loader import parse_bytes
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader

GOOD = ("Artikel Baik Pertama Tentang Desa", "Artikel Baik Kedua Tentang Kader")
MB = 1024 * 1024


@dataclass
class Expect:
    """What a hostile folder should give besides the two good articles."""

    titles: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), each exactly once


Build = Callable[[Path, pytest.MonkeyPatch], Expect]


def good_articles(folder: Path) -> None:
    for name, title in zip(("good-1.txt", "good-2.txt"), GOOD, strict=True):
        write_article(
            folder,
            name,
            title,
            "2 Maret 2021 09:00",
            [f"Isi artikel {title.lower()} yang cukup panjang untuk dibaca dengan tenang."],
        )


def fail_on_open(monkeypatch: pytest.MonkeyPatch, victim: Path, before: Callable[[], None]) -> None:
    """Run `before` when the loader opens `victim`: the seam between listing a file and reading it."""
    real_open = builtins.open

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(file) == str(victim):
            before()
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(tui.loader, "open", fake_open, raising=False)


# ---------------------------------------------------------------- the cases


def binary_files(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    (folder / "bytes.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(0).randbytes(4000))
    return Expect(
        problems=[
            (str(folder / "bytes.txt"), "binary file (not text)"),
            (str(folder / "picture.txt"), "binary file (not text)"),
        ]
    )


def invalid_utf8_in_the_middle(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    body = "Kata café, naïve, “kutipan” dan rôle tetap utuh; ".encode() * 3
    (folder / "mostly-utf8.txt").write_bytes(
        b"Judul Berkas Setengah Rusak\n\nIsi " + body + b"lalu byte \xff\xfe rusak, lalu " + body + b"\n"
    )
    (folder / "one-accent.txt").write_bytes(
        b"Judul Berkas Lain\n\nIsi dengan byte \xff rusak dan kata caf\xc3\xa9 di tengah kalimat.\n"
    )
    return Expect(titles=["Judul Berkas Setengah Rusak", "Judul Berkas Lain"])


def mixed_encodings(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    old = "Kafe “Lama” di Bandung\n\nKopi dari café yang naïve, kata pemiliknya – sudah lama.\n"
    (folder / "cp1252.txt").write_bytes(old.encode("cp1252"))
    new = "Kafe “Baru” di Bandung\n\nKopi dari café yang naïve, kata pemiliknya – baru dibuka.\n"
    (folder / "utf8.txt").write_bytes(new.encode("utf-8"))
    return Expect(titles=["Kafe “Lama” di Bandung", "Kafe “Baru” di Bandung"])


def huge_single_lines(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    line = b"kata " * (50 * MB // 5)
    (folder / "huge.txt").write_bytes(line)
    (folder / "huge.json").write_bytes(b'{"title": "x", "text": "' + line + b'"}')
    return Expect(
        problems=[
            (str(folder / "huge.txt"), "file too large to be an article (50 MB; the limit is 16 MB)"),
            (str(folder / "huge.json"), "line 1: record too large (over 16 MB)"),
        ]
    )


def ten_thousand_empty_files(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    empty = folder / "empty"
    empty.mkdir()
    names = [empty / f"{number:05d}.txt" for number in range(10_000)]
    for name in names:
        name.touch()
    return Expect(problems=[(str(name), "empty file") for name in names])


def unreadable_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Expect:
    secret = folder / "secret.txt"
    secret.write_text("Rahasia\n\nIsi yang tidak boleh dibaca siapa pun.\n")

    def deny() -> None:
        raise PermissionError(13, "Permission denied", str(secret))

    fail_on_open(monkeypatch, secret, deny)
    return Expect(problems=[(str(secret), "cannot read: permission denied")])


def deleted_while_loading(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Expect:
    gone = folder / "gone.txt"
    gone.write_text("Akan Hilang\n\nBerkas ini dihapus tepat sebelum dibaca oleh pemuat.\n")
    fail_on_open(monkeypatch, gone, gone.unlink)
    return Expect(problems=[(str(gone), "file disappeared while loading")])


def truncated_while_loading(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Expect:
    shrunk = folder / "shrunk.txt"
    shrunk.write_text("Akan Kosong\n\nBerkas ini dikosongkan tepat sebelum dibaca oleh pemuat.\n")
    fail_on_open(monkeypatch, shrunk, lambda: shrunk.write_bytes(b""))
    return Expect(problems=[(str(shrunk), "empty file")])


def fifo_and_device(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    os.mkfifo(folder / "pipe.txt")
    problems = [(str(folder / "pipe.txt"), "not a regular file")]
    try:
        os.mknod(folder / "device.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    except OSError:
        pass  # not root, or no CAP_MKNOD: the FIFO still covers the case
    else:
        problems.append((str(folder / "device.txt"), "not a regular file"))
    return Expect(problems=problems)


def symlink_loops(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    (folder / "loop-a.txt").symlink_to("loop-b.txt")
    (folder / "loop-b.txt").symlink_to("loop-a.txt")
    (folder / "here").symlink_to(".")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    (folder / "again.txt").symlink_to("good-1.txt")
    loop = "cannot read: link loop (too many levels of symbolic links)"
    return Expect(
        problems=[
            (str(folder / "loop-a.txt"), loop),
            (str(folder / "loop-b.txt"), loop),
            (str(folder / "dangling.txt"), "broken link (its target does not exist)"),
        ]
    )


def deep_nesting(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    deep = folder.joinpath(*["d"] * 200)
    write_article(deep, "deep.txt", "Artikel Paling Dalam", "1 Mei 2020", ["Isi artikel di dasar folder."])
    return Expect(titles=["Artikel Paling Dalam"])


def newline_in_name(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    (folder / "two\nlines.txt").write_text("Judul Nama Berbaris\n\nIsi artikel dengan nama berkas aneh.\n")
    (folder / "empty\nname.txt").write_bytes(b"")
    return Expect(titles=["Judul Nama Berbaris"], problems=[(str(folder / "empty\nname.txt"), "empty file")])


def undecodable_name(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    raw = os.fsencode(folder)
    with open(os.path.join(raw, b"name\xff.txt"), "wb") as stream:
        stream.write(b"Judul Nama Rusak\n\nIsi artikel dengan nama berkas yang bukan UTF-8.\n")
    with open(os.path.join(raw, b"empty\xfe.txt"), "wb"):
        pass
    return Expect(
        titles=["Judul Nama Rusak"],
        problems=[(os.fsdecode(os.path.join(raw, b"empty\xfe.txt")), "empty file")],
    )


def malformed_json(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    lines = [
        json.dumps({"title": "Rekaman Pertama", "text": "Isi rekaman pertama yang baik."}),
        "{not json",
        "[1, 2, 3]",
        json.dumps({"title": "Tanpa Isi"}),
        "",
        json.dumps({"title": "Rekaman Kedua", "body": "Isi rekaman kedua yang baik."}),
        '"just a string"',
    ]
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "list.json").write_text('[{"title": "Daftar Satu", "text": "Isi butir pertama."}, {"title": ]')
    (folder / "blank.jsonl").write_text("\n  \n\t\n")
    records = str(folder / "records.jsonl")
    return Expect(
        titles=["Rekaman Pertama", "Rekaman Kedua", "Daftar Satu"],
        problems=[
            (  # one line for the file, however many of its records are bad
                records,
                "4 not read: line 2: invalid JSON (Expecting property name enclosed in double quotes); "
                "line 3: not a JSON object; line 4: no article text (no 'text', 'content' or 'body' field); "
                "and 1 more",
            ),
            (str(folder / "list.json"), "item 2: invalid JSON (Expecting value)"),
            (str(folder / "blank.jsonl"), "only whitespace"),
        ],
    )


def malformed_html(folder: Path, _: pytest.MonkeyPatch) -> Expect:
    (folder / "unclosed.html").write_text(
        "<html><body><h1>Halaman Tak Tertutup</h1><p>Paragraf pertama tanpa penutup <b>tebal"
        "<div><p>Paragraf kedua yang juga terbuka dan <i>miring sampai akhir halaman ini."
    )
    (folder / "scripts.html").write_text("<script>alert(1)</script><script src='x.js'></script>")
    (folder / "zero.html").write_bytes(b"")
    (folder / "deep.html").write_text("<div>" * 5000 + "<p>Teks yang tersimpan sangat dalam di halaman.")
    return Expect(
        titles=["Halaman Tak Tertutup", "Teks yang tersimpan sangat dalam di halaman"],
        problems=[
            (str(folder / "scripts.html"), "no article text (nothing but markup)"),
            (str(folder / "zero.html"), "empty file"),
        ],
    )


CASES: dict[str, Build] = {
    "binary": binary_files,
    "invalid-utf8": invalid_utf8_in_the_middle,
    "mixed-encodings": mixed_encodings,
    "huge-lines": huge_single_lines,
    "10k-empty": ten_thousand_empty_files,
    "unreadable": unreadable_file,
    "deleted": deleted_while_loading,
    "truncated": truncated_while_loading,
    "fifo-device": fifo_and_device,
    "symlinks": symlink_loops,
    "deep": deep_nesting,
    "newline-name": newline_in_name,
    "undecodable-name": undecodable_name,
    "jsonl": malformed_json,
    "html": malformed_html,
}
PARAMS = [pytest.param(name, id=name) for name in CASES]


@pytest.fixture
def hostile(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Expect]:
    folder = tmp_path / "clips"
    good_articles(folder)
    return folder, CASES[request.param](folder, monkeypatch)


def no_jargon(text: str) -> None:
    assert "Traceback" not in text
    assert "Errno" not in text
    assert "Error:" not in text


@pytest.mark.parametrize("hostile", PARAMS, indirect=True)
def test_list_survives(hostile: tuple[Path, Expect], capsys: pytest.CaptureFixture[str]) -> None:
    folder, expect = hostile
    started = time.monotonic()
    assert main(["--list", "--no-cache", str(folder)]) == 0
    assert time.monotonic() - started < 60
    out, err = capsys.readouterr()
    no_jargon(out + err)
    listed = Counter(line.split("  ")[-1].strip() for line in out.splitlines())
    assert listed == Counter([*GOOD, *expect.titles])
    reported = Counter(err.splitlines())
    wanted = Counter(f"kliping: {display_path(path)}: {reason}" for path, reason in expect.problems)
    assert reported == wanted


@pytest.mark.parametrize("hostile", PARAMS, indirect=True)
async def test_app_survives(hostile: tuple[Path, Expect]) -> None:
    folder, expect = hostile
    app = KlipingApp([folder])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not app.session.loading
        assert Counter(row.title for row in app.session.rows.values()) == Counter([*GOOD, *expect.titles])
        shown = [row.title for row in app.query_one("#articles", ArticleList).articles]
        assert sorted(shown) == sorted([*GOOD, *expect.titles])
        assert Counter((p.path, p.reason) for p in app.session.problems) == Counter(expect.problems)
        for problem in app.session.problems:
            no_jargon(problem.reason)
        await pilot.press("p")  # the problems screen draws every kind of name without raising
        await settle(pilot)
    assert app.return_code in (0, None)


# ---------------------------------------------------------------- beyond the shared cases


def test_decoding_of_broken_and_legacy_bytes() -> None:
    """The two legacy paths: keep mostly-UTF-8 text as UTF-8, read the rest as cp1252."""
    body = "café naïve “kutipan” rôle ".encode() * 3
    (mostly,) = parse_bytes(b"Judul\n\nAwal " + body + b"\xff\xfe " + body, "m.txt")
    assert not isinstance(mostly, tui.loader.Problem)
    assert "café naïve “kutipan”" in mostly.text and "\ufffd" in mostly.text
    (legacy,) = parse_bytes("Judul\n\nKopi café “lama”.\n".encode("cp1252"), "c.txt")
    assert not isinstance(legacy, tui.loader.Problem)
    assert legacy.text == "Kopi café “lama”."


SCRIPT = textwrap.dedent(
    """
    import resource, sys
    from tui.cli import main
    code = main(["--list", "--no-cache", sys.argv[1]])
    # VmHWM is this process's own peak; ru_maxrss after fork+exec can be the parent's (pytest's) size.
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("peak", peak, file=sys.stderr)
    raise SystemExit(code)
    """
)


def test_huge_files_are_not_read_whole(tmp_path: Path) -> None:
    """50 MB on one line in each streamed format: the CLI's peak memory stays far below the files."""
    folder = tmp_path / "clips"
    good_articles(folder)
    line = b"kata " * (50 * MB // 5)
    (folder / "huge.txt").write_bytes(line)
    (folder / "huge.jsonl").write_bytes(b'{"title": "x", "text": "' + line + b'"}\n')
    (folder / "huge.json").write_bytes(b'{"title": "x", "text": "' + line + b'"}')
    (folder / "list.json").write_bytes(b'[{"title": "x", "text": "' + line + b'"}]')
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(folder)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert all(title in done.stdout for title in GOOD)
    peak_kb = int(done.stderr.rsplit("peak", 1)[1])
    assert peak_kb < 250 * 1024, f"peak memory {peak_kb // 1024} MB"
    assert f"kliping: {folder / 'huge.txt'}: file too large" in done.stderr
    assert f"kliping: {folder / 'huge.jsonl'}: line 1: record too large" in done.stderr
    assert f"kliping: {folder / 'huge.json'}: line 1: record too large" in done.stderr
    assert f"kliping: {folder / 'list.json'}: item 1: record too large" in done.stderr
    no_jargon(done.stderr.rsplit("peak", 1)[0])


def test_names_print_on_a_terminal_that_cannot_show_them(tmp_path: Path) -> None:
    """An ASCII-only stdout and stderr get escapes and replacements, never an encoding traceback."""
    folder = tmp_path / "clips"
    good_articles(folder)
    (folder / "two\nlines.txt").write_text("Kafe “Lama” di Bandung\n\nIsi artikel dengan nama aneh.\n")
    (folder / "kosong “é”.txt").write_bytes(b"")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--list", "--no-cache", str(folder)],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out, err = done.stdout.decode("ascii"), done.stderr.decode("ascii")
    no_jargon(out + err)
    assert "Kafe ?Lama? di Bandung" in out
    assert err.count("kliping: ") == 1 and "empty file" in err


MARKUP = {
    "unpaired bold": "**a " * 25_000,
    "unpaired brackets": "[" * 100_000,
    "unpaired images": "![" * 50_000,
    "links cut short": "[a](" * 25_000,
    "one long paragraph": "kata kata kata\n" * 100_000,
    "one long quote": "> kata kata kata\n" * 100_000,
    "deep divs": "<div>" * 20_000 + "Teks",
    "deep spans": "<p>" + "<span>" * 20_000 + "Teks",
}


@pytest.mark.parametrize("text", MARKUP.values(), ids=MARKUP.keys())
@pytest.mark.parametrize("suffix", [".md", ".html", ".txt"])
def test_pathological_markup_parses_in_linear_time(text: str, suffix: str) -> None:
    """Each took 20-90 s or hit the recursion limit before; a generous bound catches a relapse.
    It bounds this thread's CPU time, not the clock's: a busy machine must not fail it, nor an
    earlier test's library still merging or grouping on a thread of this process."""
    started = time.thread_time()
    results = parse_bytes(text.encode(), "x" + suffix)
    assert time.thread_time() - started < 3
    assert results
    for item in results:
        if isinstance(item, tui.loader.Problem):
            assert "recursion" not in item.reason and "could not parse" not in item.reason


# ---------------------------------------------------------------- escape sequences in files

# What an attacker puts in a clipping: a window title, a clipboard write, a planted link, a screen
# clear, a one-character CSI (U+009B), and a right-to-left override that reverses "exe.png".
ESCAPES = "\x1b]0;pwned\x07berita \x1b]52;c;aGVsbG8=\x07 \x1b]8;;http://evil.example\x07tautan\x1b]8;;\x07"
HOSTILE_TITLE = f"Judul {ESCAPES} \x9b2J \u202egnp.exe"
HOSTILE_BODY = f"Teks badan \x1b[2J dengan {ESCAPES} dan \x9b31m warna. Kalimat lain yang cukup panjang."
# Bytes no text output may carry: C0 controls but tab and line ends, DEL, and C1 controls.
RAW_CONTROL = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def escape_clippings(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "escapes.txt").write_text(f"{HOSTILE_TITLE}\n\n{HOSTILE_BODY}\n", encoding="utf-8")
    (folder / "records.jsonl").write_text(
        json.dumps({"title": HOSTILE_TITLE, "text": HOSTILE_BODY, "source": "Situs\x1b]0;x\x07"}) + "\n",
        encoding="utf-8",
    )
    (folder / "bad\x1b]0;pwned\x07name.json").write_text("{not json", encoding="utf-8")


@pytest.mark.parametrize(
    "style", [["--list"], ["--list", "--plain"], ["--format", "md"], ["--format", "csv"]]
)
def test_text_outputs_show_control_characters_as_escapes(
    style: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    escape_clippings(tmp_path)
    args = style if style[0] == "--list" else ["--list", *style]
    assert main([*args, "--no-cache", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert not RAW_CONTROL.search(out), out
    assert not RAW_CONTROL.search(err), err
    assert "\\x1b]0;pwned\\x07name.json" in err  # the problem's path: shown, not hidden
    if style == ["--list"]:
        # A title is one plain line (its escape sequences taken out when read); an override shows.
        assert "Judul berita tautan \\u202egnp.exe" in out and "pwned" not in out
    else:
        assert "\\x1b]0;pwned\\x07" in out  # the body is as the file holds it, its controls shown


def test_json_lines_keep_the_text_and_escape_every_control(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    escape_clippings(tmp_path)
    assert main(["--list", "--json", "--no-cache", str(tmp_path)]) == 0
    out, _err = capsys.readouterr()
    assert not RAW_CONTROL.search(out)
    bodies = {json.loads(line)["text"] for line in out.splitlines()}
    assert any("\x1b]0;pwned\x07" in body and "\x9b31m" in body for body in bodies)


async def test_the_app_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    escape_clippings(tmp_path)
    app = KlipingApp([tmp_path], cache=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        reader = app.query_one(Reader)
        lines = [strip.text for strip in (article_list.render_line(y) for y in range(3))]
        assert any("Judul berita tautan" in line for line in lines), lines  # the sequences taken out
        await pilot.press("enter")
        await settle(pilot)
        for text in (*lines, *reader_lines(reader)):
            assert not RAW_CONTROL.search(text), text
        assert any("\\x1b[2J" in line for line in reader_lines(reader))
        await pilot.press("r")  # the raw file, as saved
        await settle(pilot)
        # The text file shows \x9b; the JSON Lines file holds the escape \u009b already.
        assert any("\\x9b31m" in line or "\\u009b31m" in line for line in reader_lines(reader))
        for text in reader_lines(reader):
            assert not RAW_CONTROL.search(text), text


async def test_titles_are_never_read_as_markup(tmp_path: Path) -> None:
    """A title with `[/]` crashed the star toast; `[@click=app.quit]` made the toast a quit button."""
    write_article(
        tmp_path, "a.txt", "Judul [/] penutup [@click=app.quit]x[/]", "1 Mei 2024", ["Isi berita. " * 20]
    )
    app = KlipingApp([tmp_path], cache=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("asterisk")
        await settle(pilot)
        toasts = list(app._notifications)
        assert toasts and "[@click=app.quit]" in toasts[-1].message
        shown = Toast(toasts[-1]).render()  # what the toast draws: MarkupError before, or a button
        assert "[@click=app.quit]x[/]" in str(shown)
        assert app.is_running


def test_a_file_replaced_by_a_fifo_is_not_opened_for_the_raw_view(tmp_path: Path) -> None:
    """Reading a FIFO blocks until a writer comes: the reader (and quitting) froze."""
    path = write_article(tmp_path, "a.txt", "Judul", "1 Mei 2024", ["Isi berita. " * 20])
    article = next(a for a in tui.loader.load_file(path) if not isinstance(a, tui.loader.Problem))
    path.unlink()
    os.mkfifo(path)
    assert "no longer a regular file" in tui.loader.read_raw(article)  # returns, rather than waits
