"""A browser tab without a browser: `kliping serve` in a subprocess, the page's websocket, pyte.

textual-serve's page opens `/ws?width=W&height=H`, sends keys as `["stdin", text]` and draws the
binary frames (the app's terminal output) with xterm.js; text frames carry `open_url` and
`deliver_file_start`. Here the frames are replayed through pyte, a terminal emulator, so a test
reads the screen a user would see. Used by tests/web/ and benchmarks/bench_web.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
import pyte

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """`python -m tui serve ARGS` on a free loopback port, in a session of its own."""

    def __init__(
        self, args: Sequence[str], *, env: dict[str, str] | None = None, pythonpath: Sequence[str] = ()
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "tui", "serve", "--port", str(self.port), *args]
        environment = dict(os.environ if env is None else env)
        environment["PYTHONPATH"] = os.pathsep.join([*pythonpath, str(ROOT)])
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.out = ""
        self.err = ""
        self.killed = False  # it did not end on Ctrl+C

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the server ended: {self.err or self.out}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError("the server did not answer")

    def session_processes(self) -> list[int]:
        """The server and every process it started (they share its session), by /proc."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[3]) == self.process.pid:  # state, ppid, pgrp, session
                found.append(int(stat.parent.name))
        return found

    def stop(self) -> None:
        """Ctrl+C, as a user stops it; then whatever is left of its session, which the test started."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            out, err = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.killed = True
            os.killpg(self.process.pid, signal.SIGKILL)
            out, err = self.process.communicate()
        self.out, self.err = out.decode(errors="replace"), err.decode(errors="replace")

    def __enter__(self) -> Server:
        self.wait_ready()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Page:
    """One tab: the websocket the page opens, its terminal frames replayed through pyte."""

    def __init__(self, url: str, columns: int = 120, lines: int = 35) -> None:
        self.url = url
        self.columns, self.lines = columns, lines
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()  # every byte of the terminal, OSC sequences included
        self.messages: list[list[Any]] = []  # the text frames: open_url, deliver_file_start…
        self.frames: list[tuple[float, bytes]] = []  # (time.monotonic() of arrival, bytes)
        self._replayed = 0  # frames fed to pyte so far
        self.closed = asyncio.Event()
        self._changed = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Page:
        self._session = aiohttp.ClientSession()
        ws = f"{self.url.replace('http', 'ws', 1)}/ws?width={self.columns}&height={self.lines}"
        self._socket = await self._session.ws_connect(ws)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await self._reader
        if self._session is not None:
            await self._session.close()

    async def _read(self) -> None:
        assert self._socket is not None
        async for message in self._socket:
            if message.type == aiohttp.WSMsgType.BINARY:
                # Only kept here: replaying a frame takes pyte milliseconds, which would delay
                # the next frame's arrival time (bench_web.py times them); text() replays.
                data = bytes(message.data)
                self.frames.append((time.monotonic(), data))
                self.raw.extend(data)
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.messages.append(json.loads(message.data))
            self._changed.set()
        self.closed.set()
        self._changed.set()

    async def press(self, *keys: str) -> None:
        """Keys as the page sends them: `["stdin", text]`, one message per key."""
        assert self._socket is not None
        for key in keys:
            await self._socket.send_json(["stdin", key])

    async def type(self, text: str) -> None:
        await self.press(*text)

    def text(self) -> str:
        for _t, data in self.frames[self._replayed :]:
            self.stream.feed(data)
        self._replayed = len(self.frames)
        return "\n".join(self.screen.display)

    async def wait_for(self, check: Callable[[str], bool] | str, timeout: float = 20) -> str:
        """The screen once `check` holds for it (a string: once it shows that text)."""
        test = (lambda screen: check in screen) if isinstance(check, str) else check
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            if test(screen):
                return screen
            left = deadline - time.monotonic()
            if left <= 0 or self.closed.is_set():
                raise AssertionError(f"not on the page after {timeout} s:\n{screen}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def wait_for_message(self, kind: str, timeout: float = 20) -> list[Any]:
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages:
                if message and message[0] == kind:
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or self.closed.is_set():
                raise AssertionError(f"no {kind} message; got {self.messages}\n{self.text()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
