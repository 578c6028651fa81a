"""Time the real kliping app, headless, on generated corpora of 10k and 100k articles.

    python benchmarks/bench_app.py [--count 10000,100000] [--repeat 100]

For each size it reuses `benchmarks/out/corpus-N` (or generates it with gen_corpus.py) and
runs three phases, each in its own process so one phase's memory does not skew the next:

- cold:  no cache file. Launch time to the first frame showing >= 1 article, and to fully
         indexed (`app.session.loading` False and every article in the list). Peak RSS.
- warm:  the cache the cold phase left. Launch to first frame and to the full list, then a
         scripted typing session in the filter bar (key -> list updated -> frame painted for
         each keystroke), then cursor down / page down in the list. Peak RSS.
- naive: every article's title + text, casefolded, in a Python list; for each text the warm
         phase typed, the time of `[i for i, t in enumerate(texts) if all(w in t ...)]`.
         The report divides the app's p50 / p95 by the naive scan's.

Keys are posted to the app as the terminal driver posts them, and frames are timed where the
compositor hands them to the driver (see bench_list.py); TEXTUAL_FPS defaults to 240.
Prints JSON; `--phase` runs one phase and is what the parent process calls.
"""

from __future__ import annotations

import os
import resource

os.environ.setdefault("TEXTUAL_FPS", "240")  # read when textual is imported, so set it first

import argparse
import asyncio
import gc
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_list import (  # noqa: E402
    FrameProbe,
    Stamp,
    ms,
    peak_rss_mb,
    perf,
    send_key,
    settle,
    summary,
)
from benchmarks.common import OUT, commit, ensure_corpus  # noqa: E402

SIZE = (120, 36)
LOAD_TIMEOUT = 1800.0

# The typing session: each string is typed one character at a time, then erased with backspace
# one at a time, so every prefix (and every shorter text on the way back) is a measured key.
SESSION = [
    "penguatan",
    "kapasitas oms",
    "temu",
    "source:kompasiana",
    "year:2023 desa",
    "perempuan disabilitas",
    "inklusi -madani",
]


def session_keys() -> list[tuple[str, str]]:
    """(key, filter text after the key) for the whole scripted session."""
    steps: list[tuple[str, str]] = []
    for query in SESSION:
        for i, char in enumerate(query):
            steps.append((char, query[: i + 1]))
        for i in range(len(query) - 1, -1, -1):
            steps.append(("backspace", query[:i]))
    return steps


# -- one launch ---------------------------------------------------------------------------------


async def launch(
    corpus: Path, cache: Path, then: str, repeat: int
) -> dict[str, Any]:  # pragma: no cover - a benchmark
    from tui.app import KlipingApp
    from tui.query import parse
    from tui.widgets.article_list import ArticleList

    shows: list[tuple[float, int]] = []
    original_show = ArticleList.show

    def show(self: ArticleList, rows: Any, keys: Any, *args: Any, **kwargs: Any) -> None:
        original_show(self, rows, keys, *args, **kwargs)
        shows.append((perf(), len(keys)))

    ArticleList.show = show  # type: ignore[method-assign]

    result: dict[str, Any] = {}
    pauses = GcPauses()
    started = perf()
    app = KlipingApp(paths=[corpus], cache=cache, processes=None, tune_gc=True)
    probe = FrameProbe(app)
    async with app.run_test(size=SIZE) as pilot:
        result["run_test_entered_ms"] = ms(perf() - started)
        article_list = app.query_one("#articles", ArticleList)

        deadline = perf() + LOAD_TIMEOUT
        while not any(count for _, count in shows):
            if perf() > deadline:
                raise TimeoutError("the list never showed an article")
            await asyncio.sleep(0.002)
        first_show = next(stamp for stamp, count in shows if count)
        first_frame = await probe.frame_after(first_show)
        result["first_paint_s"] = round(first_frame - started, 3)
        result["first_rows"] = next(count for _, count in shows if count)

        while app.session.loading or len(article_list.keys) < len(app.session.rows):
            if perf() > deadline:
                raise TimeoutError("loading did not finish")
            await asyncio.sleep(0.01)
        full = perf()
        result["full_list_s"] = round(full - started, 3)
        result["cpu_to_full_s"] = cpu_seconds()
        result["articles"] = len(app.session.rows)
        result["problems"] = len(app.session.problems)
        stems_started = perf()
        app.library.wait_for_stems(timeout=LOAD_TIMEOUT)
        result["stems_after_full_s"] = round(perf() - stems_started, 3)
        result["cpu_to_stems_s"] = cpu_seconds()
        result["peak_rss_after_load"] = peak_rss_mb()
        result["gc_during_load"] = pauses.report()
        if then == "session":
            await settle(0.3)
            gc.collect()
            result["typing"] = await typing_session(app, probe, article_list, parse)
            await settle(0.3)
            result["typing_paced"] = await typing_session(app, probe, article_list, parse, pace=0.15)
            await settle(0.3)
            result["typing_slow"] = await typing_session(app, probe, article_list, parse, pace=0.4)
            await settle(0.3)
            gc.collect()  # the sessions' garbage is not the cursor keys' to pay for
            result["list_keys"] = await list_keys(app, pilot, probe, article_list, repeat)
            result["gc_during_session"] = pauses.report()
        result["peak_rss"] = peak_rss_mb()
    ArticleList.show = original_show  # type: ignore[method-assign]
    return result


def cpu_seconds() -> dict[str, float]:
    """User + system CPU time of this process and of its waited-for children (parse workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "self": round(own.ru_utime + own.ru_stime, 2),
        "children": round(kids.ru_utime + kids.ru_stime, 2),
    }


class GcPauses:
    """Times the garbage collector's pauses (a full collection walks every live row)."""

    def __init__(self) -> None:
        self._start = 0.0
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = perf()
        else:
            self.pauses[info["generation"]].append(perf() - self._start)

    def report(self) -> dict[str, Any]:
        """Pauses since the last report, by generation; then start counting afresh."""
        out = {
            f"gen{gen}": {"count": len(times), "max_ms": ms(max(times, default=0.0)),
                          "total_ms": ms(sum(times))}
            for gen, times in self.pauses.items()
        }  # fmt: skip
        self.pauses = {0: [], 1: [], 2: []}
        return out


async def typing_session(
    app: Any, probe: FrameProbe, article_list: Any, parse: Any, pace: float | None = None
) -> dict[str, Any]:
    """Type the scripted session into #filter; time each key until the list and frame follow.

    Without `pace` the next key follows 30 ms after the frame (a burst, faster than the pause
    after which the app fetches the rest of an answer, so only first pages are fetched). With
    `pace` the keys are that many seconds apart, like a person typing: the rest of each answer
    is fetched between keys, and a key that lands while it is being fetched has to stop it.
    """
    from tui.library import PAGE_ROWS
    from tui.widgets.article_list import ArticleList

    app.query_one("#filter").focus()
    await settle(0.1)
    app.library._answers.clear()  # each session starts with nothing remembered
    shown = Stamp(article_list, "show")
    to_list: list[float] = []
    to_paint: list[float] = []
    to_whole: list[float] = []
    page_only: list[float] = []
    search_only: list[float] = []
    per_key: list[dict[str, Any]] = []
    mismatches = 0
    unfinished = 0
    shown_keys: list[tuple[str, int, int, list[int], bool]] = []  # what the list showed, in short
    for key, text in session_keys():
        # Nothing is searched before the key is sent: the library keeps recent answers, and a
        # search here would hand the app a ready answer and hide the search from the figure.
        sent = send_key(app, key)
        after = sent
        while True:
            listed = await shown.call_after(after, timeout=60)
            if app.session.query_text == text:
                break
            after = listed  # a show for an older text; wait for the next one
        frame = await probe.frame_after(listed)
        to_list.append(listed - sent)
        to_paint.append(frame - sent)
        if pace is not None:
            whole: float | None = None
            while perf() < sent + pace:
                if whole is None and not app.session.counting:
                    whole = perf() - sent
                await asyncio.sleep(0.002)
            if whole is None:
                unfinished += 1  # still fetching the rest when the next key came
            else:
                to_whole.append(whole)
        # What the list shows is checked, and the search timed alone, after the session: doing it
        # here would block the event loop and hold the library between keys.
        keys = article_list.keys
        shown_keys.append((text, len(keys), hash(tuple(keys)), list(keys[:PAGE_ROWS]), app.session.counting))
        if pace is None:
            await settle(0.03)
    for index, (text, count, digest, first, counting) in enumerate(shown_keys):
        expected = app.library.search(parse(text), app.session.sort, app.session.reverse).keys
        if counting:  # a first page: the top of the whole answer
            right = count == len(first) and first == expected[:count]
        else:
            right = count == len(expected) and digest == hash(tuple(expected))
        mismatches += not right
        begin = perf()
        app.library._search(parse(text), app.session.sort, app.session.reverse, None, PAGE_ROWS + 1, None)
        page_only.append(perf() - begin)
        begin = perf()
        app.library._search(parse(text), app.session.sort, app.session.reverse, None, None, None)  # uncached
        search_only.append(perf() - begin)
        per_key.append(
            {
                "text": text,
                "shown": count,
                "answer": len(expected),
                "page_ms": ms(page_only[-1]),
                "search_ms": ms(search_only[-1]),
                "to_list_ms": ms(to_list[index]),
                "to_paint_ms": ms(to_paint[index]),
            }
        )
    assert isinstance(article_list, ArticleList)
    result = {
        "keystrokes": len(to_list),
        "pace_ms": None if pace is None else ms(pace),
        "to_list": summary(to_list),
        "to_paint": summary(to_paint),
        "page_call": summary(page_only),
        "search_call": summary(search_only),
        "mismatched_lists": mismatches,
        "slowest": sorted(per_key, key=lambda k: -k["to_paint_ms"])[:8],
        "texts": [entry["text"] for entry in per_key],
        "per_key_to_list_ms": [entry["to_list_ms"] for entry in per_key],
        "per_key_to_paint_ms": [entry["to_paint_ms"] for entry in per_key],
    }
    if pace is not None:
        result["to_whole_answer"] = summary(to_whole)
        result["rest_unfinished_at_next_key"] = unfinished
    return result


async def list_keys(
    app: Any, pilot: Any, probe: FrameProbe, article_list: Any, repeat: int
) -> dict[str, Any]:
    """Cursor down and page down in the full list: key -> cursor moved -> frame painted."""
    article_list.focus()
    await settle(0.2)
    moved = Stamp(article_list, "watch_cursor")
    result: dict[str, Any] = {}
    for name, key in (("cursor_down", "down"), ("page_down", "pagedown"), ("end_home", "")):
        keys = ["end", "home"] * max(1, repeat // 4) if name == "end_home" else [key] * repeat
        handler: list[float] = []
        paint: list[float] = []
        for each in keys:
            sent = send_key(app, each)
            done = await moved.call_after(sent)
            frame = await probe.frame_after(done)
            handler.append(done - sent)
            paint.append(frame - sent)
            await settle(0.02)
        result[name] = {"handler": summary(handler), "paint": summary(paint)}
    return result


def run_phase(corpus: Path, cache: Path, phase: str, repeat: int) -> dict[str, Any]:
    load_before = [round(x, 2) for x in os.getloadavg()]  # the machine is shared: say how busy it was
    if phase == "cold":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(cache) + suffix).unlink(missing_ok=True)
    then = "session" if phase == "warm" else "exit"
    result = asyncio.run(launch(corpus, cache, then, repeat))
    result["load_before"] = load_before
    return result


# -- the naive scan -----------------------------------------------------------------------------


def naive_phase(cache: Path, texts: Sequence[str]) -> dict[str, Any]:
    from tui.library import Library

    library = Library(cache)
    started = perf()
    corpus: list[str] = []
    for row in library.rows():
        article = library.article(row.key)
        if article is not None:
            corpus.append(f"{article.title}\n{article.text}".casefold())
    load_s = perf() - started
    times: dict[str, float] = {}
    counts: dict[str, int] = {}
    for text in dict.fromkeys(texts):
        items = [w.split(":", 1)[-1] for w in text.casefold().split()]
        words = [w for w in items if w and not w.startswith("-")]
        unwanted = [w[1:] for w in items if w.startswith("-") and len(w) > 1]
        begin = perf()
        hits = [
            i
            for i, t in enumerate(corpus)
            if all(w in t for w in words) and not any(w in t for w in unwanted)
        ]
        times[text] = perf() - begin
        counts[text] = len(hits)
    per_key = [times[text] for text in texts]
    library.close()
    return {
        "articles": len(corpus),
        "load_texts_s": round(load_s, 3),
        "scan": summary(per_key),
        "per_key_ms": [ms(t) for t in per_key],
        "peak_rss": peak_rss_mb(),
    }


# -- the parent ---------------------------------------------------------------------------------


def child(args: list[str]) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), *args],
            capture_output=True,
            text=True,
            env={**os.environ, "TEXTUAL_FPS": os.environ["TEXTUAL_FPS"]},
            timeout=LOAD_TIMEOUT + 600,
        )
    except subprocess.TimeoutExpired as error:
        return {"error": f"timed out after {error.timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr[-4000:] or f"exit {done.returncode}"}
    try:
        parsed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": f"no JSON in output: {done.stdout[-2000:]} {done.stderr[-2000:]}"}
    return parsed


def ratio(app_ms: float | int | None, naive_ms: float | int | None) -> float | None:
    if not app_ms or not naive_ms:
        return None
    return round(float(app_ms) / float(naive_ms), 4)


def bench_size(count: int, seed: int, repeat: int, phases: Sequence[str]) -> dict[str, Any]:
    corpus, info = ensure_corpus(count, seed)
    cache = OUT / f"cache-{count}.sqlite"
    report: dict[str, Any] = {"corpus": info}
    common = ["--corpus", str(corpus), "--cache", str(cache), "--repeat", str(repeat)]
    if "cold" in phases:
        report["cold"] = child(["--phase", "cold", *common])
    if "warm" in phases:
        report["warm"] = child(["--phase", "warm", *common])
    elif "warmload" in phases:  # the warm start alone, without the typing session
        report["warm"] = child(["--phase", "warmload", *common])
    texts = report.get("warm", {}).get("typing", {}).get("texts")
    if "naive" in phases and texts:
        texts_file = OUT / f"texts-{count}.json"
        texts_file.write_text(json.dumps(texts))
        report["naive"] = child(["--phase", "naive", *common, "--texts", str(texts_file)])
        typing = report["warm"]["typing"]
        scan = report["naive"].get("scan", {})
        report["ratio_to_naive"] = {
            "p50": ratio(typing["to_list"]["p50_ms"], scan.get("p50_ms")),
            "p95": ratio(typing["to_list"]["p95_ms"], scan.get("p95_ms")),
            "p50_paint": ratio(typing["to_paint"]["p50_ms"], scan.get("p50_ms")),
            "p95_paint": ratio(typing["to_paint"]["p95_ms"], scan.get("p95_ms")),
        }
        slow = report["warm"].get("typing_slow")
        if slow:
            report["ratio_to_naive"]["slow_p50"] = ratio(slow["to_list"]["p50_ms"], scan.get("p50_ms"))
            report["ratio_to_naive"]["slow_p95"] = ratio(slow["to_list"]["p95_ms"], scan.get("p95_ms"))
        paced = report["warm"].get("typing_paced")
        if paced:
            report["ratio_to_naive"]["paced_p50"] = ratio(paced["to_list"]["p50_ms"], scan.get("p50_ms"))
            report["ratio_to_naive"]["paced_p95"] = ratio(paced["to_list"]["p95_ms"], scan.get("p95_ms"))
    return report


def headline(report: dict[str, Any]) -> dict[str, Any]:
    """The figures the README's targets talk about, pulled out of one size's report."""
    cold, warm = report.get("cold", {}), report.get("warm", {})
    typing = warm.get("typing", {})
    paced = warm.get("typing_paced", {})
    slow = warm.get("typing_slow", {})
    keys = warm.get("list_keys", {})
    return {
        "first_paint_cold_s": cold.get("first_paint_s"),
        "first_paint_warm_s": warm.get("first_paint_s"),
        "cold_fully_indexed_s": cold.get("full_list_s"),
        "warm_full_list_s": warm.get("full_list_s"),
        "keystroke_to_list_p50_ms": typing.get("to_list", {}).get("p50_ms"),
        "keystroke_to_list_p95_ms": typing.get("to_list", {}).get("p95_ms"),
        "keystroke_to_paint_p50_ms": typing.get("to_paint", {}).get("p50_ms"),
        "keystroke_to_paint_p95_ms": typing.get("to_paint", {}).get("p95_ms"),
        "keystroke_max_ms": typing.get("to_paint", {}).get("max_ms"),
        "paced_keystroke_to_list_p50_ms": paced.get("to_list", {}).get("p50_ms"),
        "paced_keystroke_to_list_p95_ms": paced.get("to_list", {}).get("p95_ms"),
        "paced_keystroke_to_paint_p95_ms": paced.get("to_paint", {}).get("p95_ms"),
        "paced_to_whole_answer_p50_ms": paced.get("to_whole_answer", {}).get("p50_ms"),
        "paced_to_whole_answer_p95_ms": paced.get("to_whole_answer", {}).get("p95_ms"),
        "slow_keystroke_to_list_p50_ms": slow.get("to_list", {}).get("p50_ms"),
        "slow_keystroke_to_list_p95_ms": slow.get("to_list", {}).get("p95_ms"),
        "slow_keystroke_to_paint_p95_ms": slow.get("to_paint", {}).get("p95_ms"),
        "slow_to_whole_answer_p50_ms": slow.get("to_whole_answer", {}).get("p50_ms"),
        "slow_to_whole_answer_p95_ms": slow.get("to_whole_answer", {}).get("p95_ms"),
        "slow_rest_unfinished_at_next_key": slow.get("rest_unfinished_at_next_key"),
        "ratio_to_naive": report.get("ratio_to_naive"),
        "cursor_down_paint_p95_ms": keys.get("cursor_down", {}).get("paint", {}).get("p95_ms"),
        "page_down_paint_p95_ms": keys.get("page_down", {}).get("paint", {}).get("p95_ms"),
        "peak_rss_cold_mb": cold.get("peak_rss", {}).get("self_mb"),
        "peak_rss_cold_children_mb": cold.get("peak_rss", {}).get("children_mb"),
        "peak_rss_warm_mb": warm.get("peak_rss", {}).get("self_mb"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=100, help="presses per list key kind")
    parser.add_argument(
        "--phases", default="cold,warm,naive", help="cold, warm, naive; or warmload: the warm start alone"
    )
    parser.add_argument("--phase", choices=["cold", "warm", "warmload", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        if args.phase == "naive":
            result = naive_phase(args.cache, json.loads(args.texts.read_text()))
        else:
            result = run_phase(args.corpus, args.cache, args.phase, args.repeat)
        sys.stdout.write(json.dumps(result) + "\n")
        return 0

    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    output: dict[str, Any] = {
        "commit": commit(),
        "textual_fps": int(os.environ["TEXTUAL_FPS"]),
        "cpus": os.cpu_count(),
        "size": list(SIZE),
        "results": {},
    }
    for count in (int(c) for c in args.count.split(",") if c.strip()):
        report = bench_size(count, args.seed, args.repeat, phases)
        output["results"][str(count)] = {"headline": headline(report), **report}
        sys.stderr.write(f"bench_app: {count} done\n")
    json.dump(output, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
