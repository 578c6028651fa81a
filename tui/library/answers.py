"""Recent search answers, kept until the next write: typing goes back and forth (backspace,
retyping), and the same query a second time is a dictionary lookup."""

from __future__ import annotations

from tui.query import Query

ANSWERS_KEPT = 64  # recent search answers kept until the next write
ANSWER_KEYS_KEPT = 400_000  # and at most this many keys in all of them (about 16 MB)

Asked = tuple[Query, str, bool]  # query, sort, reverse


class Answers(dict[Asked, list[int]]):
    """The kept answers, and a count of writes so an answer computed across one is not kept."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def written(self) -> None:
        self.clear()
        self.writes += 1

    def remember(self, asked: Asked, keys: list[int], writes: int) -> None:
        """Keep an answer computed since `writes` writes, if no write landed meanwhile."""
        if self.writes != writes:
            return  # a write landed meanwhile: this answer may already be out of date
        limit = ANSWER_KEYS_KEPT
        if len(keys) > limit:
            return
        # Each remembered key costs about 40 bytes: a handful of answers of 90k keys is enough.
        kept = sum(map(len, self.values()))
        while self and (len(self) >= ANSWERS_KEPT or kept + len(keys) > limit):
            kept -= len(self.pop(next(iter(self))))
        self[asked] = keys
