#!/usr/bin/env python3
"""Score how kliping reads export files: the records each file holds, counted on their own, against
the articles `kliping --list --json FILE` lists, field by field, on a fresh machine.

    python benchmarks/score_exports.py [--kliping "COMMAND"] [--json] [FILE_OR_FOLDER ...]

Defaults: the files in tests/data/exports/ and `python -m tui` from this checkout. COMMAND is
split like a shell line, so an older kliping can be scored the same way, e.g.
`--kliping "env PYTHONPATH=/tmp/kliping-fe409b7 .venv/bin/python -m tui"`.

The truth is read here with the standard library (csv, json, html.parser) and PyYAML for front
matter, not with kliping's code: per file, each record's title, url, date (to the second, with its
offset when the file gives one), tags (case-folded), read and starred marks and note (the
highlighted words it must contain). Records are paired with listed articles by URL. Every run
has its own empty cache, data and config folders: no state file, as on a first run.

Prints a table and a last JSON line (or only JSON with --json): per file, records, listed,
missing, and for each field the share of records kliping got right.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import html.parser
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "tests" / "data" / "exports"
FIELDS = ("title", "url", "date", "tags", "read", "starred", "note")
UTC = dt.UTC

Truth = dict[str, Any]


# ------------------------------------------------------------------ the truth, read on its own


def _epoch(value: str | float | None) -> dt.datetime | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    while number > 100_000_000_000:
        number /= 1000
    return dt.datetime.fromtimestamp(int(number), UTC) if number > 0 else None


def _iso(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _record(
    title: str,
    url: str,
    date: dt.datetime | None = None,
    tags: list[str] | None = None,
    read: bool = False,
    starred: bool = False,
    note: str = "",
) -> Truth:
    return {
        "title": " ".join(title.split()),
        "url": url.strip(),
        "date": date,
        "tags": sorted({t.strip().lower() for t in tags or [] if t.strip()}),
        "read": read,
        "starred": starred,
        "note": note,
    }


def _csv_truth(text: str) -> list[Truth]:
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        return []
    header = set(rows[0])
    found = []
    if {"title", "url", "time_added"} <= header:  # Pocket
        for row in rows:
            found.append(
                _record(
                    row["title"],
                    row["url"],
                    _epoch(row["time_added"]),
                    [t for t in (row.get("tags") or "").split("|")],
                    read=row.get("status") == "archive",
                )
            )
    elif {"URL", "Title", "Folder"} <= header:  # Instapaper
        for row in rows:
            folder = row["Folder"]
            tags = json.loads(row["Tags"]) if (row.get("Tags") or "").startswith("[") else []
            if folder.lower() not in ("unread", "archive", "starred", ""):
                tags.append(folder)
            selection = (row.get("Selection") or "").strip()
            found.append(
                _record(
                    row["Title"],
                    row["URL"],
                    _epoch(row.get("Timestamp")),
                    tags,
                    read=folder == "Archive",
                    starred=folder == "Starred",
                    note=selection,
                )
            )
    return found


def _json_truth(document: Any) -> list[Truth]:
    found: list[Truth] = []
    if isinstance(document, dict) and str(document.get("type", "")).startswith("text/x-moz-place"):
        stack = [(document, [])]
        while stack:
            node, folders = stack.pop()
            if node.get("type") == "text/x-moz-place":
                found.append(
                    _record(
                        node.get("title", ""),
                        node["uri"],
                        _epoch(node.get("dateAdded")),
                        folders + (node.get("tags") or "").split(","),
                    )
                )
            for child in reversed(node.get("children") or []):
                name = [] if node.get("root") or not node.get("title") else [node["title"]]
                stack.append((child, folders + name))
        return found
    for item in document if isinstance(document, list) else []:
        if "href" in item and "extended" in item:  # Pinboard
            found.append(
                _record(
                    item["description"],
                    item["href"],
                    _iso(item.get("time")),
                    item.get("tags", "").split(" "),
                    read=item.get("toread") == "no",
                )
            )
        elif "is_fav" in item:  # wallabag 1
            found.append(
                _record(
                    item["title"],
                    item["url"],
                    None,
                    (item.get("tags") or "").split(","),
                    read=item["is_read"] == "1",
                    starred=item["is_fav"] == "1",
                )
            )
        elif "is_starred" in item:  # wallabag 2
            quotes = " ".join(a.get("quote", "") for a in item.get("annotations") or [])
            found.append(
                _record(
                    item["title"],
                    item["url"],
                    _iso(item.get("published_at") or item.get("created_at")),
                    [t.get("label", t) if isinstance(t, dict) else t for t in item.get("tags") or []],
                    read=bool(item["is_archived"]),
                    starred=bool(item["is_starred"]),
                    note=quotes,
                )
            )
    return found


class _Links(html.parser.HTMLParser):
    """The links of a Netscape bookmark file (or Pocket's HTML export), with their folders."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Truth] = []
        self.folders: list[str | None] = []
        self.heading: str | None = None
        self.section = ""
        self.open: tuple[str, dict[str, str | None]] | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "dl":
            self.folders.append(self.heading)
            self.heading = None
        elif tag in ("a", "h3", "h1"):
            self.open, self.text = (tag, dict(attrs)), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "dl" and self.folders:
            self.folders.pop()
        elif self.open is not None and tag == self.open[0]:
            kind, attrs = self.open
            if kind == "h3":
                self.heading = self.text.strip()
            elif kind == "h1":
                self.section = self.text.strip()
            elif attrs.get("href"):
                tags = [f for f in self.folders if f] + (attrs.get("tags") or "").split(",")
                when = _epoch(attrs.get("add_date") or attrs.get("time_added"))
                self.found.append(
                    _record(self.text, attrs["href"] or "", when, tags, read=self.section == "Read Archive")
                )
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.text += data


def _markdown_truth(text: str) -> list[Truth]:
    front = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    fields = yaml.safe_load(front.group(1)) if front else {}
    body = text[front.end() :] if front else text
    original = re.search(r"^\[Read Original\]\((\S+)\)", body, re.M)
    url = original.group(1) if original else fields.get("url") or fields.get("source") or ""
    date = fields.get("published") or fields.get("date_published") or fields.get("created")
    date = _iso(date) if isinstance(date, (str, dt.date)) else None
    return [
        _record(
            str(fields.get("title") or ""),
            url,
            date,
            fields.get("tags") or [],
        )
    ]


def truth(path: Path) -> list[Truth]:
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_truth(text)
    if suffix == ".json":
        return _json_truth(json.loads(text))
    if suffix in (".html", ".htm"):
        parser = _Links()
        parser.feed(text)
        return parser.found
    if suffix in (".md", ".markdown"):
        return _markdown_truth(text)
    return []


# ------------------------------------------------------------------ what kliping lists


def listed(command: list[str], path: Path) -> tuple[list[dict[str, Any]], str]:
    with tempfile.TemporaryDirectory() as home:
        env = dict(
            os.environ,
            **{
                name: str(Path(home) / name.lower())
                for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")
            },
        )
        env["LANGUAGE"] = "en"
        done = subprocess.run(
            [*command, "--no-cache", "--list", "--json", str(path)],
            capture_output=True,
            text=True,
            env=env,
            cwd=home,  # not the checkout: `python -m tui` would import its tui before PYTHONPATH
            timeout=600,
        )
    records = []
    for line in done.stdout.splitlines():
        with contextlib.suppress(ValueError):
            records.append(json.loads(line))
    return records, done.stderr


def _same(field: str, want: Any, got: dict[str, Any] | None) -> bool:
    if got is None:
        return False
    if field == "title":
        return want == " ".join(str(got.get("title") or "").split())
    if field == "url":
        return want == (got.get("url") or "")
    if field == "date":
        have = _iso(got.get("date"))
        if want is None or have is None:
            return want is None and have is None
        if want.tzinfo is not None and (have.tzinfo is None or have.utcoffset() != want.utcoffset()):
            return False
        return want.replace(microsecond=0, tzinfo=None) == have.replace(microsecond=0, tzinfo=None)
    if field == "tags":
        return want == sorted(str(tag).lower() for tag in got.get("tags") or [])
    if field in ("read", "starred"):
        return bool(got.get(field)) == want
    note = " ".join(str(got.get("note") or "").split())
    return all(word in note for word in want.split()) if want else not note


def score(path: Path, command: list[str]) -> dict[str, Any]:
    want = truth(path)
    got, stderr = listed(command, path)
    pool: dict[str, list[dict[str, Any]]] = {}
    for record in got:
        pool.setdefault(str(record.get("url") or ""), []).append(record)
    right = dict.fromkeys(FIELDS, 0)
    missing = 0
    for record in want:
        match = pool.get(record["url"]) or []
        found = match.pop(0) if match else None
        missing += found is None
        for field in FIELDS:
            right[field] += _same(field, record[field], found)
    total = len(want)
    return {
        "file": path.name,
        "records": total,
        "listed": len(got),
        "missing": missing,
        "problems": sum(1 for line in stderr.splitlines() if line.startswith("kliping: ")),
        **{field: round(right[field] / total, 3) if total else None for field in FIELDS},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[EXPORTS])
    parser.add_argument("--kliping", default=f"{sys.executable} -m tui")
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    args = parser.parse_args(argv)
    command = shlex.split(args.kliping)
    files = sorted(
        file
        for given in args.paths
        for file in (given.iterdir() if given.is_dir() else [given])
        if file.is_file() and file.name != "README.md"
    )
    rows = [score(file, command) for file in files]
    if not args.json:
        print(f"{'file':<32} {'recs':>4} {'list':>4} {'miss':>4} " + " ".join(f"{f[:7]:>7}" for f in FIELDS))
        for row in rows:
            cells = " ".join("      -" if row[f] is None else f"{row[f]:>7.2f}" for f in FIELDS)
            print(
                f"{row['file'][:32]:<32} {row['records']:>4} {row['listed']:>4} {row['missing']:>4} {cells}"
            )
        records = sum(row["records"] for row in rows)
        mean = {f: round(sum((row[f] or 0) * row["records"] for row in rows) / records, 3) for f in FIELDS}
        print(
            f"{'all (weighted by records)':<32} {records:>4} {'':>4} {'':>4} "
            + " ".join(f"{mean[f]:>7.2f}" for f in FIELDS)
        )
    print(json.dumps({"kliping": args.kliping, "files": rows}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
