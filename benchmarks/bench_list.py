"""Time the article list widget alone with a million synthetic rows, headless.

    python benchmarks/bench_list.py [--rows 1000000] [--filtered 50000] [--repeat 200]

Measures how long `ArticleList.show()` takes for 1M rows and until the first frame that shows
them, the same for swapping in a 50k-key filtered result, and the latency of cursor keys
(down, page down, end/home): from posting the key event, as the terminal driver does, until
the widget's cursor changed ("handler") and until the compositor produced the next frame
("paint"). Prints JSON.

Key events are posted straight to the app rather than through `pilot.press`, because the
pilot waits for the process to go idle (two sleeps of 20 ms per key) and would hide
millisecond latencies. Frames are timed by wrapping `App._display`, which the compositor
calls with each update; in headless mode it writes nothing, so the wrapper also renders the
update to the escape sequences a real terminal would receive, to count that cost too.

Textual's frame rate is set from TEXTUAL_FPS (this script defaults it to 240, as the app is
meant to run); a frame can only leave on the screen-update timer, so "paint" includes up to
one frame interval of waiting.

This module also holds the small harness bench_app.py uses (key posting, frame probe, stats).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_FPS", "240")  # read when textual is imported, so set it first

import argparse
import asyncio
import bisect
import dataclasses
import datetime as dt
import gc
import inspect
import json
import random
import resource
import sys
import time
import types
import typing
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual._compositor import CompositorUpdate  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.keys import (  # noqa: E402
    REPLACED_KEYS,
    _character_to_key,
    _get_unicode_name_from_key,
)

perf = time.perf_counter

# -- statistics ---------------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def summary(samples: Sequence[float]) -> dict[str, float | int]:
    """p50 / p95 / max (and mean, n) of durations in seconds, reported in milliseconds."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50_ms": ms(pick(0.50)),
        "p95_ms": ms(pick(0.95)),
        "max_ms": ms(ordered[-1]),
        "mean_ms": ms(sum(ordered) / len(ordered)),
    }


def peak_rss_mb() -> dict[str, float]:
    """Peak resident set size of this process and of its (waited-for) children, in MB."""
    unit = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss is KB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * unit
    return {"self_mb": round(own / 2**20, 1), "children_mb": round(children / 2**20, 1)}


# -- driving the app ----------------------------------------------------------------------------


def key_event(key: str) -> events.Key:
    """The Key event a terminal driver would send for `key` (a key name or one character)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    char: str | None
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def send_key(app: App[Any], key: str) -> float:
    """Post a key to the app as the driver does; return the time it was sent."""
    event = key_event(key)
    event.set_sender(app)
    started = perf()
    app.post_message(event)
    return started


class FrameProbe:
    """Timestamps every frame the compositor hands to `App._display`."""

    def __init__(self, app: App[Any], render: bool = True) -> None:
        self.app = app
        self.frames: list[float] = []
        self._event = asyncio.Event()
        original: Callable[[Any, Any], None] = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            if render and isinstance(renderable, CompositorUpdate):
                # Headless apps skip this; a real terminal driver pays for it on every frame.
                renderable.render_segments(app.console)
            self.frames.append(perf())
            self._event.set()

        app._display = display  # type: ignore[method-assign]

    async def frame_after(self, moment: float, timeout: float = 10.0) -> float:
        """The time of the first frame finished after `moment` (waiting for it if need be)."""
        deadline = perf() + timeout
        while True:
            at = bisect.bisect_right(self.frames, moment)
            if at < len(self.frames):
                return self.frames[at]
            remaining = deadline - perf()
            if remaining <= 0:
                raise TimeoutError("no frame was painted")
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                raise TimeoutError("no frame was painted") from None


class Stamp:
    """Wraps an instance method so each call records when it returned."""

    def __init__(self, obj: object, name: str) -> None:
        self.calls: list[float] = []
        self._event = asyncio.Event()
        original = getattr(obj, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            self.calls.append(perf())
            self._event.set()
            return result

        wrapper.__signature__ = inspect.signature(original)  # type: ignore[attr-defined]
        setattr(obj, name, wrapper)

    async def call_after(self, moment: float, timeout: float = 10.0) -> float:
        deadline = perf() + timeout
        while True:
            at = bisect.bisect_right(self.calls, moment)
            if at < len(self.calls):
                return self.calls[at]
            remaining = deadline - perf()
            if remaining <= 0:
                raise TimeoutError("not called")
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                raise TimeoutError("not called") from None


async def settle(seconds: float = 0.05) -> None:
    """Let pending frames and messages go by before the next measurement."""
    await asyncio.sleep(seconds)


async def time_keys(
    app: App[Any],
    probe: FrameProbe,
    changed: Stamp,
    keys: Sequence[str],
    gap: float = 0.02,
) -> tuple[list[float], list[float]]:
    """Press each key; return (key->handler done, key->frame painted) durations."""
    handler: list[float] = []
    paint: list[float] = []
    for key in keys:
        started = send_key(app, key)
        done = await changed.call_after(started)
        frame = await probe.frame_after(done)
        handler.append(done - started)
        paint.append(frame - started)
        await settle(gap)
    return handler, paint


# -- synthetic rows -----------------------------------------------------------------------------

TITLE_WORDS = str.split(
    "Penguatan Kapasitas OMS Pertemuan Rutin Jaringan Rumah Inklusi Jawa Timur Pelatihan Desa "
    "Perempuan Disabilitas Kesetaraan Gender Advokasi Program MADANI INKLUSI LPKP Forum "
    "Pembelajaran Bersama Implementasi Kegiatan Masyarakat Sipil Pasuruan Surabaya Makassar"
)
SOURCES = ("Kompasiana", "detikNews", "Kompas.com", "INKLUSI", "Tempo.co", "Antara", None)


def _value_for(name: str, annotation: object, index: int, rng: random.Random, titles: list[str]) -> Any:
    text = str(annotation)
    if name in {"key", "id", "rowid"}:
        return index if "int" in text else f"{index:016x}"
    if name == "title":
        return titles[index % len(titles)]
    if name == "date":
        return dt.datetime(2019, 1, 1) + dt.timedelta(minutes=rng.randrange(3_600_000))
    if name == "source":
        return SOURCES[index % len(SOURCES)]
    if name == "words":
        return 200 + (index * 7919) % 1200
    if name == "path":
        return f"/corpus/part-{index // 10_000:03d}/{index:07d}.txt"
    if "bool" in text:
        return False
    if "int" in text:
        return 0
    if "float" in text:
        return 0.0
    if "None" in text or "Optional" in text:
        return None
    if "str" in text:
        return ""
    if "tuple" in text:
        return ()
    return None


def row_factory() -> tuple[type[Any], Callable[[int], Any], str]:
    """Build synthetic `tui.library.Row`s, whatever the fields turn out to be.

    Returns (Row class, maker, origin); origin is "tui.library" or "stub" when the store module
    is not written yet (then a stand-in Row with the fields the list reads is installed).
    """
    origin = "tui.library"
    try:
        from tui.library import Row
    except ImportError:
        origin = "stub"

        @dataclasses.dataclass(frozen=True, slots=True)
        class Row:  # type: ignore[no-redef]
            key: int
            title: str
            date: dt.datetime | None
            source: str | None
            words: int

        stub = types.ModuleType("tui.library")
        stub.Row = Row  # type: ignore[attr-defined]
        stub.Library = object  # type: ignore[attr-defined]
        sys.modules["tui.library"] = stub

    rng = random.Random(7)
    titles = [" ".join(rng.choices(TITLE_WORDS, k=rng.randint(5, 14))) for _ in range(20_000)]
    if dataclasses.is_dataclass(Row):
        hints = typing.get_type_hints(Row) if origin == "tui.library" else {}
        fields = [
            (f.name, hints.get(f.name, f.type))
            for f in dataclasses.fields(Row)
            if f.init
            and (
                f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING
                or f.name in {"key", "title", "date", "source", "words", "path"}
            )
        ]
    elif hasattr(Row, "_fields"):  # NamedTuple
        annotations = getattr(Row, "__annotations__", {})
        defaults = getattr(Row, "_field_defaults", {})
        fields = [
            (name, annotations.get(name, ""))
            for name in Row._fields
            if name not in defaults or name in {"key", "title", "date", "source", "words"}
        ]
    else:
        params = inspect.signature(Row).parameters.values()
        fields = [(p.name, p.annotation) for p in params]

    def make(index: int) -> Any:
        values = {name: _value_for(name, ann, index, rng, titles) for name, ann in fields}
        return Row(**values)

    return Row, make, origin


# -- the benchmark ------------------------------------------------------------------------------


async def run(rows_count: int, filtered_count: int, repeat: int) -> dict[str, Any]:
    _, make, origin = row_factory()
    from tui.widgets.article_list import ArticleList

    class ListApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ArticleList(id="articles")

    result: dict[str, Any] = {
        "rows": rows_count,
        "filtered": filtered_count,
        "row_class": origin,
        "textual_fps": int(os.environ.get("TEXTUAL_FPS", "60")),
    }
    started = perf()
    rows = {i: make(i) for i in range(rows_count)}
    keys = list(range(rows_count))
    result["build_rows_s"] = round(perf() - started, 3)
    rng = random.Random(11)
    filtered = sorted(rng.sample(keys, filtered_count))
    gc.collect()
    gc.freeze()  # the million rows are permanent: keep the collector from re-walking them

    app = ListApp()
    async with app.run_test(size=(120, 36)) as pilot:
        probe = FrameProbe(app)
        article_list = app.query_one(ArticleList)
        article_list.focus()
        await pilot.pause()
        await settle(0.1)

        async def timed_show(shown: Sequence[int]) -> dict[str, float]:
            begin = perf()
            article_list.show(rows, shown)
            returned = perf()
            frame = await probe.frame_after(returned)
            await settle(0.05)
            return {"show_ms": ms(returned - begin), "to_first_paint_ms": ms(frame - begin)}

        result["show_all"] = await timed_show(keys)
        result["show_filtered"] = await timed_show(filtered)
        result["show_all_again"] = await timed_show(keys)
        assert len(article_list.keys) == rows_count

        changed = Stamp(article_list, "watch_cursor")
        handler, paint = await time_keys(app, probe, changed, ["down"] * repeat)
        result["cursor_down"] = {"handler": summary(handler), "paint": summary(paint)}
        handler, paint = await time_keys(app, probe, changed, ["pagedown"] * repeat)
        result["page_down"] = {"handler": summary(handler), "paint": summary(paint)}
        jumps = ["end", "home"] * max(1, repeat // 4)
        handler, paint = await time_keys(app, probe, changed, jumps)
        result["end_home"] = {"handler": summary(handler), "paint": summary(paint)}

        article_list.show(rows, filtered)
        await settle(0.1)
        handler, paint = await time_keys(app, probe, changed, ["pagedown"] * (repeat // 2))
        result["page_down_filtered"] = {"handler": summary(handler), "paint": summary(paint)}

    result["peak_rss"] = peak_rss_mb()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--filtered", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=200, help="presses per key kind")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.rows, min(args.filtered, args.rows), args.repeat))
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
