"""Raindrop.io's CSV export (id, title, note, excerpt, url, folder, tags, created, cover,
highlights, favorite) and the items of its API's JSON."""

from __future__ import annotations

from typing import Any

from tui.imports.common import has, split_tags, text, true


def matches(fields: dict[str, Any]) -> bool:
    return has(fields, "id", "title", "excerpt", "url", "folder", "created", "favorite")


def record(fields: dict[str, Any]) -> dict[str, Any]:
    tags = split_tags(fields.get("tags"))
    folder = text(fields.get("folder"))
    if folder and folder.lower() != "unsorted":
        tags.insert(0, folder)
    return {
        "title": text(fields.get("title")),
        "url": text(fields.get("url")),
        "date": text(fields.get("created")),
        "tags": tags,
        "text": text(fields.get("excerpt")),
        "starred": true(fields.get("favorite")),
        "note": "\n\n".join(filter(None, [text(fields.get("note")), text(fields.get("highlights"))])),
    }


def json_matches(document: Any) -> bool:
    items = document.get("items") if isinstance(document, dict) else None
    return isinstance(items, list) and any(isinstance(i, dict) and has(i, "link", "_id") for i in items)


def json_records(document: Any) -> list[dict[str, Any]]:
    found = []
    for item in document["items"]:
        if not isinstance(item, dict):
            continue
        highlights = [f"> {h.get('text')}" for h in item.get("highlights") or [] if isinstance(h, dict)]
        found.append(
            {
                "title": text(item.get("title")),
                "url": text(item.get("link")),
                "date": item.get("created"),
                "tags": split_tags(item.get("tags")),
                "text": text(item.get("excerpt")),
                "starred": true(item.get("important")),
                "note": "\n\n".join(filter(None, [text(item.get("note")), *highlights])),
            }
        )
    return found
