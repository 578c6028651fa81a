"""Hostile files beside good ones: the time and peak memory of `kliping --list` over each (issue 19).

Each bomb (benchmarks/hostile_files.py) is written into a folder of its own beside three good
articles, and `kliping --list --no-cache FOLDER` runs in a child process. Printed as JSON, per
bomb: wall seconds, peak RSS of the command and every process it started (the reading child
included: wait4's figure covers the descendants it reaped), whether the good articles were
listed, and the bomb's problem line. Targets: every bomb ≤ 10 s and ≤ 300 MB with the good files
listed (`--records` files are about flat memory: their time is the records' parsing).

    python -m benchmarks.bench_hostile                  # the issue's sizes
    python -m benchmarks.bench_hostile --records 1000000  # also a million-record wallabag export
    python -m benchmarks.bench_hostile --tree /tmp/old --memory-cap 2048  # another checkout's tui
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import hostile_files
from benchmarks.common import commit

MB = 1024 * 1024
GOOD = [f"Artikel Baik Nomor {number} Tentang Desa" for number in range(3)]
SECONDS, PEAK_MB = 10.0, 300

BOMBS: dict[str, Callable[[Path], Path]] = {
    "yaml-aliases-9^8 (.md, 315 B)": hostile_files.yaml_alias_bomb,
    "docx-document-60MB (183 KB)": hostile_files.docx_document_bomb,
    "docx-core-1.5GB (1.5 MB)": hostile_files.docx_properties_bomb,
    "pdf-500-pages-1MB-stream (82 KB)": hostile_files.pdf_shared_stream,
    "wallabag-bad-records (.json)": hostile_files.wallabag_bad_records,
    "wallabag-bad-records (.jsonl)": lambda folder: hostile_files.wallabag_bad_records(folder, ".jsonl"),
    "csv-2GB-no-newline (sparse)": hostile_files.csv_without_newline,
}


def good_files(folder: Path) -> None:
    for number, title in enumerate(GOOD):
        (folder / f"good-{number}.txt").write_text(
            f"{title}\n\nDiperbarui: 2 Maret 2021 09:00\n\nIsi artikel yang cukup panjang untuk dibaca.\n",
            encoding="utf-8",
        )


def run(python: str, folder: Path, timeout: float, tree: str = "", cap_mb: int = 0) -> dict[str, Any]:
    """`kliping --list` over the folder: seconds, peak RSS (MB), exit status, stdout and stderr."""
    env = {**os.environ, "LANGUAGE": "en", "XDG_CACHE_HOME": str(folder.parent / "cache")}
    if tree:
        env["PYTHONPATH"] = tree

    def cap() -> None:  # an old checkout's bombs would take gigabytes from everything else running
        if cap_mb:
            resource.setrlimit(resource.RLIMIT_AS, (cap_mb * MB, cap_mb * MB))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [python, "-m", "tui", "--list", "--no-cache", str(folder)],
            stdout=out,
            stderr=err,
            env=env,
            cwd=folder.parent,  # `-m` puts the working folder first on the path: not this checkout
            preexec_fn=cap,
        )
        timer = threading.Timer(timeout, child.kill)
        timer.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    return {
        "seconds": round(seconds, 2),
        "peak_mb": round(usage.ru_maxrss / 1024),  # KB on Linux
        "status": child.returncode,
        "killed_after_timeout": seconds >= timeout,
        "stdout": stdout,
        "stderr": stderr,
    }


def measure(
    python: str, name: str, make: Callable[[Path], Path], timeout: float, tree: str = "", cap_mb: int = 0
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kliping-hostile-") as temp:
        folder = Path(temp) / "articles"
        folder.mkdir()
        good_files(folder)
        bomb = make(folder)
        size = bomb.stat().st_size
        done = run(python, folder, timeout, tree, cap_mb)
    said = [line for line in done["stderr"].splitlines() if bomb.name in line]
    good = all(title in done["stdout"] for title in GOOD)
    return {
        "bomb": name,
        "bytes": size,
        "seconds": done["seconds"],
        "peak_mb": done["peak_mb"],
        "good_listed": good,
        "status": done["status"],
        "killed_after_timeout": done["killed_after_timeout"],
        "traceback": "Traceback" in done["stderr"],
        "said": [line[line.find(bomb.name) :][:200] for line in said[:4]],
        "within_target": good and done["seconds"] <= SECONDS and done["peak_mb"] <= PEAK_MB,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--python", default=sys.executable, help="the Python whose `tui` is measured")
    parser.add_argument("--records", type=int, default=0, help="also a wallabag export of this many records")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a run is killed")
    parser.add_argument("--only", default="", help="only the bombs whose name has this text")
    parser.add_argument("--tree", default="", help="measure the tui package of this source tree")
    parser.add_argument("--memory-cap", type=int, default=0, help="address space of each run, MB")
    args = parser.parse_args(argv)
    bombs = dict(BOMBS)
    if args.records:
        count = args.records
        name = f"wallabag-{count:,}-records (.json)"
        bombs[name] = lambda folder: hostile_files.wallabag_many(folder, count)
    results = [
        measure(args.python, name, make, args.timeout, args.tree, args.memory_cap)
        for name, make in bombs.items()
        if args.only.lower() in name.lower()
    ]
    measured = args.tree or commit()
    print(json.dumps({"measured": measured, "python": args.python, "results": results}, indent=2))
    return 0 if all(result["within_target"] for result in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
