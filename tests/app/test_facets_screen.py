"""The facets panel (F) beside the list: the screen around it keeps what it shows whole."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_app import settle
from tests.helpers import small_collection
from tui.app import KlipingApp
from tui.widgets.article_list import ArticleList
from tui.widgets.facets_panel import FacetsPanel
from tui.widgets.status import StatusLine


def line_shown(app: KlipingApp) -> str:
    return "".join(segment.text for segment in app.query_one(StatusLine).render_line(0)).strip()


async def test_the_status_line_is_whole_with_the_facets_panel_open(tmp_path: Path) -> None:
    app = KlipingApp([small_collection(tmp_path / "clips")], state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("asterisk", "j", "asterisk")
        await settle(pilot)
        whole = "3 of 3 articles · 3 unread · 2 starred · sort: date"
        assert line_shown(app) == whole
        await pilot.press("F")
        await settle(pilot)
        assert app.query_one(FacetsPanel).display
        assert app.query_one(ArticleList).size.width < len(whole)  # the list is narrower than the line
        assert line_shown(app) == whole  # was "3 of 3 articles · 3 unread · 2 starred…"
        assert app.query_one(StatusLine).outer_size.width == 100  # the screen's
