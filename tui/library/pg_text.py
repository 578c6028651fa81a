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

from tui.search import stem
from tui.text import fold_words

STEM = "~"  # the mark of a stem lexeme
MAX_POSITION = 16383  # PostgreSQL's largest position
MAX_POSITIONS = 256  # positions PostgreSQL keeps of one lexeme
GAP = 2  # positions left between two fields

TITLE, SOURCE, PLACE, BODY = "A", "B", "C", "D"


def quoted(lexeme: str) -> str:
    """A lexeme as tsvector and tsquery input write it (folded words hold no quote, but be safe)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def document(
    title: str, body: str, source: str | None, place: str | None, stems: dict[str, str] | None = None
) -> tuple[str, str, bool]:
    """The tsvector literals of an article and of its title alone, and whether its positions are
    all kept (`exact`); its words and their stems go into `stems` when given (the library's terms,
    for highlighting).

    The title's own vector is small enough to stay in the table's row, where the article's is
    stored apart (TOAST): relevance tiers ask "a word in the title?" of every match, and reading
    the whole vector for it cost 20 us a match."""
    positions: dict[str, list[str]] = {}
    position = 0
    exact = True
    previous = ""
    for text, weight in ((source or "", SOURCE), (place or "", PLACE), (title, TITLE), (body, BODY)):
        words = fold_words(text)
        if not words:
            continue
        if weight == BODY and previous == TITLE:
            position -= GAP  # the title runs into the body, as SQLite's phrase check reads them
        previous = weight
        for word in words:
            position += 1
            if position > MAX_POSITION:
                exact = False
            at = f"{min(position, MAX_POSITION)}{weight}"
            root = stem(word)
            if stems is not None:
                stems[word] = root
            for lexeme in (word, STEM + root) if root != word else (word,):
                kept = positions.get(lexeme)
                if kept is None:
                    positions[lexeme] = [at]
                elif len(kept) < MAX_POSITIONS:
                    if kept[-1] != at:
                        kept.append(at)
                elif not lexeme.startswith(STEM):
                    exact = False  # a phrase could need a position PostgreSQL would not keep
        position += GAP
    vector = " ".join(f"{quoted(lexeme)}:{','.join(at)}" for lexeme, at in positions.items())
    titled = [(lexeme, [a for a in at if a.endswith(TITLE)]) for lexeme, at in positions.items()]
    title_vector = " ".join(f"{quoted(lexeme)}:{','.join(at)}" for lexeme, at in titled if at)
    return vector, title_vector, exact
