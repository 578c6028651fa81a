"""Time the loader per file format: milliseconds to parse one file, as a parse worker does.

    python benchmarks/bench_formats.py [--count 2000] [--repeat 3] [--pages DIR ...]

Writes a deterministic corpus with gen_corpus.py (txt, md, html, jsonl) to benchmarks/out/formats/,
adds CSV, PDF, .docx and .mhtml files made from the same articles, and times `load_file` on every
file (best of --repeat runs per file, so a busy machine's hiccups do not count). `--pages` adds
folders of real saved pages (for example ../shared/devsets/web), timed as "real-html".

Prints JSON: per format, files, ms per file (mean, p50, p95) and records per file. To compare with
an older loader, run it with that version first on the path: PYTHONPATH=/path/to/old/checkout
(formats the old loader does not read show as problems, not times).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import sys
import time
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import tui  # noqa: F401  (an older checkout on PYTHONPATH wins, for before/after figures)
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(ROOT))

from benchmarks import gen_corpus  # noqa: E402
from benchmarks.hostile_files import text_page_pdf  # noqa: E402
from tui.article import Article  # noqa: E402
from tui.loader import decode, load_file  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "formats"


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer, built by hand (Helvetica, latin-1 text)."""
    ops = ["BT", "/F1 10 Tf", "50 780 Td", "12 TL"]
    for line in lines:
        safe = line.encode("latin-1", "replace").decode("latin-1")
        ops.append("(" + safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*")
    ops.append("ET")
    return text_page_pdf(ops)


def _docx(lines: list[str]) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    escape = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
    body = "".join(
        "<w:p><w:r><w:t>" + "".join(escape.get(char, char) for char in line) + "</w:t></w:r></w:p>"
        for line in lines
        if line.strip()
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml", f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
        )
    return out.getvalue()


def _mhtml(html: str) -> bytes:
    import quopri

    encoded = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    return (
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://example.id/a\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        "------B\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        + encoded.replace("\n", "\r\n")
        + "\r\n------B--\r\n"
    ).encode()


def build(count: int) -> dict[str, list[Path]]:
    """The corpus, by format; generated once per count and reused."""
    base = OUT / str(count)
    stamp = base / ".done"
    if not stamp.exists():
        gen_corpus.generate(base / "corpus", count, seed=1, formats=("txt", "md", "html", "jsonl"))
        extra = base / "extra"
        extra.mkdir(parents=True, exist_ok=True)
        texts = sorted((base / "corpus").rglob("*.txt"))[:50]
        pages = sorted((base / "corpus").rglob("*.html"))[:50]
        for number, path in enumerate(texts):
            lines = (decode(path.read_bytes()) or "").split("\n")
            (extra / f"{number:03}.pdf").write_bytes(_pdf(lines[:60]))
            (extra / f"{number:03}.docx").write_bytes(_docx(lines))
            with open(extra / f"{number:03}.csv", "w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream)
                writer.writerow(["judul", "tanggal", "isi_berita"])
                for _ in range(5):
                    writer.writerow([lines[0], "Rabu, 18 Jun 2025 07:30 WIB", "\n".join(lines[1:])])
        for number, path in enumerate(pages):
            (extra / f"{number:03}.mhtml").write_bytes(_mhtml(decode(path.read_bytes()) or ""))
        stamp.write_text("ok")
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(base.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            found[path.suffix.lower().lstrip(".")].append(path)
    return found


def time_files(paths: list[Path], repeat: int) -> dict[str, object]:
    times: list[float] = []
    records = 0
    problems = 0
    for path in paths:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            results = load_file(path)
            best = min(best, time.perf_counter() - start)
        times.append(best * 1000)
        records += sum(isinstance(item, Article) for item in results)
        problems += sum(not isinstance(item, Article) for item in results)
    times.sort()
    return {
        "files": len(paths),
        "ms_mean": round(statistics.mean(times), 3) if times else None,
        "ms_p50": round(times[len(times) // 2], 3) if times else None,
        "ms_p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 3) if times else None,
        "articles_per_file": round(records / len(paths), 2) if paths else None,
        "problems": problems,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", nargs="*", default=[])
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT.parent / ".gitignore").write_text("*\n")
    corpus = build(args.count)
    for folder in args.pages:
        corpus["real-html"] = sorted(p for p in Path(folder).rglob("*.htm*") if p.is_file())
    load_file(next(iter(corpus["html"])))  # imports (trafilatura, lxml) happen once per worker, not per file
    result = {
        "loader": os.path.dirname(sys.modules["tui"].__file__ or ""),
        "formats": {kind: time_files(paths, args.repeat) for kind, paths in sorted(corpus.items())},
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
