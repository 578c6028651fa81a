"""What the session, the loader, the screens and the command line may ask of a library, so that the
local SQLite cache (`Library`) and the team's PostgreSQL library (`PgLibrary`) are interchangeable
(harlequin's adapters are the model: the UI depends on an interface, not on a back end).

mypy checks that both classes satisfy it (the assignments at the end of this module).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from tui.article import Article, Problem
from tui.library.records import AtOnce, Page, Row
from tui.library.writer import FileItems
from tui.query import Query
from tui.state import ReadingState, StateLike

if TYPE_CHECKING:  # the back ends import this module: checked by mypy only, no import cycle
    from tui.library.front import Library
    from tui.library.pg import PgLibrary

Flags = Mapping[str, AbstractSet[int]]


class LibraryLike(Protocol):
    """A collection's articles, their list lines and a search over them in the filter language."""

    notice: str | None  # said once at the start: e.g. the cache was rebuilt

    @property
    def shared(self) -> bool:
        """True when another program keeps the articles (`kliping sync --library`): the app shows
        what the library holds and does not read folders into it."""
        ...

    # --- keeping it up to date with folders (the local cache; a shared library refuses) ---------

    def typed_as(self, roots: Iterable[str | os.PathLike[str]]) -> None: ...
    def take_notices(self) -> list[str]: ...
    def set_aside(self, problem: str) -> None: ...
    def put_files(self, batch: Sequence[FileItems], keep: bool = False) -> list[Row]: ...
    def forget_files(self, paths: Iterable[str]) -> None: ...
    def bulk_load(self) -> AbstractContextManager[None]: ...
    def merge_leftovers(self) -> None: ...
    def wait_for_merges(self, timeout: float | None = None) -> bool: ...
    def wait_for_stems(self, timeout: float | None = None) -> bool: ...
    def file_state(self) -> dict[str, tuple[int, int]]: ...
    def file_count(self) -> int: ...

    # --- reading ---------------------------------------------------------------------------------

    def rows(self, newest_first: bool = False, limit: int = -1) -> list[Row]: ...
    def shared_rows(self) -> tuple[list[Row], set[str], int]:
        """A shared library's load: every row, newest first, the first time; after, the rows new
        since the last call (and all rows of the paths some of whose rows are gone), the paths
        whose rows given before are gone, and how many rows the library holds now."""
        ...

    def wait_for_change(self, timeout: float) -> bool:
        """True when someone changed a shared library within `timeout` seconds (the app then
        loads it again); a local cache says False after the timeout (its folders are watched)."""
        ...

    def reading_state(self, local: ReadingState) -> StateLike:
        """Where the person's marks, tags and notes are kept: `local` (their own file) for a local
        cache, the server for a team library (tui.library.pg_people), keeping `local`'s history."""
        ...

    def problems(self) -> list[Problem]: ...
    def article(self, key: int) -> Article | None: ...
    def neighbours(
        self, article: Article, limit: int = 200, longest: int | None = None
    ) -> list[list[str]]: ...
    def stems(self, most: int) -> list[tuple[str, str]]: ...
    def close(self) -> None: ...

    # --- the collection as a whole (tui.library.duplicates) ---------------------------------------

    def group(self, key: int) -> list[int]:
        """The keys of the article's near-duplicate group, its face first (the key alone without)."""
        ...

    def group_sizes(self) -> dict[int, int]:
        """Each group's face and its size; empty where no groups are kept (a team library, yet)."""
        ...

    def group_faces(self) -> dict[int, int]:
        """Each grouped article's key and its group's face (the list folds groups with it)."""
        ...

    def group_ids(self) -> dict[str, str]:
        """Each grouped article's id and its group's id (its face's `Article.id`), for exports."""
        ...

    def related(self, key: int, limit: int = 10) -> list[int]:
        """ "More like this": articles sharing the key's most telling words, best first, its
        near-duplicates left out; empty where the back end cannot say (a team library, yet)."""
        ...

    # --- searching -------------------------------------------------------------------------------

    def search(
        self,
        query: Query,
        sort: str = "relevance",
        reverse: bool = False,
        flags: Flags | None = None,
        *,
        limit: int | None = None,
        stop: Callable[[], bool] | None = None,
        at_once: AtOnce | None = None,
    ) -> Page:
        """The one search (Library.search says what each argument asks): the first `limit` keys
        or the whole answer; Stopped when `stop` says so, or when `at_once` cannot be met (a back
        end that never answers on the event loop raises it for every `at_once`)."""
        ...


@runtime_checkable
class Grouped(Protocol):
    """A library that makes near-duplicate groups in the background after a bulk load (the local
    cache): the load says when they are in, so the list can show its `×3` marks."""

    def wait_for_groups(self, timeout: float | None = None) -> bool: ...


@runtime_checkable
class Copying(Protocol):
    """A library whose writer takes articles made for its COPY in the parse workers (the team
    library: tui.library.pg_text.copied), so the writer only sends bytes."""

    def copies(self) -> bool: ...

    def common_words(self) -> tuple[str, ...]: ...


def _both_satisfy() -> None:  # pragma: no cover (for mypy: both back ends are a LibraryLike)
    local: LibraryLike = Library(None)
    team: LibraryLike = PgLibrary("")
    del local, team
