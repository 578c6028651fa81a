"""Opening the article's file (`o`) and its URL (`w`): a file name is never read as a command or an
option (issue 19, item 1), an editor that cannot start never leaves the app suspended (issue 21,
bug 1), and only web addresses go to the browser (issue 19, item 13)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.test_app import settle
from tests.helpers import fake_browser
from tui import opening
from tui.app import KlipingApp

VIM_COMMAND = "+:!touch pwned-vim.txt"  # vi and vim run a "+command" argument as an Ex command


@pytest.fixture
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("VISUAL", "EDITOR", "PAGER"):
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.usefixtures("no_editor")
@pytest.mark.parametrize(
    ("variable", "value", "name", "expected"),
    [
        ("EDITOR", "vim", VIM_COMMAND, ["vim", "--"]),
        ("VISUAL", "/usr/bin/vim.basic -u NONE", VIM_COMMAND, ["/usr/bin/vim.basic", "-u", "NONE", "--"]),
        ("PAGER", "less -R", "-V", ["less", "-R", "--"]),
        ("EDITOR", "emacs -nw", "+1:1", ["emacs", "-nw", "--"]),
        ("EDITOR", "code --wait", "-n", ["code", "--wait"]),  # not known to take "--": the path alone
    ],
)
def test_the_file_goes_as_an_absolute_path_after_the_end_of_options(
    variable: str, value: str, name: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    command = opening.editor_command(name)
    assert command == [*expected, str(tmp_path / name)]


@pytest.mark.skipif(shutil.which("vim") is None, reason="needs vim")
@pytest.mark.usefixtures("no_editor")
def test_vim_runs_no_command_from_a_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack as it was reproduced, with vim in batch mode quitting at once."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / VIM_COMMAND).write_text("Judul\n\nIsi.\n")
    monkeypatch.setenv("EDITOR", "vim -u NONE -N -es")  # Ex mode: it ends at the end of its input
    command = opening.editor_command(VIM_COMMAND)
    assert command is not None
    subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=20, check=False)
    assert not (tmp_path / "pwned-vim.txt").exists()


@pytest.mark.skipif(shutil.which("less") is None, reason="needs less")
@pytest.mark.usefixtures("no_editor")
def test_less_reads_a_file_named_like_an_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-V").write_text("isi berkas\n")
    monkeypatch.setenv("PAGER", "less")
    command = opening.editor_command("-V")
    assert command is not None
    shown = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
    assert shown.stdout == "isi berkas\n"  # not less's version


@pytest.fixture
def clips(tmp_path: Path) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Banjir di Demak\nurl: javascript:alert(1)\n---\n\nAir sungai meluap di Demak.\n"
    )
    return folder


class Suspension:
    """Textual's App.suspend as it behaves: the terminal comes back only when the block ends well."""

    def __init__(self) -> None:
        self.entered = 0
        self.resumed = 0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        self.entered += 1
        yield
        self.resumed += 1


def messages(app: KlipingApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_an_editor_that_does_not_exist_is_said_without_suspending(
    clips: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    suspension = Suspension()
    app = KlipingApp([clips], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", suspension)
        await pilot.press("o")
        await settle(pilot)
        assert suspension.entered == 0  # the terminal was never handed over
        assert any("Could not run /nonexistent/editor" in message for message in messages(app))


async def test_an_editor_that_fails_to_start_gives_the_terminal_back(
    clips: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that may be run but is no program (no #! line): found, yet the start fails."""
    broken = tmp_path / "broken-editor"
    broken.write_bytes(b"\x7fELF not really\n")
    broken.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(broken))
    suspension = Suspension()
    app = KlipingApp([clips], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", suspension)
        await pilot.press("o")
        await settle(pilot)
        assert (suspension.entered, suspension.resumed) == (1, 1)
        assert any(f"Could not run {broken}: Exec format error" in m for m in messages(app))


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<script>x</script>", "file:///etc/passwd", "-oProxyCommand=x"],
)
async def test_only_web_addresses_go_to_the_browser(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = fake_browser(monkeypatch)
    clips = tmp_path / "clips"
    clips.mkdir()
    records = [
        {"title": "Tautan buruk", "text": "Isi.", "url": url},
        {"title": "Tautan baik", "text": "Isi.", "url": "https://example.org/a"},
    ]
    (clips / "a.json").write_text(json.dumps(records))
    app = KlipingApp([clips], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for key in ("w", "j", "w"):
            await pilot.press(key)
            await settle(pilot)
        assert opened == ["https://example.org/a"]
        assert any("is not a web address" in message for message in messages(app))


def test_is_web_address() -> None:
    assert opening.is_web_address("https://example.org/a?b=c#d")
    assert opening.is_web_address("HTTP://EXAMPLE.ORG")
    for url in ("http:/nohost", "https://a.org/x y", "ftp://a.org", "http://[::1", "mailto:a@b.c"):
        assert not opening.is_web_address(url), url


def test_can_start() -> None:
    assert opening.can_start([os.fspath(shutil.which("sh") or "/bin/sh")])
    assert not opening.can_start(["/nonexistent/editor"])
