"""Row keys in date order, so the index's rowid order is the list's newest-first order.

A dated article's key is DATED + (minute of its date << SEQ_BITS) + n, an undated one's counts
up from 1, so the rowid order is the date order (undated last, newest first): FTS5 walks a
doclist newest first and stops after a page, and a date range is a rowid range.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from tui.query import Query

SEQ_BITS = 6  # 64 keys a minute, and a full minute lends from the next: 92k articles a day
DATED = 1 << 40
NO_KEY = (1 << 63) - 1  # above every key: the largest integer SQLite holds
_FIRST_DAY = dt.date(1000, 1, 1).toordinal()
_LAST_MINUTE = (dt.date(9999, 12, 31).toordinal() - _FIRST_DAY + 1) * 1440


def minute(date: dt.date | None) -> int | None:
    """Minutes from the year 1000 to the date by its own clock (the clock its day is counted by)."""
    if date is None:
        return None
    minutes = (date.toordinal() - _FIRST_DAY) * 1440
    if isinstance(date, dt.datetime):
        minutes += date.hour * 60 + date.minute
    return min(max(minutes, 0), _LAST_MINUTE)


def first_key(of_minute: int) -> int:
    return DATED + (of_minute << SEQ_BITS)


def key_range(query: Query) -> tuple[int, int]:
    """The keys of the query's dates, low <= key < high; undated articles only without dates."""
    if not query.has_dates:
        return 0, NO_KEY
    low = first_key(minute(query.start) or 0) if query.start is not None else DATED
    high = first_key(minute(query.end) or 0) if query.end is not None else NO_KEY
    return low, high


class KeySlots:
    """The next free key of every minute in use (-1: undated), read once, then kept up to date.

    It is read again when another window has written to the file since (PRAGMA data_version).
    """

    def __init__(self) -> None:
        self._slots: dict[int, int] | None = None
        self._version = 0

    def forget(self) -> None:
        """After a rollback or a new file: keys handed out since the last read were not kept."""
        self._slots = None

    def read(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if self._slots is None or version != self._version:
            slots: dict[int, int] = {}
            for (key,) in conn.execute("SELECT key FROM articles"):
                slot = -1 if key < DATED else (key - DATED) >> SEQ_BITS
                if key >= slots.get(slot, 0):
                    slots[slot] = key + 1
            self._slots, self._version = slots, version

    def new_key(self, of_minute: int | None) -> int:
        """A key after every other of the same minute, so keys sort by date, then by arrival."""
        slots = self._slots
        assert slots is not None, "read() first, in the same transaction"
        if of_minute is None:
            key = slots.get(-1, 1)
            slots[-1] = key + 1
            return key
        slot = of_minute
        while True:
            key = slots.get(slot, first_key(slot))
            if key < first_key(slot + 1):
                break
            slot += 1  # 64 articles of one minute: the next minute lends its keys
        slots[slot] = key + 1
        return key
