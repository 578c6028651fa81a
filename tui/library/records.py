"""What the library gives back (a Row per list line, a Page of keys) and how an article is stored."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from tui import gazetteer
from tui.article import Article, Block, BlockKind, unmarked
from tui.library import duplicates
from tui.library.keys import minute
from tui.library.vocabulary import has_unfolded_word, raw_word_set, raw_words_of

ARTICLE_COLUMNS = (
    "id, path, title, title_derived, date, source, place, url, digest, record, removed, words, blocks, tags, "
    "carried, whole_bytes, links"
)
LINK_SEPARATOR = "\n"  # a link is a URL, which holds no whitespace (formats.web_links)
TAG_SEPARATOR = "\n"  # tags are one line each (tag_name), so a newline joins them cheaply


class Row(NamedTuple):
    """What the article list needs for one line, small enough to hold 100k in memory.

    A named tuple, not a frozen dataclass: a warm start makes 100k of them, and a frozen
    dataclass's __init__ (one object.__setattr__ a field) was a third of reading the rows.
    """

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
    # The places and acronyms it names (Article.places, .acronyms), one a line as stored: split only
    # when facets count them, so a warm start makes no tuple of them.
    places: str = ""
    acronyms: str = ""


def tags_from(stored: str) -> tuple[str, ...]:
    return tuple(stored.split(TAG_SEPARATOR)) if stored else ()


MENTION_SEPARATOR = "\n"  # a place or an acronym is one line (tui.gazetteer)
MENTION_COLUMNS = "places, acronyms"  # the articles table's columns after ARTICLE_COLUMNS (SQLite only)


def indexed_place(place: str | None, places: str) -> str | None:
    """What the index's place column holds: the dateline's place as written and the places the text
    names (`place:` asks both); rebuilt the same way to take an article out of the index."""
    if not places or not place:
        return places or place
    if places.partition(MENTION_SEPARATOR)[0] == place:  # the dateline's place is the first place
        return places
    return f"{place}{MENTION_SEPARATOR}{places}"


PAGE_ROWS = 200  # a first page: a few screenfuls, found in about a millisecond at 100k


@dataclass(frozen=True, slots=True)
class Page:
    """The first keys of an answer, and whether they are all of it."""

    keys: list[int]
    complete: bool


@dataclass(frozen=True)
class AtOnce:
    """How long a search on the event loop may take: `seconds` in all, `wait` of it for the lock."""

    seconds: float = 0.012
    wait: float = 0.002


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


# One JSON string as json.dumps(..., ensure_ascii=False) writes it (the C function its encoder uses):
# lists of strings are joined here, without the encoder's machinery (a sixth of their cost).
_STRING = encode_basestring

# The bytes of the characters beyond ASCII most texts that have any have, none part of a word:
# curly quotes, dashes, ellipsis, bullet, no-break space, copyright sign. No character made only of
# these bytes is part of a word (a test checks every one), so a text left ASCII without them has none.
PUNCTUATION_BYTES = bytes(sorted({byte for char in "“”‘’—–…•\xa0©" for byte in char.encode()}))


def _json_strings(strings: tuple[str, ...]) -> str:
    return "[" + ", ".join([_STRING(string) for string in strings]) + "]"


# What JSON escapes in a string (the quote, the backslash, the control characters): these bytes in
# UTF-8, and no other character has any of them.
_JSON_ESCAPED = bytes([*range(0x20), ord('"'), ord("\\")])


def _json_blocks(blocks: tuple[Block, ...], encoded: bytes) -> str:
    """The blocks as JSON. `encoded`: the UTF-8 of the title, a newline and the blocks' texts joined
    by blank lines (prepare's); when those newlines are all it holds of what JSON escapes, which
    one C pass tells, the texts go in as they are (escaping each was ~10 us a text file)."""
    separators = 2 * len(blocks) - 1 if blocks else 1
    if len(encoded) - len(encoded.translate(None, _JSON_ESCAPED)) == separators:
        return "[" + ", ".join([f'[{_STRING(block.kind)}, "{block.text}"]' for block in blocks]) + "]"
    return "[" + ", ".join([f"[{_STRING(block.kind)}, {_STRING(block.text)}]" for block in blocks]) + "]"


def _no_word_beyond_ascii(encoded: bytes) -> bool:
    """Whether a UTF-8 text has no letter or digit beyond ASCII, told from its bytes with one C pass
    (~1.5 us) when its only characters beyond ASCII are common punctuation; has_unfolded_word's
    regex read each such text (~18 us, half the text files of the corpus)."""
    return encoded.isascii() or encoded.translate(None, PUNCTUATION_BYTES).isascii()


class Prepared(NamedTuple):
    """An article as the writer stores it, made where it was parsed: in a worker process, so the
    writer's thread (the one that cannot run in parallel) only hands out keys and writes.

    A cold load of 100k articles spent ~10 s of the writer's time joining, encoding and splitting
    texts and turning blocks into JSON; the workers now do it while parsing.
    """

    path: str
    date: dt.datetime | None
    minute: int | None  # the key's minute (keys.minute)
    title: str
    source: str | None
    place: str | None
    words: int
    digest: str
    tags: tuple[str, ...]
    carried: str
    columns: tuple[object, ...]  # the articles table's row after (arrival, key, path)
    removed: str  # the texts table's columns, as JSON
    blocks: str
    text: str  # the body as indexed
    terms: bytes  # raw words (vocabulary.raw_words), space-separated: its own, or see prepare's `words`
    sketch: bytes | None = b""  # the body's MinHash sketch (duplicates.py); None: made after the load
    places: str = ""  # Article.places, one a line (MENTION_SEPARATOR)
    acronyms: str = ""  # Article.acronyms, one a line


class Copied(NamedTuple):
    """An article as a team library's COPY takes it (pg_text.copied), made where it was parsed:
    the writer only gives it its key and path and sends the bytes. Its body travels once, in its
    row; the Prepared it is made from held it twice (and the writer turned it into vectors and
    COPY text itself: half a sync's writer time, on the one core the writer has)."""

    row: Row  # its list line (key 0: the writer gives keys)
    line: bytes  # the articles table's row after its key and path, in COPY's text format, with its newline
    sketch: bytes  # the sketches table's row after its key, without `grouped`; b"" when it has no sketch
    stems: dict[str, str] | None = None  # words and their stems, for the terms table (see copied)


def prepare(
    article: Article, words: set[bytes] | None = None, every_word: bool = True, sketch: bool = True
) -> Prepared:
    """What the writer stores of an article. With `words`, its raw words go into that set and
    `terms` is left empty: the articles of one put_files call may share one set of words, carried
    by one of them (`carrying`), which costs a fifth of a set per article.

    Without `every_word` (late in a bulk load) only words with a non-ASCII letter go into `words`:
    the plain ASCII ones are taken from the index itself when it is merged (vocabulary.index_words),
    and splitting every text was a tenth of a worker's time.

    Without `sketch` (a bulk load), the near-duplicate sketch is left to be made after the load
    (grouping.py): it was half a worker's time, and the cold load took twice as long."""
    text = article.text
    try:
        encoded = f"{article.title}\n{text}".encode()
    except UnicodeEncodeError:  # lone surrogates, from broken JSON escapes: SQLite would refuse them
        article = sound_text(article)
        text = article.text
        encoded = f"{article.title}\n{text}".encode()
    if article.links:  # searched without its link markers ("kapas[1] padi" is the phrase "kapas padi")
        text = unmarked(text, article.links)
        encoded = f"{article.title}\n{text}".encode()
    if words is None:
        terms = b" ".join(raw_word_set(encoded))
    else:
        if every_word:
            words.update(raw_words_of(encoded))
        elif not _no_word_beyond_ascii(encoded) and has_unfolded_word(article.title, text):
            words.update(word for word in raw_words_of(encoded) if not word.isascii())
        terms = b""
    date = article.date
    return Prepared(
        article.path,
        date,
        minute(date),
        article.title,
        article.source,
        article.place,
        article.words,
        article.digest,
        article.tags,
        article.carried,
        (
            article.id,
            article.title,
            int(article.title_derived),
            None if date is None else date.isoformat(),
            _stamp(date),
            _day(date),
            article.source,
            article.place,
            article.url,
            article.digest,
            article.record,
            article.words,
            TAG_SEPARATOR.join(article.tags),
            article.carried,
            article.whole_bytes,
            LINK_SEPARATOR.join(article.links),
        ),
        _json_strings(article.removed),
        _json_blocks(article.blocks, encoded),
        text,
        terms,
        duplicates.sketch(text) if sketch else None,
        MENTION_SEPARATOR.join(article.places),
        MENTION_SEPARATOR.join(article.acronyms),
    )


def carrying(prepared: Prepared, words: set[bytes]) -> Prepared:
    """The prepared article carrying a set of words (its own and its neighbours') to the writer."""
    return prepared._replace(terms=b" ".join(words))


def stored_mentions(
    title: str, blocks: str, links: str | None, place: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The places and acronyms of an article as stored (blocks as JSON, links one a line), found
    again as the loader found them: in the title and the lead as indexed, without link markers."""
    linked = tuple(links.split(LINK_SEPARATOR)) if links else ()
    return gazetteer.mentions(title, unmarked(body(blocks)[: gazetteer.LEAD * 2], linked), place)


def article_from(found: Any, path: str) -> Article:
    """An article from the articles table's ARTICLE_COLUMNS, with its path as shown."""
    ident, _path, title, derived, date, source, place, url, digest, record, removed, words, blocks, *more = (
        found
    )
    tags, carried, whole_bytes, links, *mentions = more  # MENTION_COLUMNS, where the library has them
    kinds: list[tuple[BlockKind, str]] = json.loads(blocks)
    if mentions:
        places, acronyms = (tuple(found.split(MENTION_SEPARATOR)) if found else () for found in mentions)
    else:  # a library without them (PostgreSQL): found again, in the text shown
        places, acronyms = stored_mentions(title, blocks, links, place)
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
        links=tuple(links.split(LINK_SEPARATOR)) if links else (),
        places=places,
        acronyms=acronyms,
    )
