"""GoodLinks' JSON export: url, title, summary, tags, starred, addedAt, readAt, highlights."""

from __future__ import annotations

from typing import Any

from tui.imports.common import epoch, has, split_tags, text, true


def matches(fields: dict[str, Any]) -> bool:
    return has(fields, "url", "addedAt") and ("starred" in fields or "readAt" in fields)


def record(fields: dict[str, Any]) -> dict[str, Any]:
    quotes = []
    for item in fields.get("highlights") or []:
        if isinstance(item, dict) and item.get("content"):
            quote = "> " + " ".join(str(item["content"]).split())
            quotes.append("\n".join(filter(None, [quote, text(item.get("note"))])))
    return {
        "title": text(fields.get("title")),
        "url": text(fields.get("url")),
        "date": epoch(fields.get("addedAt")),
        "tags": split_tags(fields.get("tags")),
        "text": text(fields.get("summary")),
        "starred": true(fields.get("starred")),
        "read": bool(fields.get("readAt")),
        "note": "\n\n".join(quotes),
    }
