"""Where an export may go (issue 19, item 11): never where the user could not write by hand (a read-only
file, a folder that does not exist, also behind a dangling symlink), and `e` asks before replacing."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.app.test_app import settle
from tests.helpers import one_news_article
from tui.app import KlipingApp
from tui.cli import main
from tui.dialogs.annotations import ConfirmScreen
from tui.dialogs.common import ExportScreen


@pytest.fixture
def clips(tmp_path: Path) -> Path:
    return one_news_article(tmp_path / "clips")


def test_o_refuses_a_read_only_file(clips: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kept = tmp_path / "kept.jsonl"
    kept.write_text("mine\n")
    kept.chmod(0o444)
    assert main(["--list", "--no-cache", "-o", str(kept), str(clips)]) == 2
    assert kept.read_text() == "mine\n"
    assert "the file is read-only" in capsys.readouterr().err


def test_o_refuses_a_folder_that_does_not_exist(
    clips: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--list", "--no-cache", "-o", str(tmp_path / "no" / "such" / "x.csv"), str(clips)]) == 2
    assert not (tmp_path / "no").exists()
    assert f"there is no folder {tmp_path / 'no' / 'such'}" in capsys.readouterr().err
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "gone" / "x.md")  # dangling, into a folder that is not there
    assert main(["--list", "--no-cache", "-o", str(link), str(clips)]) == 2
    assert not (tmp_path / "gone").exists()


def test_o_still_replaces_a_file_the_user_may_write(clips: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    assert main(["--list", "--no-cache", "-o", str(out), str(clips)]) == 0
    assert "Judul berita" in out.read_text()


def app_for(clips: Path, tmp_path: Path) -> KlipingApp:
    return KlipingApp([clips], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")


async def export_to(app: KlipingApp, pilot: Pilot[None], path: Path) -> None:
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(app.screen, ExportScreen)
    app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)


async def test_e_asks_before_replacing_an_existing_file(clips: Path, tmp_path: Path) -> None:
    out = tmp_path / "found.jsonl"
    out.write_text("an earlier export\n")
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await export_to(app, pilot, out)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)  # back to the name, to choose another
        assert out.read_text() == "an earlier export\n"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
    assert "Judul berita" in out.read_text()


async def test_e_says_what_is_wrong_with_the_place_in_the_dialog(clips: Path, tmp_path: Path) -> None:
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await export_to(app, pilot, tmp_path / "nowhere" / "x.csv")
        assert isinstance(app.screen, ExportScreen)
        assert "there is no folder" in str(app.screen.query_one("#export-error", Static).render())
    assert not (tmp_path / "nowhere").exists()
