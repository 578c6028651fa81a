"""Facets of what the filter shows (sources, years, months, tags) and its timeline, counted without
Textual, stoppable, and each value turned into the filter term that asks for it."""

from __future__ import annotations

import datetime as dt

import pytest

from tui.facets import facets, term_for, timeline
from tui.library import Row, Stopped
from tui.marks import Marks
from tui.query import parse
from tui.session import Session
from tui.state import ReadingState


def row(key: int, source: str | None, date: dt.datetime | None, tags: tuple[str, ...] = ()) -> Row:
    return Row(key, f"t{key}", date, source, None, 100, f"/c/{key}.txt", f"d{key}", tags)


ROWS = {
    1: row(1, "Kompas", dt.datetime(2024, 3, 5), ("banjir",)),
    2: row(2, "Kompas", dt.datetime(2024, 3, 9), ("banjir", "banjir bandang")),
    3: row(3, "Tempo", dt.datetime(2024, 5, 1)),
    4: row(4, "Antara", dt.datetime(2023, 12, 31)),
    5: row(5, None, None, ("banjir",)),
}


def test_counts_what_is_shown() -> None:
    found = facets([1, 2, 3, 5, 99], ROWS)  # 99: not among the rows (taken back meanwhile)
    assert found.total == 4
    assert found.sources == [("Kompas", 2), ("Tempo", 1)]
    assert found.years == [(2024, 3)]
    assert found.months == [("2024-03", 2), ("2024-05", 1)]
    assert found.tags == [("banjir", 3), ("banjir bandang", 1)]
    assert found.undated == 1


def test_the_users_tags_are_counted_from_the_marks(tmp_path: object) -> None:
    found = facets([1, 2, 3], ROWS, tag_keys={"penting": {2, 3, 4}, "kosong": {4}})
    assert found.tags == [("penting", 2)]


def test_stops_when_asked() -> None:
    with pytest.raises(Stopped):
        facets(list(ROWS), ROWS, stop=lambda: True)


def test_timeline_unit_follows_the_span() -> None:
    def days(*dates: dt.date) -> dict[int, int]:
        return {d.toordinal(): 1 for d in dates}

    short = timeline(days(dt.date(2024, 3, 5), dt.date(2024, 3, 5) + dt.timedelta(days=2)))
    assert short.unit == "day" and [n for _d, n in short.points] == [1, 0, 1]
    weeks = timeline(days(dt.date(2024, 1, 1), dt.date(2024, 1, 3), dt.date(2024, 6, 1)))
    assert weeks.unit == "week" and weeks.busiest == (dt.date(2024, 1, 1), 2)
    assert weeks.term(dt.date(2024, 1, 1)) == "date:2024-01-01..2024-01-07"
    months = timeline(days(dt.date(2020, 1, 9), dt.date(2023, 2, 1), dt.date(2023, 2, 2)))
    assert months.unit == "month" and len(months.points) == 38 and months.busiest == (dt.date(2023, 2, 1), 2)
    assert months.term(dt.date(2023, 2, 1)) == "date:2023-02"
    assert timeline({}).busiest is None


def test_terms_ask_for_the_value() -> None:
    assert term_for("source", "Kompas") == "source:Kompas"
    assert term_for("tag", "banjir bandang") == 'tag:"banjir bandang"'
    assert parse(term_for("tag", "banjir bandang")).flags == {"tag:banjir bandang"}
    assert term_for("year", 2024) == "year:2024"
    assert parse(term_for("month", "2024-03")).start == dt.date(2024, 3, 1)


def test_the_session_counts_its_rows(tmp_path: object) -> None:
    from pathlib import Path

    state = ReadingState(Path(str(tmp_path)) / "state.sqlite")
    session = Session(Marks(state), rows=dict(ROWS))
    session.marks.add_rows(ROWS.values())
    found = session.facets([1, 2, 5])
    assert found.tags == [("banjir", 3), ("banjir bandang", 1)]
    state.close()
