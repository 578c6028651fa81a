"""Regenerate docs/screenshot.svg: the app on the bundled seeds, filtered, at 120x35."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.app.test_app import settle
from tui.app import KlipingApp

ROOT = Path(__file__).resolve().parent.parent


async def main() -> None:
    app = KlipingApp([ROOT / "seeds"], filter_text="pertemuan")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.save_screenshot(filename="screenshot.svg", path=str(ROOT / "docs"))


if __name__ == "__main__":
    asyncio.run(main())
