"""Instapaper's CSV export: URL, Title, Selection, Folder (and since 2023 Timestamp, Tags)."""

from __future__ import annotations

from typing import Any

from tui.imports.common import epoch, has, split_tags, text

_PLAIN_FOLDERS = ("unread", "archive", "starred", "")


def matches(fields: dict[str, Any]) -> bool:
    return has(fields, "URL", "Title", "Selection", "Folder")


def record(fields: dict[str, Any]) -> dict[str, Any]:
    """Archive means read, Starred starred, any other folder is a tag; the selection is a highlight."""
    folder = text(fields.get("Folder"))
    tags = split_tags(fields.get("Tags"))
    if folder.lower() not in _PLAIN_FOLDERS:
        tags.insert(0, folder)
    selection = text(fields.get("Selection"))
    return {
        "title": text(fields.get("Title")),
        "url": text(fields.get("URL")),
        "date": epoch(fields.get("Timestamp")),
        "tags": tags,
        "read": folder.lower() == "archive",
        "starred": folder.lower() == "starred",
        "note": "> " + " ".join(selection.split()) if selection else "",
    }
