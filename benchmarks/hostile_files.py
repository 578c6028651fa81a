"""Hostile files as issue 19 reproduced them, small to write and costly to read, for tests and
benchmarks/bench_hostile.py. Each writer takes a folder and returns the path it wrote."""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path

MB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def yaml_alias_bomb(folder: Path, depth: int = 8, width: int = 9, name: str = "aliases.md") -> Path:
    """Markdown whose front matter's title is `width` aliases `depth` deep: width**depth strings."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    lines = ["---", f"a: &a [{','.join('x' * width)}]"]
    for level in range(1, depth):
        lines.append(f"{letters[level]}: &{letters[level]} [{','.join([f'*{letters[level - 1]}'] * width)}]")
    lines += [f"title: *{letters[depth - 1]}", "---", "", "Isi artikel yang pendek."]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _zip(members: dict[str, tuple[bytes, bytes, bytes, int]]) -> bytes:
    """A zip whose members are (head, piece, tail, size): `piece` repeated to about `size` bytes
    between head and tail, deflated as it is written (nothing that size in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, (head, piece, tail, size) in members.items():
            block = piece * max(1, MB // len(piece))
            with archive.open(name, "w", force_zip64=size > 1024 * MB) as member:
                member.write(head)
                written = len(head)
                while written < size:
                    member.write(block)
                    written += len(block)
                member.write(tail)
    return out.getvalue()


def _document_xml(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    return f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'.encode()


def docx_document_bomb(folder: Path, size: int = 60 * MB, name: str = "bomb.docx") -> Path:
    """A small .docx whose document.xml inflates to `size` bytes of paragraphs."""
    head = f'<w:document xmlns:w="{W}"><w:body>'.encode()
    para = b"<w:p><w:r><w:t>kata kata kata kata kata kata</w:t></w:r></w:p>"
    path = folder / name
    path.write_bytes(_zip({"word/document.xml": (head, para, b"</w:body></w:document>", size)}))
    return path


def docx_properties_bomb(folder: Path, size: int = 1500 * MB, name: str = "core.docx") -> Path:
    """A .docx with one good paragraph whose docProps/core.xml inflates to `size` bytes of spaces."""
    head = (
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        b' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Judul'
    )
    document = _document_xml(["Laporan kegiatan desa yang cukup panjang untuk dibaca."])
    path = folder / name
    path.write_bytes(
        _zip(
            {
                "word/document.xml": (document, b" ", b"", 0),
                "docProps/core.xml": (head, b" " * 1024, b"</dc:title></cp:coreProperties>", size),
            }
        )
    )
    return path


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with its xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def text_page_pdf(ops: list[str]) -> bytes:
    """A one-page PDF whose content stream is these operators (Helvetica as /F1), built by hand."""
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_bytes(objects)


def pdf_shared_stream(
    folder: Path, pages: int = 500, stream_bytes: int = MB, name: str = "pages.pdf"
) -> Path:
    """A PDF of `pages` pages that all draw one deflated content stream of `stream_bytes`."""
    line = b"BT /F1 9 Tf 72 720 Td (kata kata kata kata kata kata kata kata) Tj ET\n"
    content = zlib.compress(line * (stream_bytes // len(line)), 9)
    kids = " ".join(f"{5 + n} 0 R" for n in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>"
        )
    path = folder / name
    path.write_bytes(pdf_bytes(objects))
    return path


def wallabag_record(number: int, **extra: object) -> dict[str, object]:
    """One wallabag export entry with enough text to be an article."""
    record: dict[str, object] = {
        "id": number,
        "title": f"Artikel wallabag nomor {number}",
        "url": f"https://contoh.id/berita/{number}",
        "content": f"<p>Isi artikel nomor {number} tentang program desa dan kader yang cukup panjang.</p>",
        "created_at": "2024-03-12T09:30:00+07:00",
        "tags": [{"label": "desa"}],
    }
    record.update(extra)
    return record


def wallabag_bad_records(folder: Path, suffix: str = ".json") -> Path:
    """Five wallabag records; the second has a 400-digit date, the third a 5,000-digit number and
    the fourth a value nested 100,000 deep."""
    deep = "[" * 100_000 + "]" * 100_000
    records = [
        json.dumps(wallabag_record(1)),
        json.dumps(wallabag_record(2, created_at=int("9" * 400))),
        json.dumps(wallabag_record(3)).replace('"id": 3', '"id": ' + "7" * 5000),
        json.dumps(wallabag_record(4)).replace('"tags": ', f'"deep": {deep}, "tags": '),
        json.dumps(wallabag_record(5)),
    ]
    path = folder / f"wallabag{suffix}"
    if suffix == ".jsonl":
        path.write_text("\n".join(records) + "\n", encoding="utf-8")
    else:
        path.write_text("[" + ",\n".join(records) + "]", encoding="utf-8")
    return path


def wallabag_many(folder: Path, count: int, name: str = "wallabag-many.json") -> Path:
    """A wallabag JSON list of `count` records, written a record at a time."""
    path = folder / name
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for number in range(count):
            out.write(("," if number else "") + json.dumps(wallabag_record(number)) + "\n")
        out.write("]")
    return path


def csv_without_newline(folder: Path, size: int = 2048 * MB, name: str = "one-line.csv") -> Path:
    """A CSV header, then `size` bytes without a line break (a sparse file: no disk used)."""
    path = folder / name
    with path.open("wb") as out:
        out.write(b"title,text\nJudul,")
        out.truncate(size)
    # Sparse zeros are NUL characters; a run of letters is the same line to a reader.
    return path


def csv_long_line(folder: Path, size: int, name: str = "long-line.csv") -> Path:
    """A CSV header, then one line of `size` letters and no line break."""
    path = folder / name
    with path.open("wb") as out:
        out.write(b"title,text\nJudul,")
        block = b"a" * MB
        written = 0
        while written < size:
            out.write(block[: size - written])
            written += min(MB, size - written)
    return path
