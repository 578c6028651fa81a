"""One run of the app, without Textual: the rows loaded, the problems, the marks, the filter and the
order, and the rules that decide what the list shows as loading and searching go on.

The main screen owns a `Session`, hands it what the loader and the searches bring, and does what it
answers (`Applied`, `Shown`); the rules here are unit-tested without a terminal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tui.article import Problem
from tui.facets import Facets, facets
from tui.folding import Folded, Groups, asks_copies, fold
from tui.i18n import _, ngettext
from tui.library import SORTS, Row, Stopped
from tui.marks import Mark, Marks
from tui.query import Query, parse
from tui.sync import Update

KNOWN_CHUNK = 8192  # keys checked between two looks at `stop` (about half a millisecond)

REFRESH_COST_FACTOR = 10  # while loading, a refresh waits ten times its own cost before the next


@dataclass(frozen=True)
class Status:
    """What the status line says, as data: the widget turns it into words."""

    shown: int = 0
    more: bool = False  # the list shows the first page of an answer; the rest is coming
    loaded: int = 0
    unread: int = 0
    starred: int = 0
    problems: int = 0
    folded: int = 0  # near-copies the list folds into their group's row
    loading: bool = True
    sort: str = "relevance"
    reverse: bool = False
    no_query: bool = True
    hint: str | None = None


@dataclass(frozen=True)
class Applied:
    """What one loader update changed, for the screen to pass on to the list."""

    removed: frozenset[int] = frozenset()  # keys that must leave the list now
    first_rows: list[int] | None = None  # warm start: the newest rows, showable before any search
    refresh_now: bool = False  # search again at once rather than at the next tick
    finished: bool = False
    # Rows whose file was edited and read again, old key to new: the cursor and the reader follow.
    replaced: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """Keys a search found for `text`, with what the search knew when it started."""

    text: str
    query: Query
    keys: Sequence[int]
    version: int  # the session's rows_version when the search started
    complete: bool  # False: the first page only; the rest comes when typing pauses
    keep: bool = False  # keep the cursor's article (new rows, a new order) rather than go to the top
    # The keys are already only those in `rows` (the search's thread checked 100k keys, 15-40 ms
    # the event loop need not spend), which holds while the rows version has not moved since.
    in_rows: bool = False
    folded: int = 0  # near-copies left out of `keys` (tui.folding)
    unfolded: Sequence[int] | None = None  # the keys before folding, when any were left out
    folding: bool = False  # the keys are folded: each group's row stands for its copies


@dataclass(frozen=True)
class Shown:
    """What the list must do with an answer."""

    keys: Sequence[int]
    query: Query  # the filter the keys answer
    complete: bool = True  # False: the first page of the answer; the rest is coming
    extend: bool = False  # the rest of the answer whose first page is on screen: cursor and rows stay
    reset: bool = True  # a new answer: the cursor goes to the top
    search_again: bool = False  # rows changed while the search ran: its answer is only a stopgap
    folding: bool = False  # each near-duplicate group is one row (tui.folding)


@dataclass
class Session:
    """The state of one run that is not a widget's: rows, problems, marks, sort, filter, loading."""

    marks: Marks
    sort: str = "relevance"
    reverse: bool = False
    query_text: str = ""
    rows: dict[int, Row] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    loading: bool = True
    grouping: bool = False  # the near-duplicate groups of a first load are still being made
    counting: bool = False
    rows_version: int = 0  # bumped whenever rows come or go, so an answer can tell it is stale
    added: int = 0  # rows new since loading (re)started, to say what a reload changed
    taken_back: int = 0  # rows taken back since loading (re)started and not read again (gone)
    _left: dict[str, list[Row]] = field(default_factory=dict)  # rows taken back, by path
    _taken_this_load: set[int] = field(default_factory=set)  # their keys, since loading (re)started
    _dirty: bool = False
    _next_refresh: float = 0.0
    _rows_at_refresh: int = 0
    groups: Groups = field(default_factory=Groups)  # near-duplicate groups, to fold in the list
    fold_copies: bool = True  # a group shows as one row (config `fold_copies`, X)
    folded: int = 0  # near-copies the shown answer folds
    folding: bool = False  # the shown answer is folded (another is no extension of it)
    matched: Sequence[int] = ()  # every key the shown answer has, its folded near-copies too

    def __post_init__(self) -> None:
        self.query: Query = parse(self.query_text)

    # -- loading ------------------------------------------------------------------------------

    def apply(self, update: Update, *, shown_any: bool) -> Applied:
        """Take in a loader update; say which keys leave the list and whether to search again now."""
        removed: set[int] = set()
        if update.removed or update.rows:
            self.rows_version += 1
        if update.removed:
            gone = [row for row in self.rows.values() if row.path in update.removed]
            for row in gone:
                del self.rows[row.key]
                removed.add(row.key)
                self._taken_this_load.add(row.key)
                self._left.setdefault(row.path, []).append(row)
            self.marks.remove_rows(gone)
            self.problems = [p for p in self.problems if p.path not in update.removed]
            self._dirty = True
        # A reload yields the cached rows again: only rows not held yet are new to the marks.
        fresh = [row for row in update.rows if row.key not in self.rows]
        self.taken_back += len(removed)
        replaced = self._follow_edits(fresh)
        for row in fresh:
            self.rows[row.key] = row
        self.marks.add_rows(fresh)
        self.added += len(fresh)
        if update.problems:  # a reload brings the cached problems again: each is kept once
            known = set(self.problems)
            self.problems.extend(p for p in update.problems if p not in known)
        if update.rows or update.finished:
            self._dirty = True
        refresh_now = len(self.rows) >= 2 * self._rows_at_refresh  # twice as many rows as shown
        first_rows = None
        if update.finished:
            self.loading = False
            self.grouping = update.grouping
            refresh_now = True
        elif not shown_any:
            refresh_now = True  # the first rows appear at once, not after the next tick
            if update.newest_first and self.query.is_empty and self.date_order:
                # Warm start: the newest cached rows are the top of the list; show them before any
                # search, which at 100k first spends a quarter second building its orders.
                first_rows = [row.key for row in update.rows if row.key in self.rows]
        if refresh_now:
            self._next_refresh = 0.0
        return Applied(frozenset(removed), first_rows, refresh_now, update.finished, replaced)

    def _follow_edits(self, rows: list[Row]) -> dict[int, int]:
        """A file taken back and read again with other content was edited: its marks follow it,
        and the keys it had are paired with its new ones (old to new), for the cursor to follow.

        A renamed or moved file keeps its content, so its marks follow it by digest anyway; only
        a file with one article is matched by path (a JSON file's records have no stable order);
        in a file of several, an article is paired by its title when no other there has it.
        """
        replaced: dict[int, int] = {}
        if not self._left:
            return replaced
        by_path: dict[str, list[Row]] = {}
        for row in rows:
            if row.path in self._left:
                by_path.setdefault(row.path, []).append(row)
        for path, new in by_path.items():
            old = self._left.pop(path)
            self.taken_back -= sum(1 for row in old if row.key in self._taken_this_load)  # not gone
            if len(old) == 1 and len(new) == 1:
                self.marks.follow(old[0], new[0])
                replaced[old[0].key] = new[0].key
                continue
            new_by_title = _unique_by_title(new)
            for title, was in _unique_by_title(old).items():
                now = new_by_title.get(title)
                if now is not None:
                    replaced[was.key] = now.key
        return replaced

    def reloading(self) -> None:
        """The folders are read again (they changed on disk, or the user asked): count what changes."""
        self.loading = True
        self.added = self.taken_back = 0
        self._taken_this_load.clear()

    def stopped_loading(self) -> None:
        """Loading failed: what came so far stays, and the list is brought up to date with it."""
        self.loading = False
        self._dirty = True
        self._next_refresh = 0.0

    def refresh_due(self, now: float | None = None) -> bool:
        """Whether the list should search again for new rows now; taking the answer clears it.

        While loading, a refresh costs a search over everything loaded so far; spacing refreshes
        by ten times that cost keeps loading from spending more than an eleventh of its time on them.
        """
        if self._dirty and (time.monotonic() if now is None else now) >= self._next_refresh:
            self._dirty = False
            self._rows_at_refresh = len(self.rows)
            return True
        return False

    def searched(self, cost: float, now: float | None = None) -> None:
        """A search took `cost` seconds: the next refresh while loading waits ten times that."""
        self._next_refresh = (time.monotonic() if now is None else now) + REFRESH_COST_FACTOR * cost

    @property
    def settled(self) -> bool:
        """Nothing left to take in: loading is over and the list has the latest rows."""
        return not self.loading and not self._dirty

    # -- searching ----------------------------------------------------------------------------

    def typed(self, text: str) -> None:
        self.query_text = text

    def known(self, keys: Sequence[int], stop: Callable[[], bool] | None = None) -> list[int]:
        """The keys whose rows are loaded, for a search's thread to check before it hands its
        answer over (`in` reads the dict without iterating it, so the loop may change it meanwhile;
        the answer's version tells accept() whether it did).

        `stop` is asked between chunks and raises Stopped when it says yes: 100k keys are 5-10 ms
        of the interpreter's lock, which the next keystroke's handler must not wait for.
        """
        rows = self.rows
        if stop is None:
            return [key for key in keys if key in rows]
        found: list[int] = []
        for start in range(0, len(keys), KNOWN_CHUNK):
            if stop():
                raise Stopped
            found.extend([key for key in keys[start : start + KNOWN_CHUNK] if key in rows])
        return found

    def fold(self, keys: Sequence[int], query: Query, stop: Callable[[], bool] | None = None) -> Folded:
        """The keys with each near-duplicate group as one row, unless the user unfolded them or the
        filter asks for copies (is:dup, dup:); on a search's thread for a whole answer."""
        if not self.fold_copies or asks_copies(query):
            return Folded(keys)
        return fold(keys, self.groups, stop)

    def facets(self, keys: Sequence[int], stop: Callable[[], bool] | None = None) -> Facets:
        """Counts of what the list shows (tui.facets), for a search's thread once the first page is
        on screen; raises Stopped when `stop` says a newer key came."""
        return facets(keys, self.rows, self.marks.tag_keys, stop)

    def accept(self, answer: Answer, on_screen: Sequence[int]) -> Shown | None:
        """What the list does with a search's answer, given the keys it shows now; None: drop it."""
        if answer.text != self.query_text:
            return None  # a newer keystroke is on its way
        # The list draws its rows from `rows`, so it is only ever given keys found there: while
        # loading the index can be a batch ahead of the rows taken in, rows taken out while this
        # search ran must not be shown, and a file changed between two runs has its old row in
        # the index until its new one is written (about 4 ms for 100k keys, after typing pauses).
        stale = answer.version != self.rows_version
        rows = self.rows
        keys = answer.keys if answer.in_rows and not stale else [key for key in answer.keys if key in rows]
        search_again = False
        if stale:
            self._dirty = True
            if not self.loading:
                self._next_refresh = 0.0
                search_again = True  # loading is over: the answer for the final rows, now
        self.counting = not answer.complete
        self.folded = answer.folded
        self.matched = keys if answer.unfolded is None or stale else answer.unfolded
        page = on_screen
        folding, self.folding = self.folding, answer.folding
        if (
            page
            and answer.folding == folding
            and answer.query == self.query
            and len(keys) > len(page)
            and all(a == b for a, b in zip(page, keys, strict=False))
        ):
            return Shown(
                keys,
                answer.query,
                answer.complete,
                True,
                reset=False,
                search_again=search_again,
                folding=answer.folding,
            )
        self.query = answer.query
        return Shown(
            keys,
            answer.query,
            answer.complete,
            reset=not answer.keep,
            search_again=search_again,
            folding=answer.folding,
        )

    # -- marks, order and status --------------------------------------------------------------

    def mark(self, mark: Mark, key: int, value: bool | None = None) -> bool | None:
        """Set (or with None, flip) a mark; returns the new value, or None for a key not loaded."""
        row = self.rows.get(key)
        if row is None:
            return None
        if value is None:
            return self.marks.toggle(mark, row)
        self.marks.put(mark, row, value)
        return value

    def next_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]

    @property
    def date_order(self) -> bool:
        return self.sort in ("relevance", "date") and not self.reverse

    def _asks_for_groups(self) -> bool:
        return any(name == "dup" or name.startswith("dup:") for name in self.query.flag_names)

    def why_empty(self) -> str:
        """What to say when the list shows nothing: still loading, no files, bad files, no match."""
        if self.rows and self.grouping and self._asks_for_groups():
            return _(
                "Near-copies are still being found after the first load: the list follows when they are in."
            )
        if self.rows and self.loading:  # (a list in title order waits for every row: 15 s at 1M)
            if self.query.is_empty:
                return _("Reading the articles… ({count} so far)").format(count=f"{len(self.rows):,}")
            return _("No article matches “{filter}” yet: the articles are still being read.").format(
                filter=self.query_text.strip()
            )
        if self.rows:
            return _("No article matches “{filter}”. Esc clears the filter.").format(
                filter=self.query_text.strip()
            )
        if self.loading:
            return _("Reading the folder…")
        if self.problems:
            count = len(self.problems)
            return ngettext(
                "{count} file found, and it could not be read: p shows why.",
                "None of the {count} files found could be read: p shows why.",
                count,
            ).format(count=count)
        return _(
            "No articles here: kliping reads .txt, .md, .html, .json, .jsonl, .csv, .pdf, .docx and .mhtml."
        )

    def status(self, shown: int) -> Status:
        return Status(
            shown=shown,
            more=self.counting,
            loaded=len(self.rows),
            unread=self.marks.unread,
            starred=self.marks.starred,
            problems=len(self.problems),
            folded=self.folded,
            loading=self.loading,
            sort=self.sort,
            reverse=self.reverse,
            no_query=self.query.is_empty,
            hint=self.query.hint,
        )


def _unique_by_title(rows: Sequence[Row]) -> dict[str, Row]:
    """Rows by title, leaving out titles that more than one of them has."""
    found: dict[str, Row] = {}
    twice: set[str] = set()
    for row in rows:
        if row.title in found:
            twice.add(row.title)
        found[row.title] = row
    return {title: row for title, row in found.items() if title not in twice}
