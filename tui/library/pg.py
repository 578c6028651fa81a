"""A team's library on PostgreSQL: the same articles, list lines and filter language as the local
cache (`Library`), kept by `kliping sync --library URL PATH...` and read by everyone's app.

What is shared is the articles (and the problems found reading their files). Reading marks,
positions, tags and notes stay in each person's own state file, by content digest, as with the
local cache: the app passes them in as key sets (`flags`), as it does to `Library`.

Design (docs/ARCHITECTURE.md, "The team library"):

- One table of articles with a `tsvector` built in Python from kliping's own words and stems
  (pg_text.py), a GIN index on it and a btree on (minute, key) for the date order; queries are
  `tsquery` literals (pg_query.py), so both back ends answer a filter the same way.
- A write is one transaction per batch of files, articles sent with COPY. Each file's row in
  `files` is locked first, in path order, so two people syncing the same folder at once take
  turns file by file and never deadlock; a batch committed survives a kill, and the next sync
  skips its files (same size and mtime), or keeps their rows when only the mtime moved (same
  digests).
- Each thread has its own connection (psycopg's are not for concurrent use); reads retry once on
  a fresh connection when the server went away meanwhile.

The class is made of its parts: connections (pg_connect.py), tables (pg_schema.py), writing
(pg_write.py), reading (pg_read.py) and searching (pg_search.py).
"""

from __future__ import annotations

import psycopg

from tui.library import pg_common
from tui.library.pg_connect import LibraryError, shown_url, unreachable
from tui.library.pg_people import PgState
from tui.library.pg_read import PgReading
from tui.library.pg_schema import VERSION, open_library
from tui.library.pg_search import WALK_SECONDS, PgSearching
from tui.library.pg_write import PgWriting
from tui.state import ReadingState, StateLike

__all__ = ["VERSION", "WALK_SECONDS", "LibraryError", "PgLibrary", "shown_url"]  # as before the split


class PgLibrary(PgWriting, PgReading, PgSearching):
    """A library on a PostgreSQL server, read by the app and the command as `Library` is.

    `syncing`: this process brings folders into it (`kliping sync --library`); the app opens it
    without, and then shows what the library holds instead of reading folders (`shared`).
    """

    def __init__(self, url: str, *, syncing: bool = False, connect_timeout: int = 10) -> None:
        super().__init__(url, syncing=syncing, connect_timeout=connect_timeout)
        try:
            open_library(self._conn(), url, syncing)
            self._common = pg_common.stored(self._conn())
            if not syncing:
                self._connect_quick()  # for the keystrokes' first pages (page_at_once)
        except psycopg.Error as error:  # a read-only role or a standby asked to sync, say
            self.close()
            raise LibraryError(unreachable(url, error)) from None
        except LibraryError:
            self.close()
            raise

    def reading_state(self, local: ReadingState) -> StateLike:
        """The role's marks and the team's tags and notes, on the server (tui.library.pg_people)."""
        return PgState(self, local)
