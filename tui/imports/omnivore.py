"""Omnivore's export: `metadata_*.json` (slug, url, labels, state, savedAt, publishedAt,
highlights), with `content/<slug>.html` and `highlights/<slug>.md` beside it in its zip."""

from __future__ import annotations

from typing import Any

from tui.imports.common import has, split_tags, text


def matches(fields: dict[str, Any]) -> bool:
    return has(fields, "url", "savedAt") and ("labels" in fields or "slug" in fields)


def record(fields: dict[str, Any]) -> dict[str, Any]:
    quotes = []
    for item in fields.get("highlights") or []:
        if isinstance(item, dict) and (item.get("quote") or item.get("annotation")):
            quote = " ".join(str(item.get("quote") or "").split())
            quotes.append(
                "\n".join(filter(None, [f"> {quote}" if quote else "", text(item.get("annotation"))]))
            )
    found: dict[str, Any] = {
        "title": text(fields.get("title")),
        "url": text(fields.get("url")),
        "date": fields.get("publishedAt") or fields.get("savedAt"),
        "tags": split_tags(fields.get("labels")),
        "read": text(fields.get("state")).lower() == "archived",
        "note": "\n\n".join(quotes) or text(fields.get("highlights_md")),
    }
    if text(fields.get("clean_html")):
        found["clean_html"] = fields["clean_html"]
    elif text(fields.get("content")):
        found["text"] = text(fields.get("content"))
    elif text(fields.get("description")):
        found["text"] = text(fields.get("description"))
    return found


def attach(item: dict[str, Any], members: dict[str, bytes]) -> set[str]:
    """Give a metadata record its page (`content/<slug>.html`, clean HTML) and highlights
    (`highlights/<slug>.md`) from the archive's members; the names of the members it took."""
    slug = item.get("slug")
    if not isinstance(slug, str) or not slug or "savedAt" not in item:
        return set()
    taken = set()
    page, marks = f"content/{slug}.html", f"highlights/{slug}.md"
    if page in members:
        item["clean_html"] = members[page].decode("utf-8", "replace")
        taken.add(page)
    if marks in members:
        item["highlights_md"] = members[marks].decode("utf-8", "replace")
        taken.add(marks)
    return taken
