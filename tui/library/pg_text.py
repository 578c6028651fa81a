"""An article's words as a PostgreSQL `tsvector`, built in Python from kliping's own folding and stems.

PostgreSQL's `indonesian` configuration stems otherwise than PySastrawi (bertemu -> `berte`,
menemukan -> `emu`), and `websearch_to_tsquery` has no prefixes or fields: so the vector is made
here, from the words `tui.text.fold_words` finds and the stems `tui.search.stem` gives, and queries
are sent as `tsquery` literals (pg_query.py). Both back ends then read the same words the same way.

Each word is a lexeme at its position; a word whose stem differs from it also gives the lexeme
`~stem` at the same position (no folded word holds `~`). Weights say the field: the title A, the
source B, the dateline place C, the body D. The fields follow one another (source, place, title,
body) with a gap between, so a phrase never runs from one into the next.

PostgreSQL keeps positions up to 16,383 and 256 of them a lexeme: `exact` says the article's fit,
and phrases in an article that does not are checked in Python (pg_query.matches).
"""

from __future__ import annotations

import re

from tui.search import stem
from tui.text import WORD, fold_words

STEM = "~"  # the mark of a stem lexeme
MAX_POSITION = 16383  # PostgreSQL's largest position
MAX_POSITIONS = 256  # positions PostgreSQL keeps of one lexeme
GAP = 2  # positions left between two fields (gaps carry no lexeme)

TITLE, SOURCE, PLACE, BODY = "A", "B", "C", "D"


def quoted(lexeme: str) -> str:
    """A lexeme as tsvector and tsquery input write it (folded words hold no quote, but be safe)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


_BEYOND_ASCII_LETTER = re.compile(r"[^\x00-\x7f\W]")


def words_of(text: str) -> list[str]:
    """fold_words(text), at C speed for a text whose letters and digits are all ASCII (most are:
    curly quotes and dashes fold to no word), where folding it character by character cost 2 ms."""
    if text.isascii() or not _BEYOND_ASCII_LETTER.search(text):
        return WORD.findall(text.lower())
    return fold_words(text)


_roots: dict[str, str] = {}  # word -> stem: the stemmer's own caches cost more than a dict
_ROOTS_KEPT = 1 << 21


def _root(word: str) -> str:
    found = _roots.get(word)
    if found is None:
        if len(_roots) >= _ROOTS_KEPT:
            _roots.clear()
        found = _roots[word] = stem(word)
    return found


def document(
    title: str, body: str, source: str | None, place: str | None, stems: dict[str, str] | None = None
) -> tuple[str, str, bool]:
    """The tsvector literals of an article and of its title alone, and whether its positions are
    all kept (`exact`); its words and their stems go into `stems` when given (the library's terms,
    for highlighting).

    The title's own vector is small enough to stay in the table's row, where the article's is
    stored apart (TOAST): relevance tiers ask "a word in the title?" of every match, and reading
    the whole vector for it cost 20 us a match. Built word by word with strings, a vector cost
    5 ms an article; positions are gathered as numbers and written once a lexeme (body positions
    without a letter: D is PostgreSQL's default weight)."""
    at: dict[str, list[int]] = {}
    position = 0
    weights: list[tuple[int, int, str]] = []  # (first, last, weight) of the fields before the body
    title_span = (0, -1)
    for text, weight in ((source, SOURCE), (place, PLACE), (title, TITLE)):
        words = words_of(text) if text else []
        if not words:
            continue
        first = position + 1
        for word in words:
            position += 1
            found = at.get(word)
            if found is None:
                at[word] = [position]
            else:
                found.append(position)
        weights.append((first, position, weight))
        if weight == TITLE:
            title_span = (first, position)
        position += GAP
    if title_span[1] == position - GAP:
        position -= GAP  # the title runs into the body, as SQLite's phrase check reads them
    body_from = position + 1
    for word in words_of(body):
        position += 1
        found = at.get(word)
        if found is None:
            at[word] = [position]
        else:
            found.append(position)
    exact = position <= MAX_POSITION

    by_root: dict[str, list[int]] = {}
    shared: set[str] = set()  # stems of more than one word: their positions need sorting
    for word, places in at.items():
        root = _root(word)
        if stems is not None:
            stems[word] = root
        if root != word:
            kept = by_root.get(root)
            if kept is None:
                by_root[root] = list(places)
            else:
                kept.extend(places)
                shared.add(root)
    for root in shared:
        by_root[root].sort()

    def written(places: list[int]) -> str:
        if len(places) > MAX_POSITIONS:
            places = places[:MAX_POSITIONS]
        if places[-1] > MAX_POSITION:
            places = sorted({min(p, MAX_POSITION) for p in places})
        if places[0] >= body_from:
            return ",".join(map(str, places))
        return ",".join(f"{p}{_weight(p, weights)}" if p < body_from else str(p) for p in places)

    parts: list[str] = []
    title_parts: list[str] = []
    low, high = title_span
    for word, places in at.items():
        if len(places) > MAX_POSITIONS:
            exact = False  # a phrase could need a position PostgreSQL would not keep
        parts.append(f"'{word}':{written(places)}")  # a folded word holds no quote or backslash
        if places[0] <= high:
            titled = [p for p in places if low <= p <= high]
            if titled:
                title_parts.append(f"'{word}':{','.join(f'{p}{TITLE}' for p in titled)}")
    for root, places in by_root.items():
        parts.append(f"{quoted(STEM + root)}:{written(places)}")  # (a stemmer's output: quoted)
        if places[0] <= high:
            titled = [p for p in places if low <= p <= high]
            if titled:
                title_parts.append(f"{quoted(STEM + root)}:{','.join(f'{p}{TITLE}' for p in titled)}")
    return " ".join(parts), " ".join(title_parts), exact


def _weight(position: int, weights: list[tuple[int, int, str]]) -> str:
    for first, last, weight in weights:
        if first <= position <= last:
            return weight
    return BODY
