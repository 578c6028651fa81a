"""Peak memory on a folder of huge files (issue 13 item 12): `kliping --list` and the app.

    python benchmarks/bench_large.py [--counts 120,240,480] [--modes list,app] [--size-mb 4.7]
                                     [--small 0] [--keep]

Writes long reports (plain text, ~4.7 MB of article each: a title, a date and paragraphs of the
generated Indonesian prose of gen_corpus.py) to `benchmarks/out/large/part-NNN/`, 120 a folder,
so a count is a number of folders opened together (`kliping --list part-000 part-001 ...`); with
`--small N`, N ordinary articles from `benchmarks/out/corpus-N` are opened beside them, which
takes the load past 1,500 files to parse: parse worker processes and a bulk load.

Each mode runs in its own process with a fresh cache (`XDG_*_HOME` in `benchmarks/out/large-home`):

- `list`: `python -m tui --list PATHS` (stdout thrown away).
- `app`: this script with `--app-child PATHS`: `KlipingApp` headless (120 x 36) until loading is
  over, the stems are stored and the index's segments are merged, then quits.

While it runs, the process and every process under it (the parse workers, multiprocessing's
resource tracker) are read from /proc every 50 ms. Prints JSON: for each count and mode the
seconds, `main_mb` (the process's own peak, VmHWM), `workers_mb` (each worker's peak),
`tree_mb` (the largest sum of the resident sizes of all of them at one moment: what the machine
had to give), the articles loaded, the cache's size on disk and the load average before.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import OUT, commit, ensure_corpus  # noqa: E402

PER_FOLDER = 120
SAMPLE_SECONDS = 0.05
TIMEOUT = 3600.0


# -- the corpus -----------------------------------------------------------------------------------


def report_text(rng: random.Random, pools: Any, size: int) -> str:
    """One long report: a title, a date line, then paragraphs of 2-5 sentences up to `size` bytes."""
    from benchmarks.gen_corpus import MONTHS_ID

    when = f"{rng.randint(1, 28)} {rng.choice(MONTHS_ID)} {rng.randint(2019, 2025)}"
    parts = [f"Laporan Tahunan: {rng.choice(pools.titles)}", f"Diperbarui: {when}   10:30", ""]
    held = sum(len(p) + 1 for p in parts)
    sentences = pools.sentences
    while held < size:
        paragraph = " ".join(rng.choices(sentences, k=rng.randint(2, 5)))
        parts.append(paragraph)
        parts.append("")
        held += len(paragraph.encode()) + 2
    return "\n".join(parts)


def ensure_large(count: int, size: int, seed: int) -> list[Path]:
    """The folders holding `count` reports (120 each), generated as needed and then reused."""
    from benchmarks.gen_corpus import Pools

    base = OUT / "large"
    base.mkdir(parents=True, exist_ok=True)
    ignore = OUT / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    folders: list[Path] = []
    for part in range((count + PER_FOLDER - 1) // PER_FOLDER):
        folder = base / f"part-{part:03d}"
        marker = base / f"part-{part:03d}.json"
        want = {"size": size, "seed": seed, "files": PER_FOLDER}
        if not (folder.is_dir() and marker.exists() and json.loads(marker.read_text()) == want):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            rng = random.Random(seed * 1_000_003 + part)
            pools = Pools(rng)
            for number in range(PER_FOLDER):
                text = report_text(rng, pools, size)
                (folder / f"report-{part:03d}-{number:03d}.txt").write_text(text, encoding="utf-8")
            marker.write_text(json.dumps(want))
        folders.append(folder)
    return folders


# -- watching a process tree ------------------------------------------------------------------------


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in KB (empty once it is gone)."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as stream:
            for line in stream:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    name, value = line.split(":", 1)
                    found[name] = int(value.split()[0])
    except OSError:
        return {}
    return found


def _children() -> dict[int, list[int]]:
    """Every process's children, from each /proc/PID/stat's parent field."""
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stream:
                stat = stream.read()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(name))
    return tree


class TreeWatch:
    """Reads the resident sizes of a process and its descendants until it ends."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.main_kb = 0
        self.others_kb: dict[int, int] = {}  # pid: its peak (VmHWM as last read)
        self.tree_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = _children()
            pending, seen = [self.pid], []
            while pending:
                pid = pending.pop()
                seen.append(pid)
                pending.extend(tree.get(pid, []))
            total = 0
            for pid in seen:
                status = _status(pid)
                if not status:
                    continue
                total += status.get("VmRSS", 0)
                peak = status.get("VmHWM", 0)
                if pid == self.pid:
                    self.main_kb = max(self.main_kb, peak)
                else:
                    self.others_kb[pid] = max(self.others_kb.get(pid, 0), peak)
            self.tree_kb = max(self.tree_kb, total)
            self._stop.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


# -- one run ----------------------------------------------------------------------------------------


def run(mode: str, paths: Sequence[Path]) -> dict[str, Any]:
    home = OUT / "large-home"
    shutil.rmtree(home, ignore_errors=True)
    env = dict(os.environ)
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        env[name] = str(home / name.lower())
    if mode == "list":
        command = [sys.executable, "-m", "tui", "--list", *map(str, paths)]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "--app-child", *map(str, paths)]
    load = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE if mode == "app" else subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    watch = TreeWatch(child.pid)
    try:
        out, err = child.communicate(timeout=TIMEOUT)
    finally:
        watch.stop()
    seconds = time.perf_counter() - started
    caches = list((home / "xdg_cache_home").rglob("library-*.sqlite3*"))
    result: dict[str, Any] = {
        "seconds": round(seconds, 1),
        "exit": child.returncode,
        "main_mb": _mb(watch.main_kb),
        "workers_mb": sorted((_mb(kb) for kb in watch.others_kb.values() if kb > 20 * 1024), reverse=True),
        "tree_mb": _mb(watch.tree_kb),
        "cache_mb": round(sum(p.stat().st_size for p in caches) / 2**20, 1),
        "load_before": load,
    }
    if mode == "app" and out:
        result.update(json.loads(out.strip().splitlines()[-1]))
    if child.returncode not in (0, 1):
        result["stderr"] = err[-2000:]
    shutil.rmtree(home, ignore_errors=True)
    return result


async def app_child(paths: list[str]) -> dict[str, Any]:  # pragma: no cover - a benchmark
    """The app, headless, until everything a load sets off is over."""
    from tui.app import KlipingApp
    from tui.cli import cache_file

    # As `kliping PATHS` makes it, the cache in XDG_CACHE_HOME (without one it would be in memory).
    app = KlipingApp(paths, cache=cache_file(paths), tune_gc=True, watch_files=True)
    async with app.run_test(size=(120, 36)):
        deadline = time.perf_counter() + TIMEOUT
        while app.session.loading or not app.session.rows:
            if time.perf_counter() > deadline:
                raise TimeoutError("loading did not finish")
            await asyncio.sleep(0.05)
        loaded = time.perf_counter()
        await asyncio.to_thread(app.library.wait_for_stems, TIMEOUT)
        await asyncio.to_thread(app.library.wait_for_merges, TIMEOUT)
        await asyncio.sleep(0.5)  # the reader shows the article under the cursor
        result = {"articles": len(app.session.rows), "after_load_s": round(time.perf_counter() - loaded, 1)}
        app.exit()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--counts", default="120,240", help="numbers of huge files, multiples of 120")
    parser.add_argument("--modes", default="list,app")
    parser.add_argument("--size-mb", type=float, default=4.7, help="bytes of each report, in MB")
    parser.add_argument("--small", type=int, default=0, help="ordinary articles opened beside them")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated reports afterwards")
    parser.add_argument("--app-child", nargs="+", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.app_child:
        print(json.dumps(asyncio.run(app_child(args.app_child))))
        return 0
    counts = [int(c) for c in args.counts.split(",")]
    size = int(args.size_mb * 2**20)
    report: dict[str, Any] = {"commit": commit(), "size_mb": args.size_mb, "small": args.small, "runs": []}
    small = [ensure_corpus(args.small, args.seed)[0]] if args.small else []
    for count in counts:
        folders = ensure_large(count, size, args.seed)
        for mode in args.modes.split(","):
            result = {"count": count, "mode": mode, **run(mode, [*folders, *small])}
            report["runs"].append(result)
            print(json.dumps(result), file=sys.stderr, flush=True)
    if not args.keep:
        shutil.rmtree(OUT / "large", ignore_errors=True)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
