"""What the article list shows, as keys: the answer it was given, with each opened group's
near-copies beneath the row that stands for the group (tui.folding folds them out of the answer)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set

from tui.folding import Groups
from tui.library import Row


class ShownRows(Sequence[Row]):
    """The rows the list shows, in order, without copying 100k of them."""

    def __init__(self, rows: Mapping[int, Row], keys: Sequence[int]) -> None:
        self._rows = rows
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]
        return self._rows[self._keys[index]]


class OpenGroups:
    """The answer's keys and the groups opened in it (`x`): a group's row, then its copies."""

    def __init__(self) -> None:
        self.answer: Sequence[int] = []  # the keys as given
        self.keys: Sequence[int] = []  # what the list shows: the answer itself while no group is open
        self.copies: set[int] = set()  # keys shown as an opened group's copies
        self._opened: dict[int, list[int]] = {}  # a group's row: its copies beneath it

    def give(self, answer: Sequence[int], *, keep_open: bool) -> Sequence[int]:
        """A new answer (or the rest of one): the groups still in it stay open when `keep_open`."""
        self.answer = answer
        if not keep_open:
            self._opened.clear()
        return self._lay_out()

    def is_open(self, key: int) -> bool:
        return key in self._opened

    def forget(self, keys: Set[int]) -> Sequence[int]:
        """Rows gone from the session leave the answer and the opened groups."""
        self.answer = [key for key in self.answer if key not in keys]
        for opened, copies in list(self._opened.items()):
            copies[:] = [key for key in copies if key not in keys]
            if opened in keys or not copies:
                del self._opened[opened]
        return self._lay_out()

    def group_row(self, key: int) -> int:
        """The row that stands for the key's group: the key itself unless it is an opened copy."""
        return next((row for row, copies in self._opened.items() if key in copies), key)

    def toggle(self, key: int, groups: Groups, rows: Mapping[int, Row]) -> bool:
        """Open the key's group (its copies beneath it), or close the group it is in; False when it
        has no copies to show."""
        opened = self.group_row(key)
        if opened in self._opened:
            del self._opened[opened]
        else:
            copies = [other for other in groups.others(key) if other in rows]
            if not copies:
                return False
            self._opened[key] = copies
        self._lay_out()
        return True

    def _lay_out(self) -> Sequence[int]:
        answer = self.answer
        places: list[tuple[int, int]] = []
        for opened in list(self._opened):
            try:
                places.append((answer.index(opened), opened))  # in C, and only for the groups opened
            except ValueError:
                del self._opened[opened]
        self.copies = {key for copies in self._opened.values() for key in copies}
        if not places:
            self.keys = answer
            return answer
        keys: list[int] = []
        at = 0
        for place, opened in sorted(places):
            keys.extend(answer[at : place + 1])
            keys.extend(self._opened[opened])
            at = place + 1
        keys.extend(answer[at:])
        self.keys = keys
        return keys
