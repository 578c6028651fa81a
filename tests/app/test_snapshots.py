"""Snapshots of the main screens, to catch layout regressions a unit test would not notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.app.test_app import settle
from tui.app import KlipingApp

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_main_screen_on_seeds(snap_compare: Any) -> None:
    async def loaded(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(KlipingApp([SEEDS]), terminal_size=(120, 35), run_before=loaded)


def test_filtered_and_narrow(snap_compare: Any) -> None:
    async def filtered(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"rumah inklusi", "enter")
        await settle(pilot)

    assert snap_compare(KlipingApp([SEEDS]), terminal_size=(80, 24), run_before=filtered)
