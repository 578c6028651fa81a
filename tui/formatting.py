"""Small text formatting shared by the list, the reader and the command line (no Textual here)."""

from __future__ import annotations

import datetime as dt

MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
}


def short_date(date: dt.datetime | None, lang: str = "en") -> str:
    """A date as people write it (13 Oct 2022), so the list reads naturally in either language."""
    if date is None:
        return ""
    months = MONTHS.get(lang, MONTHS["en"])
    return f"{date.day:02d} {months[date.month - 1]} {date.year}"


def long_date(date: dt.datetime | None, lang: str = "en") -> str:
    """The date with its time when the article gave one."""
    if date is None:
        return ""
    text = short_date(date, lang)
    if date.hour or date.minute:
        text += f" {date.hour:02d}:{date.minute:02d}"
    return text


def count_words(words: int) -> str:
    """A compact word count (1.2k) that fits a narrow column."""
    if words < 1000:
        return str(words)
    if words < 10000:
        return f"{words / 1000:.1f}k"
    return f"{words // 1000}k"


def number(value: int, lang: str = "en") -> str:
    """A count with the thousands separator the language uses (1,234 in English, 1.234 in Indonesian)."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "id" else text


def display_path(path: str) -> str:
    """A path safe to print on one line: newlines and undecodable bytes shown as escapes."""
    return path.encode("utf-8", "backslashreplace").decode("utf-8").replace("\n", "\\n")
