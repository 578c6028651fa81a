"""Read and starred marks by article key, kept in step with the reading state stored by content digest."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from tui.library import Row
from tui.state import ReadingState

Mark = Literal["read", "starred"]
Write = Callable[[Callable[[], object]], None]  # runs a state write now, or queues it for a thread


def _now(write: Callable[[], object]) -> None:
    write()


class Marks:
    """The list and the search work with keys; the state file works with digests; this maps between."""

    def __init__(self, state: ReadingState, write: Write = _now) -> None:
        self.state = state
        self._write = write  # the app passes a queue, so the event loop never waits on SQLite
        self._digests: dict[Mark, set[str]] = {"read": state.read(), "starred": state.starred()}
        self.keys: dict[Mark, set[int]] = {"read": set(), "starred": set()}
        self._keys_of: dict[str, list[int]] = {}
        self.total = 0

    def add_rows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.total += 1
            self._keys_of.setdefault(row.digest, []).append(row.key)
            for mark, digests in self._digests.items():
                if row.digest in digests:
                    self.keys[mark].add(row.key)

    def remove_rows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.total -= 1
            keys = self._keys_of.get(row.digest)
            if keys is not None and row.key in keys:
                keys.remove(row.key)
                if not keys:
                    del self._keys_of[row.digest]
            for marked in self.keys.values():
                marked.discard(row.key)

    def follow(self, old: Row, new: Row) -> None:
        """The article at `old`'s path was edited and came back as `new`: its marks go with it.

        Call it after `old` was removed and before `new` is added, so `add_rows` finds the marks.
        """
        if old.digest == new.digest:
            return
        state, keep_old = self.state, bool(self._keys_of.get(old.digest))
        for digests in self._digests.values():
            if old.digest in digests:
                digests.add(new.digest)
                if not keep_old:
                    digests.discard(old.digest)
        # Always written, marked or not: the reading position lives only in the state file.
        self._write(lambda: state.follow(old.digest, new.digest, keep_old=keep_old))

    def has(self, mark: Mark, key: int) -> bool:
        return key in self.keys[mark]

    def put(self, mark: Mark, row: Row, value: bool) -> None:
        """Mark or unmark an article, and every copy of it (same content, another path)."""
        if (row.digest in self._digests[mark]) == value:
            return
        state, digest = self.state, row.digest
        if mark == "read":
            self._write(lambda: state.set_read(digest, value))
        else:
            self._write(lambda: state.set_starred(digest, value))
        keys = self._keys_of.get(row.digest, [row.key])
        if value:
            self._digests[mark].add(row.digest)
            self.keys[mark].update(keys)
        else:
            self._digests[mark].discard(row.digest)
            self.keys[mark].difference_update(keys)

    def toggle(self, mark: Mark, row: Row) -> bool:
        value = row.digest not in self._digests[mark]
        self.put(mark, row, value)
        return value

    def flags(self) -> dict[str, set[int]]:
        """Copies for a search running in another thread while the user goes on marking."""
        return {"read": set(self.keys["read"]), "starred": set(self.keys["starred"])}

    @property
    def unread(self) -> int:
        return self.total - len(self.keys["read"])

    @property
    def starred(self) -> int:
        return len(self.keys["starred"])
