"""Near-copies folded into one row: each near-duplicate group (tui.library.duplicates) shows in the
list as its first article in the list's order, the others hidden until the user opens the group.

The first in the order, not the group's face: a first page of 200 keys then folds exactly as the
start of the whole answer does, so the rows on screen stay put when the rest comes. Pure (no
Textual), and run where the answer's keys are checked against the loaded rows: on the searcher's
thread for a whole answer (7 ms of CPU at 100k: set intersections and `filter` in C).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import filterfalse

from tui.library import Stopped
from tui.query import Query


@dataclass(frozen=True)
class Groups:
    """Each grouped article's face (its group's id), and each face's members, the face first."""

    face: Mapping[int, int] = field(default_factory=dict)
    members: Mapping[int, Sequence[int]] = field(default_factory=dict)
    keys: frozenset[int] = frozenset()  # every grouped key

    @classmethod
    def of(cls, faces: Mapping[int, int]) -> Groups:
        """Groups from every grouped key's face (`LibraryLike.group_faces`)."""
        members: dict[int, list[int]] = {}
        for key, face in sorted(faces.items()):
            members.setdefault(face, [face])
            if key != face:
                members[face].append(key)
        return cls(dict(faces), members, frozenset(faces))

    def size(self, key: int) -> int:
        """How many articles the key's group has (1: none)."""
        face = self.face.get(key)
        return 1 if face is None else len(self.members.get(face, ()))

    def others(self, key: int) -> list[int]:
        """The other members of the key's group, the face first."""
        face = self.face.get(key)
        return [] if face is None else [member for member in self.members.get(face, ()) if member != key]


@dataclass(frozen=True)
class Folded:
    """An answer's keys with each group's later members left out, and how many were."""

    keys: Sequence[int]
    hidden: int = 0
    folding: bool = False  # the keys were folded (a group's row stands for its hidden copies)
    whole: Sequence[int] | None = None  # the keys before folding, when any were left out


def asks_copies(query: Query) -> bool:
    """The filter asks for copies themselves (is:dup, dup:ID): then nothing is folded."""
    return any(name == "dup" or name.startswith("dup:") for name in query.flag_names)


def fold(keys: Sequence[int], groups: Groups, stop: Callable[[], bool] | None = None) -> Folded:
    """The keys with every group member after its group's first left out; raises Stopped when
    `stop` says yes between steps."""
    faces = groups.face
    if len(faces) < 2 or len(keys) < 2:
        return Folded(keys, folding=True)
    grouped = groups.keys.intersection(keys)  # in C: the answer's grouped keys
    in_answer = Counter(map(faces.__getitem__, grouped))
    shared = {key for key in grouped if in_answer[faces[key]] > 1}  # groups the answer has twice
    if not shared:
        return Folded(keys, folding=True)
    if stop is not None and stop():
        raise Stopped
    seen: set[int] = set()
    hidden: set[int] = set()
    for key in filter(shared.__contains__, keys):  # in C but for the members of such groups
        face = faces[key]
        if face in seen:
            hidden.add(key)
        else:
            seen.add(face)
    if stop is not None and stop():
        raise Stopped
    return Folded(list(filterfalse(hidden.__contains__, keys)), len(hidden), True, keys)
