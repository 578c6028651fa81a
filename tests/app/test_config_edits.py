"""The app changes its settings in the user's config file in place (issue 19, item 7): a file that does
not parse is never written over, comments and other keys stay, and an edit made while it runs is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.test_app import settle
from tests.helpers import one_news_article
from tui import config
from tui.app import KlipingApp
from tui.config import Settings, load_settings

HAND_WRITTEN = """\
# My kliping settings: dark at night.
theme = "textual-dark"   # the one I like
measure = 80
lang = "id"

# j and k are muscle memory
[keymap]
"app.quit" = "q,ctrl+q"
"""


@pytest.fixture
def clips(tmp_path: Path) -> Path:
    return one_news_article(tmp_path / "clips")


def app_for(clips: Path, tmp_path: Path) -> KlipingApp:
    return KlipingApp([clips], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")


async def test_a_config_that_does_not_parse_is_never_written_over(clips: Path, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    broken = HAND_WRITTEN.replace("measure = 80\n", "measure = 80\ncite = markdown\n")  # unquoted
    path.write_text(broken)
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert any("line 4" in str(n.message) for n in app._notifications)  # where it is wrong
        await pilot.press("enter", "minus")  # reading (the article read last) and a narrower text: both saved
        await settle(pilot)
        assert any("Settings not saved" in str(n.message) for n in app._notifications)
    assert path.read_text() == broken


async def test_a_setting_changes_in_place_and_the_rest_of_the_file_stays(clips: Path, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN)
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        # Edited by hand while the app runs: the app's next save keeps it.
        path.write_text(path.read_text().replace('theme = "textual-dark"', 'theme = "nord"'))
        await pilot.press("minus", "minus")
        await settle(pilot)
    expected = HAND_WRITTEN.replace('theme = "textual-dark"', 'theme = "nord"')
    expected = expected.replace("measure = 80", "measure = 70")
    expected = expected.replace('lang = "id"\n', f'lang = "id"\nlast = "{app.settings.last}"\n')
    assert path.read_text() == expected
    settings, message = load_settings(path)
    assert message is None
    assert (settings.theme, settings.measure, settings.lang) == ("nord", 70, "id")
    assert settings.keymap == {"app.quit": "q,ctrl+q"}


def test_save_changes_only_the_keys_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN + "unknown_key = 1  # someone else's\n")
    config.save_settings(Settings(sort="date", measure=120), path, ["sort"])
    text = path.read_text()
    assert 'sort = "date"' in text and "measure = 80" in text and "unknown_key = 1  # someone else's" in text
    assert text.startswith("# My kliping settings: dark at night.\n")


def test_a_new_key_joins_a_file_of_one_key(tmp_path: Path) -> None:
    """tomlkit refused to insert after the last key of a file with no table ("Unable to insert")."""
    path = tmp_path / "config.toml"
    path.write_text('read_when = "opened"\n')
    config.save_settings(Settings(sort="date"), path, ["sort"])
    assert path.read_text() == 'read_when = "opened"\nsort = "date"\n'


def test_save_refuses_a_file_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'sort = "date"\ntheme = "caf\xe9"\n')
    with pytest.raises(config.SettingsNotSaved, match="line 2"):
        config.save_settings(Settings(), path, ["last"])
    assert path.read_bytes() == b'sort = "date"\ntheme = "caf\xe9"\n'


async def test_an_edit_made_while_the_app_runs_takes_effect(
    clips: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.app.SETTINGS_LOOK_SECONDS", 0.05)
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN)
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        edited = HAND_WRITTEN.replace('"textual-dark"', '"nord"').replace("measure = 80", "measure = 60")
        path.write_text('cite = "markdown"\n' + edited)
        for _ in range(200):
            await pilot.pause(0.05)
            if app.settings.cite == "markdown":
                break
        assert (app.settings.cite, app.theme, app.main.reader.measure) == ("markdown", "nord", 60)
        path.write_text("measure = \n")  # a slip while editing: nothing the user chose is undone
        for _ in range(200):
            await pilot.pause(0.05)
            if any("the settings stay as they were" in str(n.message) for n in app._notifications):
                break
        assert (app.settings.cite, app.theme, app.main.reader.measure) == ("markdown", "nord", 60)
    assert path.read_text() == "measure = \n"


def test_a_new_key_goes_after_the_others(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"')  # no newline at the end, no table: the new key goes last
    config.save_settings(Settings(last="abc"), path, ["last"])
    assert load_settings(path) == (Settings(theme="nord", last="abc"), None)
    keymap = '\n# keys\n[keymap]\n"app.quit" = "q"\n'
    path.write_text("reverse = true\nmeasure = 90\n" + keymap)
    config.save_settings(Settings(sort="date"), path, ["sort"])
    assert path.read_text() == 'reverse = true\nmeasure = 90\nsort = "date"\n' + keymap
