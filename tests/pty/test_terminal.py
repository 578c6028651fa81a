"""Real-terminal tests: the installed command in a pseudo-terminal, its output read by a terminal emulator.

Pilot tests drive the app headless; these check what only a real terminal shows: that the
command starts, answers keys, and on `q` exits 0 and hands the terminal back (alternate
screen left, cursor shown), at a large and at the classic 80x24 size.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

KOMPASIANA = "Dukung Penguatan Kapasitas OMS"
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
SHOW_CURSOR = b"\x1b[?25h"


def command() -> list[str]:
    """The installed `kliping` beside this Python, else on PATH, else `python -m tui`."""
    beside = Path(sys.executable).with_name("kliping")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("kliping")
    return [found] if found else [sys.executable, "-m", "tui"]


class Terminal:
    """A child process in a pty whose output is fed to a pyte screen, as a terminal would show it."""

    def __init__(
        self, args: list[str], cols: int, rows: int, home: Path, program: list[str] | None = None
    ) -> None:
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(cols),
            "LINES": str(rows),
            **{
                name: str(home / name.lower())
                for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
            },
        }
        env.pop("NO_COLOR", None)
        env.pop("TEXTUAL", None)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        program, *rest = (program or command()) + args
        self.child = pexpect.spawn(program, rest, dimensions=(rows, cols), env=env, timeout=10)

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, seconds: float = 0.05) -> bool:
        """Feed whatever the program wrote within `seconds`; False once it has exited."""
        try:
            data = self.child.read_nonblocking(65536, timeout=seconds)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.raw += data
        self.stream.feed(data)
        return True

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 30) -> None:
        """Until the screen shows it; `timeout` is a ceiling, only reached when it fails."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.text):
                return
            if not self.pump():
                break
        if not predicate(self.text):
            pytest.fail(f"timed out waiting for {what}; the screen shows:\n{self.text}")

    def press(self, keys: str) -> None:
        self.child.send(keys)

    def exit_status(self, timeout: float = 30) -> int | None:
        """Read the program's last output, then its exit status, or None if it is still running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pump(0.1):
            pass
        self.child.close(force=False)
        status: int | None = self.child.exitstatus
        return status

    def kill(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


SIZES = [(120, 35), (80, 24)]


@pytest.fixture
def terminal(request: pytest.FixtureRequest, tmp_path: Path) -> Terminal:
    cols, rows = request.param
    term = Terminal(["--no-cache"], cols, rows, tmp_path)
    request.addfinalizer(term.kill)
    return term


def filter_to_the_kompasiana_article(terminal: Terminal) -> None:
    terminal.wait_for(lambda screen: "2 of 2 articles" in screen, "the seeds to load")
    terminal.press("/")
    time.sleep(0.2)  # the filter bar takes focus before the words arrive
    terminal.press("rumah inklusi")
    terminal.wait_for(lambda screen: "1 of 2 articles" in screen, "the filter to narrow the list")
    terminal.wait_for(lambda screen: KOMPASIANA in screen, "the reader to show the Kompasiana article")
    terminal.press("\r")
    time.sleep(0.2)


def quit_and_check_the_terminal_is_restored(terminal: Terminal) -> None:
    terminal.press("q")
    status = terminal.exit_status()
    assert status == 0, f"exit status {status}; the screen shows:\n{terminal.text}"
    raw = bytes(terminal.raw)
    assert b"Traceback" not in raw and "Traceback" not in terminal.text
    # The terminal is handed back: the last word on the alternate screen and the cursor is "restore".
    assert raw.rfind(LEAVE_ALTERNATE_SCREEN) > raw.rfind(b"\x1b[?1049h")
    assert raw.rfind(SHOW_CURSOR) > raw.rfind(b"\x1b[?25l")
    tail = raw[max(raw.rfind(LEAVE_ALTERNATE_SCREEN), raw.rfind(SHOW_CURSOR)) :]
    assert len(tail) < 200, f"output after the terminal was restored: {tail!r}"


@pytest.mark.parametrize("terminal", SIZES, indirect=True, ids=["120x35", "80x24"])
def test_filter_read_and_quit_restore_the_terminal(terminal: Terminal) -> None:
    filter_to_the_kompasiana_article(terminal)
    quit_and_check_the_terminal_is_restored(terminal)


@pytest.mark.parametrize(
    "terminal",
    [
        pytest.param((120, 35), id="120x35"),
        pytest.param((80, 24), id="80x24"),
    ],
    indirect=True,
)
def test_filter_read_help_and_quit_in_a_real_terminal(terminal: Terminal) -> None:
    filter_to_the_kompasiana_article(terminal)
    terminal.press("?")
    terminal.wait_for(lambda screen: "Keys" in screen and "Filter" in screen, "the help to open")
    for _ in range(40):  # a small terminal shows the first keys; the rest is a scroll away
        if "Quit" in terminal.text:
            break
        shown = terminal.text
        terminal.press("j")  # a line at a time, each drawn before the next: never scrolled past
        terminal.wait_for(lambda screen, shown=shown: screen != shown, "the help to scroll a line")
    terminal.wait_for(lambda screen: "Quit" in screen, "the help to list the keys")
    terminal.press("\x1b")
    terminal.wait_for(
        lambda screen: "Keys" not in screen and "1 of 2 articles" in screen, "the help to close"
    )
    time.sleep(0.2)
    quit_and_check_the_terminal_is_restored(terminal)


def test_escape_sequences_in_files_never_reach_the_terminal(tmp_path: Path) -> None:
    """A clipping that tries to set the window title, write the clipboard or plant a link, seen raw."""
    folder = tmp_path / "clips"
    folder.mkdir()
    osc = "\x1b]0;pwned\x07 \x1b]52;c;aGVsbG8=\x07 \x1b]8;;http://evil.example\x07link\x1b]8;;\x07"
    body = "Badan artikel yang cukup panjang untuk dibaca sebagai teks biasa oleh pemuat. " * 4
    (folder / "a.txt").write_text(f"Judul {osc} \x9b2J\n\n{body}{osc} \x9b31m teks.\n", encoding="utf-8")
    (folder / "bad\x1b]0;pwned\x07.json").write_text("{", encoding="utf-8")
    term = Terminal(["--no-cache", str(folder)], 120, 35, tmp_path)
    try:
        term.wait_for(lambda screen: "Judul link" in screen, "the title, its escape sequences taken out")
        for keys in ("\r", "r", "p"):  # the reader, the raw file, the problems with the file's name
            term.press(keys)
            time.sleep(0.3)
            term.pump(0.2)
        # (the dialog cuts a long path at its width: the temporary folder's name varies in length)
        term.wait_for(lambda screen: "clips/bad\\x1b]0;" in screen, "the problem's path shown escaped")
        raw = bytes(term.raw)
        for planted in (b"\x1b]0;pwned", b"\x1b]52;", b"\x1b]8;;http://evil", "\x9b".encode()):
            assert planted not in raw, planted
        assert term.screen.title != "pwned"
    finally:
        term.kill()


def test_an_unexpected_error_restores_the_terminal_and_leaves_a_crash_log(tmp_path: Path) -> None:
    """The last guard: no traceback over the screen, one line naming the log, exit status 70."""
    boom = (
        "import sys, tui.widgets.article_list as a\n"
        "def render_line(self, y): raise RuntimeError('planted for the test')\n"
        "a.ArticleList.render_line = render_line\n"
        "from tui.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    script = tmp_path / "boom.py"
    script.write_text(boom, encoding="utf-8")
    term = Terminal([], 100, 30, tmp_path, program=[sys.executable, str(script)])
    try:
        status = term.exit_status(timeout=20)
        raw = bytes(term.raw)
        assert status == 70, raw[-500:]
        assert b"Traceback" not in raw and b"planted for the test" not in raw
        assert raw.rfind(LEAVE_ALTERNATE_SCREEN) > raw.rfind(b"\x1b[?1049h")
        line = raw[raw.rfind(LEAVE_ALTERNATE_SCREEN) :].decode(errors="replace")
        assert "unexpected error" in line
        logs = list((tmp_path / "xdg_cache_home" / "kliping" / "crashes").glob("crash-*.log"))
        assert any("planted for the test" in log.read_text() for log in logs)
    finally:
        term.kill()


def test_sigterm_leaves_the_alternate_screen_and_shows_the_cursor(tmp_path: Path) -> None:
    """`kill PID` (a closed tmux pane, a service manager) quits as `q` does: the terminal comes back."""
    term = Terminal(["--no-cache"], 100, 30, tmp_path)
    try:
        term.wait_for(lambda screen: "2 of 2 articles" in screen, "the seeds to load")
        term.child.kill(signal.SIGTERM)
        status = term.exit_status(timeout=10)
        raw = bytes(term.raw)
        assert status == 128 + signal.SIGTERM, raw[-300:]
        assert b"Traceback" not in raw
        assert raw.rfind(LEAVE_ALTERNATE_SCREEN) > raw.rfind(b"\x1b[?1049h")
        assert raw.rfind(SHOW_CURSOR) > raw.rfind(b"\x1b[?25l")
    finally:
        term.kill()


def test_a_closed_terminal_ends_kliping_even_when_quitting_hangs(tmp_path: Path) -> None:
    """A window closed (SIGHUP) while Textual's last writes to the gone terminal hang: the
    process still ends, with the signal's status, instead of staying for good."""
    stuck = (
        "import sys, time\n"
        "from textual.drivers import linux_driver\n"
        "def disable_input(self):\n"
        "    time.sleep(3600)  # a terminal that never takes the bytes restoring its modes\n"
        "linux_driver.LinuxDriver.disable_input = disable_input\n"
        "from tui.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    script = tmp_path / "stuck.py"
    script.write_text(stuck, encoding="utf-8")
    term = Terminal(["--no-cache"], 100, 30, tmp_path, program=[sys.executable, str(script)])
    try:
        term.wait_for(lambda screen: "2 of 2 articles" in screen, "the seeds to load")
        term.child.kill(signal.SIGHUP)
        assert term.exit_status(timeout=15) == 128 + signal.SIGHUP
    finally:
        term.kill()


def test_keys_in_one_burst_are_handled_in_order(tmp_path: Path) -> None:
    """`j j j j Enter` in one write (a slow SSH link delivers keys so) opens the fifth article."""
    from tests.helpers import many_articles

    folder = many_articles(tmp_path / "many", 8)
    term = Terminal(["--no-cache", str(folder)], 120, 35, tmp_path)
    try:
        term.wait_for(lambda screen: "8 of 8 articles" in screen, "the articles to load")
        time.sleep(0.3)
        term.press("jjjj\r")
        # The list is newest first: the fifth row is article 3 of 0..7.
        term.wait_for(lambda screen: "┃  Artikel nomor 3 tentang" in screen, "the fifth article read")
    finally:
        term.kill()
