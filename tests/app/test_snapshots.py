"""Snapshots of the main screens, to catch layout regressions a unit test would not notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.app.test_app import settle
from tui.app import KlipingApp
from tui.widgets.reader import Reader

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


async def with_extras(pilot: Pilot[None]) -> None:
    """Settled, with the reader's "More like this" at its end: it is found on a thread after the
    article shows, and on a busy machine its message could still be on its way when settle ended."""
    await settle(pilot)
    reader = pilot.app.screen.query_one("#reader", Reader)
    for _ in range(500):
        if reader._extras is not None:
            break
        await pilot.pause(0.02)
    await settle(pilot)


def test_main_screen_on_seeds(snap_compare: Any) -> None:
    async def loaded(pilot: Pilot[None]) -> None:
        await with_extras(pilot)

    assert snap_compare(KlipingApp([SEEDS]), terminal_size=(120, 35), run_before=loaded)


def test_filtered_and_narrow(snap_compare: Any) -> None:
    async def filtered(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"rumah inklusi", "enter")
        await with_extras(pilot)

    assert snap_compare(KlipingApp([SEEDS]), terminal_size=(80, 24), run_before=filtered)
