"""The filter, as FTS5 expressions: words and their stemmed forms, typed prefixes, relevance tiers.

No Textual here, and no state but two caches of what the index holds, which the library clears
when it writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from tui.query import Query, Term
from tui.search import MIN_STEM_LENGTH, stem

ALL = "zzkliping"  # a token every indexed row has, so "everything NOT x" is one FTS5 query
INDEXED_PREFIX = 3  # prefixes this long are in the index (prefix='1 2 3'); longer ones are spelled out
MAX_PREFIX_TERMS = 64  # a longer prefix with more indexed words than this is left to FTS5
MAX_FORMS = 64  # stem expansions per query word


def quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


class Expressions:
    """Builds the FTS5 text for a query, looking words up in the library's terms table."""

    def __init__(self, connection: Callable[[], sqlite3.Connection]) -> None:
        self._conn = connection  # the library's current connection (it changes after damage)
        self.forms: dict[str, tuple[str, ...]] = {}  # stem -> indexed words with that stem
        self.prefixes: dict[str, tuple[str, ...] | None] = {}  # prefix -> indexed words

    def forms_of(self, word: str) -> tuple[str, ...]:
        """Indexed words that share this word's stem, so `temu` also finds `pertemuan`."""
        root = stem(word)
        if root not in self.forms:
            found = (
                self._conn()
                .execute("SELECT term FROM terms WHERE stem = ? LIMIT ?", (root, MAX_FORMS))
                .fetchall()
            )
            self.forms[root] = tuple(r[0] for r in found)
        return self.forms[root]

    def prefix_forms(self, word: str) -> tuple[str, ...] | None:
        """The indexed words a typed prefix stands for, or None when there are too many to list.

        FTS5 answers a prefix longer than its prefix index by merging every matching word's list
        in one go (17 ms for `peng*` at 100k), and nothing can stop it half-way. The same words
        named one by one are read lazily, so a first page costs under a millisecond. The terms
        table holds every word of every title and body, split and folded as the index does.
        """
        if word not in self.prefixes:
            found = (
                self._conn()
                .execute(
                    "SELECT term FROM terms WHERE term >= ? AND term < ? LIMIT ?",
                    (word, word + "\U0010ffff", MAX_PREFIX_TERMS + 1),
                )
                .fetchall()
            )
            self.prefixes[word] = None if len(found) > MAX_PREFIX_TERMS else tuple(r[0] for r in found)
        return self.prefixes[word]

    def term(self, term: Term, expand: bool) -> tuple[str, bool]:
        """The FTS5 text for one term, and whether stems added anything to it."""
        column = {"title": "title", "source": "source", "place": "place"}.get(
            term.field or "", "{title body}"
        )
        star = "*" if term.prefix else ""
        if term.is_phrase:
            inner = " AND ".join(quote(w) for w in term.words[:-1])
            inner += f" AND {quote(term.words[-1])}{star}"
            return f"{column} : ({inner})", False
        word = term.words[0]
        options = [quote(word) + star]
        if term.prefix and len(word) > INDEXED_PREFIX and term.field in (None, "title"):
            forms = self.prefix_forms(word)
            if forms is not None:
                options = [quote(word)] + [quote(form) for form in forms if form != word]
        widened = False
        if expand and term.field in (None, "title"):
            enough = len(word) >= (MIN_STEM_LENGTH if term.prefix else MIN_STEM_LENGTH - 1)
            if enough:
                for form in self.forms_of(word):
                    if form != word and not (term.prefix and form.startswith(word)):
                        options.append(quote(form))
                        widened = True
        return f"{column} : ({' OR '.join(options)})", widened

    def groups(self, query: Query, expand: bool) -> tuple[str, bool]:
        parts: list[str] = []
        widened = False
        for group in query.groups:
            exprs = []
            for term in group:
                expr, grew = self.term(term, expand)
                widened |= grew
                exprs.append(expr)
            parts.append("(" + " OR ".join(exprs) + ")")
        return " AND ".join(parts), widened

    def title(self, query: Query) -> str | None:
        """Any of the query's words, or their forms, in the title: what lifts a match a tier."""
        options: list[str] = []
        for term in query.terms:
            if term.field in (None, "title") and not term.is_phrase:
                expr, _ = self.term(Term(term.words, term.prefix, "title"), expand=True)
                options.append(expr)
        return " OR ".join(options) if options else None

    def tiers(self, query: Query, ranked: bool) -> list[str]:
        """FTS5 expressions whose matches, each newest first and one after another, are the answer.

        Ranked, they are the relevance tiers: exact words with one in the title, exact words
        elsewhere, then the same for matches only through a shared stem. They never overlap.
        """
        if query.groups:
            exact, _ = self.groups(query, expand=False)
            wide, widened = self.groups(query, expand=True)
            if not ranked:
                tiers = [wide]
            else:
                titled = self.title(query)
                tiers = []
                for base in [exact] + ([f"({wide}) NOT ({exact})"] if widened else []):
                    if titled is None:
                        tiers.append(base)
                    else:
                        tiers += [f"({base}) AND ({titled})", f"({base}) NOT ({titled})"]
        else:
            tiers = [f"every : {quote(ALL)}"]
        excluded = [self.term(t, expand=False)[0] for t in query.excluded if not t.is_phrase]
        if excluded:
            tiers = [f"({tier}) NOT ({' OR '.join(excluded)})" for tier in tiers]
        return tiers
