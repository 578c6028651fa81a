"""Near-copies folded into one row: each group shows as its first member in the answer's order."""

from __future__ import annotations

import pytest

from tui.folding import Groups, asks_copies, fold
from tui.library import Stopped
from tui.query import parse

GROUPS = Groups.of({1: 1, 5: 1, 9: 1, 3: 3, 4: 3})  # two groups: 1, 5, 9 (face 1) and 3, 4 (face 3)


def test_a_group_is_its_first_member_in_the_order() -> None:
    folded = fold([9, 8, 5, 4, 3, 1], GROUPS)
    assert list(folded.keys) == [9, 8, 4]
    assert folded.hidden == 3
    assert list(folded.whole or []) == [9, 8, 5, 4, 3, 1]


def test_a_first_page_folds_as_the_start_of_the_whole_answer() -> None:
    whole = [9, 8, 7, 5, 4, 6, 3, 1, 2]
    for length in range(1, len(whole)):
        page = list(fold(whole[:length], GROUPS).keys)
        assert list(fold(whole, GROUPS).keys)[: len(page)] == page


def test_groups_know_their_sizes_and_members() -> None:
    assert GROUPS.size(5) == 3 and GROUPS.size(7) == 1
    assert GROUPS.others(9) == [1, 5]
    assert GROUPS.others(7) == []


def test_nothing_to_fold_gives_the_keys_back() -> None:
    keys = [8, 7, 5, 6]
    assert fold(keys, GROUPS).keys is keys
    assert fold(keys, Groups()).hidden == 0


def test_a_newer_key_stops_folding() -> None:
    with pytest.raises(Stopped):
        fold([9, 5, 1], GROUPS, stop=lambda: True)


def test_the_filter_asking_for_copies_is_told() -> None:
    assert asks_copies(parse("is:dup"))
    assert asks_copies(parse("banjir dup:ab12"))
    assert not asks_copies(parse("banjir -is:starred"))
