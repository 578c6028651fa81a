"""Time `sync()` alone (no app): a cold load into a fresh cache, then a warm start from it.

    python benchmarks/bench_load.py [--count 100000] [--phases cold,warm] [--processes N]

Uses `benchmarks/out/corpus-N` (generated first if missing, as bench_app.py does) and the cache
`benchmarks/out/load-cache-N.sqlite`. Each phase runs in its own process. Prints JSON: for each
phase the time to the first update with rows, to the first finished update (the list whole),
to the last update (the near-duplicate groups in, made after a bulk load), to the end of background
stemming and of the index's merging, the updates' count, the CPU time (user + system) of the
process and of its parse workers, and the machine's load average before the phase (the machine
is shared)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_app import OUT, commit, ensure_corpus  # noqa: E402


def cpu() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "self": round(own.ru_utime + own.ru_stime, 2),
        "children": round(kids.ru_utime + kids.ru_stime, 2),
    }


def phase(corpus: Path, cache: Path, cold: bool, processes: int | None) -> dict[str, Any]:
    if cold:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(cache) + suffix).unlink(missing_ok=True)
    load = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    from tui.library import Library
    from tui.sync import sync

    library = Library(cache)
    first_rows: float | None = None
    finished: float | None = None  # the first finished update: the list is whole (groups may follow)
    cpu_finished: dict[str, float] = {}
    updates = rows = 0
    gaps: list[float] = []
    last = started
    for update in sync(library, [corpus], processes=processes):
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        updates += 1
        rows += len(update.rows)
        if update.rows and first_rows is None:
            first_rows = now - started
        if update.finished and finished is None:
            finished = now - started
            cpu_finished = cpu()
    full = time.perf_counter() - started
    cpu_full = cpu()
    library.wait_for_stems()
    stems = time.perf_counter() - started
    library.wait_for_merges()
    merged = time.perf_counter() - started
    library.wait_for_stems()  # the words the merge read from the index are stemmed after it
    library.close()
    gaps.sort()
    return {
        "load_before": load,
        "first_rows_s": None if first_rows is None else round(first_rows, 3),
        "finished_s": None if finished is None else round(finished, 3),
        "full_s": round(full, 3),  # the last update: with the near-duplicate groups in
        "stems_done_s": round(stems, 3),
        "merged_s": round(merged, 3),
        "cpu_at_finished_s": cpu_finished,
        "cpu_at_full_s": cpu_full,
        "cpu_s": cpu(),
        "updates": updates,
        "rows": rows,
        "longest_gap_between_updates_s": round(gaps[-1], 3) if gaps else None,
        "cache_mb": round(cache.stat().st_size / 1e6, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--phases", default="cold,warm")
    parser.add_argument("--processes", type=int, default=None, help="parse processes (default: sync's)")
    parser.add_argument("--phase", choices=["cold", "warm"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    corpus = OUT / f"corpus-{args.count}"
    cache = OUT / f"load-cache-{args.count}.sqlite"
    if args.phase:
        result = phase(corpus, cache, args.phase == "cold", args.processes)
        sys.stdout.write(json.dumps(result) + "\n")
        return 0
    ensure_corpus(args.count, args.seed)
    output: dict[str, Any] = {"commit": commit(), "count": args.count, "cpus": os.cpu_count()}
    for name in (p.strip() for p in args.phases.split(",") if p.strip()):
        command = [sys.executable, str(Path(__file__).resolve()), "--count", str(args.count), "--phase", name]
        if args.processes is not None:
            command += ["--processes", str(args.processes)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            output[name] = {"error": done.stderr[-4000:]}
            continue
        output[name] = json.loads(done.stdout.strip().splitlines()[-1])
    json.dump(output, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
