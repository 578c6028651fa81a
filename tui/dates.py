"""Publication dates as saved articles write them, in Indonesian and English."""

from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, int] = {
    # Indonesian, full and the abbreviations newsrooms use.
    "januari": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agust": 8, "agus": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11, "novem": 11,
    "desember": 12, "des": 12,
    # English.
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "aug": 8, "october": 10, "oct": 10, "december": 12, "dec": 12,
}  # fmt: skip

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = (
    r"(?:\s*[,|·•–—-]?\s*(?:pukul\s+|jam\s+|at\s+|um\s+|à\s+)?(?P<hh>[01]?\d|2[0-3])[:.](?P<mm>[0-5]\d)"
    r"(?:[:.]\d\d)?\s*(?P<ampm>[ap]\.?m\.?)?(?![\d]))?"
)

_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<hh>\d{2}):(?P<mm>\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\w)(?P<d>\d{{1,2}})\.?\s+(?P<mon>{_MONTH})\.?,?\s+(?P<y>\d{{4}})(?!\d){_TIME}",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<!\w)(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)" + _TIME,
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    rf"(?<![\d/.-])(?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}})(?!\d){_TIME}"
)
# Year first with slashes, as scrapers and some CMSs write it: "2025/07/03 16:13:50".
_YEAR_FIRST = re.compile(rf"(?<![\d/.-])(?P<y>\d{{4}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})(?![\d/]){_TIME}")
_PATTERNS = (_ISO, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC, _YEAR_FIRST)
_YEAR = re.compile(r"\d{4}")

# What may surround a date on a line that holds nothing else: weekday, time zone, separators.
_DATE_LINE_REST = re.compile(
    r"(?i)\b(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun"
    r"|sen|sel|rab|kam|jum|sab|min|pukul|jam|at"
    r"|wib|wita|wit|utc|gmt|[a-z]{2,4}t)\b|[\s,|·•()\-–—:.]+"
)
# A word glued to the date line by a dash: a site or a role ("Kompas.com- 18/06/2025", "Jurnalis-Rabu, …").
_DATE_LINE_PREFIX = re.compile(r"^\s*[\w.]{2,30}\s*[-–—|]\s*")

YEAR_MIN = 1900
YEAR_MAX = 2100


def _build(match: re.Match[str]) -> dt.datetime | None:
    """Turn one match into a datetime, or None when the calendar says it cannot exist."""
    groups = match.groupdict()
    try:
        year = int(groups["y"])
        day = int(groups["d"])
        if groups.get("mon"):
            month = MONTHS[groups["mon"].lower().rstrip(".")]
        else:
            month = int(groups["m"])
            if match.re is _NUMERIC and month > 12 and day <= 12:
                day, month = month, day  # written month first, as in the US
        hour = int(groups["hh"]) if groups.get("hh") else 0
        minute = int(groups["mm"]) if groups.get("mm") else 0
        ampm = (groups.get("ampm") or "").replace(".", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if not YEAR_MIN <= year <= YEAR_MAX:
            return None
        return dt.datetime(year, month, day, hour, minute)
    except (ValueError, KeyError):
        return None


def find_date(text: str) -> tuple[dt.datetime, re.Match[str]] | None:
    """Find the first real date in a line, and where, so callers see how much of the line it is."""
    if _YEAR.search(text) is None:
        return None  # every form has a four-digit year: one quick scan spares most lines five
    best: tuple[dt.datetime, re.Match[str]] | None = None
    for pattern in _PATTERNS:
        if pattern is _YEAR_FIRST and "/" not in text:
            continue  # the rarest form, skipped cheaply on most lines
        for match in pattern.finditer(text):
            when = _build(match)
            if when is not None:
                if best is None or match.start() < best[1].start():
                    best = (when, match)
                break
    return best


# A whole ISO 8601 time as exports write it (`2024-01-01T10:00:00+0000`, `…56Z`, `… 11:55:58+02:00`):
# read whole, with its seconds and its offset.
_ISO_WHOLE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_date(value: object, exact: bool = False) -> dt.datetime | None:
    """Read a metadata date (string, date, datetime or timestamp) as a naive wall-clock time to the
    minute; `exact`: as an export gives it, to the second and with its offset when it has one (a
    timestamp is UTC), so `11:55:58+0200` stays that."""
    if isinstance(value, dt.datetime):
        if not YEAR_MIN <= value.year <= YEAR_MAX:
            return None
        return value if exact else value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10_000_000_000 else value
        try:
            return parse_date(dt.datetime.fromtimestamp(seconds, dt.UTC), exact)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        whole = value.strip()
        if exact and _ISO_WHOLE.fullmatch(whole):
            try:
                return parse_date(dt.datetime.fromisoformat(whole.replace("Z", "+00:00")), exact)
            except ValueError:
                pass
        found = find_date(value[:200])
        return found[0] if found else None
    return None


def is_date_line(line: str) -> dt.datetime | None:
    """A line holding only a date (a weekday or time zone may go with it) is metadata, not text."""
    if len(line) > 80:
        return None
    found = find_date(line)
    if found is None:
        return None
    when, match = found
    before = line[: match.start()]
    if _DATE_LINE_REST.sub("", before):
        before = _DATE_LINE_PREFIX.sub("", before, count=1)
    rest = before + " " + line[match.end() :]
    return when if not _DATE_LINE_REST.sub("", rest) else None
