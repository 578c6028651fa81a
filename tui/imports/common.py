"""Small readings shared by the recognisers: truth values, tag lists, timestamps."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any


def true(value: object) -> bool:
    """An export's yes: true, 1, "1", "true", "yes"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return isinstance(value, str) and value.strip().lower() in ("1", "true", "yes")


def split_tags(value: object, separators: str = ",") -> list[str]:
    """Tags given as a list, a JSON or Python list in text (`["a", "b"]`, `['a']`) or separated text."""
    if isinstance(value, list):
        return [str(item.get("name") if isinstance(item, dict) else item).strip() for item in value if item]
    if not isinstance(value, str) or not value.strip():
        return []
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            found = json.loads(text if '"' in text or "'" not in text else text.replace("'", '"'))
        except ValueError:
            found = None
        if isinstance(found, list):
            return [str(item).strip() for item in found if str(item).strip()]
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", text) if part.strip()]


def epoch(value: object) -> dt.datetime | None:
    """Seconds (or milli- or microseconds) since 1970 as an aware UTC time."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if number <= 0:
        return None
    while number > 100_000_000_000:  # milli- or microseconds
        number /= 1000
    try:
        return dt.datetime.fromtimestamp(number, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def has(fields: dict[str, Any], *names: str) -> bool:
    return all(name in fields for name in names)
