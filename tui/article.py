"""The records every layer passes around: an article, a block of its body, a problem."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, fields
from typing import Literal

from tui.i18n import Said

BlockKind = Literal["paragraph", "heading", "quote", "caption", "list"]

WORDS_PER_MINUTE = 200

# The clean text kept (shown, stored and searched) of one article, in UTF-8 bytes: the rest of a
# huge one (a book-length report, a saved page with everything inlined) stays in its file. 512 KB
# is ~75,000 words, six hours of reading: the longest long-form pieces are a quarter of it. It
# bounds the memory a load holds per article (a 4.7 MB body was held and indexed whole, in
# several copies) and the reader's wrapping of an article on the event loop (~0.3 s at 512 KB,
# ~0.6 s at 1 MB and 3 s at 4.7 MB on a 2-core machine; docs/ARCHITECTURE.md).
KEEP_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like piece of a cleaned body, so the reader can set quotes and captions apart."""

    kind: BlockKind
    text: str

    def __reduce__(self) -> tuple[type[Block], tuple[str, str]]:
        # A plain tuple pickles several times faster than a slots dataclass's default state.
        return (Block, (self.kind, self.text))


def carried_marks(carried: str) -> tuple[bool, bool, str]:
    """What an export says of an article (read, starred, note), from its `carried` JSON: the same
    reading wherever it is shown, with a state file or without one."""
    try:
        said = json.loads(carried) if carried else {}
    except ValueError:
        said = {}
    if not isinstance(said, dict):
        return False, False, ""
    note = said.get("note")
    return said.get("read") is True, said.get("starred") is True, note if isinstance(note, str) else ""


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article; the raw file stays on disk so cleaning never hides anything."""

    id: str  # stable for a path (and record number within a JSON Lines file)
    path: str  # the file it came from
    title: str
    blocks: tuple[Block, ...]
    title_derived: bool = False  # True when the title was made from the first sentence
    date: dt.datetime | None = None
    source: str | None = None  # the site or publication
    place: str | None = None  # from a dateline such as "Pasuruan, 29/08/2022 - ..."
    url: str | None = None
    digest: str = ""  # hash of the article's content, for state that survives renames
    record: int | None = None  # index of the record in a JSON / JSON Lines file
    removed: tuple[str, ...] = field(default=())  # web leftovers the cleaner dropped
    words: int = -1  # computed from the blocks when not given
    tags: tuple[str, ...] = ()  # the file's own tags (front matter, a record's tags or labels)
    carried: str = ""  # marks a read-it-later export gives (JSON: read, starred, note), taken in once
    whole_bytes: int = 0  # the whole clean text's size when only its first part is kept (KEEP_BYTES), else 0
    links: tuple[str, ...] = ()  # the body's links: link N is marked "[N]" in the block text after its words
    places: tuple[str, ...] = ()  # the places it names (tui.gazetteer): the dateline's first, when it is one
    acronyms: tuple[str, ...] = ()  # the organisations and programmes it names by acronym (KPK, PKH)

    def __post_init__(self) -> None:
        if self.words < 0:
            count = sum(len(block.text.split()) for block in self.blocks)
            object.__setattr__(self, "words", count)

    def __reduce__(self) -> tuple[type[Article], tuple[object, ...]]:
        # Parsed articles cross from worker processes by pickle; a plain tuple is the cheap way.
        return (Article, tuple(getattr(self, name) for name in _ARTICLE_FIELDS))

    @property
    def text(self) -> str:
        """The clean body as plain text, paragraphs separated by blank lines."""
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


LINK_MARKER = re.compile(r"\[(\d+)\]")  # link N of an article's `links`, after its words in the text


# A text with link markers that has its own "[2]" too (a wiki's citations, a footnote, code's `a[0]`)
# keeps its own with a WORD JOINER after the "[": LINK_MARKER cannot match it, and cleaned text holds
# none (cleaning.tidy takes invisible characters out). `as_written` undoes it wherever text leaves.
OWN_MARK = "\u2060"
_OWN_NUMBER = re.compile(r"\[(?=\d+\])")
_KEPT = "[" + OWN_MARK


def kept_own(text: str) -> str:
    """The text with its own "[2]" written "[\u20602]", so they are not read as link markers."""
    return _OWN_NUMBER.sub(_KEPT, text) if "[" in text else text


def as_written(text: str) -> str:
    """The text with its own "[2]" as written again (`kept_own` undone): what a reader or a file sees."""
    return text.replace(_KEPT, "[") if OWN_MARK in text else text


def unmarked(text: str, links: tuple[str, ...]) -> str:
    """The text without its link markers: a "[3]" after "kapas" is no word of the article, so it is
    neither searched (it broke the phrase "kapas padi") nor carried as data; the links go apart.
    Its own "[2]" stay, as written."""
    if not links:
        return as_written(text)
    count = len(links)
    return as_written(
        LINK_MARKER.sub(lambda marker: "" if 1 <= int(marker.group(1)) <= count else marker.group(), text)
    )


def utf8_size(text: str) -> int:
    """The bytes a text takes in UTF-8, without encoding it when it is ASCII."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def keep_first(blocks: tuple[Block, ...], limit: int = KEEP_BYTES) -> tuple[tuple[Block, ...], int]:
    """The blocks that fit in `limit` bytes of text, the last one cut at a space, and the whole
    text's size in bytes; (blocks, 0) when they all fit. The text counts as `Article.text` joins it."""
    # A UTF-8 character is at most 4 bytes: nearly every article is told to fit by its length alone,
    # without encoding a block to count its bytes.
    if 4 * (sum([len(block.text) for block in blocks]) + 2 * len(blocks)) <= limit:
        return blocks, 0
    held = 0
    for index, block in enumerate(blocks):
        size = utf8_size(block.text) + (2 if index else 0)
        if held + size <= limit:
            held += size
            continue
        whole = held + sum(utf8_size(b.text) + 2 for b in blocks[index:]) - (0 if index else 2)
        room = limit - held - (2 if index else 0)
        part = block.text.encode("utf-8", "surrogatepass")[: max(0, room)].decode("utf-8", "ignore")
        space = part.rfind(" ")
        part = part[:space] if space > len(part) // 2 else part
        kept = blocks[:index] + ((Block(block.kind, part.rstrip()),) if part.strip() else ())
        return kept, whole
    return blocks, 0


TAG_LIMIT = 64  # characters: a tag is a label, not a sentence


def tag_name(text: object) -> str:
    """A tag as kept and shown: one line, lower case, without a leading '#', so "#Banjir " is "banjir"."""
    name = " ".join(str(text).split()).lstrip("#").strip().lower()
    return name[:TAG_LIMIT].strip()


@dataclass(frozen=True, slots=True, eq=False)
class Problem:
    """A file (or record) that could not be turned into an article, and why, in plain words.

    The reason is kept as a message (`Said`) and put into words in the language of whoever
    shows it; plain text (from an older cache) is shown as it is.
    """

    path: str
    said: Said | str

    @property
    def reason(self) -> str:
        return str(self.said)

    def __eq__(self, other: object) -> bool:
        """Two problems are the same when they say the same of the same file, however kept."""
        if not isinstance(other, Problem):
            return NotImplemented
        return self.path == other.path and self.reason == other.reason

    def __hash__(self) -> int:
        return hash(self.path)  # equal problems share a path; putting a reason into words is dearer
