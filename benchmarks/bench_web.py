"""What a browser tab sees: kliping served by `kliping serve`, every websocket frame timed and replayed.

    python benchmarks/bench_web.py [--size 100000 | --corpus DIR] [--pause 0.4] [--runs 2]

Starts `python -m tui serve CORPUS` on a free loopback port (cache, data and config in a
temporary folder), opens the websocket the page opens at 120x40 (tests/web/client.py) and
logs every terminal frame with the `time.monotonic()` of its arrival (replayed only later, so
the replay does not delay the next frame). A first tab builds the cache (cold) and stays until
its app's CPU falls idle (the index merged); then a warm tab: wait for the list to be still,
press `/`, type `penguatan kapasitas` one key at a time with `--pause` after each, wait, close.
The frames are replayed through pyte as bench_pty.py replays a pty: per key, the time from
sending it to the list's first change and to its last change before the next key (still
after). The same keys go to an empty Textual app (an Input and a Static that echoes it) served
by the same server code: the floor. Both run at textual-serve's frame rate (it sets
TEXTUAL_FPS=60 for its apps); `bench_pty.py --fps 60` is the terminal beside it.

Prints one JSON object; a frame-by-frame account goes to `benchmarks/out/web-frames-N.txt`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_pty import (  # noqa: E402
    COLUMNS,
    CPU_IDLE,
    CPU_WINDOW,
    IGNORED_ROWS,
    LINES,
    SMALL_CHUNK,
    TEXT,
    KeyReport,
    Replay,
    cpu_seconds,
    floor_region,
    frames_account,
    is_loaded,
    key_summary,
    kliping_region,
    measure_keys,
    ms,
    percentile,
    secs,
)
from benchmarks.common import OUT, commit, ensure_corpus  # noqa: E402
from tests.web.client import Page, Server, free_port  # noqa: E402


@dataclass
class Log:
    """The frames of one tab, as measure_keys reads a pty's: (arrival, bytes), and the start."""

    started: float
    chunks: list[tuple[float, bytes]] = field(default_factory=list)


def home_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL_")}
    for name in ("LC_ALL", "LANGUAGE", "KLIPING_LANG", "NO_COLOR"):
        env.pop(name, None)
    env.update(
        LANG="C.UTF-8",
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
    )
    return env


class FloorServer(Server):
    """The floor app behind the same server code as `kliping serve` (tui.web.make_server)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        floor = shlex.join([sys.executable, str(Path(__file__).resolve()), "--floor-app"])
        code = (
            "from tui.web import make_server; "
            f"make_server({floor!r}, host='127.0.0.1', port={self.port}, max_sessions=2, "
            "public_url=None, paths=[]).serve()"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=dict(env, PYTHONPATH=str(ROOT)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.out = self.err = ""
        self.killed = False


async def wait_still(
    page: Page, log: Log, quiet: float, timeout: float, ready: Callable[[Replay], bool] | None
) -> float:
    """The time of the last frame that changed the screen below the input, once `quiet` s have passed
    with only small frames (a blinking cursor) and `ready` holds for the replayed screen."""
    replay = Replay()
    done = 0
    last: float | None = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        chunks = page.frames
        for t, data in chunks[done:]:
            if any(y >= IGNORED_ROWS for y in replay.feed(data)):
                last = t
        done = len(chunks)
        now = time.monotonic()
        recent = [d for t, d in chunks if t >= now - quiet]
        still = last is not None and now - last >= quiet and all(len(d) <= SMALL_CHUNK for d in recent)
        if still and last is not None and (ready is None or ready(replay)):
            return last
    raise TimeoutError(f"the page was not still within {timeout:.0f} s")


async def tab(
    url: str,
    *,
    floor: bool,
    text: str,
    pause: float,
    quiet: float,
    timeout: float,
    typing: bool = True,
    server: Server | None = None,
) -> tuple[dict[str, Any], list[KeyReport]]:
    """One browser tab's session: wait until still, (/ and) type paced, wait, close."""
    started = time.monotonic()
    async with Page(url, columns=COLUMNS, lines=LINES) as page:
        ready = None if floor else is_loaded
        still = await wait_still(page, Log(started), quiet, timeout, ready)
        result: dict[str, Any] = {"still_s": secs(still - started)}
        if page.frames:
            result["first_frame_s"] = secs(page.frames[0][0] - started)
        if not typing:
            if server is not None:
                # The index is whole once its segments are merged, which the screen does not show:
                # the tab's app falls quiet then. Closed before, the next tab would merge as it types.
                apps = [pid for pid in server.session_processes() if pid != server.process.pid]
                idle = await asyncio.to_thread(wait_idle, apps, timeout)
                result["index_merged_s"] = secs(idle - started)
            return result, []
        typed: list[tuple[float, str]] = []
        keys = ([] if floor else ["/"]) + list(text)
        next_at = time.monotonic()
        for key in keys:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            sent = time.monotonic()
            await page.press(key)
            typed.append((sent, key))
            next_at = sent + pause
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        end = await wait_still(page, Log(started), quiet, 60.0, None) + 0.001
        log = Log(started, list(page.frames))
    region = floor_region if floor else kliping_region
    reports, _rows, _loaded, _first = measure_keys(log, typed, end, region)
    if not floor:
        slash = reports.pop(0)
        if slash.first_any is not None:
            result["slash_first_change_ms"] = ms(slash.first_any)
    result.update(key_summary(reports))
    result["bytes"] = sum(len(d) for _t, d in log.chunks)
    result["frames"] = len(log.chunks)
    return result, reports


def wait_idle(pids: Sequence[int], timeout: float) -> float:
    """When these processes together used under CPU_IDLE of a core over a second (bench_pty's test)."""
    deadline = time.monotonic() + timeout
    before, since = sum(map(cpu_seconds, pids)), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(CPU_WINDOW)
        now, used = time.monotonic(), sum(map(cpu_seconds, pids))
        if used - before < CPU_IDLE * CPU_WINDOW:
            return since
        before, since = used, now
    raise TimeoutError("the app kept working")


def p90(result: dict[str, Any], key: str) -> float | None:
    value = result.get(key, {}).get("p90_ms")
    return float(value) if value is not None else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="articles in the generated corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="a folder to serve instead of the generated corpus")
    parser.add_argument("--pause", type=float, default=0.4, help="seconds after each typed key")
    parser.add_argument("--quiet", type=float, default=1.5, help="seconds without a change = still")
    parser.add_argument("--runs", type=int, default=2, help="warm tabs of each, alternating")
    parser.add_argument("--text", default=TEXT, help="what to type")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for a start")
    parser.add_argument("--floor-app", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor_app:
        from benchmarks.bench_pty import floor_app

        floor_app()
        return 0
    if args.corpus:
        corpus, info = args.corpus.resolve(), {"path": str(args.corpus)}
    else:
        corpus, info = ensure_corpus(args.size, args.seed)
    report: dict[str, Any] = {
        "benchmark": "web",
        "commit": commit(),
        "corpus": info,
        "screen": f"{COLUMNS}x{LINES}",
        "pause_s": args.pause,
        "text": args.text,
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    account: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kliping-bench-web-") as tmp:
        env = home_env(Path(tmp))
        with Server([str(corpus)], env=env) as kliping, FloorServer(env) as floor:
            common = {"text": args.text, "pause": args.pause, "quiet": args.quiet, "timeout": args.timeout}
            cold, _ = asyncio.run(tab(kliping.url, floor=False, typing=False, server=kliping, **common))
            report["cold_tab"] = cold
            runs: dict[str, list[dict[str, Any]]] = {"kliping": [], "floor": []}
            for run in range(args.runs):
                for name, server in (("floor", floor), ("kliping", kliping)):
                    result, reports = asyncio.run(tab(server.url, floor=name == "floor", **common))
                    runs[name].append(result)
                    account.append(frames_account(f"{name}, run {run + 1}", reports))
    report["kliping"] = runs["kliping"]
    report["floor"] = runs["floor"]
    summary: dict[str, Any] = {}
    for measure in ("first_change", "last_change"):
        ours = [p for p in (p90(r, measure) for r in runs["kliping"]) if p is not None]
        base = [p for p in (p90(r, measure) for r in runs["floor"]) if p is not None]
        if ours and base:
            a, b = percentile(ours, 0.5), percentile(base, 0.5)
            summary[measure] = {"kliping_p90_ms": a, "floor_p90_ms": b, "ratio": round(a / b, 2)}
    report["p90_medians"] = summary
    OUT.mkdir(parents=True, exist_ok=True)
    frames = OUT / f"web-frames-{info.get('articles', 'dir')}.txt"
    frames.write_text("\n".join(account) + "\n", encoding="utf-8")
    report["frames_account"] = str(frames.relative_to(ROOT))
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
