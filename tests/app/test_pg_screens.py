"""What the screens say over a team library on PostgreSQL, where no folder is read."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_app import settle, titles
from tests.helpers import small_collection, write_article
from tui.app import KlipingApp
from tui.cli import main
from tui.library.pg import PgLibrary


def told(app: KlipingApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_ctrl_r_on_a_team_library_says_the_server_was_read_again(tmp_path: Path, pg_url: str) -> None:
    folder = small_collection(tmp_path / "clips")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    app = KlipingApp([], library=PgLibrary(pg_url), state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Reading the team library again from the server…" in told(app)
        assert "The team library was read again from the server: nothing changed." in told(app)
        assert not any("folders" in message for message in told(app))
        write_article(
            folder, "d.txt", "Panen Raya Petani Garam", "3 Maret 2024 08:00", ["Petani garam panen."]
        )
        assert main(["sync", "--library", pg_url, str(folder)]) == 0
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Updated from the server: 1 new or changed, 0 gone." in told(app)
        assert len(titles(app)) == 4
