"""Keys written to a real terminal in one go (a paste, a fast typist, a slow SSH link) act in the order
they were typed: Backspace and Ctrl+U after letters in one write used to act after the letters typed
after them ("desa", two Backspaces, "x" showed "des")."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pty.test_terminal import Terminal

BACKSPACE, CTRL_U = "\x7f", "\x15"


def filter_shows(text: str) -> Callable[[str], bool]:
    """Whether the filter bar's line holds exactly `text`."""

    def shown(screen: str) -> bool:
        return any(line.strip("▊▎ ") == text for line in screen.splitlines()[:3])

    return shown


@pytest.mark.parametrize(
    ("typed", "filter_text"),
    [
        ("desa" + 2 * BACKSPACE + "x", "dex"),
        ("kader" + CTRL_U + "ab", "ab"),
        ("kader" + CTRL_U + "desa" + BACKSPACE, "des"),
    ],
)
def test_editing_keys_in_one_write_act_in_order(tmp_path: Path, typed: str, filter_text: str) -> None:
    term = Terminal(["--no-cache"], 120, 35, tmp_path)
    try:
        term.wait_for(lambda screen: "2 of 2 articles" in screen, "the seeds to load")
        term.press("/")
        time.sleep(0.3)  # the filter bar has the focus before the burst
        term.press(typed)  # one write
        term.wait_for(filter_shows(filter_text), f"the filter to read {filter_text!r}")
        time.sleep(0.5)  # nothing late changes it
        term.pump()
        assert filter_shows(filter_text)(term.text), term.text
    finally:
        term.kill()
