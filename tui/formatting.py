"""Small text formatting shared by the list, the reader and the command line (no Textual here)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from typing import TextIO

from tui.i18n import _

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


def size(value: int, lang: str = "en") -> str:
    """A size in bytes as people read it: 512 KB, 4.7 MB (4,7 MB in Indonesian)."""
    if value < 1024 * 1024:
        return f"{max(1, round(value / 1024))} KB"
    text = f"{value / (1024 * 1024):.1f} MB"
    return text.replace(".", ",") if lang == "id" else text


# What a file must never send to the terminal: C0 controls (ESC starts every escape sequence, BEL
# ends OSC ones), DEL and the C1 controls (U+009B is a one-character CSI on many terminals).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Invisible characters that change what a reader sees: bidi overrides and isolates turn
# "txt.exe" into "exe.txt", zero-width ones hide inside words and paths.
_INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_UNSAFE = re.compile(f"[{_CONTROLS}]")
_UNSAFE_LINE = re.compile(f"[\t\n{_CONTROLS}{_INVISIBLE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x09:
        return "\\t"
    if code == 0x0A:
        return "\\n"
    if code == 0x0D:
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Text from a file made safe for a terminal: control characters shown as escapes (\\x1b).

    Newlines and tabs stay, and so do the invisible marks that right-to-left and joined scripts
    need in running text: this is for bodies. Every text output and widget passes file text
    through here or `visible_line`, so an article cannot set the terminal's title, write its
    clipboard or move the cursor.
    """
    if _UNSAFE.search(text) is None:  # the common case costs one scan
        return text
    return _UNSAFE.sub(_escape, text)


def visible_line(text: str) -> str:
    """One line of file text (a title, a source, a path) made safe: newlines, tabs, bidi overrides and
    zero-width characters shown as escapes too, so a name cannot pass for another."""
    if _UNSAFE_LINE.search(text) is None:
        return text
    return _UNSAFE_LINE.sub(_escape, text)


# Whole escape sequences go, so "\x1b[31mred" leaves "red", not "[31mred": CSI (ESC [ or U+009B);
# string commands (OSC, DCS, SOS, PM, APC: ESC ] P X ^ _ or their C1 forms) up to BEL or ST, at most
# 4 KB (one without its end loses only its ESC); and ESC with the one character after it.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)
_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]+")


def plain_text(text: str) -> str:
    """Text from a file with what a terminal would act on taken out (escape sequences, control
    characters), for what an input, a note or the clipboard is given: newlines and tabs stay."""
    if _UNSAFE.search(text) is None:  # the common case costs one scan
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", _SEQUENCE.sub("", text))


def plain_line(text: str) -> str:
    """One line (a tag, a title, a filter) made plain: line breaks and tabs become one space."""
    return plain_text(_LINE_BREAKS.sub(" ", text))


def clipped(text: str, limit: int) -> str:
    """A title cut to `limit` characters for a short message, at a word and with "…": cut bare, a
    toast's "… Bersama GEDSI Menolong" read "… Bersama GEDS", as if that were the title's end."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


FIELD_LIMIT = 500  # characters of a title, source or place kept: a 10 MB title was kept whole


def plain_field(text: str, limit: int = FIELD_LIMIT) -> str:
    """A title, a source or a place from a file as it is kept: one plain line, spaces collapsed, cut at
    `limit` characters (what follows a long escape sequence is cut after it goes)."""
    # Most titles are one printable line with single spaces already: told in C, and kept as they are.
    if len(text) <= limit and text.isprintable() and "  " not in text and text[:1] != " " != text[-1:]:
        return text
    return " ".join(plain_line(text[: limit + 8192]).split())[:limit].rstrip()


_UNSAFE_STREAM = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class VisibleWriter:
    """A text stream that shows control characters as escapes: what `--list` prints goes through it.

    Line ends (\\n, and \\r\\n for CSV) and tabs pass; a lone \\r, which would let a line
    overwrite what came before it on screen, does not.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, text: str) -> int:
        if _UNSAFE_STREAM.search(text) is not None:
            text = _UNSAFE_STREAM.sub(_escape, text)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()


def display_path(path: str) -> str:
    """A path safe to print on one line: controls, newlines and undecodable bytes shown as escapes."""
    return visible_line(path.encode("utf-8", "backslashreplace").decode("utf-8"))


def opened_title(paths: Sequence[str]) -> str:
    """The list's title: what was opened, so a user with several collections knows which this is."""
    if not paths:  # a team library (--library): no folders opened
        return _("Articles · the team library")
    if len(paths) != 1:
        return _("Articles · {count} folders and files").format(count=len(paths))
    path = os.path.abspath(paths[0])
    if os.path.basename(path) == "seeds" and os.path.basename(os.path.dirname(path)) == "tui":
        return _("Articles · {path}").format(path=_("the bundled sample"))
    here, home = os.getcwd(), os.path.expanduser("~")
    if path.startswith(here + os.sep):
        path = os.path.relpath(path, here)  # as the user would type it from here
    elif path == home or path.startswith(home + os.sep):
        path = "~" + path[len(home) :]
    return _("Articles · {path}").format(path=display_path(path))
