"""The SQLite cache and full-text index of a collection, behind one front class, `Library`.

Modules: front (Library), schema (tables, version, notices), writer (put_files, forget_files),
keys (row keys in date order), orders (sort orders), vocabulary (terms and stems, on a thread),
fts (a query as FTS5 expressions), matching (reading the answer, checking phrases and flags),
answers (recent answers), records (Row, Page, how an article is stored), paths (stored paths).
"""

from __future__ import annotations

from tui.library.front import Library
from tui.library.orders import SORTS
from tui.library.records import PAGE_ROWS, AtOnce, Page, Row, Stopped

__all__ = ["PAGE_ROWS", "SORTS", "AtOnce", "Library", "Page", "Row", "Stopped"]
