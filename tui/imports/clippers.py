"""Markdown written by web clippers: Obsidian Web Clipper and MarkDownload put the page's address in
`source:`; Omnivore's Obsidian plugin writes `[Read Original](url)` and a `## Highlights` section."""

from __future__ import annotations

import re
from typing import Any

_ORIGINAL = re.compile(r"^\[Read Original\]\((\S+?)\)\s*$", re.M)
_OMNIVORE_LINE = re.compile(
    r"^(?:\[Read on Omnivore\]\(\S*\)|#Omnivore|\[Read Original\]\(\S*\))[ \t]*\n?", re.M
)
_HIGHLIGHTS = re.compile(r"^## Highlights[ \t]*\n", re.M)
_NEXT_HEADING = re.compile(r"^#{1,2} ", re.M)
_HIGHLIGHT_TAIL = re.compile(r"[ \t]*\[⤴️?\]\([^)]*\)|[ \t]+\^[\w-]+[ \t]*$", re.M)
_URL = re.compile(r"(?i)^https?://\S+$")


def omnivore_note(body: str) -> tuple[str, dict[str, Any]]:
    """An Omnivore note's body without its link lines and highlights, and what they said: the
    original's URL and the highlights as the article's note."""
    original = _ORIGINAL.search(body)
    if original is None:
        return body, {}
    found: dict[str, Any] = {"url": original.group(1)}
    highlights = _HIGHLIGHTS.search(body)
    if highlights is not None:
        end = _NEXT_HEADING.search(body, highlights.end())
        section = body[highlights.end() : end.start() if end else len(body)]
        note = _HIGHLIGHT_TAIL.sub("", section).strip()
        if note:
            found["note"] = note
        body = body[: highlights.start()] + (body[end.start() :] if end else "")
    return _OMNIVORE_LINE.sub("", body), found


def source_url(fields: dict[str, Any]) -> str | None:
    """`source:` holding an address is the page's URL (Obsidian Web Clipper, MarkDownload)."""
    value = fields.get("source")
    if isinstance(value, str) and _URL.match(value.strip()) and not fields.get("url"):
        return value.strip()
    return None
