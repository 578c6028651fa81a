"""The filter language on PostgreSQL: a parsed `Query` as `tsquery` literals and an ORDER BY.

The same answers as the SQLite back end (tests/test_pg_parity.py): a word matches itself, in the
title or the body, and any word sharing its stem (`'temu' | '~temu'`, see pg_text.py); the last
bare word and `word*` are prefixes (`'kapa':*`); a phrase is `<->`; `-x` is `!`; `title:` is
weight A, `source:` B, `place:` C (both prefixes, as in SQLite); dates are a range of the
`minute` column. Relevance is SQLite's tiers: exact words before stem-only matches, a word in the
title before none, newest first within a tier. Reading marks, tags and notes are the app's key
sets and are checked in Python (pg.py), as the SQLite back end does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.library.keys import minute
from tui.library.pg_text import BODY, PLACE, SOURCE, STEM, TITLE, quoted
from tui.query import Query, Term
from tui.search import MIN_STEM_LENGTH, stem
from tui.text import fold, fold_words

WEIGHTS = {None: TITLE + BODY, "title": TITLE, "source": SOURCE, "place": PLACE}
DATE_DESC = "minute DESC NULLS LAST, key DESC"  # newest first, undated last: SQLite's key order
DATE_ASC = "minute ASC NULLS FIRST, key ASC"
ORDERS = {  # SQLite's lower() and comparisons are ASCII and bytewise: COLLATE "C" does the same
    "title": f"title = '', lower(title COLLATE \"C\"), {DATE_ASC}",
    "source": f"source IS NULL OR source = '', lower(source COLLATE \"C\"), {DATE_DESC}",
    "words": f"words DESC, {DATE_DESC}",
}


def _lexeme(word: str, prefix: bool, weights: str) -> str:
    return f"{quoted(word)}:{'*' if prefix else ''}{weights}"


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
    """One term as a tsquery; without `phrases`, a phrase is only its words (for the loose query)."""
    weights = WEIGHTS[term.field]
    if term.is_phrase:
        last = len(term.words) - 1
        joint = " <-> " if phrases else " & "
        parts = [_lexeme(word, term.prefix and i == last, weights) for i, word in enumerate(term.words)]
        return "(" + joint.join(parts) + ")"
    word = term.words[0]
    options = [_lexeme(word, term.prefix, weights)]
    if expand and term.field in (None, "title"):
        options += [_lexeme(form, False, weights) for form in forms(word, term.prefix)]
    return "(" + " | ".join(options) + ")"


def groups_query(query: Query, expand: bool, phrases: bool = True) -> str:
    return " & ".join(
        "(" + " | ".join(term_query(term, expand, phrases) for term in group) + ")" for group in query.groups
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """A query as SQL: the WHERE (with its parameters) and the ORDER BY (with its own)."""

    where: str
    args: tuple[object, ...]
    order: str
    order_args: tuple[object, ...]
    loose: bool  # phrases: rows whose positions are not all kept (`exact` false) need matches()


def plan(query: Query, sort: str, reverse: bool) -> Plan:
    """The WHERE and ORDER BY of a query's answer in a sort order (`reverse` reverses it all)."""
    where: list[str] = []
    args: list[object] = []
    strict_parts: list[str] = []
    loose_parts: list[str] = []
    if query.groups:
        strict_parts.append(groups_query(query, expand=True))
        loose_parts.append(groups_query(query, expand=True, phrases=False))
    for term in query.excluded:
        strict_parts.append("!" + term_query(term, expand=False))
        if not term.is_phrase:
            loose_parts.append("!" + term_query(term, expand=False))
    has_phrase = any(term.is_phrase for term in query.terms + query.excluded)
    if strict_parts:
        strict = " & ".join(strict_parts)
        if not has_phrase:
            where.append("doc @@ %s::tsquery")
            args.append(strict)
        elif loose_parts:
            where.append("doc @@ %s::tsquery AND (NOT exact OR doc @@ %s::tsquery)")
            args += [" & ".join(loose_parts), strict]
        else:  # only excluded phrases
            where.append("(NOT exact OR doc @@ %s::tsquery)")
            args.append(strict)
    if query.start is not None:
        where.append("minute >= %s")
        args.append(minute(query.start))
    if query.end is not None:
        where.append("minute < %s")
        args.append(minute(query.end))
    order_args: list[object] = []
    if sort in ORDERS:
        order = ORDERS[sort]
    elif sort == "relevance" and query.groups:
        tiers: list[str] = []
        exact, wide = groups_query(query, expand=False), groups_query(query, expand=True)
        if exact != wide:
            tiers.append("doc @@ %s::tsquery DESC")
            order_args.append(exact)
        titled = title_query(query)
        if titled:
            tiers.append("doc @@ %s::tsquery DESC")
            order_args.append(titled)
        order = ", ".join([*tiers, DATE_DESC])
    else:
        order = DATE_DESC
    if reverse:
        order = _reversed(order)
    return Plan(" AND ".join(where) or "TRUE", tuple(args), order, tuple(order_args), has_phrase)


def title_query(query: Query) -> str:
    """Any of the query's words, or their forms, in the title: what lifts a match a tier."""
    options = [
        term_query(Term(term.words, term.prefix, "title"), expand=True)
        for term in query.terms
        if term.field in (None, "title") and not term.is_phrase
    ]
    return " | ".join(options)


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


__all__ = ["BODY", "DATE_ASC", "DATE_DESC", "Plan", "matches", "plan"]
