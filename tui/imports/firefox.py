"""Firefox's bookmark backup (JSON: a tree of `text/x-moz-place-container` folders) and Chrome's
`Bookmarks` file (JSON: `roots`); folders become tags, the time a bookmark was added its date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tui.imports.common import epoch, split_tags, text

_DEPTH = 100  # folders deeper than this are read as if they were at this depth
_CHROME_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)


def matches(document: Any) -> bool:
    return isinstance(document, dict) and str(document.get("type", "")).startswith("text/x-moz-place")


def records(document: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack: list[tuple[Any, list[str]]] = [(document, [])]
    while stack:
        node, folders = stack.pop()
        if not isinstance(node, dict):
            continue
        if node.get("type") == "text/x-moz-place" and isinstance(node.get("uri"), str):
            if node["uri"].startswith(("place:", "javascript:")):
                continue
            found.append(
                {
                    "title": text(node.get("title")),
                    "url": node["uri"],
                    "date": epoch(node.get("dateAdded")),
                    "tags": [*folders, *split_tags(node.get("tags"))],
                }
            )
            continue
        children = node.get("children")
        if isinstance(children, list):
            # The roots (menu, toolbar, other) are Firefox's places, not the user's folders.
            inner = (
                folders
                if node.get("root") or not text(node.get("title"))
                else [*folders, text(node["title"])]
            )
            stack.extend((child, inner[:_DEPTH]) for child in reversed(children))
    return found


def chrome_matches(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("roots"), dict)


def _chrome_date(value: Any) -> dt.datetime | None:
    try:
        return _CHROME_EPOCH + dt.timedelta(microseconds=int(value))
    except (TypeError, ValueError, OverflowError):
        return None


def chrome_records(document: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack: list[tuple[Any, list[str]]] = [(root, []) for root in reversed(list(document["roots"].values()))]
    while stack:
        node, folders = stack.pop()
        if not isinstance(node, dict):
            continue
        if node.get("type") == "url" and isinstance(node.get("url"), str):
            found.append(
                {
                    "title": text(node.get("name")),
                    "url": node["url"],
                    "date": _chrome_date(node.get("date_added")),
                    "tags": list(folders),
                }
            )
        elif isinstance(node.get("children"), list):
            inner = (
                folders
                if not folders and node.get("id") in ("1", "2", "3")
                else [*folders, text(node.get("name"))]
            )
            stack.extend((child, [f for f in inner if f][:_DEPTH]) for child in reversed(node["children"]))
    return found
