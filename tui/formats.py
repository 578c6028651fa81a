"""Format readers: plain text, Markdown and HTML become units for cleaning, plus their metadata."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import yaml

from tui.article import tag_name
from tui.cleaning import Unit, dated_label, is_leftover, source_from, tidy, title_over_paragraph
from tui.dates import is_date_line, parse_date
from tui.formatting import FIELD_LIMIT, plain_field, plain_line, plain_text
from tui.i18n import said
from tui.imports import clippers

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


def text_units(text: str) -> list[Unit]:
    """Lines grouped into paragraphs by blank lines, or one per line when a text has none."""
    lines = text.strip("\n").split("\n")
    blank_separated = any(not line.strip() for line in lines)
    header = _header_lines(lines) if blank_separated else 0
    units: list[Unit] = []
    para = 0
    if header:  # a copied page's header: one unit per line, the title marked as the heading
        title_line = next((n for n in range(header) if not is_leftover(lines[n])), -1)
        for number in range(header):
            units.append(Unit("heading" if number == title_line else "", lines[number], number))
        lines, para = lines[header:], header
    for line in lines:
        if not line.strip():
            para += 1
            continue
        units.append(Unit("", line, para))
        if not blank_separated or (len(units) == 1 and title_over_paragraph(lines)):
            para += 1
    return units


def _header_lines(lines: list[str]) -> int:
    """How many lines of a copied page's first block are a header (title, site, date), one unit each.

    "Title / detik.com / Rabu, 18 Jun 2025 07:30 WIB" with no blank line between them is three
    lines of metadata, not a paragraph: the block is split when a line after the first is a date
    line or a label such as "Diperbarui …", and every line after the first is short.
    """
    end = next((index for index in range(min(len(lines), 7)) if not lines[index].strip()), 7)
    if not 2 <= end <= 6:
        return 0
    rest = [line.strip() for line in lines[1:end]]
    if any(len(line) > 100 for line in rest):
        return 0
    if not any(is_date_line(line) or dated_label(line) for line in rest):
        return 0
    return end


# libyaml's loader when PyYAML was built with it (its wheels are): front matter parsed in C was two
# thirds of a Markdown file's cost in pure Python (0.73 ms a file at 100k). Same safe types either way.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# How many values front matter may hold with its aliases counted each time they are used: a
# 348-byte file of nine aliases nine times over, eight deep, stood for 9^8 strings, and the first
# str() of it took 27 s and 3.3 GB.
FRONT_MATTER_VALUES = 10_000

# A front matter line holding a one-line list of plain words ("tags: [a, b:, c]"), where libyaml and
# the pure-Python loader part ways: libyaml refuses "b:" before "," or "]", which the pure-Python
# loader reads as {b: None}, as both read "b: ". A quarter of the Markdown files of the 100k corpus
# hit this (a scraper's stray colon or comma), and the pure-Python loader cost ~250 us a file.
_FLOW_LINE = re.compile(r"^[\w-]+:[ \t]+\[[\w .:,-]*\][ \t]*$", re.M)
_FLOW_COLON = re.compile(r"(?<=\w):(?=[,\]])")
# An empty entry in such a list ("[a,, b]"): neither loader reads it.
_FLOW_EMPTY = re.compile(r"[\[,][ \t]*\Z")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$")
_MD_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_MD_TABLE_RULE = re.compile(r":?-{1,}:?|")  # a cell of the line under a table's head: |---|:--:|
_MD_CELL_BAR = re.compile(r"(?<!\\)\|")  # between a row's cells; "\|" is a bar in a cell, code too (GFM)
_MD_ROW_ENDS = re.compile(r"^\s*\||(?<!\\)\|\s*$|^\s+|\s+$")  # a row's outer bars
_WEB_LINK = re.compile(r"(?i)https?://[^\s/?#]+")  # a link a browser may be sent to (the opener's own rule)
# What may start inline markup: a link or image, emphasis, code, an escape, an autolink or an entity.
# Most lines have none and are taken as they are, without the parser.
_MD_MARK = re.compile(r"[\[*_`\\<&]")  # one class: a scan as fast as str.find (an alternation: 5x slower)
# A line that may be an image alone (or a link holding one), short as they are: only these are read
# ahead of the rest (100 kB of "![" took the parser 1.4 s; every line read twice would double it).
_MAY_BE_IMAGE = re.compile(r"[ \t]*\[?!\[.{0,4000}\)[ \t]*\Z", re.S)
# An image whose alt text holds no markup and whose address no space, parenthesis, escape or entity:
# its caption is its alt text as written, without the parser (~40 us a line).
_PLAIN_IMAGE = re.compile(r"!\[([^\[\]*_`\\<&]*)\]\([^()\s<>\\&]*\)")
_HTML_BREAK = re.compile(r"(?i)<br\b")
# A link reference definition ("[1]: https://example.org/a 'Title'"), on one line; "[^1]: ..." is a
# footnote (Obsidian, GitHub), kept as text. Its link is read by the parser, as a link's would be.
_MD_DEFINITION = re.compile(
    r" {0,3}\[(?!\^)((?:[^\[\]\\]|\\.){1,999})\]:[ \t]*"
    r"(<(?:[^<>\n\\]|\\.)*>|[^\s<]\S*)"
    r"(?:[ \t]+(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*"
)
# A definition's title alone on the line after it, as writers that wrap lines put it.
_MD_TITLE_LINE = re.compile(r"[ \t]+(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\))[ \t]*")
# A code block's opening fence: three or more backticks (none after them: "```a``" is a code span)
# or tildes, at any indent (lists indent theirs).
_MD_FENCE = re.compile(r"`{3,}(?=[^`]*\Z)|~{3,}")
# Record keys as scrapers and feeds name them, in English and Indonesian; the first one present wins.
_META_KEYS = {
    "title": ("title", "headline", "judul", "judul_berita", "name"),
    "date": (
        "date", "published", "published_at", "publishedAt", "published_date", "publish_date",
        "date_published", "publication_date", "datePublished", "pubDate", "pub_date", "tanggal",
        "tanggal_publikasi", "tanggal_terbit", "tgl", "waktu", "waktu_terbit", "created",
        "created_at", "timestamp", "time", "updated", "updated_at", "time_added", "date_added",
        "date_saved", "saved_at",
    ),
    "source": ("source", "site", "site_name", "publisher", "publication", "sumber", "media", "portal"),
    "url": ("url", "link", "article_url", "canonical_url", "permalink", "href", "tautan"),
    "place": ("place", "location", "dateline", "lokasi", "tempat"),
}  # fmt: skip
# Where records and front matter keep their tags; every one present counts (wallabag: [{"label": ...}]).
TAG_KEYS = ("tags", "tag", "labels", "label", "kategori", "category", "categories")
MAX_TAGS = 32
# What read-it-later exports (wallabag, Omnivore, Pocket) say about an article beyond its text.
STARRED_KEYS = ("is_starred", "starred", "favorite", "is_favorite", "favorited")
READ_KEYS = ("is_archived", "archived", "is_read", "read")
STATE_KEYS = ("status", "state")  # Pocket "archive", Omnivore "Archived"
NOTE_KEYS = ("annotations", "highlights", "notes", "note")
_TRUE = {"1", "true", "yes"}
TEXT_KEYS = (
    "text", "content", "body", "article", "articleBody", "content_text", "full_text", "fulltext",
    "isi", "isi_berita", "isi_artikel", "konten", "artikel", "berita", "teks", "markdown", "html",
    "content_html", "description", "summary", "deskripsi", "ringkasan",
)  # fmt: skip


def lookup(
    fields: dict[str, Any], keys: tuple[str, ...], folded: dict[str, Any] | None = None
) -> Iterator[Any]:
    """The values of the keys a record has, in the keys' order; names match whatever their case.

    `folded`: the record's folded_names, when the caller asks about it more than once."""
    for key in keys:
        if key in fields:
            yield fields[key]
            continue
        if folded is None:
            folded = folded_names(fields)
        if key.lower() in folded:
            yield folded[key.lower()]


def folded_names(fields: dict[str, Any]) -> dict[str, Any]:
    """A record's fields by their names lower-cased (the first of a name wins), for lookup."""
    return {str(name).strip().lower(): value for name, value in reversed(fields.items())}


def body_of(fields: dict[str, Any]) -> str | None:
    """A record's article text: the first non-empty text field, whatever it is called."""
    return next(
        (value for value in lookup(fields, TEXT_KEYS) if isinstance(value, str) and value.strip()), None
    )


def metadata(fields: dict[str, Any]) -> dict[str, Any]:
    """Pick title, date, source, url and place from a record or front matter, whatever the names."""
    meta: dict[str, Any] = {}
    folded = folded_names(fields)  # once, not once a lookup (ten of them)
    for target, keys in _META_KEYS.items():
        for value in lookup(fields, keys, folded):
            if isinstance(value, dict):
                value = value.get("name") or value.get("title")
            if target == "date":
                if isinstance(value, str) and re.fullmatch(r"\d{9,10}", value.strip()):
                    value = int(value)  # seconds since 1970, as Pocket's CSV gives them
                value = parse_date(value, exact=True)  # an export's time: to the second, with its offset
            else:
                text, limit = _meta_text(value), URL_LIMIT if target == "url" else FIELD_LIMIT
                value = tidy(plain_field(text, limit)) if text else None
            if value:
                meta[target] = value
                break
    if (address := clippers.source_url(fields)) is not None:
        meta["url"] = address  # a web clipper's `source:` is the page's address, not its site
        meta.pop("source", None)
    tags = tags_of(fields, folded)
    if tags:
        meta["tags"] = tags
    carried = carried_of(fields, folded)
    if carried:
        meta["carried"] = carried
    if "source" not in meta and isinstance(meta.get("url"), str):
        host = re.match(r"(?i)^[a-z]+://(?:www\.)?([^/:?#]+)", meta["url"])
        if host:
            meta["source"] = source_from([host.group(1)]) or host.group(1)
    return meta


URL_LIMIT = 4096  # characters: longer is no address a browser opens


def _meta_text(value: object) -> str | None:
    """A title, source, url or place as text: numbers and dates as written, a list's items joined,
    bytes decoded; never a Python repr (a list title showed as "['list', 'title']", bytes as b'...')."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list):
        items = (item for item in value if isinstance(item, (str, int, float)) and not isinstance(item, bool))
        return ", ".join(map(str, items))
    if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
        return None
    return str(value)


def link_title(url: str) -> str:
    """A saved link's title when its export gives none: the address's host and path, as people
    read it (`example.org/2024/flood`), rather than dropping the link."""
    found = re.match(r"(?i)^[a-z][a-z0-9+.-]*://(?:[^@/?#]*@)?(?:www\.)?([^/?#]*)([^?#]*)", url.strip())
    if found is None:
        return tidy(url)
    return tidy(found.group(1) + found.group(2).rstrip("/")) or tidy(url)


def tags_of(fields: dict[str, Any], folded: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The tags a record or front matter gives: lists, comma-separated text or {"label": ...} items."""
    found: list[str] = []
    for value in lookup(fields, TAG_KEYS, folded):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                item = item.get("label") or item.get("name") or item.get("title") or item.get("slug")
            if isinstance(item, bool) or item is None or isinstance(item, (dict, list)):
                continue
            for part in re.split(r"[,|]", plain_line(str(item))):
                name = tag_name(part)
                if name and name not in found:
                    found.append(name)
    return tuple(found[:MAX_TAGS])


def _true(value: object) -> bool:
    return value is True or (not isinstance(value, bool) and str(value).strip().lower() in _TRUE)


def _note_text(value: object) -> str:
    """wallabag annotations ({"quote", "text"}), Omnivore highlights, or plain text, as one note."""
    items = value if isinstance(value, list) else [value]
    parts: list[str] = []
    for item in items:
        if isinstance(item, dict):
            quote = item.get("quote") or item.get("highlight") or ""
            text = item.get("text") or item.get("note") or item.get("annotation") or ""
            lines = [f"> {' '.join(str(quote).split())}"] if quote else []
            lines += [str(text).strip()] if str(text).strip() else []
            if lines:
                parts.append("\n".join(lines))
        elif isinstance(item, str) and item.strip():
            parts.append(item.strip())
    return "\n\n".join(parts)


def carried_of(fields: dict[str, Any], folded: dict[str, Any] | None = None) -> str:
    """The read and starred marks and the note an export gives, as JSON; empty when it gives none."""
    found: dict[str, object] = {}
    if any(_true(v) for v in lookup(fields, STARRED_KEYS, folded)):
        found["starred"] = True
    states = [str(v).strip().lower() for v in lookup(fields, STATE_KEYS, folded) if isinstance(v, str)]
    if any(_true(v) for v in lookup(fields, READ_KEYS, folded)) or any(
        s in ("archive", "archived", "read") for s in states
    ):
        found["read"] = True
    note = next((text for text in map(_note_text, lookup(fields, NOTE_KEYS, folded)) if text), "")
    if note:
        found["note"] = plain_text(note)  # it goes into the note editor, which draws what it is given
    return json.dumps(found, ensure_ascii=False, sort_keys=True) if found else ""


def _carried_fields(meta: dict[str, Any]) -> dict[str, Any]:
    """What a note's front matter already carried (an Omnivore `state:`), as carried_of reads it."""
    try:
        found = json.loads(meta.get("carried") or "{}")
    except ValueError:
        found = {}
    return found if isinstance(found, dict) else {}


def markdown(text: str) -> tuple[list[Unit], dict[str, Any], list[str]]:
    """Markdown blocks as units plus front matter metadata; bad front matter is set aside, not fatal."""
    meta: dict[str, Any] = {}
    removed: list[str] = []
    front = _FRONT_MATTER.match(text)
    if front:
        source = front.group(1) or ""
        fields = _front_fields(source)
        if isinstance(fields, dict) and "*" in source and _expands_past(fields, FRONT_MATTER_VALUES):
            # Said beside the article (the loader's "problem"); nothing reads the values.
            meta["problem"] = said(
                "front matter ignored: its aliases stand for over {count} values", count=FRONT_MATTER_VALUES
            )
            removed.append(front.group(0)[:4096].strip())
        elif isinstance(fields, dict):
            meta = metadata(fields)
        else:
            removed.append(front.group(0).strip())  # malformed: kept for reference, not as body
        text = text[front.end() :]
    text, omnivore = clippers.omnivore_note(text)  # Omnivore's Obsidian notes: the original's URL, highlights
    if omnivore:
        meta = {**meta, "url": omnivore["url"]}
        meta["carried"] = carried_of({**_carried_fields(meta), "note": omnivore.get("note", "")})
    return _markdown_units(text), meta, removed


def _expands_past(value: Any, most: int) -> bool:
    """Whether a YAML value holds over `most` values once each use of an alias counts (a loop too),
    counted without expanding anything: PyYAML shares an alias's object wherever it is used."""
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > most:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return False


def _front_fields(source: str) -> Any:
    """Front matter as the pure-Python YAML loader reads it (None when it cannot), in C when it can."""
    try:
        return _load_front(source)
    except RecursionError:  # nested thousands deep: malformed, as far as an article goes
        return None


def _load_front(source: str) -> Any:
    try:
        return yaml.load(source, Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        if _YAML_LOADER is yaml.SafeLoader:
            return None
        failed = error
    # libyaml is stricter (`tags: [a, b:]`): such lists are written as both loaders read them
    # ("b: ") and tried in C again; what still fails goes to the pure-Python loader.
    fixed = _FLOW_LINE.sub(lambda line: _FLOW_COLON.sub(": ", line.group()), source)
    if fixed != source:
        try:
            return yaml.load(fixed, Loader=_YAML_LOADER)
        except yaml.YAMLError as error:
            failed = error
    if _empty_entry(fixed, failed):
        return None  # the pure-Python loader stops at the same empty entry
    try:
        return yaml.safe_load(source)
    except yaml.YAMLError:
        return None


def _empty_entry(source: str, error: yaml.YAMLError) -> bool:
    """Whether libyaml stopped at an empty entry of a one-line list of plain words ("[a,, b]")."""
    mark = getattr(error, "problem_mark", None)
    if mark is None or any(brk in source for brk in "\x85\u2028\u2029"):  # libyaml's other line breaks
        return False
    if getattr(error, "problem", None) != "did not find expected node content":
        return False
    lines = source.split("\n")
    if not mark.line < len(lines) or not _FLOW_LINE.fullmatch(line := lines[mark.line]):
        return False
    return line[mark.column : mark.column + 1] == "," and bool(_FLOW_EMPTY.search(line, 0, mark.column))


def _inline(
    text: str, links: list[tuple[str, str]] | None = None, references: dict[str, Any] | None = None
) -> str:
    """A text's words without inline markup, as CommonMark reads them; its links (words, URL) go to
    `links`, and `references` (label: {"href", "title"}) are the link reference definitions it may use."""
    if _MD_MARK.search(text) is None:  # most lines have no inline markup: no parser for them
        return text
    return _plain(_tokens(text, references), links)


def _tokens(text: str, references: dict[str, Any] | None = None) -> list[Token]:
    """A text's inline tokens: the inline rules alone, without the core's passes that parseInline
    adds around them (a fifth of the time; text_special tokens are read as text)."""
    parser = _parser()
    tokens: list[Token] = []
    parser.inline.parse(text, parser, {"references": references} if references else {}, tokens)
    return tokens


@functools.cache
def _parser() -> MarkdownIt:
    """markdown-it-py's CommonMark reader, its links kept as written; imported on first use, so a
    worker that reads no Markdown markup does not load it."""
    from markdown_it import MarkdownIt

    class Reader(MarkdownIt):
        # A URL as written (after its escapes and entities), not percent-encoded for HTML, and every
        # link kept: web_links decides which a browser may be sent to, as for HTML pages.
        def normalizeLink(self, url: str) -> str:
            return url

        def normalizeLinkText(self, link: str) -> str:
            return link

        def validateLink(self, url: str) -> bool:
            return True

    return Reader("commonmark")


def _plain(tokens: list[Token], links: list[tuple[str, str]] | None) -> str:
    """Inline tokens as the words they show: an image as its alt text, a break as a space, no HTML
    tags; each link's words and URL go to `links`."""
    parts: list[str] = []
    opened: list[tuple[int, str]] = []  # where the open link's words start, and its URL
    for token in tokens:
        kind = token.type
        if kind in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "html_inline":  # a tag or comment is no word ("<sup>1.2</sup>" shows 1.2); <br> a space
            parts.append(" " if _HTML_BREAK.match(token.content) else "")
        elif kind == "image":
            parts.append(_plain(token.children or [], None))
        elif kind == "link_open":
            opened.append((len(parts), str(token.attrGet("href") or "")))
        elif kind == "link_close" and opened:
            start, href = opened.pop()
            if links is not None:
                links.append(("".join(parts[start:]), href))
    return "".join(parts)


def _lone_image(line: str) -> tuple[str, list[tuple[str, str]]] | None:
    """An image alone on its line, or a link holding only an image: its alt text (the caption) and
    the link; None for any other line."""
    if (plain := _PLAIN_IMAGE.fullmatch(line)) is not None:  # most: the parser would read the same
        return plain.group(1), []
    links: list[tuple[str, str]] = []
    tokens = [token for token in _tokens(line) if token.type != "text" or token.content.strip()]
    kinds = [token.type for token in tokens]
    if kinds not in (["image"], ["link_open", "image", "link_close"]):
        return None
    return _plain(tokens, links), links


def _definition(found: re.Match[str]) -> tuple[str, dict[str, str]]:
    """A link reference definition's label, as links name it, and its URL, as a link's is read."""
    from markdown_it.common.utils import normalizeReference, unescapeAll

    href = found.group(2)
    return normalizeReference(found.group(1)), {
        "href": unescapeAll(href[1:-1] if href[0] == "<" else href),
        "title": "",
    }


def _markdown_units(text: str) -> list[Unit]:
    """Markdown blocks as units: headings, quotes, list items, images and paragraphs."""
    units: list[Unit] = []
    pieces: list[list[str]] = []  # each unit's lines as written, read once the whole text is
    # How each unit's pieces are read: "" lines of Markdown, "code" as they are, "cells" a table
    # row's cells, "read" a caption read already.
    modes: list[str] = []
    current: list[str] | None = None  # the pieces of the open quote, list item or paragraph
    kind = ""
    references: dict[str, Any] = {}  # link reference definitions: links anywhere may use them
    defining = ""  # the last line was a definition ("titled" or "untitled"): another may follow it
    found: dict[int, list[tuple[str, str]]] = {}  # the units' links (words, URL), by unit

    def start(unit_kind: str, first: str, mode: str = "") -> list[str]:
        units.append(Unit(unit_kind, "", len(units)))
        pieces.append([first])
        modes.append(mode)
        return pieces[-1]

    fence = ""  # the open code block's fence ("```", "~~~~"); "" outside one
    for line in text.split("\n"):
        after_definition, defining = defining, ""
        if fence:
            closing = line.strip()
            if closing.startswith(fence) and not closing.strip(fence[0]):  # its mark, as long or longer
                fence = ""
            else:
                start("paragraph", line, "code")
            continue
        if line.lstrip().startswith(("```", "~~~")) and (opening := _MD_FENCE.match(line.lstrip())):
            fence, current = opening.group(), None
            continue
        if line[:1].isalpha():
            # No block mark starts with a letter: a paragraph's line (most lines), without the
            # patterns below (~1.3 us a line).
            if current is not None and kind in ("", "list"):
                current.append(line)
            else:
                current, kind = start("", line), ""
            continue
        if not line.strip() or _MD_RULE.match(line):
            current = None
            continue
        if after_definition == "untitled" and _MD_TITLE_LINE.fullmatch(line):
            continue  # the title of the definition above
        if (
            (current is None or after_definition)
            and "]:" in line
            and (definition := _MD_DEFINITION.fullmatch(line)) is not None
        ):
            label, target = _definition(definition)
            if label:
                references.setdefault(label, target)  # the first of a label counts
                current, defining = None, "titled" if definition.group(3) else "untitled"
                continue
        if line.lstrip().startswith("|"):  # a table's row: a line of its own, its cells between bars
            current = None
            row = _MD_ROW_ENDS.sub("", line)
            cells = [cell.strip().replace("\\|", "|") for cell in _MD_CELL_BAR.split(row)]
            if not all(_MD_TABLE_RULE.fullmatch(cell) for cell in cells):
                start("", cells[0], "cells").extend(cells[1:])
            continue
        if (heading := _MD_HEADING.match(line)) is not None:
            start("heading", heading.group(2))
            current = None
        elif (quote := _MD_QUOTE.match(line)) is not None:
            if current is None or kind != "quote":
                current, kind = start("quote", ""), "quote"
            current.append(quote.group(1))
        elif (item := _MD_LIST.match(line)) is not None:
            number = f"{item.group(1)}. " if item.group(1) else ""
            current, kind = start("list", number + item.group(2)), "list"
        elif _MAY_BE_IMAGE.match(line) and (image := _lone_image(line.strip())) is not None:
            caption, links = image
            if caption.strip():
                start("caption", caption, "read")
                found[len(units) - 1] = links
            current = None
        elif current is not None and (kind in ("", "list") or line.startswith(" ")):
            current.append(line)
        else:
            current, kind = start("", line), ""
    for index, (unit, lines, mode) in enumerate(zip(units, pieces, modes, strict=True)):
        if mode == "":
            # Read whole, so a link or emphasis may go on past a line's end; most units are one line
            # of no markup, taken as it is.
            joined = lines[0] if len(lines) == 1 else "\n".join(lines)
            if _MD_MARK.search(joined) is None:
                unit.text = joined if len(lines) == 1 else " ".join(lines)
            else:
                unit.text = _inline(joined, found.setdefault(index, []), references)
        elif mode == "cells":
            unit.text = " | ".join([_inline(cell, found.setdefault(index, []), references) for cell in lines])
        else:
            unit.text = " ".join(lines)
        if found.get(index):
            unit.links = tuple(found[index])
    web_links(units, None)
    return units


# ---------------------------------------------------------------- HTML

_HTML_DROP = [
    "nav", "header", "footer", "aside", "script", "style", "noscript", "form", "iframe", "svg",
    "button", "template",
]  # fmt: skip
_JUNK_CLASS = re.compile(
    r"(?i)(?:^|[\s_-])(?:share|sharing|social|comments?|related|ads?|advert\w*|sponsor\w*"
    r"|cookie\w*|menu|sidebar|newsletter|promo|popup|banner|breadcrumbs?|subscribe|recommend\w*"
    r"|widget|tags)(?:$|[\s_-])"
)
_KEEP_TAGS = frozenset({"html", "body", "article", "main"})
_BLOCK_TAGS = {
    "p": "",
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
    "h6": "heading", "blockquote": "quote", "figcaption": "caption", "li": "list",
    "pre": "paragraph", "dd": "", "dt": "", "td": "", "caption": "caption",
}  # fmt: skip
_INLINE_TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
        "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
        "wbr", "del", "ins",
    }
)  # fmt: skip


_META_ATTRIBUTES = ("property", "name", "itemprop")


def meta_index(page: Any) -> dict[tuple[str, str], Any]:
    """Each <meta> by its property, name and itemprop, the first of each value kept: what
    `page.css_first('meta[name="…"]')` finds, from one pass over the page. The up to 60 selectors
    a page was asked (each a walk of the whole tree) were a fifth of reading it."""
    index: dict[tuple[str, str], Any] = {}
    for node in page.css("meta"):
        attributes = node.attributes
        for attribute in _META_ATTRIBUTES:
            value = attributes.get(attribute)
            if value is not None:
                index.setdefault((attribute, value), node)
    return index


def _attribute(node: Any, name: str) -> str | None:
    value = node.attributes.get(name) if node is not None else None
    return tidy(value) or None if isinstance(value, str) else None


def html(text: str, meta: dict[str, Any], drop: Sequence[str] = ()) -> tuple[list[Unit], dict[str, Any]]:
    """The article part of a page as units, with what its head says; given metadata wins.

    `drop`: more elements to leave out with their content, besides the page's chrome."""
    from selectolax.lexbor import LexborHTMLParser

    page = LexborHTMLParser(text)
    return page_units(page, head_metadata(page, meta_index(page)), meta, drop)


def head_metadata(page: Any, metas: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """What a page's head says (title, date, source, url), read before any of the page is stripped.

    `metas`: the page's meta_index, one pass over the page, not a selector's walk of it per tag."""
    site = _attribute(metas.get(("property", "og:site_name")), "content")
    title = _attribute(metas.get(("property", "og:title")), "content")
    if title is None and (node := page.css_first("title")) is not None:
        title = tidy(node.text()) or None
        if title and site:
            for separator in (" | ", " - ", " – ", " — ", " :: "):
                head, _, tail = title.rpartition(separator)
                if head and tail.strip().lower() == site.lower():
                    title = head.strip()
                    break
    published = None
    for key in (
        ("property", "article:published_time"),
        ("itemprop", "datePublished"),
        ("name", "date"),
        ("name", "pubdate"),
        ("name", "publish-date"),
        ("name", "DC.date.issued"),
    ):
        published = parse_date(_attribute(metas.get(key), "content"))
        if published:
            break
    else:
        published = parse_date(_attribute(page.css_first("time[datetime]"), "datetime"))
    url = _attribute(metas.get(("property", "og:url")), "content") or _attribute(
        page.css_first('link[rel="canonical"]'), "href"
    )
    return {"title": title, "date": published, "source": site, "url": url}


def page_units(
    page: Any, found: dict[str, Any], meta: dict[str, Any], drop: Sequence[str] = ()
) -> tuple[list[Unit], dict[str, Any]]:
    """html's reading of a parsed page, given its head_metadata; strips the page."""
    meta = {**{key: value for key, value in found.items() if value}, **meta}
    page.strip_tags([*_HTML_DROP, *drop])
    junk = [
        node
        for node in page.css("[class], [id]")
        if node.tag not in _KEEP_TAGS
        and _JUNK_CLASS.search(f"{node.attributes.get('class')} {node.attributes.get('id')}")
    ]
    doomed = {node.mem_id for node in junk}
    for node in junk:
        parent = node.parent
        while parent is not None and parent.mem_id not in doomed:
            parent = parent.parent
        if parent is None:  # an ancestor going too would free this node first
            node.decompose()
    articles = page.css("article")
    root = max(articles, key=lambda node: len(node.text()), default=None)
    if root is None or not root.text().strip():
        root = page.css_first("main") or page.body
    units: list[Unit] = []
    if root is not None:
        _html_units(root, units, [])
        web_links(units, meta.get("url"))
    if "title" not in meta:
        first = next((unit for unit in units if unit.kind == "heading"), None)
        if first is not None and first is units[0]:
            meta["title"] = tidy(first.text)
    return units, meta


def web_links(units: list[Unit], base: object) -> None:
    """Keep the units' links that a browser may be sent to: http(s) ones, a page's relative ones
    made whole against its address; a link within the page ("#note-1") or of another kind goes."""
    for unit in units:
        if unit.links:
            kept = []
            for words, href in unit.links:
                href = href.strip()
                if href.startswith("#"):
                    continue
                url = urljoin(base, href) if isinstance(base, str) and base else href
                # One unbroken address, safe between <> in Markdown: a browser drops tabs and newlines too.
                url = re.sub(r"[\t\n\r]", "", url).replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
                if _WEB_LINK.match(url):
                    kept.append((words, url))
            unit.links = tuple(kept)


def _html_units(node: Any, units: list[Unit], loose: list[str]) -> None:
    """Collect block elements as units; loose inline text between blocks becomes a paragraph too."""
    # A stack instead of recursion: a page nested thousands of elements deep is still read.
    # Each level's loose text, and the links (words, href) in it.
    stack: list[tuple[Iterator[Any], list[str], str, list[tuple[str, str]]]] = [
        (node.iter(include_text=True), loose, "", [])
    ]
    while stack:
        children, pending, kind, anchors = stack[-1]
        child = next(children, None)
        if child is None:
            _flush(units, pending, kind, anchors)
            stack.pop()
            continue
        tag = child.tag
        if tag == "-text":
            pending.append(child.text_content or "")
        elif tag in _INLINE_TAGS:
            found: list[tuple[str, str]] = []
            words = _text_of(child, found)
            if tag == "a" and isinstance(href := child.attributes.get("href"), str):
                found.insert(0, (words, href))
            pending.append(words)
            anchors += found
        elif tag == "br":
            pending.append("\n")
        elif tag == "tr":  # a table's row as one line, its cells between bars, as Markdown writes it
            _flush(units, pending, kind, anchors)
            found = []
            cells = [
                " ".join(_text_of(cell, found).split()) for cell in child.iter() if cell.tag in ("td", "th")
            ]
            if any(cells):
                units.append(Unit("", " | ".join(cells), len(units), tuple(found)))
        elif tag in _BLOCK_TAGS:
            _flush(units, pending, kind, anchors)
            if tag == "li" and child.css_first("p, ul, ol, blockquote") is not None:
                stack.append(
                    (child.iter(include_text=True), [], "list", [])
                )  # its own words stay a list item
            else:
                found = []
                units.append(Unit(_BLOCK_TAGS[tag], _text_of(child, found), len(units), tuple(found)))
        elif tag not in ("-comment", "img", "hr"):
            _flush(units, pending, kind, anchors)
            stack.append((child.iter(include_text=True), [], "", []))


def _flush(
    units: list[Unit], loose: list[str], kind: str = "", anchors: list[tuple[str, str]] | None = None
) -> None:
    for piece in "".join(loose).split("\n"):
        if piece.strip():
            links = tuple(link for link in anchors or () if link[0].strip() and link[0] in piece)
            units.append(Unit(kind, piece, len(units), links))
    loose.clear()
    if anchors:
        anchors.clear()


def _text_of(node: Any, links: list[tuple[str, str]] | None = None) -> str:
    """An element's text with line breaks as spaces and inline elements run together; with
    `links`, the links (words, href) inside it go there."""
    parts: list[str] = []
    # Each open element: its children, the text closing it, and where its words start when a link.
    stack: list[tuple[Iterator[Any], str, tuple[int, str] | None]] = [
        (node.iter(include_text=True), "", None)
    ]
    while stack:
        children, closing, link = stack[-1]
        child = next(children, None)
        if child is None:
            if link is not None and links is not None:
                links.append(("".join(parts[link[0] :]), link[1]))
            parts.append(closing)
            stack.pop()
        elif child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag == "br":
            parts.append(" ")
        elif child.tag != "-comment":
            space = "" if child.tag in _INLINE_TAGS else " "
            parts.append(space)
            href = child.attributes.get("href") if child.tag == "a" and links is not None else None
            stack.append(
                (child.iter(include_text=True), space, (len(parts), href) if isinstance(href, str) else None)
            )
    return "".join(parts)
