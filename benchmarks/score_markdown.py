#!/usr/bin/env python3
"""Score how kliping reads Markdown's inline text against a CommonMark parser (markdown-it-py).

    python benchmarks/score_markdown.py [--spec commonmark.json] [--show N] [--json]

Each case is a Markdown text read by kliping (`tui.formats.markdown`) and by markdown-it-py's
CommonMark preset; they agree when the plain text (whitespace folded) and the links (words, URL)
are the same. The links are compared as read, before kliping keeps only the ones a browser may
open, and their URLs percent-decoded on both sides (markdown-it-py encodes them for HTML).
markdown-it-py's link validation (no javascript: links) is off: it is its safety rule for HTML,
not CommonMark's. The cases: realistic ones from notes (Obsidian, Joplin, Omnivore and web
clipper outputs), written here, and with `--spec` the examples of CommonMark's inline sections
(the spec's JSON ships in markdown-it-py's source distribution, tests/test_cmark_spec/).

An older kliping is scored the same way: PYTHONPATH=/path/to/old/checkout python benchmarks/...
Prints a table and a last JSON line (or only JSON with --json): per group of cases, agreeing/all,
and the CPU time kliping's reading takes on a note case (`note_case_us`, the best of 5 rounds).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

try:
    import tui  # noqa: F401  (an older checkout on PYTHONPATH wins, for before/after figures)
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from markdown_it import MarkdownIt  # noqa: E402

from tui import formats  # noqa: E402

# CommonMark's sections about inline text.
INLINE_SECTIONS = (
    "Backslash escapes", "Entity and numeric character references", "Code spans",
    "Emphasis and strong emphasis", "Links", "Images", "Autolinks", "Raw HTML", "Hard line breaks",
    "Soft line breaks", "Textual content", "Link reference definitions",
)  # fmt: skip

# Realistic cases: what notes and clipper outputs hold.
CASES: dict[str, str] = {
    "link words holding [1]": (
        "Lihat [Laporan [1] tahunan](https://example.org/a) dan [peta](https://example.org/b).\n"
    ),
    "footnote-ish link words": "Catatan [see [1]](https://example.org/n) di sini.\n",
    "nested brackets twice": "A [list [of [nested]] words](https://example.org/x) here.\n",
    "reference link": (
        "Baca [laporan][1] dan [peta][2].\n\n[1]: https://example.org/r\n[2]: https://example.org/p\n"
    ),
    "reference link, collapsed and shortcut": (
        "Baca [Laporan][] dan [peta].\n\n"
        "[laporan]: https://example.org/r\n[Peta]: https://example.org/p \"Peta\"\n"
    ),
    "reference label case and spaces": (
        "Baca [laporan  tahunan][Ref A].\n\n[ref a]: <https://example.org/r a>\n"
    ),
    "angle-bracket URL with spaces": "Unduh [berkas](<https://example.org/my file.pdf>) ini.\n",
    "link title in double quotes": "Lihat [situs](https://example.org/a \"Judul situs\") itu.\n",
    "link title in single quotes": "Lihat [situs](https://example.org/a 'Judul') itu.\n",
    "link title in parentheses": "Lihat [situs](https://example.org/a (Judul)) itu.\n",
    "image inside a link": (
        "Klik [![Logo desa](https://example.org/logo.png)](https://example.org/desa) untuk profil.\n"
    ),
    "image inside a link, alone on its line": (
        "[![Peta banjir](https://example.org/peta.png)](https://example.org/banjir)\n"
    ),
    "parentheses in a URL": "Lihat [Foo](https://en.wikipedia.org/wiki/Foo_(bar)) di Wikipedia.\n",
    "escaped parentheses in a URL": (
        "Lihat [Foo](https://en.wikipedia.org/wiki/Foo_\\(bar\\)) di Wikipedia.\n"
    ),
    "bare URL with parentheses": "Sumber: https://en.wikipedia.org/wiki/Foo_(bar) diakses hari ini.\n",
    "entities": "Tom &amp; Jerry&nbsp;show, harga &lt; 5 &copy; 2024 &#8212; selesai.\n",
    "entities in a URL (Omnivore)": (
        "Lihat [posting](https:&#x2F;&#x2F;organicdonut.com&#x2F;2024&#x2F;06&#x2F;cuda-one&#x2F;) itu.\n"
    ),
    "ampersand entity in a query": "Lihat [hasil](https://example.org/?a=1&amp;b=2) pencarian.\n",
    "underscores inside words": "Fungsi snake_case_name dan variabel my_var_2 tetap.\n",
    "underscores in a bare URL": "Lihat https://example.org/a_b_c_d dan https://example.org/x*y*z tautan.\n",
    "underscore emphasis": "Ini _penting_ dan __sangat penting__ sekali.\n",
    "star emphasis inside a word": "Kata un*frigging*believable itu.\n",
    "emphasis across lines": "Baris *pertama\nkedua* selesai.\n",
    "link across lines": "Baca [laporan\ntahunan](https://example.org/a) ini.\n",
    "bold link": "Ini **[tautan tebal](https://example.org/b)** saja.\n",
    "link holding emphasis": "Ini [tautan *miring*](https://example.org/m) saja.\n",
    "link holding code": "Jalankan [`make test`](https://example.org/t) dulu.\n",
    "code span holding a link": "Tulis `[a](https://example.org/c)` di berkas.\n",
    "code span with a backtick": "Tanda ``a ` b`` itu.\n",
    "autolink": "Kunjungi <https://example.org/auto> sekarang.\n",
    "email autolink": "Surat ke <redaksi@example.org> saja.\n",
    "hard break, backslash": "Baris satu\\\nbaris dua.\n",
    "hard break, two spaces": "Baris satu  \nbaris dua.\n",
    "escaped brackets": "Bukan \\[tautan\\](https://example.org/x) ini.\n",
    "escaped star and underscore": "Harga 5\\*3 dan \\_bukan\\_ miring.\n",
    "empty link words": "Tautan [](https://example.org/kosong) kosong.\n",
    "Joplin resource link": "Lampiran [laporan.pdf](:/0123456789abcdef0123456789abcdef) ada.\n",
    "javascript link": "Jangan [klik](javascript:alert(1)) ini.\n",
    "link in a heading": "# Judul [bagian](https://example.org/h)\n\nIsi.\n",
    "link in a list item": "- [Butir](https://example.org/l) pertama\n- kedua\n",
    "link in a quote": "> Kata [dia](https://example.org/q) kemarin.\n",
    "link in a table cell": "| Nama | Tautan |\n|---|---|\n| Desa | [profil](https://example.org/t) |\n",
    "two links, same words": "Baca [di sini](https://example.org/1) atau [di sini](https://example.org/2).\n",
    "unmatched bracket before a link": "Catatan [lihat [tautan](https://example.org/u) ini.\n",
    "citation numbers, no link": "Menurut laporan [1] dan [2], hasilnya naik.\n",
    "link then citation": "Menurut [laporan](https://example.org/l) [3], hasilnya naik.\n",
    "image with brackets in its alt": "![Foto [1] warga](https://example.org/f.jpg)\n",
    "image in text": "Lihat ![ikon](https://example.org/i.png) di sini.\n",
    "stars as arithmetic": "Hasil 5 * 3 * 2 sama dengan 30.\n",
    "stars inside a word as emphasis": "Angka 2*3*4 ditulis.\n",
    "link with a URL in angle brackets and title": "Lihat [a](<https://example.org/a b> \"T\") ya.\n",
    "link text with a closing bracket escaped": "Lihat [a \\] b](https://example.org/e) ya.\n",
    "markdownload link with title": "[Artikel asli](https://example.org/asli \"Artikel asli\")\n",
    "inline HTML": "Versi <sup>1.10</sup> dan <mark>penting</mark>,<br>baris <!-- catatan --> baru.\n",
    "Obsidian wikilink": "Lihat [[Catatan Lain]] dan [[Catatan|alias]].\n",
    "footnote reference": "Kalimat ini punya catatan.[^1]\n\n[^1]: Isi catatan kaki.\n",
}  # fmt: skip


def reference_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark").enable("table")  # kliping reads tables, a row a line
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def _plain(children: list[Any], links: list[tuple[str, str]]) -> str:
    """Inline tokens as plain text, the links' (words, URL) into `links`."""
    parts: list[str] = []
    open_links: list[tuple[int, str]] = []
    for token in children:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "html_inline":  # a tag shows nothing, as a browser shows it; <br> a break
            parts.append(" " if token.content.lower().startswith("<br") else "")
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(_plain(token.children or [], []))
        elif token.type == "link_open":
            open_links.append((len(parts), str(token.attrs.get("href", ""))))
        elif token.type == "link_close" and open_links:
            start, href = open_links.pop()
            links.append(("".join(parts[start:]), href))
    return "".join(parts)


def expected(parser: MarkdownIt, text: str) -> tuple[str, list[tuple[str, str]]]:
    words: list[str] = []
    links: list[tuple[str, str]] = []
    row: list[str] | None = None  # a table row's cells, joined by bars as kliping shows them
    for token in parser.parse(text):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            words.append(" | ".join(row))
            row = None
        elif token.type == "inline":
            (words if row is None else row).append(_plain(token.children or [], links))
        elif token.type in ("fence", "code_block"):
            words.append(token.content)
        elif token.type == "html_block":  # as a browser shows it: the words between the tags
            words.append(re.sub(r"<[^>]*>", "", token.content))
    return _folded(" ".join(words)), [(_folded(w), unquote(u)) for w, u in links]


def kliping(text: str) -> tuple[str, list[tuple[str, str]]]:
    kept = formats.web_links
    formats.web_links = lambda units, base: None  # every link as read, not only a browser's
    try:
        units = formats.markdown(text)[0]
    finally:
        formats.web_links = kept
    words = " ".join(unit.text for unit in units)
    return _folded(words), [(_folded(w), unquote(u)) for unit in units for w, u in unit.links]


def notes_cpu_us(rounds: int = 5, repeat: int = 20) -> float:
    """CPU microseconds `formats.markdown` takes on a note case, each a line or two dense with markup."""
    texts = list(CASES.values())
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(repeat):
            for text in texts:
                formats.markdown(text)
        best = min(best, time.process_time() - started)
    return round(best / (repeat * len(texts)) * 1e6, 1)


def _folded(text: str) -> str:
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--spec", type=Path, help="CommonMark's examples as JSON (commonmark.json)")
    parser.add_argument("--show", type=int, default=0, help="print up to N disagreeing cases")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    groups: dict[str, list[tuple[str, str]]] = {"notes": list(CASES.items())}
    if args.spec:
        for example in json.loads(args.spec.read_text()):
            if example["section"] in INLINE_SECTIONS:
                name = f"spec {example['example']}"
                groups.setdefault(example["section"], []).append((name, example["markdown"]))
    reference = reference_parser()
    scores: dict[str, dict[str, int]] = {}
    shown = 0
    for group, cases in groups.items():
        agree = 0
        for name, text in cases:
            want, got = expected(reference, text), kliping(text)
            if want == got:
                agree += 1
            elif shown < args.show:
                shown += 1
                print(f"--- {group}: {name}\n{text!r}\n  want {want}\n  got  {got}", file=sys.stderr)
        scores[group] = {"agree": agree, "cases": len(cases)}
    total = {
        "agree": sum(s["agree"] for s in scores.values()),
        "cases": sum(s["cases"] for s in scores.values()),
    }
    note_us = notes_cpu_us()
    if not args.json:
        for group, score in [*scores.items(), ("total", total)]:
            print(f"{group:45} {score['agree']:4}/{score['cases']:<4}")
        print(f"kliping's reading of a note case: {note_us} us CPU (best of 5)")
    print(json.dumps({"groups": scores, "total": total, "note_case_us": note_us}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
