"""Pocket's CSV export (title, url, time_added, tags, status; `part_000000.csv` in its zip) and the
highlights its zip keeps in `annotations/*.json`."""

from __future__ import annotations

from typing import Any

from tui.imports.common import epoch, has, split_tags, text


def matches(fields: dict[str, Any]) -> bool:
    return has(fields, "title", "url", "time_added") and ("status" in fields or "tags" in fields)


def record(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": text(fields.get("title")),
        "url": text(fields.get("url")),
        "date": epoch(fields.get("time_added")),
        "tags": split_tags(fields.get("tags"), "|"),
        "read": text(fields.get("status")).lower() == "archive",
    }


def notes(annotations: Any) -> dict[str, str]:
    """Each URL's highlights, as one note, from an `annotations/part_*.json` list."""
    found: dict[str, str] = {}
    if not isinstance(annotations, list):
        return found
    for item in annotations:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        quotes = [
            "> " + " ".join(str(h.get("quote")).split())
            for h in item.get("highlights") or []
            if isinstance(h, dict) and h.get("quote")
        ]
        if quotes:
            url = item["url"].strip()
            found[url] = "\n\n".join(filter(None, [found.get(url, ""), *quotes]))
    return found
