"""Every sort order of every key, kept in Python and rebuilt lazily after a write, so sorting the
matches of a search is a walk over a cached list rather than a SQL sort."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SORTS = ("relevance", "date", "title", "source", "words")

_SQL = {
    "title": "SELECT key FROM articles ORDER BY title = '', lower(title), key",
    "source": "SELECT key FROM articles ORDER BY source IS NULL OR source = '', lower(source), key DESC",
    "words": "SELECT key FROM articles ORDER BY words DESC, key DESC",
}


@dataclass(slots=True)
class _Kept:
    by_date: list[int]  # newest first, undated last: the keys from the highest down
    positions: dict[str, dict[int, int]]
    lists: dict[str, list[int]]
    added: list[int] = field(default_factory=list)  # written since by_date, not yet merged in
    removed: set[int] = field(default_factory=set)  # deleted since by_date, not yet taken out


class Orders:
    """The keys in each sort order; callers hold the library's lock."""

    def __init__(self, connection: Callable[[], sqlite3.Connection]) -> None:
        self._conn = connection  # the library's current connection (it changes after damage)
        self._kept: _Kept | None = None

    def forget(self) -> None:
        self._kept = None

    def follow(self, added: list[int], removed: set[int]) -> None:
        """Note a write's keys for the date order, merged when next needed; drop the rest.

        A load writes a batch every 0.1 s but refreshes the list far less often, so the merge
        (2 ms at 100k) is done per refresh, not per batch.
        """
        kept = self._kept
        if kept is None:
            return
        now_added = [key for key in kept.added if key not in removed] + added
        self._kept = _Kept(
            kept.by_date, positions={}, lists={}, added=now_added, removed=kept.removed | removed
        )

    def _ensure(self) -> _Kept:
        kept = self._kept
        if kept is None:
            by_date = [r[0] for r in self._conn().execute("SELECT key FROM articles ORDER BY key DESC")]
            kept = self._kept = _Kept(by_date=by_date, positions={}, lists={"date": by_date})
        elif kept.added or kept.removed:
            by_date = kept.by_date
            if kept.removed:
                by_date = [key for key in by_date if key not in kept.removed]
            # One long run and a short one: sorting them is a merge (2 ms at 100k, where reading
            # every key back from SQLite took 25 ms and held the loader up at every refresh).
            by_date = sorted(by_date + kept.added, reverse=True)
            kept = self._kept = _Kept(by_date=by_date, positions={}, lists={"date": by_date})
        elif "date" not in kept.lists:
            kept.lists["date"] = kept.by_date
        return kept

    def order(self, sort: str) -> list[int]:
        kept = self._ensure()
        if sort not in kept.lists:
            kept.lists[sort] = [r[0] for r in self._conn().execute(_SQL.get(sort, _SQL["words"]))]
        return kept.lists[sort]

    def positions(self, sort: str) -> dict[int, int]:
        """Each key's place in an order, built once per write."""
        return self._position(sort)

    def _position(self, sort: str) -> dict[int, int]:
        kept = self._ensure()
        if sort not in kept.positions:
            kept.positions[sort] = {key: i for i, key in enumerate(self.order(sort))}
        return kept.positions[sort]

    def sort(self, keys: Iterable[int], sort: str) -> list[int]:
        """The keys in a cached order: walk the order for big sets, sort by position for small."""
        wanted = keys if isinstance(keys, set) else set(keys)
        order = self.order(sort)
        if len(wanted) * 8 > len(order):
            return [key for key in order if key in wanted]
        position = self._position(sort)
        last = len(order)  # keys another window added since the orders were built go last
        return sorted(wanted, key=lambda key: position.get(key, last))
