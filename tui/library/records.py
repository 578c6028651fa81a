"""What the library gives back (a Row per list line, a Page of keys) and how an article is stored."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any

from tui.article import Article, Block, BlockKind

ARTICLE_COLUMNS = (
    "id, path, title, title_derived, date, source, place, url, digest, record, removed, words, blocks, tags, "
    "carried, whole_bytes"
)
TAG_SEPARATOR = "\n"  # tags are one line each (tag_name), so a newline joins them cheaply


@dataclass(frozen=True, slots=True)
class Row:
    """What the article list needs for one line, small enough to hold 100k in memory."""

    key: int  # the article's rowid in the library
    title: str
    date: dt.datetime | None
    source: str | None
    place: str | None
    words: int
    path: str
    digest: str
    tags: tuple[str, ...] = ()  # the file's own tags; the user's are in the reading state
    carried: str = ""  # what a read-it-later export says (JSON: read, starred, note), taken in once


def tags_from(stored: str) -> tuple[str, ...]:
    return tuple(stored.split(TAG_SEPARATOR)) if stored else ()


@dataclass(frozen=True, slots=True)
class Page:
    """The first keys of an answer, and whether they are all of it."""

    keys: list[int]
    complete: bool


class Stopped(Exception):
    """A search given up because the caller no longer wants its answer."""


def body(blocks_json: str) -> str:
    """The body exactly as it was indexed, rebuilt from stored blocks to delete its index entry."""
    return "\n\n".join(text for _kind, text in json.loads(blocks_json))


def sound_text(article: Article) -> Article:
    """The article with any lone surrogates (from broken JSON escapes) replaced, so SQLite takes it."""
    try:
        article.title.encode()
        article.text.encode()
        return article
    except UnicodeEncodeError:
        pass

    def fix(text: str | None) -> str | None:
        return None if text is None else text.encode("utf-8", "replace").decode("utf-8")

    blocks = tuple(Block(b.kind, fix(b.text) or "") for b in article.blocks)
    return replace(
        article,
        title=fix(article.title) or "",
        blocks=blocks,
        source=fix(article.source),
        place=fix(article.place),
        url=fix(article.url),
        removed=tuple(fix(r) or "" for r in article.removed),
        tags=tuple(fix(t) or "" for t in article.tags),
        carried=fix(article.carried) or "",
    )


def _day(date: dt.date | None) -> int | None:
    return None if date is None else date.year * 10000 + date.month * 100 + date.day


def _stamp(date: dt.datetime | None) -> float | None:
    if date is None:
        return None
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.UTC)
    return date.timestamp()


def text_values(arrival: int, item: Article) -> tuple[object, ...]:
    """The texts table's row for an article, in the order of the writer's INSERT."""
    return (
        arrival,
        json.dumps(list(item.removed), ensure_ascii=False),
        json.dumps([[b.kind, b.text] for b in item.blocks], ensure_ascii=False),
    )


def article_values(arrival: int, key: int, stored_path: str, item: Article) -> tuple[object, ...]:
    """The articles table's row for an article, in the order of the writer's INSERT."""
    return (
        arrival,
        key,
        stored_path,
        item.id,
        item.title,
        int(item.title_derived),
        None if item.date is None else item.date.isoformat(),
        _stamp(item.date),
        _day(item.date),
        item.source,
        item.place,
        item.url,
        item.digest,
        item.record,
        item.words,
        TAG_SEPARATOR.join(item.tags),
        item.carried,
        item.whole_bytes,
    )


def article_from(found: Any, path: str) -> Article:
    """An article from the articles table's ARTICLE_COLUMNS, with its path as shown."""
    ident, _path, title, derived, date, source, place, url, digest, record, removed, words, blocks, *more = (
        found
    )
    tags, carried, whole_bytes = more
    kinds: list[tuple[BlockKind, str]] = json.loads(blocks)
    return Article(
        id=ident,
        path=path,
        title=title,
        blocks=tuple(Block(kind, text) for kind, text in kinds),
        title_derived=bool(derived),
        date=None if date is None else dt.datetime.fromisoformat(date),
        source=source,
        place=place,
        url=url,
        digest=digest,
        record=record,
        removed=tuple(json.loads(removed)),
        words=words,
        tags=tags_from(tags),
        carried=carried,
        whole_bytes=whole_bytes,
    )
