"""Finding the keys a query matches: FTS5 tiers read newest first in batches, what the index cannot
tell (phrases, reading flags) checked on each batch, and a way to stop a search nobody wants."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet

from tui.article import unmarked
from tui.library.fts import Expressions
from tui.library.keys import key_range
from tui.library.orders import Orders
from tui.library.records import LINK_SEPARATOR, MENTION_SEPARATOR, Stopped, body, indexed_place
from tui.library.writer import CHUNK
from tui.query import Flag, Period, Query, Term
from tui.text import fold

FETCH = 2048  # keys fetched from a search cursor between checks for a newer search

Check = Callable[[list[int]], list[int]]
Flags = Mapping[str, AbstractSet[int]]


class Matcher:
    """Answers a query in display order; callers hold the library's lock."""

    def __init__(
        self, connection: Callable[[], sqlite3.Connection], fts: Expressions, orders: Orders
    ) -> None:
        self._conn = connection  # the library's current connection (it changes after damage)
        self._fts = fts
        self._orders = orders

    def search(
        self,
        query: Query,
        sort: str,
        reverse: bool,
        flags: Flags | None,
        limit: int | None,
        stop: Callable[[], bool] | None,
        stop_every: int = 1000,
    ) -> list[int]:
        """`stop` is asked every `stop_every` SQLite instructions (and between batches)."""
        if query.empty_range:
            return []
        if query.is_empty:
            order = self._orders.order("date" if sort == "relevance" else sort)
            keys = order[::-1] if reverse else list(order)
            return keys if limit is None else keys[:limit]
        conn = self._conn()
        if stop is not None:
            conn.set_progress_handler(lambda: int(stop()), stop_every)
        try:
            if not (query.groups or query.excluded):
                # Only marks, tags, notes (and dates): the key sets say it all, without the index.
                keys = self._marked_only(query, sort, reverse, flags or {})
                return keys if limit is None else keys[:limit]
            check = self._checker(query, flags or {})
            tiers = self._fts.tiers(query, ranked=sort == "relevance")
            if sort in ("relevance", "date"):
                return self._stream(tiers, key_range(query), not reverse, limit, check, stop)
            found = set(self._stream(tiers, key_range(query), True, None, check, stop))
        except sqlite3.OperationalError as error:
            if stop is not None and stop():
                raise Stopped from error
            return []  # an FTS5 expression we did not foresee: match nothing rather than fail
        finally:
            if stop is not None:
                conn.set_progress_handler(None, 0)
        keys = self._orders.sort(found, sort)
        return keys[::-1] if reverse else keys

    @staticmethod
    def _sets(query: Query, flags: Flags) -> tuple[list[AbstractSet[int]], list[AbstractSet[int]]]:
        """The key sets an answer must be in, and those it must not be in.

        Each flag names a key set the caller passed in (read, starred, tag:banjir, has:note...);
        unread is the one kept by its absence from another.
        """
        keep: list[AbstractSet[int]] = []
        drop: list[AbstractSet[int]] = []
        for flag in query.flags:
            if flag == "unread":
                drop.append(flags.get("read", frozenset()))
            else:
                keep.append(flags.get(flag, frozenset()))
        drop += [flags.get(flag, frozenset()) for flag in query.without]
        return keep, drop

    def _marked_only(self, query: Query, sort: str, reverse: bool, flags: Flags) -> list[int]:
        """tag:banjir, is:starred, -has:note...: filter the smallest key set, or the date order when
        there is only something to leave out; 2-6 ms at 100k, where reading the index took 60."""
        keep, drop = self._sets(query, flags)
        low, high = key_range(query)
        either = self._either(query, flags)
        if either is not None:  # tag:a OR tag:b...: each key of the date order asked (3-10 ms at 100k)
            keys = [key for key in self._orders.order("date") if low <= key < high]
            for wanted in keep:
                keys = [key for key in keys if key in wanted]
            for dropped in drop:
                keys = [key for key in keys if key not in dropped]
            found = either(keys)
            if sort in ("relevance", "date"):
                return found[::-1] if reverse else found  # already newest first
            keys = self._orders.sort(found, sort)
            return keys[::-1] if reverse else keys
        if keep:
            smallest = min(keep, key=len)
            others = [s for s in keep if s is not smallest]
            known = self._orders.positions("date")  # keys still in the library
            found = [
                key
                for key in smallest
                if key in known
                and low <= key < high
                and all(key in s for s in others)
                and not any(key in s for s in drop)
            ]
        else:
            unwanted: AbstractSet[int] = drop[0] if len(drop) == 1 else set().union(*drop)
            order = self._orders.order("date")
            if query.has_dates:
                found = [key for key in order if low <= key < high and key not in unwanted]
            else:
                found = [key for key in order if key not in unwanted]  # 3 ms at 100k
            if sort in ("relevance", "date"):
                return found[::-1] if reverse else found  # already newest first
        if sort in ("relevance", "date"):
            return sorted(found, reverse=not reverse)  # keys are in date order
        keys = self._orders.sort(found, sort)
        return keys[::-1] if reverse else keys

    def _checker(self, query: Query, flags: Flags) -> Check | None:
        """What the index cannot tell, checked on each fetched batch: phrases, marks, tags, notes."""
        keep, drop = self._sets(query, flags)
        either = self._either(query, flags)
        phrase_groups = [group for group in query.groups if any(t.is_phrase for t in group)]
        excluded_phrases = [t for t in query.excluded if t.is_phrase]
        if not (keep or drop or phrase_groups or excluded_phrases or either):
            return None
        plain: dict[int, set[int]] = {}  # per group: keys matching its terms that are not phrases

        def check(keys: list[int]) -> list[int]:
            for wanted in keep:
                keys = [key for key in keys if key in wanted]
            for unwanted in drop:
                keys = [key for key in keys if key not in unwanted]
            if either is not None and keys:
                keys = either(keys)
            if not keys or not (phrase_groups or excluded_phrases):
                return keys
            passed = set(keys)
            for number, group in enumerate(phrase_groups):
                others = [t for t in group if not t.is_phrase]
                if others and number not in plain:
                    plain[number] = self._keys(" OR ".join(self._fts.term(t, True)[0] for t in others))
                ok = passed & plain[number] if others else set()
                for phrase in (t for t in group if t.is_phrase):
                    ok |= self._phrase_check(passed - ok, [phrase])
                passed = ok
            for term in excluded_phrases:
                passed -= self._phrase_check(passed, [term])
            return [key for key in keys if key in passed]

        return check

    def _either(self, query: Query, flags: Flags) -> Check | None:
        """The groups of `either` (tag:a OR tag:b, banjir OR is:starred) as one filter of keys.

        A key passes a group when it is in one of its flags' key sets (or out of a left-out one's),
        within one of its periods, or found by one of its words, which are looked up in the index
        once, the first time a key needs them.
        """
        if not query.either:
            return None
        tests = [self._either_group(group, flags) for group in query.either]

        def check(keys: list[int]) -> list[int]:
            for test in tests:
                keys = [key for key in keys if test(key)]
            return keys

        return check

    def _either_group(self, group: Sequence[Term | Flag | Period], flags: Flags) -> Callable[[int], bool]:
        inside: list[AbstractSet[int]] = []
        outside: list[AbstractSet[int]] = []
        ranges: list[tuple[int, int]] = []
        words: list[Term] = []
        for term in group:
            if isinstance(term, Flag):
                if term.name == "unread":  # unread is kept by its absence from read
                    (inside if term.negated else outside).append(flags.get("read", frozenset()))
                else:
                    (outside if term.negated else inside).append(flags.get(term.name, frozenset()))
            elif isinstance(term, Period):
                ranges.append(key_range(Query(start=term.start, end=term.end)))
            else:
                words.append(term)
        found: list[set[int]] = []  # the words' keys, once looked up

        def by_words(key: int) -> bool:
            if not found:
                found.append(self._word_keys(words))
            return key in found[0]

        def test(key: int) -> bool:
            return (
                any(key in keys for keys in inside)
                or any(key not in keys for keys in outside)
                or any(low <= key < high for low, high in ranges)
                or (bool(words) and by_words(key))
            )

        return test

    def _word_keys(self, terms: Sequence[Term]) -> set[int]:
        """The keys any of these terms matches (stems and phrases included)."""
        plain = [self._fts.term(term, True)[0] for term in terms if not term.is_phrase]
        keys = self._keys(" OR ".join(plain)) if plain else set()
        for phrase in (term for term in terms if term.is_phrase):
            keys |= self._phrase_check(self._keys(self._fts.term(phrase, False)[0]) - keys, [phrase])
        return keys

    def _keys(self, expr: str) -> set[int]:
        found = (
            self._conn()
            .execute("SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?", (expr,))
            .fetchone()[0]
        )
        return set(map(int, found.split(","))) if found else set()

    def _phrase_check(self, keys: set[int], terms: Sequence[Term]) -> set[int]:
        """Keep the keys whose text has each phrase word for word (the index stores no positions)."""
        if not keys or not terms:
            return keys
        patterns = []
        for term in terms:
            words = [re.escape(w) for w in term.words]
            tail = r"\w*" if term.prefix else ""
            joined = r"[\W_]+".join(words)
            patterns.append((term.field, re.compile(rf"(?<![^\W_]){joined}{tail}(?![^\W_])")))
        kept: set[int] = set()
        ordered = sorted(keys)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, title, blocks, links, source, place, places in self._conn().execute(
                "SELECT key, title, blocks, links, source, place, places FROM articles "
                f"JOIN texts USING (arrival) WHERE key IN ({marks})",
                chunk,
            ):
                title_text = fold(title)
                full_text: str | None = None
                for column, pattern in patterns:
                    # title:, source: and place: phrases are looked for in their own field only
                    if column == "title":
                        text = title_text
                    elif column == "source":
                        text = fold(source or "")
                    elif column == "place":  # as indexed: the dateline's and the named places, one a line
                        lines = fold(indexed_place(place, places) or "").split(MENTION_SEPARATOR)
                        if not any(pattern.search(line) for line in lines):
                            break
                        continue
                    else:
                        if full_text is None:
                            text = body(blocks)  # as indexed: without its link markers
                            text = unmarked(text, tuple(links.split(LINK_SEPARATOR))) if links else text
                            full_text = title_text + "\n" + fold(text)
                        text = full_text
                    if not pattern.search(text):
                        break
                else:
                    kept.add(key)
        return kept

    def _stream(
        self,
        tiers: Sequence[str],
        keys_between: tuple[int, int],
        descending: bool,
        limit: int | None,
        check: Check | None,
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        """The tiers' matches in order, fetched in batches, up to `limit`."""
        order = "DESC" if descending else "ASC"
        sql = f"SELECT rowid FROM fts WHERE fts MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid {order}"
        found: list[int] = []
        for expr in tiers if descending else tiers[::-1]:
            if limit is not None and len(found) >= limit:
                break  # the page is full: the next tier's first row alone can cost 30 ms at 100k
            cursor = self._conn().execute(sql, (expr, *keys_between))
            try:
                while limit is None or len(found) < limit:
                    size = FETCH if limit is None or check is not None else min(FETCH, limit - len(found))
                    rows = cursor.fetchmany(size)
                    if not rows:
                        break
                    keys = [row[0] for row in rows]
                    found.extend(keys if check is None else check(keys))
                    if stop is not None and (limit is None or len(found) < limit) and stop():
                        raise Stopped  # (a page already full is not thrown away)
            finally:
                cursor.close()
        return found if limit is None else found[:limit]
