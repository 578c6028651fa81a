"""Linkwarden's backup: `collections[].links[]` (name, url, description, tags, createdAt); the
collection is a tag."""

from __future__ import annotations

from typing import Any

from tui.imports.common import split_tags, text


def matches(document: Any) -> bool:
    collections = document.get("collections") if isinstance(document, dict) else None
    return isinstance(collections, list) and any(
        isinstance(c, dict) and isinstance(c.get("links"), list) for c in collections
    )


def records(document: Any) -> list[dict[str, Any]]:
    found = []
    for collection in document["collections"]:
        if not isinstance(collection, dict) or not isinstance(collection.get("links"), list):
            continue
        name = text(collection.get("name"))
        for link in collection["links"]:
            if not isinstance(link, dict):
                continue
            found.append(
                {
                    "title": text(link.get("name")),
                    "url": text(link.get("url")),
                    "date": link.get("createdAt"),
                    "tags": [*([name] if name else []), *split_tags(link.get("tags"))],
                    "text": text(link.get("description")),
                    "starred": bool(link.get("pinnedBy")),
                }
            )
    return found
