"""The facet panel's counts and the list's folding at 100k articles, as a keystroke's answer gets them.

python benchmarks/bench_panel.py [--size 100000]   (prints JSON)

Rows are made in memory (sources, dates over five years, tags, near-duplicate groups: no files, no
index), as the session holds them. Timed: `Session.facets` over the whole answer and over a
tenth of it (what the panel's worker counts once a keystroke's first page is on screen), and
`fold` of the whole answer (on the searcher's thread). The issue's target: facets <= 100 ms at
100k after the first page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.facets import facets  # noqa: E402
from tui.folding import Groups, fold  # noqa: E402
from tui.library import Row  # noqa: E402

SOURCES = [f"source{n}.co.id" for n in range(300)]
TAGS = ["banjir", "rob", "kekeringan", "inklusi", "desa", "anggaran", "gender", "pendidikan"]


def rows_of(size: int, seed: int = 7) -> tuple[dict[int, Row], dict[str, set[int]], dict[int, int]]:
    """Rows in date order, each tag's keys, and each grouped key's face (2% of articles copied)."""
    rng = random.Random(seed)
    start = dt.datetime(2020, 1, 1)
    rows: dict[int, Row] = {}
    tag_keys: dict[str, set[int]] = {tag: set() for tag in TAGS}
    for key in range(size):
        date = start + dt.timedelta(minutes=rng.randrange(5 * 365 * 24 * 60)) if rng.random() > 0.02 else None
        tags = tuple(rng.sample(TAGS, rng.randrange(3)))
        rows[key] = Row(
            key, f"Judul {key}", date, rng.choice(SOURCES), None, 300, f"/c/{key}.txt", f"{key:x}", tags
        )
        for tag in tags:
            tag_keys[tag].add(key)
    faces: dict[int, int] = {}
    for face in rng.sample(range(size), size // 100):
        faces[face] = face
        for copy in rng.sample(range(size), rng.randrange(1, 3)):
            faces.setdefault(copy, face)
    return rows, tag_keys, faces


def timed(action: Callable[[], object], repeat: int) -> dict[str, float]:
    """Wall time and this process's CPU time (the machine is shared: the two differ under load)."""
    times, cpu = [], []
    for _ in range(repeat):
        begun, used = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - begun) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(times[-1], 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)
    rows, tag_keys, faces = rows_of(args.size)
    every = list(rows)
    tenth = every[::10]
    groups = Groups.of(faces)
    report = {
        "articles": args.size,
        "grouped": len(faces),
        "facets_all": timed(lambda: facets(every, rows, tag_keys, lambda: False), args.repeat),
        "facets_tenth": timed(lambda: facets(tenth, rows, tag_keys, lambda: False), args.repeat),
        "fold_all": timed(lambda: fold(every, groups, lambda: False), args.repeat),
        "loadavg": [round(load, 2) for load in os.getloadavg()],
        "cores": os.cpu_count(),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
