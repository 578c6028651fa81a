"""Places and acronyms an article's text names, found once an article as it is parsed.

The places are `places.txt` (Indonesian provinces, regencies and cities with their common
spellings, countries and world cities; its header says where they come from). The title and the
body's lead are split into words once, in C, and only the words that may start a name are looked
at: a name is matched as written with a capital (news capitalises places), the longest first
("Jakarta Selatan", not "Jakarta"), up to four words; a name that is also a common word ("Batu",
"Malang") counts only after a marker word or in the middle of a sentence.

Acronyms are the known ones below (PKH, BPJS, KPK) written in capitals, and any capitalised
token in parentheses after words one of which starts with its first letter ("Badan Penanggulangan
Bencana Daerah (BPBD)").
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from tui.text import fold

# Words after which a common-word name is a place: "Kota Batu", "Kab. Padang Lawas", "Pemkab Pati".
MARKERS = frozenset(
    {"kabupaten", "kab", "kota", "pemkab", "pemkot", "provinsi", "prov", "bupati", "walikota"}
)
_ACRONYM_TEXT = """
    PKH BPJS LSM KPK DPR DPRD MPR DPD TNI POLRI BUMN BUMD PLN BPBD BNPB OJK BPK BPS KPU BAWASLU MK
    KUHP APBN APBD UMKM PBB WHO UNICEF UNESCO ASEAN NGO OMS ORMAS PNS ASN BLT BST KIP KIS JKN PPKM BMKG BNN
    BNPT BIN BRIN BKKBN BPOM BPN BPJPH KKP KLHK KEMENKES KEMENDAGRI KEMENDIKBUD KEMENSOS PUPR PDAM PKK
    KPAI KOMNAS HAM LBH YLBHI WALHI ICW IMF ADB USAID AUSAID DFAT UNDP FAO ILO NATO OPEC IKN PMI MUI NU
    PSSI KONI PGRI UMR UMP UMK BBM LPG SPBU PAUD PTN BOS DAK DAU KUR PNPM TKI BP2MI
    PPATK LPSK KY PERTAMINA TELKOM BRI BNI BTN BSI GOJEK"""
KNOWN_ACRONYMS = frozenset(_ACRONYM_TEXT.split())
# Capitalised words in parentheses that are no organisation: a news agency's dateline, time zones.
NOT_ACRONYMS = frozenset(
    {"ANTARA", "AFP", "AP", "WIB", "WITA", "WIT", "GMT", "UTC", "ID", "EN", "II", "III", "IV"}
)
LEAD = 600  # characters of a body looked through after its title: news names its places in its lead
LONGEST = 4  # words in a name at most: longer ones ("Saint Vincent and the Grenadines") are left out
_CAPITAL = "A-ZÀ-ÖØ-Þ"
_PARENTHESISED = re.compile(rf"\(([{_CAPITAL}][{_CAPITAL}0-9&-]{{1,9}})\)")
# A text's words in UTF-8: the marks that end a sentence or break a name made words of their own
# (_MARKS), then every other ASCII byte but letters, digits, "-" and "'" made a space.
_PUNCTUATION_SPACES = bytes(
    byte if chr(byte).isalnum() or chr(byte) in "-'.,(" or byte > 127 else 32 for byte in range(256)
)
_MARKS = (b".", b",", b"(")
_BREAKS = frozenset(_MARKS[1:])  # after these a capitalised name is in the middle of a sentence
_ACRONYM_FORMS = frozenset(token.encode() for token in KNOWN_ACRONYMS)
_MARKER_FORMS = frozenset(marker.encode() for marker in MARKERS)


class Form(NamedTuple):
    """A name's first word as a text may write it, and what finding it there means."""

    alone: str | None  # the place it is when nothing near it makes it part of a longer name
    marked: bool  # a name alone that is also a common word: a place only where it stands so
    near: frozenset[bytes]  # words that may (the name it is in, or starts, in `Gazetteer.names`)


def _cased(word: str) -> tuple[str, ...]:
    """A word as a text may write it: as listed, in capitals, capitalised."""
    return tuple(dict.fromkeys((word, word.upper(), word[:1].upper() + word[1:].lower())))


class Gazetteer:
    """The names of `places.txt`, folded, and the place each one is."""

    def __init__(self, text: str) -> None:
        self.names: dict[str, str] = {}  # folded name -> the place's name ("" for words that name none)
        self.marked: set[str] = set()  # folded names that are also common words
        firsts: set[str] = set()
        lowered: dict[bytes, str] = {}  # a spelling in lower case, in UTF-8 (São Paulo's "são paulo")
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            kind, *spellings = line.split("|")
            spellings = [spelling for spelling in spellings if len(spelling.split()) <= LONGEST]
            if not spellings:
                continue
            name = "" if kind == "X" else spellings[0].lstrip("*")
            for spelling in spellings:
                bare = spelling.lstrip("*")
                firsts.add(bare.split()[0])
                folded = fold(bare)
                if spelling.startswith("*"):
                    self.marked.add(folded)
                self.names.setdefault(folded, name)
                lowered.setdefault(" ".join(bare.replace(".", " ").split()).lower().encode(), name)
        self.longest = max(len(name.split()) for name in self.names)
        self.byte_names: dict[bytes, str] = {name.encode(): place for name, place in self.names.items()}
        for written, place in lowered.items():
            self.byte_names.setdefault(written, place)
        self.byte_marked = frozenset(name.encode() for name in self.marked)
        self.seconds = frozenset(name.split(b" ")[1] for name in self.byte_names if b" " in name)
        # A word found in a text is a place alone (one look-up, without finding where it stands)
        # unless it is a common word, or the text also has a word that may make it part of a longer
        # name: the first words of names it is inside ("Bandar" for "Lampung"), the second words of
        # names it starts ("Selatan" for "Jakarta").
        related: dict[str, set[str]] = {}
        for name in self.names:
            parts = name.split()
            for part in parts[1:]:
                related.setdefault(part, set()).add(parts[0])
            if len(parts) > 1:
                related.setdefault(parts[0], set()).add(parts[1])
        self.forms: dict[bytes, Form] = {}
        for first in firsts:
            folded = fold(first)
            marked = folded in self.marked
            alone = None if marked else self.names.get(folded)
            near = frozenset(form.encode() for word in related.get(folded, ()) for form in _cased(word))
            for form in _cased(first):
                self.forms[form.encode()] = Form(alone, marked, near)
        # The words looked for in a text, in UTF-8: names' first words and the known acronyms (a
        # smaller set is looked up faster: the words near them are looked for among the text's).
        self.wanted = frozenset(self.forms).union(_ACRONYM_FORMS)

    def place(self, written: str) -> str | None:
        """The place a name is (its name as facets show it), or None: "JOGJA" is "Yogyakarta"."""
        return self.names.get(" ".join(fold(written).replace(".", " ").split())) or None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, read once a process (18 KB, ~15 ms)."""
    return Gazetteer(resources.files("tui").joinpath("places.txt").read_text(encoding="utf-8"))


# Words that make a dateline's capitalised opening no place: "TEMPO.CO, Info Bisnis -".
_NOT_PLACE_TEXT = """
    info bisnis advertorial berita foto video opini editorial news breaking update live sponsored promo
    rilis siaran pers press release konten iklan ads kolom cek fakta pilihan redaksi nasional internasional
    regional ekonomi bola sport sports tekno otomotif hiburan seleb gaya hidup travel kesehatan"""
_NOT_PLACE_WORDS = frozenset(_NOT_PLACE_TEXT.split())


def plausible_place(name: str) -> bool:
    """Whether a dateline's opening words can be a place: a known one, or up to three capitalised
    words none of which is a section's or a feature's word ("Info Bisnis" is no place)."""
    if gazetteer().place(name) is not None:
        return True
    words = name.replace(".", " ").split()
    return (
        0 < len(words) <= 3
        and all(word[0].isupper() for word in words)
        and not any(fold(word) in _NOT_PLACE_WORDS for word in words)
    )


def mentions(title: str, body: str, dateline: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The places the title and the body's lead name (the dateline's first, when it is one) and the
    acronyms, each once, in alphabetical order (one order whatever the hash seed)."""
    known = gazetteer()
    text = f"{title}\n{body[:LEAD]}" if title else body[:LEAD]
    # The text's words are split and matched with the words that matter in C (bytes.translate,
    # split, a set): a loop in Python over its capitalised words cost 150 us a 4 KB text. Only the
    # words found are looked at, most of them without finding where they stand.
    data = text.encode("utf-8", "ignore")
    for mark in _MARKS:
        if mark in data:
            data = data.replace(mark, b" " + mark + b" ")
    tokens = data.translate(_PUNCTUATION_SPACES).split()
    distinct = set(tokens)  # small: looked up in the gazetteer's large set once a word
    words = distinct.intersection(known.wanted)
    found: set[str] = set()
    elsewhere: list[bytes] = []
    for word in words:
        form = known.forms.get(word)
        if form is None:
            continue
        if form.marked or (form.near and not form.near.isdisjoint(distinct)):
            elsewhere.append(word)
        elif form.alone:
            found.add(form.alone)
    if elsewhere:
        found.update(_places_at(tokens, elsewhere, known))
    named = {word.decode() for word in words if word in _ACRONYM_FORMS}
    at = text.find("(")
    while at >= 0:
        match = _PARENTHESISED.match(text, at)
        if match is not None:
            token = match.group(1)
            if (
                token not in NOT_ACRONYMS
                and sum(ch.isupper() for ch in token) > 1
                and _expanded(text, at, token)
            ):
                named.add(token)
        at = text.find("(", at + 1)
    first = (known.place(dateline) or dateline) if dateline else None
    places = sorted(found - {first}, key=str.casefold)
    return (tuple(places) if first is None else (first, *places)), tuple(sorted(named))


def _places_at(tokens: list[bytes], starts: list[bytes], known: Gazetteer) -> set[str]:
    """The places named where these words (each a name's first word) stand among the text's words:
    left to right, the longest name at each; a word inside a name found before it starts none."""
    at: list[int] = []
    for word in starts:
        index = tokens.index(word)
        while True:
            at.append(index)
            try:
                index = tokens.index(word, index + 1)
            except ValueError:
                break
    found: set[str] = set()
    covered = -1
    count = len(tokens)
    for index in sorted(at):
        if index <= covered:
            continue
        longest = (
            min(known.longest, count - index)
            if index + 1 < count and tokens[index + 1].lower() in known.seconds
            else 1
        )
        for size in range(longest, 0, -1):
            key = tokens[index].lower() if size == 1 else b" ".join(tokens[index : index + size]).lower()
            place = known.byte_names.get(key)
            if place is None or (key in known.byte_marked and not _marked_ok(tokens, index)):
                continue
            if place:
                found.add(place)
            covered = index + size - 1
            break
    return found


def _marked_ok(tokens: list[bytes], index: int) -> bool:
    """Whether a name that is also a common word is a place here: after a marker word ("Kota
    Batu", "Kab. Pati"), or in the middle of a sentence (after a word in lower case or a comma)."""
    before = tokens[index - 1] if index else b""
    if before == b"." and index > 1:
        return tokens[index - 2].lower() in _MARKER_FORMS  # "Kab." and "Prov." end in a full stop
    return before in _BREAKS or (before[:1].islower()) or before.lower() in _MARKER_FORMS


def _expanded(text: str, at: int, acronym: str) -> bool:
    """Whether one of the eight words before a parenthesis starts with the acronym's first letter."""
    words = text[max(0, at - 120) : at].split()[-8:]
    return any(word[:1] == acronym[0] for word in words)
