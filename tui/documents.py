"""Documents people keep clippings in besides text and pages: PDF, Word (.docx), single-file pages (.mhtml).

Each reader turns a file's bytes into ("text" | "html", text, metadata) for the loader's usual cleaning,
or into a reason (a string) when there is nothing to read. Pure parsing, no UI.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import itertools
import logging
import re
import statistics
import time
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from email.message import EmailMessage
from typing import Any
from xml.etree import ElementTree

from tui import archive
from tui.dates import parse_date
from tui.i18n import Said, _, said

SUFFIXES: frozenset[str] = frozenset({".pdf", ".docx", ".mhtml", ".mht"})

Read = tuple[str, str, dict[str, Any]] | Said

PDF_PAGES = 200  # a longer PDF is a book, not a clipping: its first pages are read
PDF_SECONDS = 3.0  # pages are read until then, and the rest left, said (the child's hard limit is budget's)
PDF_TEXT = 2 * 1024 * 1024  # characters of text read at most: four times what an article keeps
DOCX_LIMIT = 32 * 1024 * 1024  # document.xml inflated at most: ~1,000 pages of text in Word's markup
DOCX_PROPS_LIMIT = 1024 * 1024  # docProps/core.xml inflated at most: a title, names and dates
MIME_PARTS = 1_000  # parts of a single-file page looked at for its HTML: a page saved whole has dozens


def read(data: bytes, suffix: str) -> Read:
    """Dispatch on the suffix; a file that is not what its name says is reported, never raised."""
    suffix = suffix.lower()
    if suffix == ".pdf":
        return pdf(data)
    if suffix == ".docx":
        return docx(data)
    return mhtml(data)


# ---------------------------------------------------------------- PDF


def _pdf_date(value: object) -> dt.datetime | None:
    """A PDF date ("D:20240312093000+07'00'") as a datetime."""
    if not isinstance(value, str):
        return None
    match = re.match(r"D:(\d{4})(\d\d)(\d\d)(?:(\d\d)(\d\d))?", value.strip())
    if match is None:
        return parse_date(value)
    year, month, day, hour, minute = (int(part) if part else 0 for part in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def quiet_pypdf() -> None:
    """pypdf logs and warns what it repaired ("incorrect startxref pointer") straight to stderr,
    without kliping's prefix or the file's name; what matters (unreadable, no text) is said anyway."""
    logger = logging.getLogger("pypdf")
    if not logger.propagate:
        return
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    logger.setLevel(logging.CRITICAL + 1)
    warnings.filterwarnings("ignore", module=r"pypdf(\.|$)")


def pdf(data: bytes) -> Read:
    """The text layer of a PDF, its lines joined back into paragraphs."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - a declared dependency
        return said("cannot read PDF files (pypdf is not installed)")
    quiet_pypdf()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return said("encrypted PDF (it needs a password)")
        count = len(reader.pages)
        pages = _pages(reader.pages, time.monotonic() + PDF_SECONDS)
        info: Any = reader.metadata or {}
    except Exception as exc:  # pypdf raises many kinds on damaged files; any of them is a reason, not a crash
        return said("not a readable PDF ({error})", error=_one_line(exc))
    if not any(page.strip() for page in pages):
        return said("no text layer (a scanned PDF needs OCR first)")
    meta: dict[str, Any] = {}
    if len(pages) < count:  # said beside the article (the loader's "problem")
        meta["problem"] = said(
            "only the first {read} of {count} pages are read", read=len(pages), count=count
        )
    title = info.get("/Title") if hasattr(info, "get") else None
    if isinstance(title, str) and title.strip() and not re.search(r"(?i)untitled|\.(?:docx?|pdf)$", title):
        meta["title"] = " ".join(title.split())
    created = _pdf_date(info.get("/CreationDate")) if hasattr(info, "get") else None
    if created is not None:
        meta["date"] = created
    return "text", reflow("\n\n".join(pages)), meta


def _pages(pages: Sequence[Any], deadline: float) -> list[str]:
    """The text of the first pages: up to PDF_PAGES, PDF_TEXT characters, and the time left. One
    content stream drawn by 500 pages took a second a page to read."""
    texts: list[str] = []
    held = 0
    for page in pages[:PDF_PAGES]:
        texts.append(page.extract_text() or "")
        held += len(texts[-1])
        if held >= PDF_TEXT or time.monotonic() > deadline:
            break
    return texts


def reflow(text: str) -> str:
    """Join a PDF's hard-wrapped lines into paragraphs: a paragraph ends at a short line or a blank one.

    Lines of a paragraph run to the text's width (the median of the longer lines); its last line, a
    heading or a date line is shorter.
    """
    lines = [line.rstrip() for line in text.replace("\r", "\n").split("\n")]
    lengths = [len(line) for line in lines if len(line.strip()) > 20]
    width = statistics.median(lengths) if lengths else 0
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line.strip():
            if current:
                out.append(" ".join(current))
                current = []
            continue
        if current and current[-1].endswith("-") and line[:1].islower():
            current[-1] = current[-1][:-1] + line.strip()
        else:
            current.append(line.strip())
        if len(line) < width * 0.75:  # a short line ends a paragraph (or is a title or a date)
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return "\n\n".join(out)


# ---------------------------------------------------------------- Word

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"


def docx(data: bytes) -> Read:
    """A Word document's paragraphs; heading styles become headings, list paragraphs list items."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zipped:
            archive.check(zipped)
            lines = _docx_lines(archive.member_pieces(zipped, "word/document.xml", DOCX_LIMIT))
            core = (
                archive.read_member(zipped, "docProps/core.xml", DOCX_PROPS_LIMIT)
                if "docProps/core.xml" in zipped.namelist()
                else b""
            )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        ElementTree.ParseError,
        OSError,
        ValueError,  # archive.ArchiveError too: a member over its size or inflation limit
        EOFError,
        NotImplementedError,  # a compression method zipfile does not have
        RuntimeError,  # an encrypted member
    ) as exc:
        return said("not a readable Word document ({error})", error=_one_line(exc))
    if not lines:
        return said("no article text ({what})", what=_("nothing but markup"))
    meta: dict[str, Any] = {}
    if core:
        try:
            props = ElementTree.fromstring(core)
        except ElementTree.ParseError:
            props = None
        if props is not None:
            title = props.findtext(f"{_DC}title")
            if title and title.strip():
                meta["title"] = " ".join(title.split())
            created = parse_date(props.findtext(f"{_DCTERMS}created"))
            if created is not None:
                meta["date"] = created
    return "fragment", "\n".join(lines), meta


def _docx_lines(pieces: Iterable[bytes]) -> list[str]:
    """The paragraphs of document.xml as HTML lines, parsed as its pieces are inflated: each paragraph
    is let go once read, so memory follows the text, not the markup."""
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("end",))
    lines: list[str] = []

    def take() -> None:
        for event in parser.read_events():
            paragraph = event[1] if isinstance(event, tuple) and len(event) == 2 else None
            if isinstance(paragraph, ElementTree.Element) and paragraph.tag == f"{_W}p":
                line = _docx_line(paragraph)
                if line:
                    lines.append(line)
                paragraph.clear()

    for piece in pieces:
        parser.feed(piece)
        take()
    parser.close()
    take()
    return lines


def _docx_line(paragraph: ElementTree.Element) -> str:
    """One Word paragraph as a line of HTML, or "" when it holds no text."""
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    name = (style.get(f"{_W}val") or "") if style is not None else ""
    text = "".join(
        node.text or "" if node.tag == f"{_W}t" else "\t" if node.tag == f"{_W}tab" else "\n"
        for node in paragraph.iter()
        if node.tag in (f"{_W}t", f"{_W}tab", f"{_W}br")
    ).strip()
    if not text:
        return ""
    if re.match(r"(?i)heading|title|judul", name):
        return "<h2>" + _escape(text) + "</h2>"
    if re.match(r"(?i)list", name) or paragraph.find(f"{_W}pPr/{_W}numPr") is not None:
        return "<li>" + _escape(text) + "</li>"
    return "<p>" + _escape(text).replace("\n", "<br>") + "</p>"


def _one_line(exc: BaseException) -> str:
    """An exception as a short reason on one line."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- single-file pages


def mhtml(data: bytes) -> Read:
    """A browser's "save as single file" page: the HTML part of the MIME archive, and its address."""
    try:
        return _mhtml(data)
    except (RecursionError, LookupError, ValueError, TypeError) as exc:  # parts nested thousands deep, say
        return said("not a readable web archive ({error})", error=_one_line(exc))


def _mhtml(data: bytes) -> Read:
    message = email.message_from_bytes(data, policy=email.policy.default)
    location = message.get("Snapshot-Content-Location") or message.get("Content-Location")
    html: str | None = None
    parts = message.walk() if message.is_multipart() else iter([message])
    for part in itertools.islice(parts, MIME_PARTS):
        if part.get_content_type() != "text/html" or not isinstance(part, EmailMessage):
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError, AssertionError):
            payload = part.get_payload(decode=True)
            content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else None
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        if isinstance(content, str) and content.strip():
            html = content
            location = location or part.get("Content-Location")
            break
    if html is None:
        return said("no web page inside (no text/html part)")
    meta: dict[str, Any] = {}
    if isinstance(location, str) and re.match(r"(?i)https?://", location.strip()):
        meta["url"] = location.strip()
    return "html", html, meta
