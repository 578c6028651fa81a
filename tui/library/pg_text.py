"""An article's words as a PostgreSQL `tsvector`, built in Python from kliping's own folding and stems.

PostgreSQL's `indonesian` configuration stems otherwise than PySastrawi (bertemu -> `berte`,
menemukan -> `emu`), and `websearch_to_tsquery` has no prefixes or fields: so the vector is made
here, from the words `tui.text.fold_words` finds and the stems `tui.search.stem` gives, and queries
are sent as `tsquery` literals (pg_query.py). Both back ends then read the same words the same way.

Each word is a lexeme at its positions; a word whose stem differs from it also gives the lexeme
`~stem`, without positions (no folded word holds `~`; no phrase asks for a stem). An article
has four vectors: its words (the title running into the body, as SQLite's phrase check reads
them), and its title, source and place each alone, so a field is a column, not a weight (see
`document`); the place's holds the places the text names too (tui.gazetteer), as SQLite's place
column does.

PostgreSQL keeps positions up to 16,383 and 256 of them a lexeme: `exact` says the article's fit,
and phrases in an article that does not are checked in Python (pg_query.matches).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tui.gazetteer import LEAD, mentions
from tui.library.duplicates import bucket_keys, sketch, values_of
from tui.library.records import MENTION_SEPARATOR, Copied, Prepared, Row, indexed_place
from tui.search import stem
from tui.text import fold_words

STEM = "~"  # the mark of a stem lexeme
MAX_POSITION = 16383  # PostgreSQL's largest position
MAX_POSITIONS = 256  # positions PostgreSQL keeps of one lexeme


def quoted(lexeme: str) -> str:
    """A lexeme as tsvector and tsquery input write it (folded words hold no quote, but be safe)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


_BEYOND_ASCII_LETTER = re.compile(r"[^\x00-\x7f\W]")
# Bytes to themselves where an ASCII letter or digit, else to a space (so are "?", standing in for
# the text's other characters, none of which is a letter or digit there: see words_of).
_SPACED = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))


def words_of(text: str) -> list[str]:
    """fold_words(text), at C speed for a text whose letters and digits are all ASCII (most are:
    curly quotes and dashes fold to no word), where folding it character by character cost 2 ms
    (and a regular expression's findall 0.1 ms, a third of an article's vector)."""
    if text.isascii() or not _BEYOND_ASCII_LETTER.search(text):
        return text.lower().encode("ascii", "replace").translate(_SPACED).decode("ascii").split()
    return fold_words(text)


_roots: dict[str, str] = {}  # word -> stem: the stemmer's own caches cost more than a dict
_lexemes: dict[str, str] = {}  # word -> its stem's lexeme ('~temu'), or "" where the stem is the word
_ROOTS_KEPT = 1 << 21


def _root(word: str) -> str:
    found = _roots.get(word)
    if found is None:
        if len(_roots) >= _ROOTS_KEPT:
            _roots.clear()
        found = _roots[word] = stem(word)
    return found


def _stem_lexeme(word: str) -> str:
    if len(_lexemes) >= _ROOTS_KEPT:
        _lexemes.clear()
    root = _root(word)
    found = _lexemes[word] = "" if root == word else quoted(STEM + root)  # (a stemmer's output: quoted)
    return found


class Vectors(NamedTuple):
    """An article's tsvector literals: its words (title and body), and its title, source and
    place each alone; `exact`: every position of its words is kept (PostgreSQL's limits)."""

    doc: str
    title: str
    source: str
    place: str
    exact: bool
    common: str | None = None  # which of the library's common words it holds (pg_common.py), if chosen


def document(
    title: str,
    body: str,
    source: str | None,
    place: str | None,
    stems: dict[str, str] | None = None,
    places: str | None = None,
    common: tuple[str, ...] | None = None,
) -> Vectors:
    """An article's vectors; its words and their stems go into `stems` when given (the library's
    terms, for highlighting), those not there yet. `places`: the places the text names
    (Article.places, one a line), as the loader found them; found again from the text when not
    given. `common`: the library's common words (`common_array`), when it has chosen them.

    No weights: a query that names weights (or phrases) makes PostgreSQL check every row its index
    finds against the row's own vector, which lives apart from the row (TOAST) and cost 20-70 us a
    row (seconds for a common word at 100k); each field is a vector of its own instead, and a
    query of plain words is answered by the index alone. The title's vector is small enough to
    stay in the row. Stems carry no positions (no phrase asks for one), and each word's are
    written once (built word by word with strings, a vector cost 5 ms an article; with stems'
    positions merged and sorted, 0.5 ms: a sync's writer spent most of its time here)."""
    title_words = words_of(title)
    words = title_words + words_of(body)
    at: dict[str, list[int]] = {}
    get = at.get
    for position, word in enumerate(words, 1):
        found = get(word)
        if found is None:
            at[word] = [position]
        else:
            found.append(position)
    exact = len(words) <= MAX_POSITION and all(len(places) <= MAX_POSITIONS for places in at.values())
    if exact:
        parts = [  # (most words are once in an article: no join for them)
            f"'{word}':{places[0]}" if len(places) == 1 else f"'{word}':{','.join(map(str, places))}"
            for word, places in at.items()
        ]
    else:  # a phrase could need a position PostgreSQL would not keep
        parts = [f"'{word}':{_written(places)}" for word, places in at.items()]
    roots = _roots_of(at, stems)
    parts += dict.fromkeys(roots.values())  # once a stem, however many words share it
    # the title's own: its words at their positions (1 on), and its words' stems
    title_at: dict[str, list[int]] = {}
    for position, word in enumerate(title_words, 1):
        title_at.setdefault(word, []).append(position)
    title_parts = [f"'{word}':{_written(places)}" for word, places in title_at.items()]
    title_parts += dict.fromkeys(roots[word] for word in title_at if word in roots)
    if places is None:
        places = MENTION_SEPARATOR.join(text_places(title, body, place))
    place_text = indexed_place(place, places)
    return Vectors(
        " ".join(parts),
        " ".join(title_parts),
        _plain(source),
        _plain(place_text, names=True),
        exact,
        None if common is None else common_array(common, at),
    )


def common_array(common: tuple[str, ...], words: dict[str, list[int]]) -> str:
    """The `common` column's value (pg_common.py): the numbers of the library's common words the
    article holds, as a smallint[] literal."""
    return "{" + ",".join(str(number) for number, word in enumerate(common) if word in words) + "}"


def text_places(title: str, body: str, place: str | None) -> tuple[str, ...]:
    """The places an article names (Article.places), found again from its text as the loader found
    them: the place vector holds them as SQLite's place column does (records.indexed_place)."""
    return mentions(title, body[:LEAD], place)[0]


def _roots_of(words: dict[str, list[int]], stems: dict[str, str] | None) -> dict[str, str]:
    """For each word whose stem differs from it, its stem's lexeme (`'~temu'`, no positions)."""
    lexemes: dict[str, str] = {}
    known = _lexemes.get
    for word in words:
        lexeme = known(word)
        if lexeme is None:
            lexeme = _stem_lexeme(word)
        if lexeme:
            lexemes[word] = lexeme
    if stems is not None:
        root = _root
        stems.update((word, root(word)) for word in words.keys() - stems.keys())
    return lexemes


def _written(places: list[int]) -> str:
    if len(places) > MAX_POSITIONS:
        places = places[:MAX_POSITIONS]
    if places[-1] > MAX_POSITION:
        places = sorted({min(p, MAX_POSITION) for p in places})
    return ",".join(map(str, places))


def _plain(text: str | None, names: bool = False) -> str:
    """A source's or place's own vector: its words at their positions (never stemmed: SQLite's
    source: and place: are prefixes of the words as written). With `names` (the places, one a
    line), a position is left out between two names, so no phrase runs from one into the next
    ("Jawa" then "Timur Tengah" is no `place:"jawa timur"`)."""
    at: dict[str, list[int]] = {}
    position = 0
    for name in (text.split(MENTION_SEPARATOR) if names else [text]) if text else []:
        for word in words_of(name):
            position += 1
            at.setdefault(word, []).append(position)
        position += 1
    return " ".join(f"'{word}':{_written(places)}" for word, places in at.items())


NUL_STANDIN = "\ufffd"  # stands in for a NUL, which PostgreSQL's text cannot hold (pg_read.py reads it back)


def copied(
    article: Prepared, stems: dict[str, str] | None = None, common: tuple[str, ...] | None = None
) -> Copied:
    """The article as a team library's COPY takes it: its vectors and every column but its key
    and path in COPY's text format, and its sketch's row. Made in the parse workers, in parallel;
    its words and their stems go into `stems` (one dict a chunk of files, carried by its last
    article: tui.sync.parse_files); `common`: the library's common words, once chosen (pg_common.py)."""
    vectors = document(
        article.title, article.text, article.source, article.place, stems, article.places, common
    )
    (ident, title, derived, date, _stamp, _day, source, place, url, digest, record, words, tags, carried,
     whole, links) = article.columns  # fmt: skip
    line = "\t".join(
        [
            copy_text(ident),
            copy_text(title),
            str(derived),
            copy_text(date),
            copy_text(article.minute),
            copy_text(source),
            copy_text(place),
            copy_text(url),
            copy_text(digest),
            copy_text(record),
            str(words),
            copy_text(tags),
            copy_text(carried),
            str(whole),
            copy_text(links),
            copy_text(article.removed),
            copy_text(article.blocks),
            "t" if vectors.exact else "f",
            copy_text(vectors.doc),
            copy_text(vectors.title),
            copy_text(vectors.source),
            copy_text(vectors.place),
            copy_text(vectors.common),
            copy_text(article.places),
            copy_text(article.acronyms),
        ]
    )
    made = article.sketch if article.sketch is not None else sketch(article.text)
    sketched = b""
    if made:
        bands = ",".join(map(str, bucket_keys(values_of(made))))
        sketched = f"\\\\x{made.hex()}\t{{{bands}}}".encode()
    row = Row(0, article.title, article.date, article.source, article.place, article.words, article.path,
              article.digest, article.tags, article.carried, article.places, article.acronyms)  # fmt: skip
    return Copied(row, (line + "\n").encode("utf-8", "replace"), sketched)


def copy_text(value: object) -> str:
    """A value in COPY's text format: NULL as \\N, a backslash, newline, return or tab escaped."""
    if value is None:
        return "\\N"
    if not isinstance(value, str):
        return str(value)
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\n" in value:
        value = value.replace("\n", "\\n")
    if "\r" in value:
        value = value.replace("\r", "\\r")
    if "\t" in value:
        value = value.replace("\t", "\\t")
    if "\x00" in value:
        value = value.replace("\x00", NUL_STANDIN)
    return value
