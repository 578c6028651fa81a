"""A text file that is a list of addresses, one a line: each one a saved link."""

from __future__ import annotations

import re
from typing import Any

_URL = re.compile(r"(?i)^\s*(https?://\S+)\s*$")
_MAX = 1_000_000
# The first line that is not blank, when it is an address as _URL matches one.
_FIRST = re.compile(r"(?i)\s*https?://\S+[^\S\n]*(?:\n|\Z)")


def records(text: str) -> list[dict[str, Any]] | None:
    """The links, or None when any line is not an address (then it is an ordinary text)."""
    if _FIRST.match(text) is None:  # an ordinary text is told by its first line, not split whole
        return None
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines or len(lines) > _MAX:
        return None
    found = []
    for line in lines:
        match = _URL.match(line)
        if match is None:
            return None
        found.append({"url": match.group(1)})
    return found
