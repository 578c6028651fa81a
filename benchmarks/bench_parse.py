"""Parse CPU per format on a sample of the generated corpus: what the workers of a cold load spend.

    python benchmarks/bench_parse.py [--count 100000] [--sample 2000] [--profile FORMAT] [--top 30]

Takes every n-th file of each format in `benchmarks/out/corpus-N` (generated first if missing),
parses each one as a worker does (`tui.sync.parse_files`, one file at a time) in this process, and
prints JSON: per format the files timed, the process CPU per file (p50, mean) and the CPU the
whole corpus's files of that format would cost at that mean (`projected_s`), summed in `total`.
Also the pickling a worker does to hand its results back. `mixed`: every n-th file of the corpus,
formats mixed, in chunks of 200 as a worker gets them (best of --repeat runs), projected to the
whole corpus: the estimate of a cold load's worker CPU that the machine's other load disturbs least.
As in a cold (bulk) load, no near-duplicate sketch is made (`--sketch`: as a small load, which
makes them while parsing). With `--profile txt|md|html`, prints cProfile's top functions
(cumulative and own time) for that format's sample to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pickle
import pstats
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import commit, ensure_corpus  # noqa: E402

# Whether the workers make near-duplicate sketches: a bulk load's do not (they are made after it,
# tui.library.grouping); --sketch times them as an everyday load's parse does.
SKETCH = [False]


def files_by_format(corpus: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folder, _dirs, names in os.walk(corpus, followlinks=True):
        for name in names:
            suffix = os.path.splitext(name)[1].lstrip(".").lower()
            found.setdefault(suffix, []).append(os.path.join(folder, name))
    for paths in found.values():
        paths.sort()
    return found


def sample(paths: list[str], size: int) -> list[str]:
    step = max(1, len(paths) // size)
    return paths[::step][:size]


def measure(paths: list[str]) -> dict[str, Any]:
    from tui.sync import parse_files

    parse_files(paths[:20])  # imports and first-use compiles are not a file's cost
    times: list[float] = []
    results = []
    for path in paths:
        start = time.process_time()
        results.extend(parse_files([path], sketch=SKETCH[0]))
        times.append(time.process_time() - start)
    start = time.process_time()
    pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
    pickled = time.process_time() - start
    return {
        "files": len(paths),
        "p50_ms": round(statistics.median(times) * 1000, 3),
        "mean_ms": round(statistics.fmean(times) * 1000, 3),
        "pickle_mean_ms": round(pickled / len(paths) * 1000, 3),
    }


def mixed(corpus_files: list[str], size: int, repeat: int) -> dict[str, Any]:
    """The whole corpus as the workers see it: every n-th file, all formats mixed, in chunks of 200
    (tui.sync.parse_files), each chunk pickled as a worker hands it back; best of `repeat` runs,
    since the machine is shared. `projected_s` is that CPU for every file of the corpus."""
    from tui.sync import BATCH, parse_files

    paths = sample(sorted(corpus_files), size)
    parse_files(paths[:20])
    runs: list[float] = []
    for _ in range(repeat):
        start = time.process_time()
        for first in range(0, len(paths), BATCH):
            chunk = parse_files(paths[first : first + BATCH], sketch=SKETCH[0])
            pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
        runs.append(time.process_time() - start)
    best = min(runs)
    return {
        "files": len(paths),
        "per_file_us": round(best / len(paths) * 1e6, 1),
        "runs_s": [round(run, 2) for run in runs],
        "projected_s": round(best / len(paths) * len(corpus_files), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=2000, help="files per format")
    parser.add_argument("--formats", default="txt,md,html")
    parser.add_argument("--profile", choices=["txt", "md", "html"])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--mixed", type=int, default=4000, help="files in the mixed run (0: none)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the mixed sample (the best counts)")
    parser.add_argument("--sketch", action="store_true", help="make sketches as a small load does")
    args = parser.parse_args(argv)
    SKETCH[0] = args.sketch
    corpus, _info = ensure_corpus(args.count, args.seed)
    every = files_by_format(corpus)
    output: dict[str, Any] = {"commit": commit(), "count": args.count, "load_before": os.getloadavg()}
    output["sketch_in_workers"] = args.sketch
    total = 0.0
    for name in (f.strip() for f in args.formats.split(",") if f.strip()):
        paths = sample(every.get(name, []), args.sample)
        if not paths:
            continue
        if args.profile == name:
            from tui.sync import parse_files

            parse_files(paths[:20])
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for path in paths:
                parse_files([path], sketch=SKETCH[0])
            profiler.disable()
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            sys.stderr.write(text.getvalue())
        result = measure(paths)
        result["corpus_files"] = len(every[name])
        result["projected_s"] = round(
            (result["mean_ms"] + result["pickle_mean_ms"]) * len(every[name]) / 1000, 1
        )
        total += result["projected_s"]
        output[name] = result
    output["total_projected_s"] = round(total, 1)
    if args.mixed:
        output["mixed"] = mixed([path for paths in every.values() for path in paths], args.mixed, args.repeat)
    json.dump(output, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
