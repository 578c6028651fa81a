"""The help shows each key's binding id, as the config's [keymap] comment promises (issue 21, item 12)."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region

from tests.app.test_app import settle
from tests.helpers import small_collection
from tui.app import KlipingApp
from tui.config import Settings, dump_settings
from tui.dialogs.common import HelpScreen


async def help_text(tmp_path: Path) -> str:
    """What the help (?) shows, as text."""
    app = KlipingApp([small_collection(tmp_path / "clips")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = app.screen.query_one("#help-text").render_lines(Region(0, 0, 110, 400))
        return "\n".join(line.text for line in lines)


async def test_the_help_shows_the_binding_ids(tmp_path: Path) -> None:
    text = await help_text(tmp_path)
    quit_line = next(line for line in text.splitlines() if "Quit" in line)
    assert "app.quit" in quit_line
    assert "app.help" in text and "[keymap]" in text
    assert "(the help panel shows the ids)" in dump_settings(Settings())  # the promise kept


async def test_the_help_lists_each_key_once(tmp_path: Path) -> None:
    """The tags', notes' and bulk keys have a section of their own: "Everywhere" listed them again."""
    text = await help_text(tmp_path)
    for binding_id in ("app.tags", "app.note", "app.searches", "app.bulk", "app.undo", "app.filter"):
        assert text.count(f"{binding_id} ") + text.count(f"{binding_id}\n") == 1, binding_id


async def test_the_facets_panels_key_is_in_the_help_and_the_keymap(tmp_path: Path) -> None:
    """facets.leave was remappable yet reported as an unknown id, and missing from the help."""
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"facets.leave" = "h"\n', encoding="utf-8")
    app = KlipingApp([small_collection(tmp_path / "clips")], config_path=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not [n.message for n in app._notifications if "Unknown binding ids" in n.message]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        leave = [b for _title, bindings in app.screen.sections for b in bindings if b.id == "facets.leave"]
        assert [b.key for b in leave] == ["h"]


def test_every_dialogs_binding_id_is_a_keymap_id() -> None:
    """A dialog's keys (confirm.yes, tags.complete, note.keep, …) take the keymap too: naming one
    was reported as an unknown id."""
    from tui.dialogs.common import binding_ids
    from tui.screens.main import key_groups

    known = binding_ids(key_groups(KlipingApp.BINDINGS))
    for binding_id in ("confirm.yes", "tags.complete", "note.keep", "searches.rename", "links.close"):
        assert binding_id in known
    assert {"articles_dialog.close", "messages.close", "options.down", "tag_list.close"} <= known
