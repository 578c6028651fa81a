"""Netscape bookmark files, what every browser exports (and Shaarli, Raindrop, linkding, Pinboard),
and Pocket's older HTML export: folders (H3) become tags, ADD_DATE / time_added the date, TAGS
more tags, a DD the bookmark's description; Pocket's "Read Archive" section is read."""

from __future__ import annotations

import html
import re
from typing import Any

from tui.imports.common import epoch, split_tags

_DOCTYPE = re.compile(r"^\s*(?:\ufeff)?<!doctype\s+netscape-bookmark-file-1>", re.I)
_DATED_LINK = re.compile(r"<a\s[^>]*\b(?:add_date|time_added)\s*=", re.I)
_TOKEN = re.compile(r"<(/?)(dl|h1|h3|a|dd|dt|li|ul)\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TAG = re.compile(r"<[^>]*>")
_DEPTH = 100


def matches(text: str) -> bool:
    """A bookmark file by its doctype, or a page of links that carry the date they were saved."""
    return bool(_DOCTYPE.match(text[:1024])) or _DATED_LINK.search(text[:200_000]) is not None


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def records(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    folders: list[str] = []
    pending: str | None = None  # a folder's name, waiting for its list
    opened: list[bool] = []  # for each open list, whether it pushed a folder
    section = ""
    last: dict[str, Any] | None = None
    tokens = list(_TOKEN.finditer(text))
    for index, token in enumerate(tokens):
        closing, name, attributes = token.group(1), token.group(2).lower(), token.group(3)
        after = tokens[index + 1].start() if index + 1 < len(tokens) else len(text)
        inner = text[token.end() : after]
        if name == "dl" and not closing:
            pushed = pending is not None and len(folders) < _DEPTH
            if pushed:
                folders.append(pending or "")
            opened.append(pushed)
            pending = None
        elif name == "dl" and closing:
            if opened and opened.pop() and folders:
                folders.pop()
        elif name == "h3" and not closing:
            pending = _plain(inner)
        elif name == "h1" and not closing:
            section = _plain(inner).lower()
        elif name == "a" and not closing:
            values = {
                key.lower(): html.unescape(next(v for v in groups if v is not None))
                for key, *groups in _ATTRIBUTE.findall(attributes)
            }
            url = values.get("href", "").strip()
            if not url or url.lower().startswith(("javascript:", "place:", "data:")):
                last = None
                continue
            last = {
                "title": _plain(inner),
                "url": url,
                "date": epoch(values.get("add_date") or values.get("time_added")),
                "tags": [f for f in folders if f] + split_tags(values.get("tags")),
                "read": section == "read archive",
            }
            found.append(last)
        elif name == "dd" and not closing and last is not None:
            description = _plain(inner)
            if description:
                last["text"] = description
            last = None
    return found
