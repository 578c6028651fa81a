"""A work budget for the files that can run long: documents (PDF, Word, single-file pages) are read
in a child process that is ended when one takes too long, so no file holds up a load or quitting.

An 82 KB PDF of 500 pages sharing one content stream read for over ten minutes in the load's
thread: the list stayed empty beside 30 good files and quitting waited on it. Text, Markdown,
HTML and JSON are read where they were (their readers are linear and their sizes capped); only
the documents, whose libraries can be made to loop for long, pay the child's round trip.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from tui.article import Article, Problem
from tui.i18n import said
from tui.loader import load_file
from tui.spawning import CONTEXT, sigint_ignored

SECONDS = 10.0  # one document's time at most, start of the child included; then it is ended
MEMORY = 1024 * 1024 * 1024  # the child's address space: a file wanting more is a problem, not a swap storm
WAIT = 0.05  # how often a wait looks at the clock and at whether the load was stopped
WATCHDOG_SECONDS = 0.5  # how often a child checks that kliping is still there

Stop = Callable[[], bool]


def _never() -> bool:
    return False


class _Child:
    """One reading process and the pipe to it."""

    def __init__(self) -> None:
        start_resource_tracker()
        self.conn, theirs = CONTEXT.Pipe()
        self.process: BaseProcess = CONTEXT.Process(
            target=_serve, args=(theirs, os.getpid()), name="kliping-reader", daemon=True
        )
        self.process.start()
        theirs.close()

    def end(self) -> None:
        with suppress(OSError, ValueError, AttributeError):
            self.process.kill()
            self.process.join(1)
        with suppress(OSError):
            self.conn.close()


_child: _Child | None = None
_lock = threading.Lock()


def load_document(
    path: str, should_stop: Stop = _never, seconds: float | None = None
) -> list[Article | Problem]:
    """What loader.load_file makes of a document, read in the child within `seconds` (SECONDS); []
    when the load was stopped meanwhile (the child is ended: quitting never waits for a parse)."""
    global _child
    seconds = SECONDS if seconds is None else seconds
    with _lock:
        try:
            if _child is None or not _child.process.is_alive():
                _child = _Child()
            child = _child
            child.conn.send(path)
        except (OSError, ValueError, AssertionError):
            # No child here (a daemonic process may not have one): read in place, as before.
            _forget()
            return load_file(path)
        deadline = time.monotonic() + seconds
        while True:
            try:
                if child.conn.poll(WAIT):
                    found: list[Article | Problem] = child.conn.recv()
                    return found
            except (EOFError, OSError):
                child.process.join(1)
                code = child.process.exitcode
                _forget()
                reason = said(
                    "the reading process stopped on this file (exit code {code})",
                    code="?" if code is None else code,
                )
                return [Problem(path, reason)]
            if should_stop():
                _forget()
                return []
            if time.monotonic() > deadline:
                _forget()
                reason = said("took too long to read (over {seconds} s)", seconds=f"{seconds:g}")
                return [Problem(path, reason)]


def close() -> None:
    """End the reading process, if there is one (it also ends itself when kliping is gone)."""
    with _lock:
        _forget()


def _forget() -> None:
    global _child
    if _child is not None:
        _child.end()
        _child = None


def _serve(conn: Connection, parent: int) -> None:
    """The child: read the paths it is sent, one at a time, and send back what load_file made of them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for kliping, which ends this process
    die_with_parent(parent)
    with suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    with suppress(OSError):  # what the libraries print is not for the user's terminal: problems say it
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        try:
            found = load_file(path)
        except MemoryError:
            found = [Problem(path, said("too large to read (over {size} MB of memory)", size=MEMORY >> 20))]
        conn.send(found)


def die_with_parent(parent: int) -> None:
    """A thread ends this process once kliping is gone, even killed with SIGKILL.

    A process busy on one file (a huge one, a FIFO, a hung network mount) never reads the pipe
    or queue that would tell it to stop, so without this it outlives the app. When the parent
    dies the process is handed to another, and `os.getppid()` changes: checked twice a second.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCHDOG_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="kliping-watchdog", daemon=True).start()


def start_resource_tracker() -> None:
    """Start multiprocessing's helper before the children that use it: with a real stderr (under
    Textual, sys.stderr has no file descriptor), and ignoring Ctrl+C from its start (tui.spawning)."""
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if not usable and sys.__stderr__ is None:
        return
    captured = sys.stderr
    if not usable:
        sys.stderr = sys.__stderr__
    try:
        with sigint_ignored():
            resource_tracker.ensure_running()
    finally:
        sys.stderr = captured
