"""What the eye sees: kliping in a real pseudo-terminal, every output byte timed and replayed.

    python benchmarks/bench_pty.py [--size 100000] [--pause 0.4] [--fps 240] [--skip-cold]

Starts `python -m tui CORPUS` on a pty of 120x40 (TERM=xterm-256color, cache, data and config
dirs in a temporary folder of its own) and logs every chunk the app writes with the
`time.monotonic()` of its arrival, in a reader thread that does nothing else. First a cold run
(it builds the cache), then a warm run: wait for the screen to be quiet, press `/`, type
`penguatan kapasitas` one key at a time with `--pause` after each, wait for quiet, leave.
Afterwards the log is replayed offline through pyte (a terminal emulator), screen state after
every chunk, and for each key: the time from writing the key to the first change of the list's
rows on screen, and to their last change before the next key. The same keys go to an empty
Textual app (an Input and a Static that echoes it, at the same frame rate): the floor.

Prints one JSON object. A frame-by-frame account of each key (which rows, the status line, the
snippet line, the reader) goes to `benchmarks/out/pty-frames-N.txt`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import itertools
import json
import os
import pty
import shutil
import signal
import struct
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import OUT, commit, ensure_corpus  # noqa: E402

COLUMNS, LINES = 120, 40
TEXT = "penguatan kapasitas"
SCROLLBAR = 2  # Textual's vertical scrollbar: the last two columns inside the list's border
SMALL_CHUNK = 2048  # a blinking cursor's repaint is smaller than this; a frame of the list is not
FRAME_GAP = 0.003  # chunks closer than this are one frame (the pty hands a large write over in pieces)
IGNORED_ROWS = 3  # the filter bar (or the floor's Input): its cursor blinks, so quiet ignores it
LOADING = "loading…"  # what the status line shows while loading (tui/widgets/status.py)
CORNERS_TOP = "╭┏"
CORNERS_TOP_RIGHT = "╮┓"
CORNERS_BOTTOM = "╰┗"


# -- the child on a pty ---------------------------------------------------------------------------


class Terminal:
    """A process on a pseudo-terminal of its own; every output chunk is logged with its time."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], cwd: Path) -> None:
        self.chunks: list[tuple[float, bytes]] = []
        self.keys: list[tuple[float, str]] = []
        self.status: int | None = None
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before the app can ask, then become the app
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
                os.chdir(cwd)
                os.execve(argv[0], list(argv), env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self._closed = False
        self.monitor = Monitor()
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        # Nothing but read and timestamp: the replay happens after the run.
        chunks, read, clock, fd = self.chunks, os.read, time.monotonic, self.fd
        while True:
            try:
                data = read(fd, 1 << 16)
            except OSError:  # EIO: the child's side is closed
                return
            if not data:
                return
            chunks.append((clock(), data))

    def alive(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is None

    def send(self, data: bytes, name: str) -> float:
        sent = time.monotonic()
        os.write(self.fd, data)
        self.keys.append((sent, name))
        return sent

    def last_output(self) -> float | None:
        chunks = self.chunks
        return chunks[-1][0] if chunks else None

    def wait_quiet(
        self,
        quiet: float,
        timeout: float,
        ready: Callable[[Replay], bool] | None = None,
        *,
        blink: bool = True,
    ) -> float:
        """Wait until the screen outside the top rows (the input's blinking cursor) stays still.

        Returns the time of the last chunk that changed the screen there, once `quiet` seconds
        have passed without another and `ready(screen)` holds. The log is replayed only when the
        raw output looks quiet (nothing for `quiet` seconds, or with `blink` only small chunks),
        so the check takes no time from the app while it paints. Raises TimeoutError, or RuntimeError when the
        child exits.
        """
        monitor = self.monitor
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"the app exited (status {self.status}): {self.tail()!r}")
            now = time.monotonic()
            chunks = self.chunks
            since = now - quiet
            recent = itertools.takewhile(lambda c, since=since: c[0] >= since, reversed(chunks))
            if chunks and all(blink and len(data) <= SMALL_CHUNK for _t, data in recent):
                monitor.catch_up(chunks)
                last = monitor.last_change
                if last is not None and now - last >= quiet and (ready is None or ready(monitor.replay)):
                    return last
            time.sleep(0.1)
        raise TimeoutError(f"the screen was not quiet within {timeout:.0f} s")

    def tail(self) -> bytes:
        return b"".join(data for _t, data in self.chunks[-5:])[-600:]

    def close(self, timeout: float = 8.0) -> None:
        """Wait for the app to exit, then end its whole process group (parse workers included)."""
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.pid, sig)  # pty.fork made the child a session (and group) leader
            except (ProcessLookupError, PermissionError):
                break
            grace = time.monotonic() + 2.0
            while self.alive() and time.monotonic() < grace:
                time.sleep(0.05)
        if self.alive():
            os.waitpid(self.pid, 0)
        if not self._closed:
            self._closed = True
            os.close(self.fd)
        self._reader.join(timeout=2.0)


class Monitor:
    """The log replayed as far as it has come, during a run: when did the screen last change?"""

    def __init__(self) -> None:
        self.replay = Replay()
        self.done = 0
        self.last_change: float | None = None

    def catch_up(self, chunks: Sequence[tuple[float, bytes]]) -> None:
        new = chunks[self.done :]
        self.done += len(new)
        for t, data in new:
            if any(y >= IGNORED_ROWS for y in self.replay.feed(data)):
                self.last_change = t


# -- the replay -----------------------------------------------------------------------------------

Row = tuple[Any, ...]  # one screen row: pyte Chars (text, colours, bold, italics, ...)


class Replay:
    """A pyte screen fed chunk by chunk; each feed tells which rows changed, with the old rows."""

    def __init__(self) -> None:
        import pyte

        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        blank = self._row(0)
        self.rows: list[Row] = [blank] * LINES
        self.screen.dirty.clear()
        self.fed = 0

    def _row(self, y: int) -> Row:
        line = self.screen.buffer[y]
        return tuple(line[x] for x in range(COLUMNS))

    def feed(self, data: bytes) -> dict[int, Row]:
        """Feed a chunk; returns {row: its content before} for the rows whose cells changed."""
        self.stream.feed(data)
        self.fed += 1
        changed: dict[int, Row] = {}
        for y in self.screen.dirty:
            if 0 <= y < LINES:
                row = self._row(y)
                if row != self.rows[y]:
                    changed[y] = self.rows[y]
                    self.rows[y] = row
        self.screen.dirty.clear()
        return changed

    def text(self, y: int, x0: int = 0, x1: int = COLUMNS) -> str:
        return "".join(c.data for c in self.rows[y][x0:x1])


@dataclass
class Box:
    """Rows y0..y1-1 and columns x0..x1-1 of the screen."""

    y0: int
    y1: int
    x0: int
    x1: int

    def changed(self, replay: Replay, old: dict[int, Row]) -> list[int]:
        return [
            y
            for y in range(self.y0, self.y1)
            if y in old and old[y][self.x0 : self.x1] != replay.rows[y][self.x0 : self.x1]
        ]


@dataclass
class Layout:
    """Where kliping's panes are on screen: found from the list's border, as drawn."""

    top: int  # the list's top border row
    bottom: int  # the list's bottom border row
    right: int  # the list's right border column

    @property
    def rows(self) -> Box:
        """The list's rows: inside the border, without the scrollbar."""
        return Box(self.top + 1, self.bottom, 1, self.right - SCROLLBAR)

    @property
    def inside(self) -> Box:
        """Inside the list's border, scrollbar included."""
        return Box(self.top + 1, self.bottom, 1, self.right)

    @property
    def scrollbar(self) -> Box:
        return Box(self.top + 1, self.bottom, self.right - SCROLLBAR, self.right)

    @property
    def status(self) -> Box:
        """The status line (and the progress bar while loading) under the list."""
        return Box(self.bottom + 1, LINES - 1, 0, self.right + 1)

    @property
    def filter(self) -> Box:
        return Box(0, self.top, 0, COLUMNS)

    @property
    def reader(self) -> Box:
        return Box(self.top, LINES - 1, self.right + 1, COLUMNS)

    @property
    def footer(self) -> Box:
        return Box(LINES - 1, LINES, 0, COLUMNS)


def find_layout(replay: Replay) -> Layout | None:
    rows = replay.rows
    top = next((y for y in range(1, LINES) if rows[y][0].data in CORNERS_TOP), None)
    if top is None:
        return None
    right = next((x for x in range(1, COLUMNS) if rows[top][x].data in CORNERS_TOP_RIGHT), None)
    bottom = next((y for y in range(top + 1, LINES) if rows[y][0].data in CORNERS_BOTTOM), None)
    if right is None or bottom is None:
        return None
    return Layout(top, bottom, right)


def status_text(replay: Replay, layout: Layout) -> str:
    box = layout.status
    return " / ".join(t for t in (replay.text(y, box.x0, box.x1).strip() for y in range(box.y0, box.y1)) if t)


def shows_rows(replay: Replay, layout: Layout) -> bool:
    """Is at least one article row on screen? (Titles start in the fourth column inside the border.)"""
    box = layout.rows
    return any(replay.text(y, box.x0 + 3, box.x1).strip() for y in range(box.y0, box.y1))


# -- statistics -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stats(values: Sequence[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 0.5), 1),
        "p90_ms": round(percentile(values, 0.9), 1),
        "max_ms": round(max(values), 1),
        "mean_ms": round(sum(values) / len(values), 1),
    }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def secs(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


# -- measuring a run ------------------------------------------------------------------------------


@dataclass
class KeyReport:
    name: str
    sent: float
    until: float  # the next key's write, or the end of typing
    first: float | None = None  # region's first change, seconds after the key
    last: float | None = None
    first_any: float | None = None  # any change on screen
    last_with_scrollbar: float | None = None
    list_frames: int = 0  # frames (chunks < 3 ms apart) that changed the region: 1 is a still list
    lines: list[str] = field(default_factory=list)  # the frame-by-frame account


def measure_keys(
    term: Terminal,
    typed: Sequence[tuple[float, str]],
    end: float,
    region_of: Callable[[Replay], tuple[Box, Box, Layout | None]],
) -> tuple[list[KeyReport], float | None, float | None, float | None]:
    """Replay the whole log; per typed key, when its region (and anything) changed.

    Times are those of the chunks (a frame larger than the pty's buffer arrives in several).
    Returns the key reports and, for the start, the time of the first rows, of loading done
    (status without "loading…") and of the first output (seconds after launch).
    """
    replay = Replay()
    reports = [
        KeyReport(name, sent, typed[i + 1][0] if i + 1 < len(typed) else end)
        for i, (sent, name) in enumerate(typed)
    ]
    first_rows = loaded = first_frame = None
    seen_loading = False
    current = -1
    frame = Frame(replay.rows)

    def close_frame() -> None:
        nonlocal frame
        if frame.key is not None and frame.moved_region:
            frame.key.list_frames += 1
        if frame.key is not None and frame.changed:
            layout = find_layout(replay)
            if layout is not None:
                frame.key.lines.append(frame.describe(replay, layout))
        frame = Frame(replay.rows)

    for t, data in term.chunks:
        while current + 1 < len(reports) and t >= reports[current + 1].sent:
            current += 1
        key = reports[current] if current >= 0 and t < reports[current].until else None
        if frame.changed and (t - frame.end > FRAME_GAP or key is not frame.key):
            close_frame()
        old = replay.feed(data)
        if not old:
            continue
        frame.add(t, len(data), old, key)
        if first_frame is None:
            first_frame = t - term.started
        region, wide, layout = region_of(replay)
        if layout is not None and (first_rows is None or loaded is None):
            if first_rows is None and shows_rows(replay, layout):
                first_rows = t - term.started
            status = status_text(replay, layout)
            if LOADING in status:
                seen_loading = True
            elif loaded is None and first_rows is not None and (seen_loading or " of " in status):
                loaded = t - term.started
        if key is None:
            continue
        after = t - key.sent
        if key.first_any is None:
            key.first_any = after
        if region.changed(replay, old):
            frame.moved_region = True
            key.first = after if key.first is None else key.first
            key.last = after
        if wide.changed(replay, old):
            key.last_with_scrollbar = after
    close_frame()
    return reports, first_rows, loaded, first_frame


class Frame:
    """Chunks that arrive together (a frame the pty handed over in pieces), for the account."""

    def __init__(self, rows: list[Row]) -> None:
        self.before = list(rows)  # the screen before the frame
        self.changed: set[int] = set()
        self.start = self.end = 0.0
        self.size = 0
        self.key: KeyReport | None = None
        self.moved_region = False

    def add(self, t: float, size: int, old: dict[int, Row], key: KeyReport | None) -> None:
        if not self.changed:
            self.start = t
        self.end = t
        self.size += size
        self.changed.update(old)
        self.key = key

    def describe(self, replay: Replay, layout: Layout) -> str:
        """The frame's changes in words: which list rows (new, moved), snippet, status, reader."""
        assert self.key is not None
        old = {y: self.before[y] for y in self.changed}
        parts = []
        if layout.filter.changed(replay, old):
            parts.append(f"filter {replay.text(layout.top - 2, 2, 60).strip()!r}")
        rows = layout.rows
        changed = rows.changed(replay, old)
        if changed:
            parts.append(self._list(replay, rows, changed))
        if layout.scrollbar.changed(replay, old):
            parts.append("scrollbar")
        edge = [y for y in Box(layout.top, layout.bottom + 1, 0, layout.right + 1).changed(replay, old)]
        if any(y in (layout.top, layout.bottom) for y in edge):
            parts.append("list border")
        if layout.status.changed(replay, old):
            parts.append(f"status [{status_text(replay, layout)}]")
        reader = layout.reader.changed(replay, old)
        if reader:
            box = layout.reader
            lines = (replay.text(y, box.x0 + 1, box.x1 - 1).strip() for y in range(box.y0 + 1, box.y1 - 1))
            title = next((line for line in lines if line), "")
            parts.append(f"reader ({len(reader)} rows, {title[:24]!r})")
        if layout.footer.changed(replay, old):
            parts.append("footer")
        took = self.end - self.start
        when = f"+{(self.start - self.key.sent) * 1000:7.1f} ms"
        spread = f" ({took * 1000:.1f} ms, {self.size} B)"
        return f"  {when}{spread:>22}  " + ("; ".join(parts) or "(elsewhere)")

    def _list(self, replay: Replay, rows: Box, changed: list[int]) -> str:
        def text(row: Row) -> str:  # a row's text from the title on (the cursor column aside)
            return "".join(c.data for c in row[rows.x0 + 3 : rows.x1]).rstrip()

        old = [text(self.before[y]) for y in range(rows.y0, rows.y1)]
        seen = set(old)
        kinds = {"moved down 1": 0, "moved up 1": 0, "moved further": 0, "new": 0, "restyled": 0}
        for y in changed:
            i = y - rows.y0
            now = text(replay.rows[y])
            if now == old[i]:
                kinds["restyled"] += 1  # same text: the cursor's colour, bold for unread, a match
            elif i > 0 and now == old[i - 1]:
                kinds["moved down 1"] += 1
            elif i + 1 < len(old) and now == old[i + 1]:
                kinds["moved up 1"] += 1
            elif now in seen:
                kinds["moved further"] += 1
            else:
                kinds["new"] += 1
        n = rows.y1 - rows.y0
        snippet = [
            y - rows.y0 + 1
            for y in range(rows.y0, rows.y1)
            if replay.rows[y][rows.x0 + 3].italics and replay.text(y, rows.x0 + 3, rows.x1).strip()
        ]
        cursor = [y - rows.y0 + 1 for y in range(rows.y0, rows.y1) if replay.rows[y][rows.x0].data == "›"]
        spans = _spans([y - rows.y0 + 1 for y in changed])
        snippet_text = ""
        if snippet:
            snippet_text = replay.text(rows.y0 + snippet[0] - 1, rows.x0 + 3, rows.x0 + 27).strip()
        detail = ", ".join(f"{count} {kind}" for kind, count in kinds.items() if count)
        top = replay.text(rows.y0, rows.x0 + 3, rows.x0 + 28).strip()
        return (
            f"list rows {spans} of {n} ({detail}); cursor at {cursor[0] if cursor else '-'}, "
            + (f"snippet line at {snippet[0]} {snippet_text!r}" if snippet else "no snippet")
            + f", row 1 {top!r}"
        )


def _spans(numbers: Sequence[int]) -> str:
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def key_summary(reports: Sequence[KeyReport]) -> dict[str, Any]:
    firsts = [k.first * 1000 for k in reports if k.first is not None]
    lasts = [k.last * 1000 for k in reports if k.last is not None]
    wide = [k.last_with_scrollbar * 1000 for k in reports if k.last_with_scrollbar is not None]
    return {
        "first_change": stats(firsts),
        "last_change": stats(lasts),
        "last_change_with_scrollbar": stats(wide),
        "no_change": [k.name for k in reports if k.first is None],
        # A still list changes once per key; more is the list moving again after its first change.
        "keys_changed_more_than_once": sum(1 for k in reports if k.list_frames > 1),
        "keys": [
            {
                "key": k.name,
                "first_ms": None if k.first is None else ms(k.first),
                "last_ms": None if k.last is None else ms(k.last),
                "list_frames": k.list_frames,
                "first_any_ms": None if k.first_any is None else ms(k.first_any),
            }
            for k in reports
        ],
    }


def key_bytes(char: str) -> bytes:
    return char.encode()


def type_keys(term: Terminal, text: str, pause: float) -> list[tuple[float, str]]:
    """Type `text` a key at a time, each `pause` after the one before (on a fixed schedule)."""
    typed = []
    next_at = time.monotonic()
    for char in text:
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sent = term.send(key_bytes(char), char)
        typed.append((sent, char))
        next_at = sent + pause
    delay = next_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    return typed


def is_loaded(replay: Replay) -> bool:
    """Is the list showing rows, with loading over? (For wait_quiet, on the replayed screen.)"""
    layout = find_layout(replay)
    return layout is not None and shows_rows(replay, layout) and LOADING not in status_text(replay, layout)


def kliping_region(replay: Replay) -> tuple[Box, Box, Layout | None]:
    layout = find_layout(replay)
    if layout is None:
        return Box(0, 0, 0, 0), Box(0, 0, 0, 0), None
    return layout.rows, layout.inside, layout


def floor_region(replay: Replay) -> tuple[Box, Box, Layout | None]:
    box = Box(3, LINES, 0, COLUMNS)  # under the Input (3 rows, docked at the top)
    return box, box, None


def child_env(home: Path, fps: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL_")}
    for name in ("COLUMNS", "LINES", "COLORTERM", "NO_COLOR", "LC_ALL", "LANGUAGE"):
        env.pop(name, None)
    env.update(
        TERM="xterm-256color",
        LANG="C.UTF-8",
        TEXTUAL_FPS=str(fps),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
    )
    return env


def run_start(argv: Sequence[str], env: dict[str, str], quiet: float, timeout: float) -> dict[str, Any]:
    """Launch, wait until loaded and quiet, quit: the cold run."""
    load = os.getloadavg()
    term = Terminal(argv, env, ROOT)
    try:
        last = term.wait_quiet(quiet, timeout, is_loaded, blink=False)
        # The index is whole once its segments are merged, which the screen does not show: the
        # app's CPU falls quiet then (the merges run in a thread of its own process).
        idle = wait_cpu_idle(term.pid, timeout)
        # Then the near-duplicate groups, made in a child process after a first load: left
        # unfinished, the next start (the typing run) would make them while the keys are timed.
        grouped = wait_cpu_idle(term.pid, timeout, tree_cpu_seconds)
        term.send(b"q", "q")
        term.close()
    finally:
        term.close(timeout=0)
    _reports, first_rows, loaded, first_frame = measure_keys(term, [], last, kliping_region)
    return {
        "load_before": [round(x, 2) for x in load],
        "first_frame_s": secs(first_frame),
        "first_rows_s": secs(first_rows),
        "loaded_s": secs(loaded),
        "quiet_s": secs(last - term.started),
        "index_merged_s": secs(idle - term.started),
        "groups_made_s": secs(grouped - term.started),
        "bytes": sum(len(d) for _t, d in term.chunks),
        "chunks": len(term.chunks),
    }


def same_first_screens(home: Path, text: str, keys: Sequence[dict[str, Any]]) -> bool | None:
    """Whether every key that changed nothing in the list had the same first screenful of
    answers as the key before (asked of the run's cache once the app is gone): then nothing in
    the list could change."""
    from tui.library import Library
    from tui.query import parse

    found = sorted((home / "cache").rglob("library-*.sqlite3"))
    if not found:
        return None
    library = Library(found[0])
    try:
        pages = [library.search(parse(text[:n]), limit=LINES).keys for n in range(len(text) + 1)]
    finally:
        library.close()
    unchanged = [n for n, key in enumerate(keys, 1) if key["first_ms"] is None]
    return all(pages[n] == pages[n - 1] for n in unchanged)


CPU_WINDOW = 1.0  # seconds over which the app's CPU is measured
CPU_IDLE = 0.05  # CPU seconds in that window below which the app is idle


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and every process under it (live ones, and the ones it has reaped):
    the near-duplicate grouping runs in a child process after a first load."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        todo.extend(child for child, parent in parents.items() if parent == current)
    return total


def wait_cpu_idle(pid: int, timeout: float, measure: Callable[[int], float] = cpu_seconds) -> float:
    """The time a process's CPU use fell below CPU_IDLE a second, and stayed there for a second."""
    deadline = time.monotonic() + timeout
    before, since = measure(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(CPU_WINDOW)
        now, used = time.monotonic(), measure(pid)
        if used - before < CPU_IDLE * CPU_WINDOW:
            return since
        before, since = used, now
    raise TimeoutError("the app kept working")


def run_typing(
    argv: Sequence[str],
    env: dict[str, str],
    *,
    floor: bool,
    text: str,
    pause: float,
    quiet: float,
    timeout: float,
) -> tuple[dict[str, Any], list[KeyReport]]:
    """Launch, wait for quiet, (press / and) type `text` paced, wait for quiet, quit."""
    load = os.getloadavg()
    term = Terminal(argv, env, ROOT)
    slash: float | None = None
    try:
        ready = None if floor else is_loaded
        start_quiet = term.wait_quiet(quiet, timeout, ready, blink=floor)
        if not floor:
            slash = term.send(b"/", "/")
            time.sleep(pause)
        typed = type_keys(term, text, pause)
        end_quiet = term.wait_quiet(quiet, 60.0)
        # The last key's window ends with its last change: a quiet second and a half later, the
        # app marks the article under the cursor read (2 s of rest), which is not the answer moving.
        end = end_quiet + 0.001
        if floor:
            term.send(b"\x11", "ctrl+q")
        else:
            term.send(b"\x1b", "escape")  # leaves the filter bar (and clears it)
            time.sleep(0.5)
            term.send(b"q", "q")
        term.close()
    finally:
        term.close(timeout=0)
    region = floor_region if floor else kliping_region
    measured: list[tuple[float, str]] = ([(slash, "/")] if slash is not None else []) + typed
    reports, first_rows, loaded, first_frame = measure_keys(term, measured, end, region)
    slash_report = reports.pop(0) if slash is not None else None
    result: dict[str, Any] = {
        "load_before": [round(x, 2) for x in load],
        "first_frame_s": secs(first_frame),
        "quiet_s": secs(start_quiet - term.started),
    }
    if not floor:
        result["first_rows_s"] = secs(first_rows)
        result["loaded_s"] = secs(loaded)
        if slash_report is not None and slash_report.first_any is not None:
            result["slash_first_change_ms"] = ms(slash_report.first_any)
    result.update(key_summary(reports))
    result["typing_end_quiet_after_last_key_ms"] = ms(end_quiet - typed[-1][0])
    result["bytes"] = sum(len(d) for _t, d in term.chunks)
    if slash_report is not None:
        reports.insert(0, slash_report)
    return result, reports


# -- the floor: an empty Textual app ---------------------------------------------------------------


def floor_app() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Static

    class Floor(App[None]):
        CSS = "Input { dock: top; } #echo { height: 1fr; }"

        def compose(self) -> ComposeResult:
            yield Input(id="input")
            yield Static("", id="echo")

        def on_input_changed(self, event: Input.Changed) -> None:
            self.query_one("#echo", Static).update(event.value)

    Floor().run()


# -- corpus, commit, report -----------------------------------------------------------------------


def ratio(a: dict[str, Any], b: dict[str, Any], key: str) -> float | None:
    x, y = a.get(key), b.get(key)
    return round(x / y, 2) if x and y else None


def frames_account(title: str, reports: Sequence[KeyReport]) -> str:
    lines = [f"== {title}"]
    for k in reports:
        first = "-" if k.first is None else f"{k.first * 1000:.1f}"
        last = "-" if k.last is None else f"{k.last * 1000:.1f}"
        lines.append(f"key {k.name!r}: region first {first} ms, last {last} ms, in {k.list_frames} frames")
        lines.extend(k.lines)
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="articles in the generated corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pause", type=float, default=0.4, help="seconds after each typed key")
    parser.add_argument("--fps", type=int, default=240, help="TEXTUAL_FPS for kliping and the floor")
    parser.add_argument("--quiet", type=float, default=1.5, help="seconds without output = quiet")
    parser.add_argument("--text", default=TEXT, help="what to type")
    parser.add_argument("--skip-cold", action="store_true", help="reuse the last run's cache")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for a start")
    parser.add_argument("--floor-app", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--library",
        metavar="URL",
        help="a team library on PostgreSQL to open instead of the corpus (no cold run)",
    )
    args = parser.parse_args(argv)
    if args.floor_app:
        floor_app()
        return 0

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # so the finally blocks end the children

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)

    corpus, info = ensure_corpus(args.size, args.seed)
    # One home per size, kept between runs so --skip-cold finds the cache the last cold run built.
    home = OUT / f"pty-home-{args.size}"
    if not args.skip_cold:
        shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True, exist_ok=True)
    env = child_env(home, args.fps)
    kliping = [sys.executable, "-m", "tui", str(corpus)]
    if args.library:  # the same keys over a team library (benchmarks/bench_pg.py --keep fills one)
        kliping = [sys.executable, "-m", "tui", "--library", args.library]
        args.skip_cold = True
    report: dict[str, Any] = {
        "benchmark": "bench_pty",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "size": args.size,
        "corpus": info,
        "screen": f"{COLUMNS}x{LINES}",
        "fps": args.fps,
        "pause_s": args.pause,
        "quiet_s": args.quiet,
        "text": args.text,
        "library": "postgresql" if args.library else "sqlite",
    }
    account = []
    if not args.skip_cold:
        report["cold"] = run_start(kliping, env, args.quiet, args.timeout)
    # The warm run keeps the cache and starts from a fresh reading state (nothing read, no history).
    for folder in ("data", "config"):
        shutil.rmtree(home / folder, ignore_errors=True)
    warm, reports = run_typing(
        kliping, env, floor=False, text=args.text, pause=args.pause, quiet=args.quiet, timeout=args.timeout
    )
    report["warm"] = warm
    if not args.library:
        warm["no_change_same_first_screen"] = same_first_screens(home, args.text, warm["keys"])
    account.append(frames_account(f"kliping, {args.size} articles, warm", reports))
    if not args.skip_floor:
        with tempfile.TemporaryDirectory(prefix="bench-pty-floor-") as floor_home:
            floor, reports = run_typing(
                [sys.executable, str(Path(__file__).resolve()), "--floor-app"],
                child_env(Path(floor_home), args.fps),
                floor=True,
                text=args.text,
                pause=args.pause,
                quiet=args.quiet,
                timeout=120.0,
            )
        report["floor"] = floor
        account.append(frames_account("floor: Input + Static", reports))
        report["ratio"] = {
            name: ratio(warm[part], floor[part], stat)
            for name, part, stat in (
                ("first_p50", "first_change", "p50_ms"),
                ("first_p90", "first_change", "p90_ms"),
                ("last_p50", "last_change", "p50_ms"),
                ("last_p90", "last_change", "p90_ms"),
            )
        }
    frames_file = OUT / f"pty-frames-{args.size}.txt"
    frames_file.write_text("\n".join(account))
    report["frames_file"] = str(frames_file.relative_to(ROOT))
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
