"""Readability's export, `{"bookmarks": [...]}` (article__title, article__url, date_added,
favorite, archive, article__excerpt), and Karakeep's (`bookmarks[].content.url`)."""

from __future__ import annotations

from typing import Any

from tui.imports.common import split_tags, text, true


def matches(document: Any) -> bool:
    items = document.get("bookmarks") if isinstance(document, dict) else None
    return isinstance(items, list) and any(
        isinstance(i, dict) and ("article__url" in i or isinstance(i.get("content"), dict)) for i in items
    )


def records(document: Any) -> list[dict[str, Any]]:
    found = []
    for item in document["bookmarks"]:
        if not isinstance(item, dict):
            continue
        if "article__url" in item:
            found.append(
                {
                    "title": text(item.get("article__title")),
                    "url": text(item.get("article__url")),
                    "date": item.get("date_added"),
                    "text": text(item.get("article__excerpt")),
                    "starred": true(item.get("favorite")),
                    "read": true(item.get("archive")),
                }
            )
            continue
        content = item["content"] if isinstance(item.get("content"), dict) else {}
        found.append(
            {
                "title": text(item.get("title")),
                "url": text(content.get("url")),
                "date": item.get("createdAt"),
                "tags": split_tags(item.get("tags")),
                "text": text(content.get("text")),
                "read": true(item.get("archived")),
                "starred": true(item.get("favourited") or item.get("favorited")),
                "note": text(item.get("note")),
            }
        )
    return found
