"""wallabag's JSON export: v1 (is_read, is_fav as "0"/"1") and v2 (is_archived, is_starred,
tags, annotations); `content` is the clean HTML wallabag stored, read as it is."""

from __future__ import annotations

from typing import Any

from tui.imports.common import has, split_tags, text, true


def matches(fields: dict[str, Any]) -> bool:
    return "url" in fields and (has(fields, "is_archived", "is_starred") or has(fields, "is_read", "is_fav"))


def record(fields: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {
        "title": text(fields.get("title")),
        "url": text(fields.get("url")),
        "date": fields.get("published_at") or fields.get("created_at"),
        "tags": split_tags(fields.get("tags")),
        "read": true(fields.get("is_archived", fields.get("is_read"))),
        "starred": true(fields.get("is_starred", fields.get("is_fav"))),
        "annotations": fields.get("annotations") or [],
    }
    content = text(fields.get("content"))
    if content:
        found["clean_html"] = content
    if fields.get("domain_name"):
        found["source"] = text(fields.get("domain_name"))
    return found
