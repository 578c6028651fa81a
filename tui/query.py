"""The filter language: what a user types in the filter bar, read forgivingly into a `Query`.

Grammar, informally (every slip is read as plain words and explained in `Query.hint`)::

    word            all words must match, in any order, case- and accent-insensitively;
                    the last bare word matches as a prefix (the user is still typing it)
    word*           an explicit prefix
    "a phrase"      the words next to each other, in this order
    -word -"a b"    exclude articles that contain it
    a OR b          either (also `a | b`); OR binds tighter than the implicit AND; any term
                    below may stand on either side (tag:a OR has:note, is:starred OR year:2024)
    title:word      in the title (also `title:"a phrase"`)
    source:kompas   the source has a word starting with `kompas`
    place:pasuruan  the dateline place or a place the text names (tui.gazetteer) has a word
                    starting with `pasuruan`; a known spelling asks for its place (place:jogja
                    is place:yogyakarta, place:jaksel is place:"jakarta selatan")
    year:2024       dated within 2024
    date:2023       within a year, month (2023-05) or day (2023-05-01);
    date:A..B       from the start of period A to the end of period B (either side may be left open)
    after:2023-06   later than the whole period: on or after 2023-07-01
    before:2024     earlier than the period's start: before 2024-01-01
    is:unread       reading state: unread, read or starred
    tag:banjir      tagged so (in the file or by the user); tag:ban* any tag starting so;
                    tag:"banjir bandang" a tag of several words; -tag:banjir not tagged so
    note:word       the user's note on the article has a word starting so (-note: excludes)
    has:note        the article has a note (has:tag: any tag; -has:note: none)
    is:dup          a near-copy of another article, not its group's face (-is:dup: one of each group)
    dup:ID          the near-duplicate group of the article whose id (or group id) starts with ID

Each field also has its Indonesian name (judul: sumber: tempat: tahun: tanggal: setelah: sebelum:
label: catatan: ada: salinan:) and `ATAU` is OR, whatever the interface language, so a filter reads the same
for everyone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from tui.gazetteer import gazetteer
from tui.i18n import _
from tui.text import fold_words

MAX_CHARS = 2000  # a filter is read this far: pasting a whole article must not cost gigabytes
MAX_TERMS = 64  # words, phrases and fields read; each one is a clause in every FTS5 expression
FIELDS = ("title", "source", "place", "year", "date", "after", "before", "is", "tag", "note", "has", "dup")
ALIASES = {
    "judul": "title",
    "sumber": "source",
    "tempat": "place",
    "tahun": "year",
    "tanggal": "date",
    "setelah": "after",
    "sebelum": "before",
    "label": "tag",
    "catatan": "note",
    "ada": "has",
    "salinan": "dup",
}
OR_WORDS = frozenset({"OR", "ATAU"})  # in capitals only: "atau" and "or" are ordinary words
FLAGS = frozenset({"unread", "read", "starred", "dup"})
HAS = {"note": "note", "catatan": "note", "tag": "tag", "label": "tag"}
FIELD_LIST = " ".join(f"{name}:" for name in FIELDS)


@dataclass(frozen=True, slots=True)
class Term:
    """One thing to look for: a word, a prefix or a phrase, anywhere or in one field."""

    words: tuple[str, ...]  # folded words; more than one means a phrase
    prefix: bool = False  # the last word matches as a prefix
    field: str | None = None  # None (title or body), "title", "source" or "place"

    @property
    def text(self) -> str:
        """The folded words as typed, for highlighting and display."""
        return " ".join(self.words)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def __str__(self) -> str:
        body = f'"{self.text}"' if self.is_phrase else self.text
        if self.prefix:
            body += "*"
        return f"{self.field}:{body}" if self.field else body


@dataclass(frozen=True, slots=True)
class Flag:
    """A condition on the app's key sets rather than the text: is:unread, tag:banjir, has:note."""

    name: str  # as in Query.flags: "unread", "starred", "tag:banjir", "tag:ban*", "note:rapat", "has:tag",
    # "dup" (a near-copy), "dup:3f2a" (the group of that article): the library answers these two
    negated: bool = False  # -tag:banjir: the article is not in the set

    def __str__(self) -> str:
        return ("-" if self.negated else "") + flag_text(self.name)


@dataclass(frozen=True, slots=True)
class Period:
    """Dated within [start, end): year:, date:, after:, before:."""

    start: dt.date | None
    end: dt.date | None

    def __str__(self) -> str:
        if self.start is not None and self.end is not None:
            return f"date:{self.start}..{self.end - dt.timedelta(days=1)}"
        if self.start is not None:
            return f"after:{self.start - dt.timedelta(days=1)}"
        return f"before:{self.end}"


Condition = Term | Flag | Period  # anything a filter can ask for, as one side of an OR


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter: groups that must all match (each an OR of terms), exclusions and filters.

    A group of words only is in `groups` (the full-text index answers it); a group with a flag or
    a date among its terms (`tag:a OR tag:b`, `banjir OR is:starred`) is in `either`. A flag or a
    date on its own is in `flags`, `without`, `start` and `end`. All of them must match.
    """

    text: str = ""
    groups: tuple[tuple[Term, ...], ...] = ()  # AND of ORs of words
    excluded: tuple[Term, ...] = ()  # any match excludes the article
    start: dt.date | None = None  # on or after (inclusive)
    end: dt.date | None = None  # before (exclusive)
    flags: frozenset[str] = field(default_factory=frozenset)  # read, unread, starred, tag:x, note:x, has:x
    without: frozenset[str] = field(default_factory=frozenset)  # tag:x, note:x, has:x excluded
    hint: str | None = None  # what was read differently from how it was typed
    empty_range: bool = False  # the date filters contradict each other, so nothing matches
    either: tuple[tuple[Condition, ...], ...] = ()  # AND of ORs with a flag or a date among them

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every positive word term (those in `either` too), in the order typed."""
        found = [term for group in self.groups for term in group]
        found += [term for group in self.either for term in group if isinstance(term, Term)]
        return tuple(found)

    @property
    def flag_names(self) -> frozenset[str]:
        """Every flag the query asks about, to know which key sets answering it needs."""
        named = {flag.name for group in self.either for flag in group if isinstance(flag, Flag)}
        return self.flags | self.without | named

    @property
    def has_dates(self) -> bool:
        return self.start is not None or self.end is not None or self.empty_range

    @property
    def is_empty(self) -> bool:
        """True when the query filters nothing, so the caller can show everything."""
        return not (
            self.groups or self.excluded or self.has_dates or self.flags or self.without or self.either
        )

    @property
    def uses_marks(self) -> bool:
        """True when answering needs the app's key sets (reading marks, tags, notes)."""
        return bool(self.flag_names)

    def describe(self) -> str:
        """A normalized rendering of the query, so users can see how it was read."""
        parts = [" OR ".join(str(term) for term in group) for group in self.groups]
        parts += [" OR ".join(str(term) for term in group) for group in self.either]
        parts += [f"-{term}" for term in self.excluded]
        if self.start:
            parts.append(f"after:{self.start - dt.timedelta(days=1)}")
        if self.end:
            parts.append(f"before:{self.end}")
        parts += [flag_text(flag) for flag in sorted(self.flags)]
        parts += ["-" + flag_text(flag) for flag in sorted(self.without)]
        return " ".join(parts)

    def __str__(self) -> str:
        return self.describe()


def flag_text(flag: str) -> str:
    """A flag as it would be typed: is:read, tag:banjir, tag:"banjir bandang", has:note."""
    if ":" not in flag:
        return f"is:{flag}"
    name, _colon, value = flag.partition(":")
    return f'{name}:"{value}"' if " " in value else f"{name}:{value}"


# --- dates -----------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _period(text: str) -> tuple[dt.date, dt.date] | None:
    """The [start, end) of a year, month or day written as 2023, 2023-05 or 2023-05-01."""
    match = _DATE.fullmatch(text)
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        if day is None:
            start = dt.date(year, month, 1)
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return start, following
        start = dt.date(year, month, day)
        return start, start + dt.timedelta(days=1)
    except (ValueError, OverflowError):
        return None


def _range(name: str, value: str) -> tuple[dt.date | None, dt.date | None] | None:
    """The [start, end) a date field asks for, or None when the value is not a date."""
    if name in ("year", "before", "after") or ".." not in value:
        if name == "year" and not re.fullmatch(r"\d{4}", value):
            return None
        period = _period(value)
        if period is None:
            return None
        if name == "after":
            return period[1], None
        if name == "before":
            return None, period[0]
        return period
    left, _dots, right = value.partition("..")
    low = _period(left) if left else None
    high = _period(right) if right else None
    if (left and low is None) or (right and high is None) or not (left or right):
        return None
    return (low[0] if low else None), (high[1] if high else None)


# --- tokens ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    """A term as it is read, before OR groups are formed."""

    term: Condition | None = None  # None for an OR operator
    negated: bool = False
    bare: bool = False  # a plain word that may become the typing prefix
    raw: str = ""


_OR = _Item(raw="OR")


class _Reader:
    """A small hand-written scanner, because the language must forgive every slip."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.hints: list[str] = []
        self.items: list[_Item] = []

    def hint(self, message: str) -> None:
        if message not in self.hints:
            self.hints.append(message)

    def read(self) -> None:
        text = self.text
        while self.pos < len(text):
            if len(self.items) >= MAX_TERMS:
                self.hint(_("only the first {count} words of the filter are used").format(count=MAX_TERMS))
                return
            ch = text[self.pos]
            if ch.isspace():
                self.pos += 1
            elif ch == "|":
                self.pos += 1
                self.items.append(_OR)
            else:
                self.read_item()

    def read_quoted(self) -> str | None:
        """Read a quoted phrase at pos (just after the quote), or None if it is never closed."""
        close = self.text.find('"', self.pos)
        if close < 0:
            self.hint(_("unclosed quote: read as words"))
            return None
        phrase = self.text[self.pos : close]
        self.pos = close + 1
        return phrase

    def read_word(self) -> str:
        start = self.pos
        text = self.text
        while self.pos < len(text) and not text[self.pos].isspace() and text[self.pos] not in '"|':
            self.pos += 1
        return text[start : self.pos]

    def read_item(self) -> None:
        negated = False
        if self.text[self.pos] == "-":
            negated = True
            self.pos += 1
            if self.pos >= len(self.text) or self.text[self.pos].isspace():
                self.hint(_("a lone '-' excludes nothing: ignored"))
                return
        if self.text[self.pos] == '"':
            self.pos += 1
            phrase = self.read_quoted()
            if phrase is None:
                return  # the rest is read as words by the main loop
            self.add_words(phrase, negated=negated, field=None, prefix=False, raw=phrase)
            return
        word = self.read_word()
        if not word:  # '-' right before '|': the main loop reads the '|'
            self.hint(_("a lone '-' excludes nothing: ignored"))
            return
        if word in OR_WORDS and not negated:
            self.items.append(_Item(raw=word))
            return
        name, colon, value = word.partition(":")
        field_name = ALIASES.get(name.lower(), name.lower())
        if colon and field_name in FIELDS:
            self.read_field(field_name, value, negated)
            return
        if colon and name and re.fullmatch(r"[A-Za-z]+", name):
            self.hint(
                _("unknown field '{name}:' read as a word; fields: {fields}").format(
                    name=name, fields=FIELD_LIST
                )
            )
        prefix = word.endswith("*")
        self.add_words(word, negated=negated, field=None, prefix=prefix, raw=word, bare=not prefix)

    def read_field(self, name: str, value: str, negated: bool) -> None:
        if name in ("title", "source", "place"):
            if not value and self.pos < len(self.text) and self.text[self.pos] == '"':
                self.pos += 1
                phrase = self.read_quoted()
                if phrase is None:
                    self.add_words(name, negated=negated, field=None, prefix=False, raw=name)
                    return
                phrase = _place_named(phrase) if name == "place" else phrase
                self.add_words(phrase, negated=negated, field=name, prefix=name != "title", raw="")
                return
            if not fold_words(value):
                self.hint(_("'{name}:' needs a word after it: read as a word").format(name=name))
                self.add_words(name, negated=negated, field=None, prefix=False, raw=name)
                return
            prefix = name != "title" or value.endswith("*")
            if name == "place" and (known := _place_named(value)) != value:
                self.add_words(known, negated=negated, field=name, prefix=prefix, raw="")
                return
            self.add_words(value, negated=negated, field=name, prefix=prefix, raw=value)
            return
        if name in ("tag", "note"):
            self.read_annotation(name, value, negated)
            return
        if name == "dup":
            ident = "".join(fold_words(value))
            if not ident:
                self.hint(_("'{name}:' needs a word after it: read as a word").format(name=name))
                self.add_words(name, negated=negated, field=None, prefix=False, raw=name)
                return
            self.items.append(_Item(term=Flag(f"dup:{ident}", negated), negated=negated))
            return
        if name == "has":
            what = HAS.get(value.lower())
            if what is None:
                self.hint(_("'has:' takes note or tag: '{value}' read as a word").format(value=value))
                self.add_words(f"has {value}", negated=negated, field=None, prefix=False, raw=value)
                return
            self.items.append(_Item(term=Flag(f"has:{what}", negated), negated=negated))
            return
        if name == "is":
            flag = value.lower()
            if negated and flag in ("read", "unread"):
                self.items.append(_Item(term=Flag("unread" if flag == "read" else "read")))
                return
            if flag in FLAGS:
                self.items.append(_Item(term=Flag(flag, negated), negated=negated))
                return
            self.hint(
                _("'is:' takes unread, read, starred or dup: '{value}' read as a word").format(value=value)
            )
            self.add_words(f"is {value}", negated=negated, field=None, prefix=False, raw=value)
            return
        # year, date, after, before
        period = _range(name, value)
        if negated:
            self.hint(
                _("dates cannot be excluded (try before: or after:): '-{name}:' read as words").format(
                    name=name
                )
            )
        if period is None:
            self.hint(
                _("'{name}:{value}' is not a date (try {name}:2024): read as words").format(
                    name=name, value=value
                )
            )
        if period is None or negated:
            self.add_words(f"{name} {value}", negated=negated, field=None, prefix=False, raw=value)
            return
        self.items.append(_Item(term=Period(*period)))

    def read_annotation(self, name: str, value: str, negated: bool) -> None:
        """tag:banjir, tag:"a b", tag:ban*, note:word: answered from the key sets the app passes in."""
        if not value and self.pos < len(self.text) and self.text[self.pos] == '"':
            self.pos += 1
            value = self.read_quoted() or ""
        words = fold_words(value)
        if not words:
            self.hint(_("'{name}:' needs a word after it: read as a word").format(name=name))
            self.add_words(name, negated=negated, field=None, prefix=False, raw=name)
            return
        star = "*" if name == "tag" and value.endswith("*") else ""
        self.items.append(_Item(term=Flag(f"{name}:{' '.join(words)}{star}", negated), negated=negated))

    def add_words(
        self,
        text: str,
        *,
        negated: bool,
        field: str | None,
        prefix: bool,
        raw: str,
        bare: bool = False,
    ) -> None:
        words = tuple(fold_words(text))[:MAX_TERMS]
        if not words:
            if negated:
                self.hint(_("a lone '-' excludes nothing: ignored"))
            return
        term = Term(words, prefix=prefix, field=field)
        self.items.append(_Item(term=term, negated=negated, bare=bare and len(words) == 1, raw=raw))


def _word_item(raw: str) -> _Item:
    """An OR that joins nothing, read as the plain word it looks like."""
    return _Item(term=Term(tuple(fold_words(raw)) or ("or",)), bare=True, raw=raw)


def _within_limit(text: str) -> str:
    """The first MAX_CHARS characters, cut after the last whole word when there is one."""
    if len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS]
    if text[MAX_CHARS].isspace():
        return head
    cut = max(head.rfind(" "), head.rfind("\t"), head.rfind("\n"))
    return head[:cut] if cut > 0 else head


def parse(text: str) -> Query:
    """Read a filter forgivingly: never raises, and says in `hint` what was read differently."""
    reader = _Reader(_within_limit(text))
    if len(text) > MAX_CHARS:
        reader.hint(_("only the first {count} characters of the filter are used").format(count=MAX_CHARS))
    reader.read()
    items = reader.items

    # OR needs a term on each side, a positive one or a flag left out (-has:note); otherwise it is
    # the word "or".
    def joinable(item: _Item | None) -> bool:
        return (
            item is not None and item.term is not None and (not item.negated or isinstance(item.term, Flag))
        )

    cleaned: list[_Item] = []
    for index, item in enumerate(items):
        if item.term is None:
            before = cleaned[-1] if cleaned else None
            after = items[index + 1] if index + 1 < len(items) else None
            if not (joinable(before) and joinable(after)):
                reader.hint(_("'OR' needs a word on each side: read as a word"))
                cleaned.append(_word_item(item.raw))
                continue
        cleaned.append(item)

    # The last bare positive word is the one still being typed.
    for index in range(len(cleaned) - 1, -1, -1):
        item = cleaned[index]
        term = item.term
        if isinstance(term, Term) and not item.negated and item.bare:
            cleaned[index] = _Item(Term(term.words, prefix=True, field=term.field), raw=item.raw)
            break

    all_groups: list[list[Condition]] = []
    excluded: list[Term] = []
    join_next = False
    for item in cleaned:
        if item.term is None:
            join_next = True
            continue
        if item.negated and isinstance(item.term, Term):
            excluded.append(item.term)
        elif join_next and all_groups:
            if item.term not in all_groups[-1]:
                all_groups[-1].append(item.term)
        else:
            all_groups.append([item.term])
        join_next = False

    # Groups of words go to the index; a flag or a date alone is a key set or a key range.
    groups: list[tuple[Term, ...]] = []
    either: list[tuple[Condition, ...]] = []
    start: dt.date | None = None
    end: dt.date | None = None
    flags: set[str] = set()
    without: set[str] = set()
    for group in all_groups:
        words = [term for term in group if isinstance(term, Term)]
        alone = group[0] if len(group) == 1 else None
        if len(words) == len(group):
            groups.append(tuple(words))
        elif isinstance(alone, Flag):
            (without if alone.negated else flags).add(alone.name)
        elif isinstance(alone, Period):
            if alone.start is not None and (start is None or alone.start > start):
                start = alone.start
            if alone.end is not None and (end is None or alone.end < end):
                end = alone.end
        else:
            either.append(tuple(group))
    empty_range = start is not None and end is not None and start >= end
    if {"read", "unread"} <= flags:
        reader.hint(_("'is:read' and 'is:unread' together match nothing"))
    return Query(
        text=text,
        groups=tuple(groups),
        excluded=tuple(excluded),
        start=start,
        end=end,
        flags=frozenset(flags),
        without=frozenset(without),
        hint=reader.hints[0] if reader.hints else None,
        empty_range=empty_range,
        either=tuple(either),
    )


def _place_named(value: str) -> str:
    """The place a known spelling names (jogja: Yogyakarta, jaksel: Jakarta Selatan), else the value:
    the index holds each place the text names under its name (tui.gazetteer)."""
    known = gazetteer().place(value)
    return known if known and fold_words(known) != fold_words(value) else value
