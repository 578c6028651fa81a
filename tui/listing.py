"""The folder check of a start, done by a child process forked at launch on the other core.

A warm start at 100k lists and stats every file (scan: 0.55 s of CPU) to see what changed
since the last run. In the app's process it came after importing Textual and reading the cached
rows, and shared their interpreter lock, so the screen was last still 2.4-2.6 s after launch.
Forked before the app starts, the child lists while the app imports and reads: the listing is
waiting when sync() wants it.

Only where forking is safe: on Linux, with no thread running yet (the command line forks before
it builds the app). Anywhere else, or when the child fails, sync() lists in place as before. A
file changed between the child's stat and the app's folder watch is seen at the next reload, as
one changed between the stat and the watch always was.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import suppress

from tui.article import Problem
from tui.i18n import said
from tui.loader import find_paths

NICENESS = 10  # the child's lower priority: with both cores busy it had slowed the first rows by 0.6 s
Listed = tuple[list[tuple[str, int, int]], list[Problem]]
YIELD_EVERY = 500  # files listed between two offers of the GIL to other threads


class Listing:
    """scan(paths), running in a child process; take() waits for it once."""

    def __init__(self, paths: Sequence[str | os.PathLike[str]], pid: int, fd: int) -> None:
        self.paths = [os.fspath(path) for path in paths]
        self._pid = pid
        self._fd: int | None = fd

    @classmethod
    def start(cls, paths: Sequence[str | os.PathLike[str]]) -> Listing | None:
        """Fork the child, or None where that is not safe."""
        if not sys.platform.startswith("linux") or threading.active_count() > 1:
            return None
        try:
            read, write = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return None
        if pid == 0:  # the child: list, hand the listing over, and go without running the parent's exits
            code = 1
            try:
                os.close(read)
                with suppress(OSError):
                    os.nice(NICENESS)  # on a busy machine the app's own start comes first
                data = pickle.dumps(scan(paths), protocol=pickle.HIGHEST_PROTOCOL)
                with open(write, "wb") as pipe:
                    pipe.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        return cls(paths, pid, read)

    def take(self, paths: Sequence[str | os.PathLike[str]]) -> Listed | None:
        """The child's listing if it is of these paths and arrived whole; None: list in place."""
        fd, self._fd = self._fd, None
        if fd is None:
            return None
        try:
            with open(fd, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
        except OSError:
            return None
        if [os.fspath(path) for path in paths] != self.paths or status != 0 or not data:
            return None
        try:
            files, problems = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
            return None
        return files, problems

    def close(self) -> None:
        """Not wanted after all (the app stopped first): end the child."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        os.close(fd)
        with suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)
        with suppress(OSError):
            os.waitpid(self._pid, 0)


def scan(
    paths: Iterable[str | os.PathLike[str]],
) -> tuple[list[tuple[str, int, int]], list[Problem]]:
    """List every article file under the paths, with the size and mtime the cache is keyed by."""
    files: list[tuple[str, int, int]] = []
    problems: list[Problem] = []
    for count, item in enumerate(find_paths(paths), 1):
        if not count % YIELD_EVERY:
            time.sleep(0)  # let the app's event loop have the GIL: this loop must not hold its frames
        if isinstance(item, Problem):
            problems.append(item)
            continue
        try:
            info = os.stat(item)
        except OSError as error:
            reason = said("cannot read: {reason}", reason=error.strerror or str(error))
            problems.append(Problem(item, reason))
            continue
        files.append((item, info.st_size, info.st_mtime_ns))
    return files, problems
