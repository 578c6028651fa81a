"""Pinboard's JSON export: href, description (the title), extended, time, toread, space-separated tags."""

from __future__ import annotations

from typing import Any

from tui.imports.common import has, split_tags, text


def matches(fields: dict[str, Any]) -> bool:
    return has(fields, "href", "description", "extended", "time")


def record(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": text(fields.get("description")),
        "url": text(fields.get("href")),
        "date": text(fields.get("time")),
        "tags": split_tags(fields.get("tags"), " "),
        "text": text(fields.get("extended")),
        "read": text(fields.get("toread")).lower() == "no",
    }
