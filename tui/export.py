"""Export what a filter found as JSON Lines, CSV or Markdown, and read such a file back.

Every format carries the same fields (title, date, source, place, url, path, words, text, and the
user's tags, starred, read and note; Markdown puts the note under the article's text), is
written as a stream so a million articles cost no more memory than one, and appears atomically:
an error half-way leaves no partial file and any existing file untouched. Markdown escapes the few
things that would confuse its structure, and a CSV cell a spreadsheet would run as a formula gets a
leading `'`, so `read_back` returns exactly what was written. JSON Lines also says whether the text
is only the first part of a huge article (`cut`, and the whole text's size in `whole_bytes`).
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tui.article import LINK_MARKER, Article, as_written, carried_marks, kept_own, unmarked
from tui.config import write_atomically, written_through
from tui.formatting import display_path
from tui.i18n import _
from tui.state import NOTE_SEPARATOR

if TYPE_CHECKING:
    from tui.marks import Marks

FORMATS = ("jsonl", "csv", "md")
FIELDS = (
    "title",
    "date",
    "source",
    "place",
    "url",
    "path",
    "words",
    "text",
    "tags",
    "starred",
    "read",
    "note",
    "group",
)
OPTIONAL = (
    "date",
    "source",
    "place",
    "url",
    "tags",
    "note",
    "group",
)  # empty in CSV, absent in Markdown when unknown
_MARKDOWN_META = ("date", "source", "place", "url", "path", "words", "tags", "starred", "read", "group")
_NOTE_HEADING = "\n\n### Note\n\n"  # a body line starting with '#' is escaped, so this is never the body's
_NOTE_LINE = re.compile(r"(?m)^### Note$")


@dataclass(frozen=True)
class Annotations:
    """What the user keeps about an article in the reading state, to go out with it."""

    tags: tuple[str, ...] = ()
    starred: bool = False
    read: bool = False
    note: str = ""
    group: str = ""  # the id of its near-duplicate group (tui.library.duplicates), if it has copies
    # A team library's: every note with its author, and who set each tag (none in one person's).
    notes: tuple[tuple[str, str], ...] = ()
    tag_authors: tuple[tuple[str, str], ...] = ()


Annotate = Callable[[Article], Annotations]


def file_annotations(article: Article) -> Annotations:
    """Without a reading state, an article carries its file's own tags and the marks its export
    gives: on a fresh machine an export's starred entries are starred in what is printed too."""
    read, starred, note = carried_marks(article.carried)
    return Annotations(tags=article.tags, starred=starred, read=read, note=note)


def with_groups(annotate: Annotate, groups: Mapping[str, str]) -> Annotate:
    """The annotations with each article's near-duplicate group id (`LibraryLike.group_ids`)."""
    if not groups:
        return annotate

    def grouped(article: Article) -> Annotations:
        return replace(annotate(article), group=groups.get(article.id, ""))

    return grouped


def annotations_from(marks: Marks) -> Annotate:
    """The user's tags, stars, read marks and notes of each article, as the reading state has them."""

    def annotate(article: Article) -> Annotations:
        digest = article.digest
        tags = tuple(marks.tags_of_digest(digest, article.tags))
        found = Annotations(
            tags=tags,
            starred=marks.marked("starred", digest),
            read=marks.marked("read", digest),
            note=marks.note(digest),
        )
        if marks.state.person is None:
            return found
        notes = tuple((author or "", note) for author, note in marks.notes_shown(digest))
        authors = tuple((tag, author) for tag in tags if (author := marks.tag_author(digest, tag)))
        joined = NOTE_SEPARATOR.join(f"{author}: {note}" for author, note in notes)
        return replace(found, note=joined, notes=notes, tag_authors=authors)

    return annotate


_SUFFIXES = {
    ".jsonl": "jsonl",
    ".json": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".md": "md",
    ".markdown": "md",
}
_SEPARATOR = "\n---\n\n"
# Punctuation that would turn a title or a metadata value into Markdown formatting when rendered.
_INLINE_SPECIAL = frozenset("\\`*_[]<>#|~")
# Body lines that would read as a heading, a rule (our separator among them), a setext underline or
# an escape are prefixed with "\", which Markdown shows as the line itself and read_back removes.
_RISKY_LINE = re.compile(r"\\|#|[-=*_][-=*_ \t]*$")


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows it, never runs it: a leading `'` makes it text.

    A cell that already starts with quotes before a formula character gets one more, so that
    `_restore` can always take exactly one away.
    """
    return "'" + cell if cell.lstrip("'").startswith(_FORMULA_START) else cell


def _restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_START) else cell


def format_for(path: str) -> str | None:
    """The export format a file name asks for, so users can choose by typing `found.csv`."""
    return _SUFFIXES.get(Path(path).suffix.lower())


def _record(article: Article, annotate: Annotate = file_annotations) -> dict[str, object]:
    marks = annotate(article)
    record: dict[str, object] = {
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "source": article.source,
        "place": article.place,
        "url": article.url,
        "path": article.path,
        "words": article.words,
        "text": unmarked(article.text, article.links),
        "tags": list(marks.tags),
        "starred": marks.starred,
        "read": marks.read,
        "note": marks.note or None,
        "group": marks.group or None,
    }
    if marks.notes or marks.tag_authors:  # a team library's: who wrote what
        record["notes"] = [{"author": author, "text": note} for author, note in marks.notes]
        record["tag_authors"] = dict(marks.tag_authors)
    return record


def _cell(value: object) -> str:
    """A record's value as CSV and Markdown write it: tags joined by commas, flags as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


# --- Markdown escaping -------------------------------------------------------------------


def _escape_inline(text: str) -> str:
    """One line of Markdown that renders as `text` and that `_unescape_inline` turns back into it."""
    out: list[str] = []
    for char in text:
        if char in _INLINE_SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        else:
            out.append(char)
    return "".join(out)


def _unescape_inline(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append({"n": "\n", "r": "\r"}.get(following, following) if following else "\\")
    return "".join(out)


def _escape_body(text: str) -> str:
    """The body with each risky line prefixed by a backslash, which Markdown shows as the line itself."""
    return "\n".join("\\" + line if _RISKY_LINE.match(line) else line for line in text.split("\n"))


def _unescape_body(text: str) -> str:
    return "\n".join(line[1:] if line.startswith("\\") else line for line in text.split("\n"))


_MARKDOWN_LINK = re.compile(r"\[\\\[(\d+)\\\]\]\(<[^<>\s]*>\)")  # its Markdown: [\[N\]](<url>)


def linked(text: str, links: tuple[str, ...]) -> str:
    """The text with each link marker "[N]" a Markdown link to link N, as "[\\[N\\]](<url>)"."""
    if not links:
        return text

    def link(marker: re.Match[str]) -> str:
        number = int(marker.group(1))
        if not 1 <= number <= len(links):
            return marker.group()
        return f"[\\[{number}\\]](<{links[number - 1]}>)"

    return LINK_MARKER.sub(link, text)


def copied_text(article: Article) -> str:
    """What `y` puts on the clipboard: the title, the clean text and, as the reader lists them, the
    links its "[N]" markers point to (a pasted "[2]" without them pointed nowhere)."""
    parts = [article.title, as_written(article.text)]
    if article.links:
        parts.append(
            _("Links") + "\n\n" + "\n".join(f"[{n}] {url}" for n, url in enumerate(article.links, 1))
        )
    return "\n\n".join(parts) + "\n"


# What would make a live link of a text's own words to a script ("[x](javascript:...)",
# "<javascript:...>"), and a backslash before what the reading back takes as an escape.
_SCRIPT = r"(?i:\s*<?\s*(?:javascript|vbscript|data):)"
_LINKING = re.compile(rf"\\(?=[\\<\]])|\](?=\({_SCRIPT})|<(?={_SCRIPT})")
_UNLINKING = re.compile(r"\\([\\<\]])")


def _inert(text: str) -> str:
    """A text as Markdown in which its own words make no link to a script (a clipping's
    "[x](javascript:...)" was a live link once exported), shown as it was: a backslash before that
    `]` or `<`. Everything else is left as written, so kliping reads its export back as it was."""
    return _LINKING.sub(lambda found: "\\" + found.group(), text)


def _uninert(text: str) -> str:
    return _UNLINKING.sub(r"\1", text)


def _inert_linked(text: str, links: tuple[str, ...]) -> str:
    """`linked`, the text between the link markers made inert and its own "[2]" as written."""
    if not links:
        return _inert(as_written(text))
    parts: list[str] = []
    last = 0
    for marker in LINK_MARKER.finditer(text):
        parts += [_inert(as_written(text[last : marker.start()])), linked(marker.group(), links)]
        last = marker.end()
    return "".join(parts) + _inert(as_written(text[last:]))


def _unlinked(text: str) -> str:
    """The text as it was before `linked`: each Markdown link to a link is its "[N]" again, and its
    own "[2]" kept from being read as one (article.kept_own), as the cleaning keeps them."""
    if "](<" not in text or not _MARKDOWN_LINK.search(text):
        return text
    return _MARKDOWN_LINK.sub(r"[\1]", kept_own(text))


def _markdown(article: Article, annotate: Annotate) -> str:
    record = _record(article, annotate)
    lines = [f"## {_escape_inline(article.title)}", ""]
    for name in _MARKDOWN_META:
        value = record[name]
        if value is not None and value is not False and value != []:
            lines.append(f"- {name}: {_escape_inline(_cell(value))}")
    note = record["note"]
    under = _NOTE_HEADING + _escape_body(_inert(str(note))) if note else ""
    body = _escape_body(_inert_linked(article.text, article.links))
    return "\n".join(lines) + "\n\n" + body + under + "\n"


# --- writing -----------------------------------------------------------------------------


# json.dumps escapes C0 controls but passes DEL and the C1 controls, which terminals obey
# (U+009B is a CSI): escaped the JSON way, the record is the same and safe to print.
_C1 = re.compile("[\x7f-\x9f]")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def write_articles(
    articles: Iterable[Article], out: TextIO, fmt: str, annotate: Annotate = file_annotations
) -> int:
    """Write articles one at a time in `fmt`, so a huge export never sits in memory; return how many."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    count = 0
    if fmt == "jsonl":
        for article in articles:
            # `cut`: the text is only the first part of a huge article (KEEP_BYTES); the file has it all.
            record = {"id": article.id, **_record(article, annotate)}
            record.update(cut=bool(article.whole_bytes), whole_bytes=article.whole_bytes or None)
            record["links"] = list(article.links)  # link N is marked "[N]" in the text
            line = json.dumps(record, ensure_ascii=False)
            out.write(_C1.sub(_json_escape, line) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(FIELDS)
        for article in articles:
            record = _record(article, annotate)
            writer.writerow([_neutralise(_cell(record[name])) for name in FIELDS])
            count += 1
    else:
        for article in articles:
            section = _markdown(article, annotate)
            out.write(section if count == 0 else _SEPARATOR + section)
            count += 1
    return count


def export_articles(
    articles: Iterable[Article], path: str | os.PathLike[str], fmt: str, annotate: Annotate = file_annotations
) -> int:
    """Write an export file atomically, so a failure half-way leaves any earlier file as it was.

    Undecodable bytes in file names (surrogates) are written as backslash escapes, keeping the
    file valid UTF-8; JSON readers turn those escapes back into the original characters.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    problem = unwritable(path)
    if problem is not None:
        raise PermissionError(errno.EACCES, problem, os.fspath(path))
    with write_atomically(path, newline="", errors="backslashreplace", make_folder=False) as out:
        return write_articles(articles, out, fmt, annotate)


def unwritable(path: str | os.PathLike[str]) -> str | None:
    """Why an export may not go to `path`, when the user could not write there by hand either: a
    folder that does not exist (behind a dangling symlink too) or a read-only file. None when it may.

    `-o` used to replace a read-only file and to create any missing folders.
    """
    if written_through(path):  # a device or a FIFO: written through, as a shell would
        return None
    target = os.path.realpath(path)  # a symlink's target is what is written
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        return _("there is no folder {folder}").format(folder=display_path(folder))
    if os.path.isdir(target):
        return _("it is a folder")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        return error.strerror or str(error)
    if not mode & 0o222 or not os.access(target, os.W_OK):
        return _("the file is read-only")
    return None


# --- reading back ------------------------------------------------------------------------


def _text_orfile_tags(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else _cell(value)


def _read_markdown(text: str) -> Iterator[dict[str, str | None]]:
    if not text:
        return
    for number, section in enumerate(text.split(_SEPARATOR), start=1):
        lines = section.removesuffix("\n").split("\n")
        if not lines[0].startswith("## ") or len(lines) < 2 or lines[1] != "":
            raise ValueError(f"article {number} does not start with a '## title' line and a blank line")
        record: dict[str, str | None] = dict.fromkeys(FIELDS)
        record.update(starred="false", read="false")
        record["title"] = _unescape_inline(lines[0][3:])
        index = 2
        while index < len(lines) and lines[index] != "":
            name, colon, value = lines[index].removeprefix("- ").partition(": ")
            if not lines[index].startswith("- ") or not colon or name not in FIELDS:
                raise ValueError(
                    f"article {number} has a metadata line kliping did not write: {lines[index]!r}"
                )
            record[name] = _unescape_inline(value)
            index += 1
        body = "\n".join(lines[index + 1 :])
        found = _NOTE_LINE.search(body)
        record["text"] = _uninert(
            _unlinked(_unescape_body(body[: found.start()].removesuffix("\n\n") if found else body))
        )
        note = _unescape_body(body[found.end() :].removeprefix("\n\n")) if found else None
        record["note"] = None if note is None else _uninert(note)
        yield record


def read_back(path: str | os.PathLike[str], fmt: str) -> list[dict[str, str | None]]:
    """Parse an export back into records (strings, None when unknown), to check an export is whole."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    with open(path, encoding="utf-8", newline="") as source:
        if fmt == "jsonl":
            records = []
            for line in source:
                if line.strip():
                    data = json.loads(line)
                    records.append({name: _text_orfile_tags(value) for name, value in data.items()})
            return records
        if fmt == "csv":
            rows = [{name: _restore(value) for name, value in row.items()} for row in csv.DictReader(source)]
            return [
                {name: (None if name in OPTIONAL and value == "" else value) for name, value in row.items()}
                for row in rows
            ]
        return list(_read_markdown(source.read()))


# --- citing ------------------------------------------------------------------------------


def citation(article: Article, style: str = "plain") -> str:
    """One line naming the article: title, source, date and URL, as text or as a Markdown link."""
    title = " ".join(article.title.split())
    where = ", ".join(
        part for part in (article.source, article.date.date().isoformat() if article.date else None) if part
    )
    if style == "markdown":
        shown = _escape_inline(title)
        head = f"[{shown}](<{article.url}>)" if article.url else f"*{shown}*"
        return head + (f", {_escape_inline(where)}" if where else "")
    parts = [f"“{title}”"] + ([where] if where else []) + ([article.url] if article.url else [])
    return ", ".join(parts) + "."
