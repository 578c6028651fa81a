"""The searcher alone (tui/searching.py), no terminal: what a keystroke costs the event loop and when
its steps arrive, on the generated corpus; run by hand, prints JSON.

    python benchmarks/bench_searcher.py [--size 20000] [--pause 0.15] [--text "penguatan kapasitas"]

Loads the corpus into a cache of its own (kept in benchmarks/out between runs) and a session, then
types the text one key at a time, `--pause` apart, as the screen would call the searcher: `typed`
on the "loop" (this thread), `painted` right after it, and `take` for every step posted. Then once
more with the loop never searching (`at_once=None`: every page from the thread, as for a phrase,
reading flags or a load writing). For each: the loop's time in `typed` per key, whether the page
came at once, steps posted per key while typing (hops to the loop), the snippet's delay after
`painted`, and the whole answer's arrival after the last key (the rest delay plus the search).
"""

from __future__ import annotations

import argparse
import json
import queue
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import OUT, commit, ensure_corpus  # noqa: E402
from tui.library import Library  # noqa: E402
from tui.marks import Marks  # noqa: E402
from tui.searching import Found, Searcher  # noqa: E402
from tui.session import Session  # noqa: E402
from tui.state import ReadingState  # noqa: E402
from tui.sync import sync  # noqa: E402

TEXT = "penguatan kapasitas"


def stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(1000 * statistics.median(ordered), 2),
        "p90_ms": round(1000 * ordered[int(0.9 * (len(ordered) - 1))], 2),
        "max_ms": round(1000 * ordered[-1], 2),
    }


def type_text(library: Library, session: Session, text: str, pause: float, at_once: bool) -> dict[str, Any]:
    posted: queue.Queue[tuple[float, Found]] = queue.Queue()
    searcher = Searcher(library, session, lambda found: posted.put((time.perf_counter(), found)))
    if not at_once:
        searcher.at_once = None
    on_screen: list[int] = []
    typed_s: list[float] = []
    snippet_s: list[float] = []
    page_s: list[float] = []
    hops: list[int] = []
    at_once_pages = 0
    whole_after_last_s = None
    for n in range(1, len(text) + 1):
        started = time.perf_counter()
        shown = searcher.typed(text[:n], on_screen)
        typed_s.append(time.perf_counter() - started)
        if shown is not None:
            at_once_pages += 1
            on_screen = list(shown.keys)
        painted = time.perf_counter()
        searcher.painted()
        last = n == len(text)
        deadline = time.perf_counter() + (max(pause, 5.0) if last else pause)
        count = 0
        while (left := deadline - time.perf_counter()) > 0:
            try:
                when, found = posted.get(timeout=left)
            except queue.Empty:
                break
            count += 1
            step, match = searcher.take(found, on_screen)
            if step is not None:
                on_screen = list(step.keys)
                if not step.extend and shown is None:
                    page_s.append(when - started)
            if match is not None:
                snippet_s.append(when - painted)
            if step is not None and step.extend:
                if last:
                    whole_after_last_s = when - started
                break
            if last and found.answer is not None and found.answer.complete:
                whole_after_last_s = when - started
                break
        if not last:
            hops.append(count)
    searcher.close()
    whole = None if whole_after_last_s is None else round(1000 * whole_after_last_s, 1)
    return {
        "typed_on_loop": stats(typed_s),
        "pages_at_once": at_once_pages,
        "keys": len(text),
        "page_from_thread": stats(page_s),
        "snippet_after_paint": stats(snippet_s),
        "hops_per_key_while_typing": {
            "max": max(hops, default=0),
            "mean": round(statistics.fmean(hops or [0]), 2),
        },
        "whole_after_last_key_ms": whole,
        "shown": len(on_screen),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pause", type=float, default=0.15, help="seconds between keys")
    parser.add_argument("--text", default=TEXT)
    args = parser.parse_args()
    corpus, info = ensure_corpus(args.size, args.seed)
    library = Library(OUT / f"searcher-cache-{args.size}.sqlite3")
    session = Session(Marks(ReadingState(None)))
    started = time.perf_counter()
    for update in sync(library, [str(corpus)]):
        session.apply(update, shown_any=True)
    library.wait_for_merges(120)
    report: dict[str, Any] = {
        "benchmark": "bench_searcher",
        "commit": commit(),
        "size": args.size,
        "corpus": info,
        "load_s": round(time.perf_counter() - started, 2),
        "pause_s": args.pause,
        "text": args.text,
        "rest_s": Searcher(library, session, print).rest_seconds,
    }
    report["words_at_once"] = type_text(library, session, args.text, args.pause, at_once=True)
    library.close()
    library = Library(OUT / f"searcher-cache-{args.size}.sqlite3")  # no answers kept from the first run
    report["from_the_thread"] = type_text(library, session, args.text, args.pause, at_once=False)
    library.close()
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
