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


Where = tuple[str, tuple[object, ...]]  # SQL and its parameters


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


def plan(query: Query, sort: str, reverse: bool) -> Plan:
    """The SQL of a query's answer in a sort order (`reverse` reverses it all).

    Relevance is SQLite's tiers: exact words before stem-only matches, a word in the title
    before none, newest first in each, with phrases read as their words (as SQLite's index reads
    them; the phrases are checked by the whole query). A first page reads the tiers one after
    another, so the date index finds their newest matches without ranking every match; the whole
    answer reads every match once, with its tier (ranking all of them in one ORDER BY read each
    article's words three times: 60 ms for 2,000 matches).
    """
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
    dates: list[str] = []
    date_args: list[object] = []
    if query.start is not None:
        dates.append("minute >= %s")
        date_args.append(minute(query.start))
    if query.end is not None:
        dates.append("minute < %s")
        date_args.append(minute(query.end))

    in_titles = " & ".join(  # groups only of title: terms
        "(" + " | ".join(term_query(term, expand=True, phrases=False) for term in group) + ")"
        for group in query.groups
        if all(term.field == "title" for term in group)
    )

    def where(extra: str | None = None, title: str | None = None, titled: bool = True) -> Where:
        """The match, with `extra` (a tsquery) and, with `title`, a word in the title or none."""
        parts: list[str] = []
        args: list[object] = []
        strict = " & ".join(strict_parts + ([extra] if extra else []))
        loose = " & ".join(loose_parts + ([extra] if extra else []))
        if not strict:
            pass
        elif not has_phrase:
            parts.append("doc @@ %s::tsquery")
            args.append(strict)
        elif loose:
            parts.append("doc @@ %s::tsquery AND (NOT exact OR doc @@ %s::tsquery)")
            args += [loose, strict]
        else:  # only excluded phrases
            parts.append("(NOT exact OR doc @@ %s::tsquery)")
            args.append(strict)
        if title is not None:
            parts.append("title_doc @@ %s::tsquery" if titled else "NOT title_doc @@ %s::tsquery")
            args.append(title)
        if in_titles:  # the same again on the small title vector, which its own index finds at once
            parts.append("title_doc @@ %s::tsquery")
            args.append(in_titles)
        return " AND ".join(parts + dates) or "TRUE", (*args, *date_args)

    tiers: list[Where] = [where()]
    ranks: list[Where] = []
    if sort == "relevance" and query.groups:
        exact = groups_query(query, expand=False, phrases=False)
        widened = exact != groups_query(query, expand=True, phrases=False)
        titled = title_query(query) or None
        splits = [f"({exact})", f"!({exact})"] if widened else [None]
        tiers = [
            where(split, titled, yes) for split in splits for yes in ((True, False) if titled else (True,))
        ]
        if widened:
            ranks.append(("doc @@ %s::tsquery", (exact,)))
        if titled:
            ranks.append(("title_doc @@ %s::tsquery", (titled,)))
    order = ORDERS.get(sort, DATE_DESC)
    if reverse:
        tiers.reverse()
    return Plan(
        tuple(tiers), where(), tuple(ranks), _reversed(order) if reverse else order, reverse, has_phrase
    )


def forward_order(found: Plan) -> str:
    """The ORDER BY the whole answer is read in (it is reversed after, where asked)."""
    return _reversed(found.order) if found.reverse else found.order


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
