"""The help shows each key's binding id, as the config's [keymap] comment promises (issue 21, item 12)."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region

from tests.app.test_app import settle
from tests.helpers import small_collection
from tui.app import KlipingApp
from tui.config import Settings, dump_settings
from tui.dialogs.common import HelpScreen


async def test_the_help_shows_the_binding_ids(tmp_path: Path) -> None:
    app = KlipingApp([small_collection(tmp_path / "clips")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one("#help-text").render_lines(Region(0, 0, 110, 400))
        text = "\n".join(line.text for line in help_text)
    quit_line = next(line for line in text.splitlines() if "Quit" in line)
    assert "app.quit" in quit_line
    assert "app.help" in text and "[keymap]" in text
    assert "(the help panel shows the ids)" in dump_settings(Settings())  # the promise kept


async def test_the_help_lists_each_key_once(tmp_path: Path) -> None:
    """The tags', notes' and bulk keys have a section of their own: "Everywhere" listed them again."""
    app = KlipingApp([small_collection(tmp_path / "clips")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one("#help-text").render_lines(Region(0, 0, 110, 400))
        text = "\n".join(line.text for line in help_text)
    for binding_id in ("app.tags", "app.note", "app.searches", "app.bulk", "app.undo", "app.filter"):
        assert text.count(f"{binding_id} ") + text.count(f"{binding_id}\n") == 1, binding_id
