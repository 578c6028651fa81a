"""Every term the filter knows works on each side of OR (issue 21, bug 3): checked against a plain
comparison, through the library as the app and the command line ask it."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest

from tui.library import Library
from tui.marks import Marks
from tui.query import Flag, Period, Term, parse
from tui.state import ReadingState
from tui.sync import sync

Truth = tuple[set[str], str, bool, bool, int, int]  # tags, note, read, starred, year, number
Case = Callable[[set[str], str, bool, bool, int, int], bool]

CASES: dict[str, Case] = {
    "has:tag OR has:note": lambda t, n, r, s, y, k: bool(t) or bool(n),
    "tag:banjir OR tag:rob": lambda t, n, r, s, y, k: bool({"banjir", "rob"} & t),
    "tag:banjir | tag:rob": lambda t, n, r, s, y, k: bool({"banjir", "rob"} & t),
    "label:banjir ATAU label:rob": lambda t, n, r, s, y, k: bool({"banjir", "rob"} & t),
    "is:starred OR is:unread": lambda t, n, r, s, y, k: s or not r,
    "is:read OR is:starred": lambda t, n, r, s, y, k: r or s,
    "note:anggar OR tag:desa": lambda t, n, r, s, y, k: "anggar" in n.lower() or "desa" in t,
    "-has:note OR is:starred": lambda t, n, r, s, y, k: not n or s,
    "-tag:banjir OR -is:unread": lambda t, n, r, s, y, k: "banjir" not in t or r,
    "year:2020 OR year:2022": lambda t, n, r, s, y, k: y in (2020, 2022),
    "before:2020 OR after:2022": lambda t, n, r, s, y, k: y < 2020 or y > 2022,
    "tag:rob OR year:2021 artikel": lambda t, n, r, s, y, k: "rob" in t or y == 2021,
    "genap OR tag:banjir": lambda t, n, r, s, y, k: k % 2 == 0 or "banjir" in t,
    '"isi genap" OR is:starred': lambda t, n, r, s, y, k: k % 2 == 0 or s,
    "genap OR tag:banjir -tag:rob": lambda t, n, r, s, y, k: (k % 2 == 0 or "banjir" in t) and "rob" not in t,
    "has:tag OR has:note is:unread date:2021..2023": (
        lambda t, n, r, s, y, k: (bool(t) or bool(n)) and not r and 2021 <= y <= 2023
    ),
    "tag:banjir OR tag:rob OR is:starred genap": lambda t, n, r, s, y, k: (
        (bool({"banjir", "rob"} & t) or s) and k % 2 == 0
    ),
}


@pytest.fixture(scope="module")
def collection(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Library, Marks, dict[int, str], dict[str, Truth]]:
    tmp_path = tmp_path_factory.mktemp("or")
    rng = random.Random(21)
    tags = ["banjir", "rob", "desa", "inklusi"]
    folder = tmp_path / "docs"
    folder.mkdir()
    truth: dict[str, Truth] = {}
    for number in range(80):
        own = rng.sample(tags, rng.randint(0, 2))
        title = f"Artikel nomor {number}"
        year = 2018 + number % 7
        tag_line = f"tags: [{', '.join(own)}]\n" if own else ""
        body = "Isi genap." if number % 2 == 0 else "Isi ganjil."
        (folder / f"{number}.md").write_text(
            f"---\ntitle: {title}\ndate: {year}-0{1 + number % 9}-1{number % 10}\n{tag_line}---\n\n{body}\n"
        )
        truth[title] = (set(own), "", False, False, year, number)
    library = Library(tmp_path / "cache.sqlite3")
    for _update in sync(library, [str(folder)], processes=0):
        pass
    marks = Marks(ReadingState())
    rows = {r.key: r for r in library.rows()}
    marks.add_rows(rows.values())
    for row in rows.values():
        own, note, read, starred, year, number = truth[row.title]
        if rng.random() < 0.3:
            note = rng.choice(["bukti anggaran", "Catatan lapangan"])
            marks.set_note(row, note)
        if rng.random() < 0.5:
            marks.put("read", row, True)
            read = True
        if rng.random() < 0.2:
            marks.put("starred", row, True)
            starred = True
        truth[row.title] = (own, note, read, starred, year, number)
    return library, marks, {key: row.title for key, row in rows.items()}, truth


@pytest.mark.parametrize("text", list(CASES))
@pytest.mark.parametrize("sort", ["relevance", "title"])
def test_any_term_on_each_side_of_or(
    collection: tuple[Library, Marks, dict[int, str], dict[str, Truth]], text: str, sort: str
) -> None:
    library, marks, titles, truth = collection
    query = parse(text)
    assert query.hint is None, query.hint  # not "'OR' needs a word on each side"
    want = {title for title, facts in truth.items() if CASES[text](*facts)}
    assert want and len(want) < len(truth)  # the case tells something
    keys = library.search(query, sort=sort, flags=marks.flags(query)).keys
    assert {titles[k] for k in keys} == want
    if sort == "relevance" and not query.groups:
        assert keys == sorted(keys, reverse=True)  # newest first
    page = library.search(query, sort=sort, flags=marks.flags(query), limit=5)
    got = {titles[k] for k in page.keys}
    assert got == want if page.complete else (got <= want and len(got) == 5)


def test_or_groups_of_any_kind_are_one_clean_structure() -> None:
    query = parse("banjir OR tag:rob OR is:starred year:2020 OR -has:note kota")
    assert query.groups == ((Term(("kota",), prefix=True),),)
    assert query.either == (
        (Term(("banjir",)), Flag("tag:rob"), Flag("starred")),
        (Period(dt.date(2020, 1, 1), dt.date(2021, 1, 1)), Flag("has:note", negated=True)),
    )
    assert query.flag_names == {"tag:rob", "starred", "has:note"} and query.uses_marks
    assert not (query.flags or query.without or query.has_dates)  # the lone ones only
    assert (
        query.describe() == "kota* banjir OR tag:rob OR is:starred date:2020-01-01..2020-12-31 OR -has:note"
    )
    alone = parse("tag:rob -is:starred year:2020")
    assert (alone.flags, alone.without, alone.start) == ({"tag:rob"}, {"starred"}, dt.date(2020, 1, 1))
    assert not alone.either
