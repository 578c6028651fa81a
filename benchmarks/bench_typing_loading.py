"""Typing while a large list loads: how long each key takes to show in the filter bar.

A warm start shows the first screenful at once and reads the rest after (1M rows: seconds). A
person who starts typing meanwhile must see their keys echoed as they type, not seconds later.
kliping runs in a real pseudo-terminal (benchmarks/bench_pty.py's Terminal and replay); once its
first rows show, a key is typed every --pause seconds, and each key's echo is the time until the
filter bar's row changes. Keys typed while the status says "loading…" are counted apart.

    python benchmarks/bench_typing_loading.py --library postgresql://...   # a team library
    python benchmarks/bench_typing_loading.py --size 100000                # the local cache (warm)

Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_pty import (  # noqa: E402
    LOADING,
    OUT,
    Replay,
    Terminal,
    child_env,
    find_layout,
    is_loaded,
    ms,
    shows_rows,
    stats,
    status_text,
)
from benchmarks.common import commit, ensure_corpus  # noqa: E402

TEXT = "desa pelatihan koperasi"


def first_rows_shown(replay: Replay) -> bool:
    layout = find_layout(replay)
    return layout is not None and shows_rows(replay, layout)


def done_loading(replay: Replay) -> bool:
    """The status no longer says "loading…" (the typed filter may match nothing)."""
    layout = find_layout(replay)
    return layout is not None and LOADING not in status_text(replay, layout)


def echoes(term: Terminal, typed: Sequence[tuple[float, str]]) -> list[dict[str, Any]]:
    """Replay the log: per key, when the filter bar first changed after it, and whether the list
    was loading when it was typed."""
    replay = Replay()
    found = [{"key": name, "sent": sent, "echo": None, "loading": None} for sent, name in typed]
    current = -1
    for t, data in term.chunks:
        while current + 1 < len(found) and t >= found[current + 1]["sent"]:
            current += 1
            layout = find_layout(replay)
            found[current]["loading"] = layout is not None and LOADING in status_text(replay, layout)
        changed = replay.feed(data)
        layout = find_layout(replay)
        if layout is None or not any(y < layout.top for y in changed):
            continue
        for key in found[: current + 1]:  # a late frame may echo several keys at once
            if key["echo"] is None:
                key["echo"] = t - key["sent"]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", metavar="URL", help="a team library on PostgreSQL")
    parser.add_argument("--size", type=int, default=100_000, help="the local corpus's articles")
    parser.add_argument("--pause", type=float, default=0.15, help="seconds between keys")
    parser.add_argument("--text", default=TEXT)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    home = OUT / ("typing-home-team" if args.library else f"typing-home-{args.size}")
    home.mkdir(parents=True, exist_ok=True)
    env = child_env(home, 60)
    if args.library:
        kliping = [sys.executable, "-m", "tui", "--library", args.library]
    else:
        corpus, _info = ensure_corpus(args.size, 1)
        kliping = [sys.executable, "-m", "tui", str(corpus)]
        warm = Terminal(kliping, env, ROOT)  # the cache made once, so the measured start is warm
        try:
            warm.wait_quiet(2.0, args.timeout, is_loaded, blink=False)
            warm.send(b"q", "q")
        finally:
            warm.close()
    load = os.getloadavg()
    term = Terminal(kliping, env, ROOT)
    try:
        term.wait_quiet(0.0, args.timeout, first_rows_shown, blink=False)
        shown = time.monotonic() - term.started
        typed = [(term.send(b"/", "/"), "/")]  # to the filter bar (its outline changes: the echo)
        time.sleep(args.pause)
        for char in args.text:
            typed.append((term.send(char.encode(), char), char))
            time.sleep(args.pause)
        term.wait_quiet(2.0, args.timeout, done_loading, blink=True)
        term.send(b"\x1b", "escape")
        term.send(b"q", "q")
        term.close()
    finally:
        term.close(timeout=0)
    keys = echoes(term, typed)
    during = [k["echo"] for k in keys if k["loading"] and k["echo"] is not None]
    after = [k["echo"] for k in keys if not k["loading"] and k["echo"] is not None]
    print(
        json.dumps(
            {
                "benchmark": "bench_typing_loading",
                "commit": commit(),
                "library": "postgresql" if args.library else f"sqlite {args.size}",
                "load_before": [round(x, 2) for x in load],
                "first_rows_s": round(shown, 2),
                "keys_while_loading": len(during),
                "echo_while_loading_ms": stats([ms(x) for x in during]) if during else None,
                "echo_after_ms": stats([ms(x) for x in after]) if after else None,
                "not_echoed": sum(1 for k in keys if k["echo"] is None),
                "keys": [
                    {
                        "key": k["key"],
                        "loading": k["loading"],
                        "echo_ms": None if k["echo"] is None else ms(k["echo"]),
                    }
                    for k in keys
                ],
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
