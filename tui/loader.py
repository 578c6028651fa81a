"""Find saved articles on disk and turn each file (or JSON record) into Articles and Problems."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import errno
import hashlib
import io
import itertools
import json
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from tui import archive, documents, formats, imports, webpage
from tui.article import KEEP_BYTES, Article, Block, Problem, keep_first, unmarked, utf8_size
from tui.cleaning import Cleaned, clean, outlet_name
from tui.formatting import plain_field
from tui.gazetteer import LEAD, mentions
from tui.i18n import Said, _, said

SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json", ".csv", ".zip"} | documents.SUFFIXES
)

MB = 1024 * 1024
TEXT_LIMIT = 16 * MB  # a text, Markdown or HTML file above this is reported, not loaded
LINE_LIMIT = 16 * MB  # one JSON record: a JSON Lines line, an item of a JSON list, a one-object file
CHUNK = 1 * MB  # how much of a JSON list is read at a time

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b")
_HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype html|<html|<head|<body|<meta|<article)", re.I)
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})
_JSON_SUFFIXES = frozenset({".json", ".jsonl"})
_ZIP_MAGIC = b"PK\x03\x04"
ZIP_LIMIT = 2048 * MB  # an export archive (Omnivore's keeps every page); its members have their own caps


# ---------------------------------------------------------------- finding files


def _reason(exc: OSError) -> Said | str:
    """Say what went wrong with the disk in a user's words rather than an errno."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return said("permission denied")
    if exc.errno == errno.ELOOP:
        return said("link loop (too many levels of symbolic links)")
    if exc.errno == errno.ENOENT:
        return said("no such file")
    return (exc.strerror or str(exc)).lower()


def find_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Problem]:
    """Walk the given files and folders once each, in a stable order, so a big tree lists fast."""
    for found in find_paths(paths):
        yield found if isinstance(found, Problem) else Path(found)


def find_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str | Problem]:
    """find_files, as path strings: making a Path of each was a third of listing 100k files."""
    seen: set[tuple[int, int]] = set()
    for given in paths:
        name = os.fspath(given)
        try:
            info = os.stat(name)
        except FileNotFoundError:
            yield Problem(name, said("no such file or folder"))
            continue
        except OSError as exc:
            yield Problem(name, said("cannot open: {reason}", reason=_reason(exc)))
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            continue
        seen.add(key)
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(name, info.st_dev, seen)
        else:
            yield str(Path(name))  # named explicitly: always tried, whatever its suffix


# What a saved page brings along (images, styles, scripts, fonts) and what systems leave in folders:
# skipped without a word. Any other file kliping does not read is reported, so nothing goes unseen.
ASSET_SUFFIXES: frozenset[str] = frozenset(
    {
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".avif", ".tif", ".tiff",
        ".css", ".js", ".mjs", ".map", ".woff", ".woff2", ".ttf", ".otf", ".eot",
    }
)  # fmt: skip
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "icon\r"})


UNREAD_TYPE = "a file type kliping does not read ({suffix})"  # the message unread_type says


def unread_type(suffix: str) -> Said:
    """The problem reported for a file of a type kliping does not read; one wording, so it can be counted."""
    return said("a file type kliping does not read ({suffix})", suffix=suffix or said("no suffix"))


def _quiet(name: str, suffix: str) -> bool:
    return suffix in ASSET_SUFFIXES or name.lower() in _SYSTEM_FILES or name.endswith("~")


def _page_assets(entry: os.DirEntry[str]) -> bool:
    """A browser's "Page_files" folder next to "Page.html": the page's assets, not articles."""
    if not entry.name.endswith("_files"):
        return False
    stem = os.path.join(os.path.dirname(entry.path), entry.name[: -len("_files")])
    return any(os.path.exists(stem + suffix) for suffix in (".html", ".htm", ".mhtml", ".mht"))


def _listing(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _walk(root: str, device: int, seen: set[tuple[int, int]]) -> Iterator[str | Problem]:
    """Depth-first over sorted names, without recursion, surviving link loops.

    Files come as pathlib spells them (`./c2k/` walks as `c2k/...`), joined as text from their
    folder's spelling: a Path per file was a third of listing 100k files.
    """
    top = str(Path(root))
    prefix = "" if top == "." else top if top.endswith(os.sep) else top + os.sep
    try:
        stack = [(iter(_listing(root)), device, prefix)]
    except OSError as exc:
        yield Problem(root, said("cannot open folder: {reason}", reason=_reason(exc)))
        return
    while stack:
        entries, dev, prefix = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        try:
            linked = entry.is_symlink()
            if entry.is_dir():
                if _page_assets(entry):
                    continue
                info = entry.stat()
                key = (info.st_dev, info.st_ino)
                if key in seen:
                    continue
                seen.add(key)
                try:
                    stack.append((iter(_listing(entry.path)), info.st_dev, prefix + entry.name + os.sep))
                except OSError as exc:
                    yield Problem(entry.path, said("cannot open folder: {reason}", reason=_reason(exc)))
                continue
            dot = entry.name.rfind(".")  # os.path.splitext's answer for a name not starting
            suffix = entry.name[dot:].lower() if dot > 0 else ""  # with a dot, at a fifth of its cost
            if suffix not in SUFFIXES:
                if not _quiet(entry.name, suffix) and entry.is_file():
                    yield Problem(entry.path, unread_type(suffix))
                continue
            if linked:
                info = entry.stat()
                regular = stat.S_ISREG(info.st_mode)
                key = (info.st_dev, info.st_ino)
            else:
                regular = entry.is_file()
                key = (dev, entry.inode())  # no stat call: the folder's device, the entry's inode
        except FileNotFoundError:
            yield Problem(entry.path, said("broken link (its target does not exist)"))
            continue
        except OSError as exc:
            yield Problem(entry.path, said("cannot read: {reason}", reason=_reason(exc)))
            continue
        if not regular:
            yield Problem(entry.path, said("not a regular file"))
        elif key not in seen:
            seen.add(key)
            yield prefix + entry.name


# ---------------------------------------------------------------- loading


def load_articles(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Article | Problem]:
    """Everything the given paths hold, article by article, problems in their place."""
    for found in find_files(paths):
        if isinstance(found, Problem):
            yield found
        else:
            yield from load_file(found)


def load_file(path: str | os.PathLike[str], info: os.stat_result | None = None) -> list[Article | Problem]:
    """One file's articles and problems; nothing a file holds can make this raise.

    `info`: the file's os.stat, when the caller has just taken it (a stat call is ~2% of a file)."""
    return summarised(_load_file(path, info))


SUMMARY_EXAMPLES = 3  # records named in a file's summary line


def summarised(results: list[Article | Problem]) -> list[Article | Problem]:
    """A file's articles, and what it could not read in one line: a 6,000-row export with bad rows
    said thousands of lines; the line names the first few records and counts the rest."""
    problems = [item for item in results if isinstance(item, Problem)]
    if len(problems) < 2 or any(item.path != problems[0].path for item in problems):
        return results
    return [item for item in results if isinstance(item, Article)] + [summary(problems, len(problems))]


def summary(first: list[Problem], count: int) -> Problem:
    """The one line for `count` problems of a file, naming the first few (`first`, in order)."""
    examples: Said | str = first[0].said
    for problem in first[1:SUMMARY_EXAMPLES]:
        examples = said("{one}; {two}", one=examples, two=problem.said)
    more = count - SUMMARY_EXAMPLES
    if more > 0:
        examples = said("{examples}; and {more} more", examples=examples, more=more)
    return Problem(first[0].path, said("{count} not read: {examples}", count=count, examples=examples))


def _load_file(path: str | os.PathLike[str], info: os.stat_result | None) -> list[Article | Problem]:
    name = os.fspath(path)
    try:
        if info is None:
            info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            return [Problem(name, said("is a folder, not a file"))]
        if not stat.S_ISREG(info.st_mode):
            return [Problem(name, said("not a regular file"))]
        if info.st_size == 0:
            return [Problem(name, said("empty file"))]
        suffix = os.path.splitext(name)[1].lower()
        limit = LINE_LIMIT if suffix == ".json" else TEXT_LIMIT
        with open(name, "rb") as stream:
            if suffix == ".zip" or (suffix not in SUFFIXES and stream.read(4) == _ZIP_MAGIC):
                if info.st_size > ZIP_LIMIT:
                    return [Problem(name, _too_large(info.st_size, ZIP_LIMIT))]
                return _zip(stream, name)  # Pocket's download, whatever suffix it was saved with
            if suffix not in SUFFIXES:
                return [Problem(name, unread_type(suffix))]  # as in a folder: named or found, one decision
            stream.seek(0)
            # JSON Lines and JSON lists are read a record at a time, so their size costs no memory.
            if suffix == ".jsonl":
                return _json_lines(stream.readline, name)
            if suffix == ".csv":
                return _csv(stream, name)
            if suffix == ".json" and _starts_list(stream):
                return _json_list(stream, name)
            if suffix == ".json" and info.st_size > limit:
                return _json_lines(stream.readline, name)  # one huge object, or misnamed JSON Lines
            if info.st_size > limit:
                return [Problem(name, _too_large(info.st_size, limit))]
            # As much as stat said, not `limit + 1`: asking for 16 MB made Python allocate 16 MB for
            # every file (a third of a small text file's cost); a file grown since is read on.
            want = info.st_size + 1
            data = stream.read(want)
            if len(data) == want:
                data += stream.read(limit + 1 - want)
    except FileNotFoundError:
        return [Problem(name, said("file disappeared while loading"))]
    except IsADirectoryError:
        return [Problem(name, said("is a folder, not a file"))]
    except OSError as exc:
        return [Problem(name, said("cannot read: {reason}", reason=_reason(exc)))]
    except Exception as exc:  # a parse error while streaming JSON Lines
        return [Problem(name, said("could not parse: {error}", error=str(exc)))]
    if len(data) > limit:
        return [Problem(name, _too_large(len(data), limit))]
    return _parse_bytes(data, name, suffix)


def _too_large(size: int, limit: int) -> Said:
    return said(
        "file too large to be an article ({size} MB; the limit is {limit} MB)",
        size=f"{size / MB:.0f}",
        limit=limit // MB,
    )


def _line(number: int) -> Said:
    """Where a JSON Lines problem is, as a reason starts: "line 3"."""
    return said("line {number}", number=number)


def _cut_short(index: int) -> _Broken:
    return _Broken(said("{where}: the list is cut short (no closing ']')", where=_item(index)))


def _item(index: int) -> Said:
    """Where a JSON list problem is, counting from 1: "item 3"."""
    return said("item {number}", number=index + 1)


def _too_long(where: Said) -> Said:
    return said("{where}: record too large (over {limit} MB)", where=where, limit=LINE_LIMIT // MB)


def parse_bytes(data: bytes, path: str, suffix: str | None = None) -> list[Article | Problem]:
    """Turn a file's bytes into articles; the pure core, so tests need no disk."""
    return summarised(_parse_bytes(data, path, suffix))


def _parse_bytes(data: bytes, path: str, suffix: str | None = None) -> list[Article | Problem]:
    if suffix is None:
        suffix = os.path.splitext(path)[1]
    suffix = suffix.lower()
    try:
        if not data:
            return [Problem(path, said("empty file"))]
        if not data.strip():
            return [Problem(path, said("only whitespace"))]
        if suffix in _JSON_SUFFIXES:
            return _json(data, path, suffix)
        if suffix == ".csv":
            return _csv(io.BytesIO(data), path)
        if suffix == ".zip" or (suffix not in SUFFIXES and data.startswith(_ZIP_MAGIC)):
            return _zip(io.BytesIO(data), path)
        if suffix in documents.SUFFIXES:
            return _document(data, path, suffix)
        text = decode(data)
        if text is None:
            return [Problem(path, said("binary file (not text)"))]
        if not text.strip():
            return [Problem(path, said("only whitespace"))]
        digest = _digest(data)
        if suffix in _HTML_SUFFIXES and imports.bookmarks.matches(text):
            return _records(imports.bookmarks.records(text), path, said("no bookmarks in it"))
        if suffix == ".txt" and (links := imports.urls.records(text)) is not None:
            return _records(links, path, said("only whitespace"))
        if suffix in _HTML_SUFFIXES or (suffix not in SUFFIXES and _HTML_SNIFF.match(data)):
            return [_html(text, path, digest, {}, None)]
        if suffix in _MARKDOWN_SUFFIXES:
            return _markdown(text, path, digest)
        return [_text(text, path, digest, {}, None)]
    except Exception as exc:
        return [Problem(path, said("could not parse: {error}", error=str(exc)))]


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def _article_id(path: str, record: int | None) -> str:
    """Stable for a file wherever it is opened from (absolute path), plus the record number."""
    key = os.path.abspath(path) if record is None else f"{os.path.abspath(path)}#{record}"
    return hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()


# ---------------------------------------------------------------- decoding


def decode(data: bytes) -> str | None:
    """Decode a text file's bytes (UTF-8 first, then legacy encodings); None for binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
    else:
        sample = data[:8192]
        if b"\x00" in sample:
            return None
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        if controls * 20 > len(sample):
            return None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_legacy(data)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_legacy(data: bytes) -> str:
    """Keep a mostly-UTF-8 file as UTF-8; otherwise read it as the Windows and Latin-1 encodings."""
    lenient = data.decode("utf-8", "replace")
    bad = lenient.count("\ufffd")
    multibyte = sum(1 for char in lenient if char > "\x7f") - bad
    if multibyte > bad:
        return lenient  # real UTF-8 with a few broken bytes
    declared = _HTML_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# ---------------------------------------------------------------- formats


def _article(
    path: str,
    digest: str,
    cleaned: Cleaned,
    meta: dict[str, Any],
    record: int | None,
    where: Said | None = None,
) -> Article | Problem:
    """Merge what the format's metadata says with what cleaning found, metadata first."""
    title = plain_field(meta.get("title") or cleaned.title or "")  # one plain line a list can show
    derived = not meta.get("title") and cleaned.title_derived
    if not title:
        if not cleaned.blocks:  # nothing to list or read: a script-only page, a page of share buttons
            what = said("only web page leftovers") if cleaned.removed else said("nothing but markup")
            if where is None:
                return Problem(path, said("no article text ({what})", what=what))
            return Problem(path, said("{where}: no article text ({what})", where=where, what=what))
        title, derived = os.path.basename(path), True
    # A huge article keeps its first part (the file itself is untouched, and the reader says so);
    # its words are counted whole, so the list tells its real length.
    blocks, whole = keep_first(cleaned.blocks)
    words = sum(len(block.text.split()) for block in cleaned.blocks) if whole else cleaned.words
    place = meta.get("place") or cleaned.place
    # the text as it is indexed (without link markers), as the PostgreSQL library finds them again
    places, acronyms = mentions(title, unmarked(_lead(blocks), cleaned.links), place)
    return Article(
        id=_article_id(path, record),
        path=path,
        title=title,
        blocks=blocks,
        title_derived=derived,
        date=meta.get("date") or cleaned.date,
        source=outlet_name(meta["source"]) if meta.get("source") else cleaned.source,
        place=place,
        url=meta.get("url"),
        digest=digest,
        record=record,
        removed=tuple(cleaned.removed),
        tags=tuple(meta.get("tags", ())),
        carried=meta.get("carried", ""),
        words=words,
        whole_bytes=whole,
        links=cleaned.links,
        places=places,
        acronyms=acronyms,
    )


def _lead(blocks: tuple[Block, ...]) -> str:
    """The body's first gazetteer.LEAD characters or so, joined as Article.text joins them."""
    parts: list[str] = []
    size = 0
    for block in blocks:
        parts.append(block.text)
        size += len(block.text) + 2
        if size >= LEAD:
            break
    return "\n\n".join(parts)


def _text(
    text: str, path: str, digest: str, meta: dict[str, Any], record: int | None, where: Said | None = None
) -> Article | Problem:
    cleaned = clean(formats.text_units(text), meta.get("title"), text)
    return _article(path, digest, cleaned, meta, record, where)


def _markdown(text: str, path: str, digest: str) -> list[Article | Problem]:
    units, meta, removed = formats.markdown(text)
    note = meta.pop("problem", None)  # front matter set aside (formats.markdown): said beside the article
    cleaned = clean(units, meta.get("title"))
    cleaned.removed[:0] = removed
    article = _article(path, digest, cleaned, meta, None)
    return [article] if note is None else [article, Problem(path, note)]


def _html(
    text: str, path: str, digest: str, meta: dict[str, Any], record: int | None, where: Said | None = None
) -> Article | Problem:
    units, meta = webpage.html(text, meta)
    cleaned = clean(units, meta.get("title"))
    return _article(path, digest, cleaned, meta, record, where)


# ---------------------------------------------------------------- JSON


def _json(data: bytes, path: str, suffix: str) -> list[Article | Problem]:
    """A JSON document holds one object or a list; JSON Lines (even misnamed) one per line."""
    if suffix == ".json" and _starts_list(stream := io.BytesIO(data)):
        return _json_list(stream, path)
    if suffix == ".json":
        try:
            item = json.loads(data.decode("utf-8-sig", "replace"))
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data" and b"\n" not in data.strip():
                return [Problem(path, said("invalid JSON ({error})", error=exc.msg))]
        else:
            wrapped = imports.unwrap(item)
            if wrapped is not None:
                return _records(wrapped, path, said("no articles (an empty list)"))
            return [_record(item, data, path, None, said("the file"))]
    return _json_lines(io.BytesIO(data).readline, path)


def _starts_list(stream: IO[bytes]) -> bool:
    """Whether a JSON document is a list, judged by its first bytes; the stream is left at its start."""
    head = stream.read(4096).lstrip()
    stream.seek(0)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"["


def _json_list(stream: IO[bytes], path: str) -> list[Article | Problem]:
    """A JSON list of records, each item its own article or problem."""
    results = list(_json_list_records(stream, path))
    if not results:
        return [Problem(path, said("no articles (an empty list)"))]
    return results


def _json_list_records(stream: IO[bytes], path: str) -> Iterator[Article | Problem]:
    """_json_list, a record at a time."""
    for index, item in _list_items(stream):
        if isinstance(item, (_Broken, _Unreadable)):
            yield Problem(path, item.reason)
            if isinstance(item, _Broken):
                return
            continue
        try:
            raw = json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8")
        except (ValueError, RecursionError) as exc:
            yield Problem(path, _unreadable(exc, _item(index)))
            continue
        yield _record(item, raw, path, index, _item(index))


def stream_records(path: str) -> Iterator[Article | Problem]:
    """What load_file gives for a JSON list or JSON Lines file, a record at a time, so that a
    million-record export is never held whole (1.87 GB at 1M); any other file as load_file reads it."""
    suffix = os.path.splitext(path)[1].lower()
    try:
        with open(path, "rb") as stream:
            if suffix == ".jsonl" or (suffix == ".json" and _starts_list(stream)):
                records = (
                    _json_list_records(stream, path)
                    if suffix == ".json"
                    else _json_lines_records(stream.readline, path)
                )
                empty = True
                for record in records:
                    empty = False
                    yield record
                if empty and suffix == ".json":
                    yield Problem(path, said("no articles (an empty list)"))
                elif empty:
                    yield Problem(path, said("only whitespace"))
                return
    except FileNotFoundError:
        yield Problem(path, said("file disappeared while loading"))
        return
    except OSError as exc:
        yield Problem(path, said("cannot read: {reason}", reason=_reason(exc)))
        return
    except Exception as exc:  # as load_file: whatever a file holds is a problem, never a raise
        yield Problem(path, said("could not parse: {error}", error=str(exc)))
        return
    yield from load_file(path)


class _Broken:
    """Where a JSON list stops making sense; nothing after it can be read."""

    def __init__(self, reason: Said) -> None:
        self.reason = reason


class _Unreadable:
    """An item of a JSON list that is JSON but not one Python reads (nested too deep, a number of
    thousands of digits): that item is a problem, the list goes on after it."""

    def __init__(self, reason: Said) -> None:
        self.reason = reason


def _unreadable(exc: Exception, where: Said) -> Said:
    """What is wrong with a record that is JSON but cannot be read, in a user's words."""
    if isinstance(exc, RecursionError):
        return said("{where}: values nested too deep", where=where)
    if "integer string conversion" in str(exc):
        return said("{where}: a number too long (over {digits} digits)", where=where, digits=4300)
    return said("{where}: could not parse: {error}", where=where, error=str(exc)[:200])


_VALUE_MARKS = re.compile(r'["\[\]{}]')
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_SCALAR = re.compile(r"[^,\]}\s]*")


def _value_end(text: str, pos: int) -> int | None:
    """Where the JSON value at `pos` ends, by its brackets and strings alone, or None when `text`
    ends first: how a list steps over an item the decoder gave up on."""
    if text[pos : pos + 1] not in ("[", "{", '"'):
        end = _SCALAR.match(text, pos)
        return end.end() if end is not None and end.end() < len(text) else None
    depth, at = 0, pos
    while (mark := _VALUE_MARKS.search(text, at)) is not None:
        at = mark.end()
        if mark.group() == '"':
            rest = _STRING_REST.match(text, at)
            if rest is None:
                return None
            at = rest.end()
        else:
            depth += 1 if mark.group() in "[{" else -1
        if depth == 0:
            return at
    return None


def _list_items(stream: IO[bytes]) -> Iterator[tuple[int, object]]:
    """The items of a JSON list, decoded one at a time from a stream read a chunk at a time."""
    decoder = json.JSONDecoder()
    text = codecs.getincrementaldecoder("utf-8-sig")("replace")
    buffer, pos, done = "", 0, False

    def more() -> bool:
        nonlocal buffer, pos, done
        if done:
            return False
        chunk = stream.read(CHUNK)
        done = not chunk
        buffer = buffer[pos:] + text.decode(chunk, final=done)
        pos = 0
        return True

    def next_char() -> str:
        nonlocal pos
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n":
                pos += 1
            if pos < len(buffer) or not more():
                return buffer[pos : pos + 1]

    if next_char() != "[":
        yield 0, _Broken(said("invalid JSON (not a list of articles)"))
        return
    pos += 1
    index = 0
    while True:
        char = next_char()
        if char == "]" and index == 0:
            return
        if not char:
            yield index, _cut_short(index)
            return
        while True:
            try:
                item, end = decoder.raw_decode(buffer, pos)
                break
            except json.JSONDecodeError as exc:
                if len(buffer) - pos > LINE_LIMIT or not more():
                    where = _item(index)
                    if len(buffer) - pos > LINE_LIMIT:
                        yield index, _Broken(_too_long(where))
                    else:
                        yield (
                            index,
                            _Broken(said("{where}: invalid JSON ({error})", where=where, error=exc.msg)),
                        )
                    return
            except (ValueError, RecursionError) as exc:  # JSON, but nested too deep or a number too long
                skipped = _value_end(buffer, pos)
                if skipped is None and len(buffer) - pos <= LINE_LIMIT and more():
                    continue
                if skipped is None:
                    yield index, _Broken(_too_long(_item(index)))
                    return
                item, end = _Unreadable(_unreadable(exc, _item(index))), skipped
                break
        # An item that ends exactly at the buffer's end may be a number cut short: read on first.
        if end == len(buffer) and more():
            continue
        pos = end
        yield index, item
        index += 1
        char = next_char()
        if char == "]":
            return
        if not char:
            yield index, _cut_short(index)
            return
        if char != ",":
            yield index, _Broken(said("{where}: invalid JSON (expected ',' or ']')", where=_item(index)))
            return
        pos += 1


def _lines(readline: Callable[[int], bytes]) -> Iterator[tuple[int, bytes | None]]:
    """Each non-blank line with its number, None for a line over the limit, never more than it in memory."""
    number = 0
    while line := readline(LINE_LIMIT):
        number += 1
        if len(line) >= LINE_LIMIT and not line.endswith(b"\n"):
            while (more := readline(LINE_LIMIT)) and not more.endswith(b"\n"):
                pass
            yield number, None
        elif line.strip():
            yield number, line


def _json_lines(readline: Callable[[int], bytes], path: str) -> list[Article | Problem]:
    """One record per line, each bad line its own problem, so one typo costs one article."""
    results = list(_json_lines_records(readline, path))
    if not results:
        return [Problem(path, said("only whitespace"))]
    return results


def _json_lines_records(readline: Callable[[int], bytes], path: str) -> Iterator[Article | Problem]:
    """_json_lines, a record at a time."""
    for record, (number, line) in enumerate(_lines(readline)):
        if line is None:
            yield Problem(path, _too_long(_line(number)))
            continue
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        try:
            item = json.loads(line.decode("utf-8", "replace"))
        except json.JSONDecodeError as exc:
            yield Problem(path, said("{where}: invalid JSON ({error})", where=_line(number), error=exc.msg))
        except (ValueError, RecursionError) as exc:  # JSON, but nested too deep or a number too long
            yield Problem(path, _unreadable(exc, _line(number)))
        else:
            yield _record(item, line.strip(), path, record, _line(number))


def _record(item: object, raw: bytes, path: str, record: int | None, where: Said) -> Article | Problem:
    """One JSON object as an article: metadata fields, then its text as plain text or HTML."""
    if not isinstance(item, dict):
        return Problem(path, said("{where}: not a JSON object", where=where))
    try:
        item = imports.normalise(item)
        meta = formats.metadata(item)
        body = formats.body_of(item)
    except (ValueError, ArithmeticError, RecursionError, TypeError) as exc:  # a 400-digit date, say
        return Problem(path, _unreadable(exc, where))
    stored = item.get(imports.CLEAN_HTML)
    if isinstance(stored, str) and stored.strip():
        # Clean HTML a service stored (wallabag's content): its blocks as they are, no page extractor.
        try:
            units, _meta = formats.html(stored, {})
            return _article(path, _digest(raw), clean(units, meta.get("title")), meta, record, where)
        except Exception as exc:
            return Problem(path, said("{where}: could not parse: {error}", where=where, error=str(exc)))
    if body is None and meta.get("url"):
        body = ""  # a link saved without its text (Pocket's export): listed, and the reader says so
        meta["title"] = meta.get("title") or formats.link_title(meta["url"])
    if body is None:
        return Problem(
            path, said("{where}: no article text (no 'text', 'content' or 'body' field)", where=where)
        )
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    digest = _digest(raw)
    try:
        if re.search(r"<(?:p|div|br|h[1-6]|article|span|a)\b[^>]*>", text[:4096], re.I):
            return _html(text, path, digest, meta, record, where)
        return _text(text, path, digest, meta, record, where)
    except Exception as exc:
        return Problem(path, said("{where}: could not parse: {error}", where=where, error=str(exc)))


def _records(items: list[dict[str, Any]], path: str, empty: Said) -> list[Article | Problem]:
    """The records an export wraps (a bookmark tree, `{"bookmarks": [...]}`), each an article."""
    results: list[Article | Problem] = []
    for index, item in enumerate(items):
        raw = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
        results.append(_record(item, raw, path, index, _item(index)))
    return results or [Problem(path, empty)]


# ---------------------------------------------------------------- zip archives

_ZIP_SKIPPED = frozenset({".zip"}) | ASSET_SUFFIXES  # archives inside archives, and a page's assets


def _zip_entries(source: IO[bytes]) -> tuple[list[tuple[str, dict[str, Any] | bytes]], list[str]]:
    """An export archive's records (from its CSV and JSON members, Pocket's highlights merged into
    the notes of the same URLs) and its other readable members, each read with archive's caps;
    and what was skipped, by member. Raises zipfile.BadZipFile or archive.ArchiveError."""
    entries: list[tuple[str, dict[str, Any] | bytes]] = []
    skipped: list[str] = []
    notes: dict[str, str] = {}
    with zipfile.ZipFile(source) as bundle:
        archive.check(bundle)
        for info in sorted(bundle.infolist(), key=lambda member: member.filename):
            name = archive.safe_name(info.filename)
            suffix = os.path.splitext(info.filename)[1].lower()
            if info.is_dir() or (name is not None and suffix in _ZIP_SKIPPED):
                continue
            if name is None or suffix not in SUFFIXES:
                skipped.append(info.filename)
                continue
            try:
                data = archive.read_member(bundle, info, TEXT_LIMIT)
            except archive.ArchiveError as exc:
                skipped.append(f"{name} ({exc})")
                continue
            if suffix == ".csv":
                for record, row in _csv_rows(io.BytesIO(data)):
                    if isinstance(row, Said):
                        skipped.append(f"{name}: {row}")
                    else:
                        entries.append((f"{name}: {_row(record + 1)}", row))
            elif suffix == ".json":
                try:
                    document = json.loads(data.decode("utf-8-sig", "replace"))
                except json.JSONDecodeError as exc:
                    skipped.append(f"{name} ({exc.msg})")
                    continue
                if name.startswith("annotations/") or "/annotations/" in name:
                    for url, note in imports.pocket.notes(document).items():
                        notes[url] = "\n\n".join(filter(None, [notes.get(url, ""), note]))
                    continue
                items = document if isinstance(document, list) else imports.unwrap(document) or [document]
                entries.extend((f"{name}: {_item(index)}", item) for index, item in enumerate(items))
            else:
                entries.append((name, data))
    # Omnivore's archive keeps each page's text and highlights beside its metadata, by slug.
    members = {where: entry for where, entry in entries if isinstance(entry, bytes)}
    used = set().union(
        *(imports.omnivore.attach(item, members) for _w, item in entries if isinstance(item, dict))
    )
    entries = [(where, entry) for where, entry in entries if where not in used]
    if notes:
        for _where, item in entries:
            if isinstance(item, dict) and isinstance(item.get("url"), str) and item["url"].strip() in notes:
                item["note"] = notes.pop(item["url"].strip())
        # Highlights of a page the CSV does not list: the page is listed for them.
        entries.extend((f"annotations: {url}", {"url": url, "note": note}) for url, note in notes.items())
    return entries, skipped


def _zip(source: IO[bytes], path: str) -> list[Article | Problem]:
    """An export archive (Pocket's, Omnivore's): its records and readable members as articles."""
    try:
        entries, skipped = _zip_entries(source)
    except (zipfile.BadZipFile, archive.ArchiveError, OSError, EOFError, ValueError) as exc:
        return [Problem(path, said("not a readable zip archive ({error})", error=str(exc)))]
    results: list[Article | Problem] = []
    for index, (where, entry) in enumerate(entries):
        if isinstance(entry, dict):
            raw = json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8")
            results.append(_record(entry, raw, path, index, said("member {name}", name=where)))
            continue
        for found in parse_bytes(entry, f"{path}/{where}")[:1]:
            if isinstance(found, Article):
                found = dataclasses.replace(found, path=path, record=index, id=_article_id(path, index))
                results.append(found)
            else:
                results.append(Problem(path, said("{where}: {reason}", where=where, reason=found.said)))
    if skipped:
        results.append(Problem(path, _skipped_members(skipped)))
    return results or [Problem(path, said("no articles in the archive"))]


def _skipped_members(skipped: list[str]) -> Said:
    shown = ", ".join(skipped[:5]) + (f", … (+{len(skipped) - 5})" if len(skipped) > 5 else "")
    return said("members not read ({count}): {members}", count=len(skipped), members=shown)


# ---------------------------------------------------------------- CSV


def _row(number: int) -> Said:
    """Where a CSV problem is, as a reason starts: "row 3" (the header is row 0)."""
    return said("row {number}", number=number)


_DELIMITERS = (",", ";", "\t", "|")  # a comma first: RFC 4180's, and most exports'
_CSV_SAMPLE = 256 * 1024  # how much of a CSV file decides its delimiter
_CSV_RESUMES = 20  # how often an unclosed quote may send the reader back to the line after it


def _delimiter(sample: str, whole: bool) -> str:
    """A comma unless the sample's rows all agree on another delimiter; a guess from the header
    line alone split a Pocket export's rows wrongly at every doubled quote (issue 20)."""
    counts: dict[str, tuple[bool, int]] = {}
    for delimiter in _DELIMITERS:
        rows: list[list[str]] = []
        consistent = True
        try:
            for row in csv.reader(io.StringIO(sample), delimiter=delimiter, strict=True):
                if row:
                    rows.append(row)
        except csv.Error:
            consistent = False
        if not whole and len(rows) > 1:
            rows = rows[:-1]  # the sample may end inside the last row
        columns = len(rows[0]) if rows else 0
        counts[delimiter] = (consistent and all(len(row) == columns for row in rows), columns)
    agreeing = [d for d in _DELIMITERS if counts[d][0] and counts[d][1] > 1]
    if "," in agreeing:
        return ","
    if agreeing:
        return max(agreeing, key=lambda d: counts[d][1])
    return max(_DELIMITERS, key=lambda d: counts[d][1])  # the header's widest reading; bad rows said


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str] | Said]]:
    """A CSV file's rows after its header, numbered from 0, as dicts by the header's names, or what
    is wrong with the row: a row with more or fewer fields than the header is never shifted."""
    csv.field_size_limit(LINE_LIMIT)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    sample = text.read(_CSV_SAMPLE)
    delimiter = _delimiter(sample, len(sample) < _CSV_SAMPLE)
    text.seek(0)
    numbered: Iterator[tuple[int, str]] = enumerate(_bounded_lines(text), 1)
    pending: list[tuple[int, str]] = []  # the lines of the row being read, with their numbers
    last = [0]  # the number of the last line read whole

    def feed(source: Iterator[tuple[int, str]]) -> Iterator[str]:
        for number, line in source:
            pending.append((number, line))
            last[0] = number
            yield line

    header: list[str] | None = None
    record, resumes = 0, 0
    source = numbered
    while True:
        try:
            for row in csv.reader(feed(source), delimiter=delimiter, strict=True):
                line = pending[0][0] if pending else 0
                pending.clear()
                if not row:
                    continue  # a blank line
                if header is None:
                    header = row
                elif len(row) != len(header):
                    yield (
                        record,
                        said(
                            "row {number} (line {line}): {count} fields where the header has {columns}",
                            number=record + 1,
                            line=line,
                            count=len(row),
                            columns=len(header),
                        ),
                    )
                    record += 1
                else:
                    yield record, dict(zip(header, row, strict=True))
                    record += 1
            return
        except csv.Error as exc:
            bad, line = pending[:], pending[0][0] if pending else last[0] + 1  # else: a line too long to read
            pending.clear()
            if header is None:
                yield record, said("the header row is not valid CSV ({error})", error=str(exc))
                return
            yield (
                record,
                said(
                    "row {number} (line {line}): not valid CSV ({error})",
                    number=record + 1,
                    line=line,
                    error=str(exc),
                ),
            )
            record += 1
            if len(bad) > 1 and resumes < _CSV_RESUMES:
                # An unclosed quote ran on over the next lines: they are read again as rows of their own.
                resumes += 1
                source = itertools.chain(bad[1:], numbered)
            else:
                source = numbered


def _bounded_lines(text: IO[str]) -> Iterator[str]:
    """A text's lines, none over LINE_LIMIT characters: a longer one ends the file there (csv.Error),
    before it is read whole (a 2 GB CSV without a line break took 4.25 GB)."""
    while line := text.readline(LINE_LIMIT):
        if len(line) >= LINE_LIMIT and not line.endswith(("\n", "\r")):
            raise csv.Error(f"a line over {LINE_LIMIT // MB} MB without a line break")
        yield line


def _csv(stream: IO[bytes], path: str) -> list[Article | Problem]:
    """A scraper's CSV: a header row naming the fields, then one article per row."""
    results: list[Article | Problem] = []
    for record, row in _csv_rows(stream):
        if isinstance(row, Said):
            results.append(Problem(path, row))
            continue
        raw = json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8")
        results.append(_record(row, raw, path, record, _row(record + 1)))
    if not results:
        return [Problem(path, said("only whitespace"))]
    return results


# ---------------------------------------------------------------- documents


def _document(data: bytes, path: str, suffix: str) -> list[Article | Problem]:
    """A PDF, Word document or single-file web page: its text, then the usual cleaning."""
    digest = _digest(data)
    found = documents.read(data, suffix)
    if isinstance(found, Said):
        return [Problem(path, found)]
    kind, text, meta = found
    note = meta.pop("problem", None)  # read in part (documents.pdf): said beside the article
    notes = [] if note is None else [Problem(path, note)]
    # A document's own date is when the file was made: a date printed in its text comes first.
    made = meta.pop("date", None) if kind != "html" else None
    if kind == "html":
        return [_html(text, path, digest, meta, None), *notes]
    if kind == "fragment":  # the whole document is the article: no extractor, just its blocks
        units, _meta = formats.html(text, {})
    else:
        units = formats.text_units(text)
    cleaned = clean(units, meta.get("title"))
    cleaned.date = cleaned.date or made
    return [_article(path, digest, cleaned, meta, None), *notes]


# ---------------------------------------------------------------- raw text


def read_raw(article: Article) -> str:
    """The file as it is on disk (or its JSON record), so cleaning never hides anything."""
    return raw_text(article, TEXT_LIMIT)[0]


def raw_text(article: Article, limit: int = KEEP_BYTES) -> tuple[str, int]:
    """The raw text of an article's file (or record) up to about `limit` bytes, cut at a line's
    end, and the whole text's size in bytes when it was cut (else 0): a huge file is not read whole
    to be shown. Never raises: what went wrong is said in the text."""
    try:
        if not stat.S_ISREG(os.stat(article.path).st_mode):
            # Replaced by a FIFO or a device since it was read: opening it would wait forever
            # (and hold up quitting), so it is not opened at all.
            return _("(the file {path} is no longer a regular file)").format(path=article.path), 0
        suffix = os.path.splitext(article.path)[1].lower()
        if article.record is None and suffix not in documents.SUFFIXES:
            with open(article.path, "rb") as stream:
                whole = os.fstat(stream.fileno()).st_size
                data = stream.read(min(limit, TEXT_LIMIT) if whole > limit else TEXT_LIMIT)
            if whole <= len(data):
                return decode(data) or _("(binary file: nothing to show)"), 0
            return decode(_whole_lines(data)) or _("(binary file: nothing to show)"), whole
        return _first_part(_raw_whole(article, suffix), limit)
    except FileNotFoundError:
        return _("(the file {path} is gone)").format(path=article.path), 0
    except OSError as exc:
        return _("(cannot read {path}: {reason})").format(path=article.path, reason=_reason(exc)), 0
    except Exception as exc:
        return _("(cannot show the raw text: {error})").format(error=str(exc)), 0


def _whole_lines(data: bytes) -> bytes:
    """The bytes up to the last line's end (from the second half on), else up to a whole character."""
    end = data.rfind(b"\n", len(data) // 2)
    if end >= 0:
        return data[: end + 1]
    end = len(data)
    while end and len(data) - end < 4 and data[end - 1] & 0xC0 == 0x80:
        end -= 1  # inside a UTF-8 character: back to where it starts
    if end and data[end - 1] >= 0xC0:
        end -= 1
    return data[:end]


def _first_part(text: str, limit: int) -> tuple[str, int]:
    """A text's first `limit` bytes or so, at a line's end, and its whole size when cut (else 0)."""
    whole = utf8_size(text)
    if whole <= limit:
        return text, 0
    return _whole_lines(text.encode("utf-8", "surrogatepass")[:limit]).decode("utf-8", "replace"), whole


def _raw_whole(article: Article, suffix: str) -> str:
    """A document's text, or a record of a JSON, JSON Lines or CSV file, as it is there."""
    if article.record is None:
        with open(article.path, "rb") as stream:
            data = stream.read(TEXT_LIMIT)
        if suffix in (".mhtml", ".mht"):
            return decode(data) or _("(binary file: nothing to show)")
        found = documents.read(data, suffix)
        return str(found) if isinstance(found, Said) else found[1]
    with open(article.path, "rb") as stream:
        if suffix == ".zip" or stream.read(4) == _ZIP_MAGIC:
            stream.seek(0)
            entries = _zip_entries(stream)[0]
            if article.record < len(entries):
                entry = entries[article.record][1]
                if isinstance(entry, dict):
                    return json.dumps(entry, indent=2, ensure_ascii=False, default=str)
                return decode(entry) or _("(binary file: nothing to show)")
            return _("(record {record} is no longer in {path})").format(
                record=article.record, path=article.path
            )
        stream.seek(0)
        if suffix in _HTML_SUFFIXES:
            links = imports.bookmarks.records(decode(stream.read(TEXT_LIMIT)) or "")
            if article.record < len(links):
                return json.dumps(links[article.record], indent=2, ensure_ascii=False, default=str)
            stream.seek(0)
        if suffix == ".json" and not _starts_list(stream):
            wrapped = imports.unwrap(json.loads(stream.read(LINE_LIMIT + 1).decode("utf-8-sig", "replace")))
            if wrapped is not None and article.record < len(wrapped):
                return json.dumps(wrapped[article.record], indent=2, ensure_ascii=False, default=str)
            stream.seek(0)
        if suffix == ".csv":
            for record, row in _csv_rows(stream):
                if record == article.record and not isinstance(row, Said):
                    return json.dumps(row, indent=2, ensure_ascii=False)
            return _("(record {record} is no longer in {path})").format(
                record=article.record, path=article.path
            )
        if suffix == ".json" and _starts_list(stream):
            for index, item in _list_items(stream):
                if index == article.record and not isinstance(item, (_Broken, _Unreadable)):
                    return json.dumps(item, indent=2, ensure_ascii=False)
            return _("(record {record} is no longer in {path})").format(
                record=article.record, path=article.path
            )
        for record, (_number, line) in enumerate(_lines(stream.readline)):
            if record == article.record and line is not None:
                return line.decode("utf-8", "replace").lstrip("\ufeff").rstrip("\n")
    return _("(record {record} is no longer in {path})").format(record=article.record, path=article.path)


__all__ = [
    "SUFFIXES",
    "decode",
    "find_files",
    "find_paths",
    "load_articles",
    "load_file",
    "parse_bytes",
    "raw_text",
    "read_raw",
    "stream_records",
]
