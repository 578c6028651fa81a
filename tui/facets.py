"""What the filter shows, counted: sources, years, months, tags, places and acronyms, and a timeline.

Computed from the session's rows (no SQL, no Textual) after the answer's first page is on screen,
on a search's thread, asking `stop` every CHUNK keys so the next keystroke never waits for it.
Choosing a value adds a term to the filter (`term_for`): the counts are the filter language's.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter

from tui.i18n import _, ngettext
from tui.library import Row, Stopped
from tui.library.records import MENTION_SEPARATOR

CHUNK = 4096  # keys counted between two looks at `stop`
_SOURCE, _DATE = attrgetter("source"), attrgetter("date")
_PLACES, _ACRONYMS = attrgetter("places"), attrgetter("acronyms")  # one a line (records.MENTION_SEPARATOR)
DAYS_FROM, WEEKS_FROM = 62, 2 * 366  # a timeline longer than this many days is in weeks, then months


@dataclass(frozen=True)
class Timeline:
    """Articles per period of the answer's span, the period chosen by the span."""

    unit: str  # "day", "week" or "month"
    points: list[tuple[dt.date, int]]  # each period's first day and its count, in time order, gaps as 0
    busiest: tuple[dt.date, int] | None  # the period with most articles (the earliest of equals)

    def term(self, day: dt.date) -> str:
        """The filter term for the period starting on `day`: date:2024-03, date:2024-03-05, or a
        week as a range of days."""
        if self.unit == "month":
            return f"date:{day:%Y-%m}"
        if self.unit == "week":
            return f"date:{day.isoformat()}..{(day + dt.timedelta(days=6)).isoformat()}"
        return f"date:{day.isoformat()}"


@dataclass(frozen=True)
class Facets:
    """Counts of what the filter shows, most first (months and years in time order)."""

    total: int
    sources: list[tuple[str, int]] = field(default_factory=list)
    years: list[tuple[int, int]] = field(default_factory=list)
    months: list[tuple[str, int]] = field(default_factory=list)  # "2024-03"
    tags: list[tuple[str, int]] = field(default_factory=list)
    undated: int = 0
    timeline: Timeline = field(default_factory=lambda: Timeline("day", [], None))
    places: list[tuple[str, int]] = field(
        default_factory=list
    )  # the places the articles name (tui.gazetteer)
    acronyms: list[tuple[str, int]] = field(default_factory=list)  # the organisations and programmes


def facets(
    keys: Sequence[int],
    rows: Mapping[int, Row],
    tag_keys: Mapping[str, AbstractSet[int]] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Facets:
    """Count the rows of these keys; raises Stopped soon after `stop` says yes.

    `tag_keys`: each tag's keys (`Marks.tag_keys`: the files' own tags and the user's), else the
    rows' own tags are counted."""
    sources: Counter[str | None] = Counter()
    days: Counter[int] = Counter()
    own_tags: Counter[str] = Counter()
    places: Counter[str] = Counter()
    acronyms: Counter[str] = Counter()
    undated = total = 0
    # Counted through map and Counter, in C: a loop in Python over 100k rows took 280 ms.
    for start in range(0, len(keys), CHUNK):
        if stop is not None and stop():
            raise Stopped
        chunk = list(filter(None, map(rows.get, keys[start : start + CHUNK])))
        sources.update(map(_SOURCE, chunk))
        dated = list(filter(None, map(_DATE, chunk)))
        days.update(map(dt.date.toordinal, dated))
        undated += len(chunk) - len(dated)
        total += len(chunk)
        for counts, named in ((places, _PLACES), (acronyms, _ACRONYMS)):
            stored = list(filter(None, map(named, chunk)))  # each row's names, one a line
            if stored:
                counts.update(chain.from_iterable(map(_split(stored).__getitem__, stored)))
        if tag_keys is None:
            for row in chunk:
                own_tags.update(row.tags)
    sources.pop(None, None)
    sources.pop("", None)
    if tag_keys is not None:
        if stop is not None and stop():
            raise Stopped
        shown = set(keys)
        for tag, tagged in list(tag_keys.items()):
            count = len(shown.intersection(tagged))
            if count:
                own_tags[tag] = count
    years: Counter[int] = Counter()
    months: Counter[str] = Counter()
    for ordinal, count in days.items():
        day = dt.date.fromordinal(ordinal)
        years[day.year] += count
        months[f"{day:%Y-%m}"] += count
    return Facets(
        total=total,
        sources=_most_first(Counter({source: n for source, n in sources.items() if source})),
        years=sorted(years.items()),
        months=sorted(months.items()),
        tags=_most_first(own_tags),
        undated=undated,
        timeline=timeline(days),
        places=_most_first(places),
        acronyms=_most_first(acronyms),
    )


def warm(rows: Sequence[Row]) -> None:
    """Split every row's places and acronyms once, on a thread after a load: the first count of the
    facets panel then costs what the next ones do (100k rows: 0.32 s -> 0.10 s)."""
    for named in (_PLACES, _ACRONYMS):
        stored = list(filter(None, map(named, rows)))
        if stored:
            _split(stored)


_SPLIT: dict[str, tuple[str, ...]] = {}  # a row's names as stored -> the names, each interned
_SPLIT_KEPT = 500_000


def _split(stored: list[str]) -> dict[str, tuple[str, ...]]:
    """The names of each row's stored string, split once a run: a row's string lives as long as the
    row (its hash kept), and counting interned names in C took a quarter of the time splitting them
    every time did (100k rows)."""
    if len(_SPLIT) > _SPLIT_KEPT:
        _SPLIT.clear()
    for new in set(stored).difference(_SPLIT):
        _SPLIT[new] = tuple(map(sys.intern, new.split(MENTION_SEPARATOR)))
    return _SPLIT


def _most_first(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))


def timeline(days: Mapping[int, int]) -> Timeline:
    """Articles per day, week or month (by the span of `days`: date ordinal -> count)."""
    if not days:
        return Timeline("day", [], None)
    first, last = min(days), max(days)
    span = last - first + 1
    unit = "day" if span <= DAYS_FROM else "week" if span <= WEEKS_FROM else "month"

    def period(ordinal: int) -> dt.date:
        day = dt.date.fromordinal(ordinal)
        if unit == "day":
            return day
        if unit == "week":
            return day - dt.timedelta(days=day.weekday())
        return day.replace(day=1)

    counts: Counter[dt.date] = Counter()
    for ordinal, count in days.items():
        counts[period(ordinal)] += count
    points: list[tuple[dt.date, int]] = []
    at, end = period(first), period(last)
    while at <= end:
        points.append((at, counts.get(at, 0)))
        if unit == "day":
            at += dt.timedelta(days=1)
        elif unit == "week":
            at += dt.timedelta(days=7)
        else:
            at = dt.date(at.year + at.month // 12, at.month % 12 + 1, 1)
    busiest = max(points, key=lambda point: point[1])  # max keeps the first of equals
    return Timeline(unit, points, busiest)


def term_for(kind: str, value: str | int) -> str:
    """The filter term that asks for one facet's value: source:kompas, year:2024, date:2024-03,
    tag:"banjir bandang", place:"Jawa Timur" (a phrase where the value has a space, as the filter
    reads it); an acronym is the word itself as a phrase ("KPK"): bare, and last in the filter, it
    was a prefix, and OMS (1) found Omset too."""
    text = str(value)
    if kind == "acronym":
        return '"' + text.replace('"', " ") + '"'
    name = {
        "source": "source",
        "year": "year",
        "month": "date",
        "day": "date",
        "tag": "tag",
        "place": "place",
    }[kind]
    if " " in text or '"' in text:
        text = '"' + text.replace('"', " ") + '"'
    return f"{name}:{text}"


def as_record(found: Facets) -> dict[str, object]:
    """The counts as JSON (`kliping --list --stats --json`)."""
    timeline = found.timeline
    return {
        "articles": found.total,
        "undated": found.undated,
        "sources": dict(found.sources),
        "years": {str(year): count for year, count in found.years},
        "months": dict(found.months),
        "tags": dict(found.tags),
        "places": dict(found.places),
        "acronyms": dict(found.acronyms),
        "timeline": {
            "unit": timeline.unit,
            "points": [[day.isoformat(), count] for day, count in timeline.points],
            "busiest": None
            if timeline.busiest is None
            else [timeline.busiest[0].isoformat(), timeline.busiest[1]],
        },
    }


def as_text(found: Facets, most: int = 12) -> str:
    """The counts as lines of text, in the language of the run (`kliping --list --stats`)."""
    lines = [
        ngettext(
            "What the list shows: {count} article", "What the list shows: {count} articles", found.total
        ).format(count=found.total)
    ]
    timeline = found.timeline
    if timeline.busiest is not None:
        day, count = timeline.busiest
        unit = {"day": _("by day"), "week": _("by week"), "month": _("by month")}[timeline.unit]
        lines.append(
            ngettext(
                "Timeline ({unit}): busiest {period}, {count} article",
                "Timeline ({unit}): busiest {period}, {count} articles",
                count,
            ).format(unit=unit, period=timeline.term(day).removeprefix("date:"), count=count)
        )
    sections: list[tuple[str, list[tuple[str, int]]]] = [
        (_("Source"), found.sources[:most]),
        (_("Year"), [(str(year), count) for year, count in found.years]),
        (_("Month"), found.months[-most:]),
        (_("Tag"), found.tags[:most]),
        (_("Place"), found.places[:most]),
        (_("Acronym"), found.acronyms[:most]),
    ]
    for heading, values in sections:
        if values:
            lines.append(f"{heading}: " + ", ".join(f"{value} ({count})" for value, count in values))
    return "\n".join(lines) + "\n"
