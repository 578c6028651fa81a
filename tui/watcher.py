"""Watching what the app shows for changes made outside it, without Textual (toolong's watcher is the
model): the opened folders through watchfiles (inotify / FSEvents / ReadDirectoryChangesW, debounced),
or a team library's own notices. A thread of its own calls `changed()` once per batch of changes;
the screen's callback posts a message, and reading the folders again is the screen's business.

The watcher steps aside for a bulk load (`pause`): inotify reports every file the parse workers
open, 5-7 % of a core through a load of 100k files. Started again with `catch_up`, it compares the
folders with the cache once its watch is in place, so what changed meanwhile is not missed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence

from tui.library.interface import LibraryLike
from tui.sync import changed_on_disk

CATCH_UP_WAIT_SECONDS = 120  # at most, for the index's merge before the folders are compared
LOOK_UP_MS = 500  # watchfiles yields (nothing) after this long without a change: the thread looks up


class Watcher:
    """Calls `changed` when the folders (or a shared library) change, from a thread of its own."""

    def __init__(
        self, library: LibraryLike, paths: Sequence[str | os.PathLike[str]], changed: Callable[[], object]
    ):
        self.library = library
        self.paths = [os.fspath(path) for path in paths]
        self.changed = changed
        self._stop: threading.Event | None = None
        self._paused = False

    @property
    def watching(self) -> bool:
        """A watch is running (or starting): not stopped, not paused."""
        return self._stop is not None and not self._stop.is_set()

    def start(self, catch_up: bool = False) -> None:
        """Watch from now on (a watch already running is replaced)."""
        self.stop()
        stop = self._stop = threading.Event()  # here, not in the thread: it may be set at once
        thread = threading.Thread(target=self._run, args=(stop, catch_up), name="kliping-watch", daemon=True)
        thread.start()

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def pause(self) -> None:
        """Step aside for a bulk load, until `resume`."""
        if self.watching:
            self.stop()
            self._paused = True

    def resume(self, catch_up: bool = True) -> None:
        """After the load it stepped aside for: done (then compared with the disk), or failed (not
        compared: the folders would differ from the cache, be read again, and fail again)."""
        if self._paused:
            self._paused = False
            self.start(catch_up=catch_up)

    def _run(self, stop: threading.Event, catch_up: bool) -> None:
        import watchfiles  # a Rust extension: loaded when a watch starts, not at import

        library = self.library
        if library.shared:  # a team library: another person's sync, told by the server
            while not stop.is_set():
                if library.wait_for_change(LOOK_UP_MS / 1000) and not stop.is_set():
                    self.changed()
            return
        try:
            changes = watchfiles.watch(
                *self.paths,
                stop_event=stop,
                raise_interrupt=False,
                yield_on_timeout=True,
                rust_timeout=LOOK_UP_MS,
            )
            for found in changes:
                if stop.is_set():
                    return
                if catch_up:  # the watch is in place by its first answer: compared once, then
                    # after the index's merge, which listing 100k files would slow (1 CPU-s)
                    library.wait_for_merges(CATCH_UP_WAIT_SECONDS)
                missed = catch_up and not stop.is_set() and changed_on_disk(library, self.paths)
                catch_up = False
                if (found or missed) and not stop.is_set():
                    self.changed()
        except (OSError, RuntimeError):
            return  # no watching here (too many folders for inotify, say): Ctrl+R still reloads
