"""Readwise Reader's CSV export (Title, URL, Document tags, Saved date, Location, Seen)."""

from __future__ import annotations

from typing import Any

from tui.imports.common import has, split_tags, text


def matches(fields: dict[str, Any]) -> bool:
    return has(fields, "Title", "URL", "Document tags", "Saved date", "Location")


def record(fields: dict[str, Any]) -> dict[str, Any]:
    location = text(fields.get("Location")).lower()
    return {
        "title": text(fields.get("Title")),
        "url": text(fields.get("URL")),
        "date": text(fields.get("Saved date")),
        "tags": split_tags(fields.get("Document tags")),
        "read": location == "archive",
        "starred": location == "shortlist",
    }
