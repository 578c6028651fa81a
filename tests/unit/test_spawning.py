"""Kliping's child processes ignore Ctrl+C from their interpreter's start (tui.spawning): a Ctrl+C while
one starts is no KeyboardInterrupt traceback of its own on the user's terminal.

A sitecustomize put on the children's PYTHONPATH runs at each interpreter's start, before the spawn
bootstrap and any import of tui: it notes what SIGINT does there, and can hold the start for a
while, so the tests need no timing luck."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from benchmarks import hostile_files
from tests.unit.test_bombs import good_files
from tests.unit.test_duplicates import ORIGINAL, SYNDICATED, day, make
from tui import budget
from tui import sync as sync_module
from tui.library import Library, grouping
from tui.library.records import prepare

SITECUSTOMIZE = """
import os, signal, sys, time
if "--multiprocessing-fork" in sys.argv and os.environ.get("KLIPING_TEST_STARTS"):
    handler = signal.getsignal(signal.SIGINT)
    path = os.path.join(os.environ["KLIPING_TEST_STARTS"], str(os.getpid()))
    with open(path + ".part", "w") as out:
        out.write("ignored" if handler == signal.SIG_IGN else repr(handler))
    os.replace(path + ".part", path)
    time.sleep(float(os.environ.get("KLIPING_TEST_SLOW_START", "0")))
"""

LINUX = sys.platform.startswith("linux")


@pytest.fixture
def starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The folder where each child started from here says how SIGINT was set at its start; this
    process's Ctrl+C raises KeyboardInterrupt meanwhile, as in a terminal."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    found = tmp_path / "starts"
    found.mkdir()
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), *sys.path]))
    monkeypatch.setenv("KLIPING_TEST_STARTS", str(found))
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    budget.close()
    try:
        yield found
    finally:
        budget.close()
        signal.signal(signal.SIGINT, before)


def seen(starts: Path) -> list[str]:
    return sorted(path.read_text() for path in starts.iterdir() if not path.name.endswith(".part"))


def sigint_ignored_here() -> bool:
    """Whether SIGINT is ignored in this process at the C level (what a child inherits)."""
    status = Path("/proc/self/status").read_text()
    ignored = int(next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16)
    return bool(ignored & (1 << (signal.SIGINT - 1)))


@pytest.mark.skipif(not LINUX, reason="children start with Ctrl+C ignored on Linux only")
def test_the_reading_child_ignores_ctrl_c_from_its_start(tmp_path: Path, starts: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Judul\n\nBadan artikel.\n")
    reader = threading.Thread(target=budget.load_document, args=(str(path),))  # spawned off the main thread
    reader.start()
    reader.join()
    assert seen(starts) == ["ignored"]
    assert not sigint_ignored_here()  # kliping's own Ctrl+C is back as it was


@pytest.mark.skipif(not LINUX, reason="children start with Ctrl+C ignored on Linux only")
def test_the_parse_workers_ignore_ctrl_c_from_their_start(
    tmp_path: Path, starts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "PARALLEL_FROM", 0)
    paths = []
    for n in range(sync_module.FIRST + 8):
        path = tmp_path / f"{n}.txt"
        path.write_text(f"Judul {n}\n\nBadan artikel nomor {n}.\n")
        paths.append(str(path))
    batches = list(sync_module._parse(paths, 2, lambda: False))
    assert sum(len(batch) for batch in batches) == len(paths)
    assert seen(starts) and set(seen(starts)) == {"ignored"}
    assert not sigint_ignored_here()


@pytest.mark.skipif(not LINUX, reason="children start with Ctrl+C ignored on Linux only")
def test_the_grouping_child_ignores_ctrl_c_from_its_start(
    tmp_path: Path, starts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grouping, "CHILD_FROM", 1)
    library = Library(tmp_path / "cache.sqlite3")
    try:
        with library.bulk_load():
            articles = [make(2, ORIGINAL, day(1)), make(1, SYNDICATED, day(3))]
            library.put_files([(a.path, 100, 1, [prepare(a, sketch=False)]) for a in articles])
        assert library.wait_for_groups(timeout=60)
    finally:
        library.close()
    assert seen(starts) == ["ignored"]
    assert not sigint_ignored_here()


@pytest.mark.skipif(not LINUX, reason="SIGINT is set aside through the C library on Linux only")
def test_ctrl_c_is_set_aside_only_while_a_child_is_spawned() -> None:
    from tui.spawning import sigint_ignored

    assert not sigint_ignored_here()
    inside: list[bool] = []
    entered, leave = threading.Event(), threading.Event()

    def spawn_slowly() -> None:
        with sigint_ignored():
            entered.set()
            leave.wait(10)

    other = threading.Thread(target=spawn_slowly)
    other.start()
    entered.wait(10)
    with sigint_ignored():  # two threads spawning at once: the last out puts back the first state
        inside.append(sigint_ignored_here())
    leave.set()
    other.join()
    assert inside == [True]
    assert not sigint_ignored_here()
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # Python's own handler was never touched


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(not LINUX, reason="children start with Ctrl+C ignored on Linux only")
@pytest.mark.parametrize("attempt", range(3))
def test_ctrl_c_while_the_reading_child_starts_shows_no_traceback(tmp_path: Path, attempt: int) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    hostile_files.pdf_shared_stream(folder)
    good_files(folder)
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    found = tmp_path / "starts"
    found.mkdir()
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(site), *sys.path]),
        KLIPING_TEST_STARTS=str(found),
        KLIPING_TEST_SLOW_START="30",  # the child is held in its start until Ctrl+C reaches it
    )
    listing = subprocess.Popen(
        [sys.executable, "-m", "tui", "--list", "--no-cache", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # a group of its own, as a shell's job: Ctrl+C reaches every process in it
        preexec_fn=_sigint_default,  # a foreground job's Ctrl+C (a background job's comes ignored)
    )
    try:
        deadline = time.monotonic() + 60  # a ceiling: the child starts within a second or two
        while not seen(found) and listing.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert seen(found), "the reading child did not start"
        os.killpg(listing.pid, signal.SIGINT)
        _out, err = listing.communicate(timeout=30)
    finally:
        end_group(listing)
    assert listing.returncode == 128 + signal.SIGINT
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err.decode(errors="replace")


def end_group(process: subprocess.Popen[bytes]) -> None:
    """Kill what is left of the process's group: no child held in its start outlives the test."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    process.wait()
