"""The filter language on PostgreSQL: a parsed `Query` as `tsquery` literals and an ORDER BY.

The same answers as the SQLite back end (tests/test_pg_parity.py): a word matches itself, in the
title or the body, and any word sharing its stem (`'temu' | '~temu'`, see pg_text.py); the last
bare word and `word*` are prefixes (`'kapa':*`); a phrase is `<->`; `-x` is `!`; `title:`,
`source:` and `place:` ask their own columns (the last two as prefixes, as in SQLite); dates are a
range of the `minute` column. Relevance is SQLite's tiers: exact words before stem-only matches, a word in the
title before none, newest first within a tier. Reading marks, tags and notes are the app's key
sets and are checked in Python (pg_search.py), as the SQLite back end does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.library import pg_common
from tui.library.keys import minute
from tui.library.pg_text import STEM, quoted, text_places
from tui.library.records import MENTION_SEPARATOR, indexed_place
from tui.query import Query, Term
from tui.search import MIN_STEM_LENGTH, stem
from tui.text import fold, fold_words

COLUMNS = {None: "doc", "title": "title_doc", "source": "source_doc", "place": "place_doc"}
DATE_DESC = "minute DESC NULLS LAST, key DESC"  # newest first, undated last: SQLite's key order
DATE_ASC = "minute ASC NULLS FIRST, key ASC"
ORDERS = {  # SQLite's lower() and comparisons are ASCII and bytewise: COLLATE "C" does the same
    "title": f"title = '', lower(title COLLATE \"C\"), {DATE_ASC}",
    "source": f"source IS NULL OR source = '', lower(source COLLATE \"C\"), {DATE_DESC}",
    "words": f"words DESC, {DATE_DESC}",
}

Where = tuple[str, tuple[object, ...]]  # SQL and its parameters


def _lexeme(word: str, prefix: bool) -> str:
    return f"{quoted(word)}{':*' if prefix else ''}"


def forms(word: str, prefix: bool) -> list[str]:
    """The lexemes besides the word that stand for its other forms: its stem's mark, and the stem
    itself where that is a word of its own root (`temu` for `pertemuan`)."""
    if len(word) < (MIN_STEM_LENGTH if prefix else MIN_STEM_LENGTH - 1):
        return []
    root = stem(word)
    found = [STEM + root]
    if root != word and stem(root) == root and not (prefix and root.startswith(word)):
        found.append(root)
    return found


def term_query(term: Term, expand: bool, phrases: bool = True) -> str:
    """One term as a tsquery on its field's column; without `phrases`, a phrase is its words."""
    if term.is_phrase:
        last = len(term.words) - 1
        joint = " <-> " if phrases else " & "
        return "(" + joint.join(_lexeme(w, term.prefix and i == last) for i, w in enumerate(term.words)) + ")"
    word = term.words[0]
    options = [_lexeme(word, term.prefix)]
    if expand and term.field in (None, "title"):
        options += [_lexeme(form, False) for form in forms(word, term.prefix)]
    return "(" + " | ".join(options) + ")"


def conditions(
    query: Query, expand: bool, phrases: bool, excluded: bool = True, common: tuple[str, ...] = ()
) -> list[Where]:
    """The query's groups (and exclusions) as SQL conditions, all of which must hold.

    Groups of one field are one tsquery on its column (one look at the row's vector, and an index
    scan); a group across fields is an OR of a condition a column. Without `phrases`, excluded
    phrases are left out (the loose match of long articles, checked in Python after). An excluded
    word among the library's `common` words is asked of the row's note first (pg_common.py)."""
    merged: dict[str, list[str]] = {}
    found: list[Where] = []
    for group in query.groups:
        columns: dict[str, list[str]] = {}
        for term in group:
            columns.setdefault(COLUMNS[term.field], []).append(term_query(term, expand, phrases))
        if len(columns) == 1:
            [(column, options)] = columns.items()
            merged.setdefault(column, []).append("(" + " | ".join(options) + ")")
        else:
            found.append(
                (
                    "(" + " OR ".join(f"{column} @@ %s::tsquery" for column in columns) + ")",
                    tuple(" | ".join(options) for options in columns.values()),
                )
            )
    unwanted: dict[str, list[str]] = {}
    for term in query.excluded if excluded else ():
        if phrases or not term.is_phrase:
            unwanted.setdefault(COLUMNS[term.field], []).append(term_query(term, False, phrases))
    own: list[Where] = []
    for column, parts in merged.items():
        text = " & ".join(parts)
        if column in unwanted:
            text += " & !(" + " | ".join(unwanted.pop(column)) + ")"
        own.append((f"{column} @@ %s::tsquery", (text,)))
    own += [(f"NOT ({column} @@ %s::tsquery)", (" | ".join(parts),)) for column, parts in unwanted.items()]
    plain = [
        term.words[0]
        for term in (query.excluded if excluded else ())
        if term.field is None and not term.is_phrase and not term.prefix
    ]
    noted = pg_common.condition(plain, common)
    return ([(noted, ())] if noted else []) + own + found


def _joined(parts: list[Where]) -> Where:
    return " AND ".join(sql for sql, _args in parts), tuple(arg for _sql, args in parts for arg in args)


_ON_COLUMN = re.compile(r"(\w+) @@ %s::tsquery|NOT \((\w+) @@ %s::tsquery\)")


def _combined(parts: list[Where]) -> Where:
    """The parts joined by AND, those on one column's vector (`doc @@ q`, `NOT (doc @@ q)`) made one
    `doc @@ (q && !!q2)` where the first of them stood: PostgreSQL reads an article's vector (kept
    apart from its row) again for each, and a relevance tier read it twice a row."""
    joined: list[tuple[str, list[str], list[object]]] = []  # a column ("": SQL as it is), its parts
    at: dict[str, int] = {}
    for sql, args in parts:
        found = _ON_COLUMN.fullmatch(sql)
        if found is None:
            joined.append(("", [sql], list(args)))
            continue
        column = found[1] or found[2]
        part = "%s::tsquery" if found[1] else "!!%s::tsquery"
        if column in at:
            joined[at[column]][1].append(part)
            joined[at[column]][2].extend(args)
        else:
            at[column] = len(joined)
            joined.append((column, [part], list(args)))
    written: list[str] = []
    values: list[object] = []
    for column, queries, given in joined:
        if not column or len(queries) == 1:
            written.append(queries[0] if not column else _single(column, queries[0]))
        else:
            written.append(f"{column} @@ (" + " && ".join(queries) + ")")
        values += given
    return " AND ".join(written), tuple(values)


def _single(column: str, query: str) -> str:
    return f"{column} @@ {query}" if not query.startswith("!!") else f"NOT ({column} @@ {query[2:]})"


@dataclass(frozen=True, slots=True)
class Plan:
    """A query as SQL. A page reads `tiers` one after another, each in `order` (relevance tiers
    never overlap; other orders have one); the whole answer reads `whole` once in `order` with
    `ranks` (true or false a row) and sorts the rows by them, first true first, keeping the order.
    `order` is already reversed where asked; `reverse` says the whole answer must be."""

    tiers: tuple[Where, ...]
    whole: Where
    ranks: tuple[Where, ...]
    order: str
    reverse: bool
    loose: bool  # phrases: rows whose positions are not all kept (`exact` false) need matches()
    dates: Where = ("TRUE", ())  # the dates' condition alone: the walk of the date index goes through them


def plan(query: Query, sort: str, reverse: bool, common: tuple[str, ...] = ()) -> Plan:
    """The SQL of a query's answer in a sort order (`reverse` reverses it all); `common`: the
    library's common words (pg_common.py).

    Relevance is SQLite's tiers: exact words before stem-only matches, a word in the title
    before none, newest first in each, with phrases read as their words (as SQLite's index reads
    them; the phrases are checked by the whole query). A first page reads the tiers one after
    another, so the date index finds their newest matches without ranking every match; the whole
    answer reads every match once, with its tier (ranking all of them in one ORDER BY read each
    article's words three times).
    """
    # The words of `Query.either` (an OR with a flag or a date) are the caller's (pg_search._EitherSets).
    has_phrase = any(term.is_phrase for group in query.groups for term in group) or any(
        term.is_phrase for term in query.excluded
    )
    strict = conditions(query, expand=True, phrases=True, common=common)
    loose = conditions(query, expand=True, phrases=False, common=common) if has_phrase else strict
    dates: list[Where] = []
    if query.start is not None:
        dates.append(("minute >= %s", (minute(query.start),)))
    if query.end is not None:
        dates.append(("minute < %s", (minute(query.end),)))

    def where(first: list[Where]) -> Where:
        """The match, after the conditions `first` (the title's small vector goes first: it lives
        in the row, where the article's is stored apart, and PostgreSQL checks conditions of one
        cost in the order written)."""
        if not has_phrase:
            parts = first + strict
        else:
            strict_sql, strict_args = _joined(strict) if strict else ("FALSE", ())
            parts = first + loose + [(f"(NOT exact OR ({strict_sql}))", strict_args)]
        return _combined(parts + dates) if parts + dates else ("TRUE", ())

    tiers: list[Where] = [where([])]
    ranks: list[Where] = []
    if sort == "relevance" and query.groups:
        exact_parts = conditions(query, expand=False, phrases=False, excluded=False)
        exact = _joined(exact_parts)
        widened = exact != _joined(conditions(query, expand=True, phrases=False, excluded=False))
        titled = title_query(query)
        splits: list[list[Where]] = [[]]
        if widened:
            # (as parts, each column's vector is read once in a tier: _combined)
            splits = [exact_parts, [(f"NOT ({exact[0]})", exact[1])]]
            ranks.append(exact)
        heads: list[list[Where]] = [[]]
        if titled:
            heads = [
                [("title_doc @@ %s::tsquery", (titled,))],
                [("NOT (title_doc @@ %s::tsquery)", (titled,))],
            ]
            ranks.append(("title_doc @@ %s::tsquery", (titled,)))
        tiers = [where(head + split) for split in splits for head in heads]
    order = ORDERS.get(sort, DATE_DESC)
    if reverse:
        tiers.reverse()
    return Plan(
        tuple(tiers),
        where([]),
        tuple(ranks),
        _reversed(order) if reverse else order,
        reverse,
        has_phrase,
        _joined(dates) if dates else ("TRUE", ()),
    )


def forward_order(found: Plan) -> str:
    """The ORDER BY the whole answer is read in (it is reversed after, where asked)."""
    return _reversed(found.order) if found.reverse else found.order


def title_query(query: Query) -> str:
    """Any of the query's words, or their forms, in the title: what lifts a match a tier."""
    return " | ".join(
        term_query(Term(term.words, term.prefix, "title"), expand=True)
        for term in query.terms
        if term.field in (None, "title") and not term.is_phrase
    )


def _reversed(order: str) -> str:
    """The same ORDER BY read backwards (every key's direction and NULLS place swapped)."""
    swaps = {"DESC NULLS LAST": "ASC NULLS FIRST", "ASC NULLS FIRST": "DESC NULLS LAST"}
    parts = []
    for part in order.split(", "):
        for old, new in swaps.items():
            if part.endswith(old):
                part = part[: -len(old)] + new
                break
        else:
            if part.endswith(" DESC"):
                part = part[:-5] + " ASC"
            elif part.endswith(" ASC"):
                part = part[:-4] + " DESC"
            else:
                part += " DESC"
        parts.append(part)
    return ", ".join(parts)


# --- the same answer in Python, for articles longer than PostgreSQL keeps positions of ----------


def matches(query: Query, title: str, body: str, source: str | None, place: str | None) -> bool:
    """Whether an article matches the query's words, phrases and exclusions (dates and flags aside).

    Read like the SQLite back end reads it: a phrase anywhere is looked for in the title and the
    body as one text, `title:"a b"` in the title, `source:"a b"` in the source.
    """
    asked = [term.field for group in query.groups for term in group] + [term.field for term in query.excluded]
    if "place" in asked:  # the dateline's place and the places the text names, as the vector holds them
        place = indexed_place(place, MENTION_SEPARATOR.join(text_places(title, body, place)))
    texts = {"title": fold(title), "source": fold(source or ""), "place": fold(place or "")}
    texts[""] = texts["title"] + "\n" + fold(body)
    words = {name: set(fold_words(text)) for name, text in texts.items()}

    def found(term: Term, expand: bool) -> bool:
        field = term.field or ""
        if term.is_phrase:
            joined = r"[\W_]+".join(re.escape(word) for word in term.words)
            tail = r"\w*" if term.prefix else ""
            return re.search(rf"(?<![^\W_]){joined}{tail}(?![^\W_])", texts[field]) is not None
        word = term.words[0]
        have = words[field]
        if word in have or (term.prefix and any(w.startswith(word) for w in have)):
            return True
        if not (expand and term.field in (None, "title")) or not forms(word, term.prefix):
            return False
        root = stem(word)
        return any(stem(w) == root for w in have)

    return all(any(found(term, True) for term in group) for group in query.groups) and not any(
        found(term, False) for term in query.excluded
    )


__all__ = ["DATE_ASC", "DATE_DESC", "Plan", "matches", "plan"]
