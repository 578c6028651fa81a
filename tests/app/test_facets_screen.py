"""The facets panel (F) beside the list: the screen around it keeps what it shows whole."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from tests.app.test_app import settle, titles
from tests.helpers import small_collection, write_article
from tui.app import KlipingApp
from tui.widgets.article_list import ArticleList
from tui.widgets.facets_panel import FacetsPanel
from tui.widgets.filter_bar import FilterBar
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


async def test_choosing_an_acronym_finds_the_articles_it_counts(tmp_path: Path) -> None:
    """OMS (1) in the panel: Enter put the bare word in the filter, last, so a prefix, and Omset
    came too."""
    folder = tmp_path / "clips"
    write_article(
        folder, "a.txt", "Rapat OMS di Surabaya", "2 Maret 2021 09:00", ["Para anggota OMS bertemu."]
    )
    write_article(folder, "b.txt", "Omset UMKM Naik", "3 Maret 2021 09:00", ["Omset pedagang pasar naik."])
    app = KlipingApp([folder], state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        panel = app.query_one(FacetsPanel)
        assert panel.found is not None and ("OMS", 1) in panel.found.acronyms
        options = panel.query_one("#facets-options", OptionList)
        shown = [str(options.get_option_at_index(index).prompt) for index in range(options.option_count)]
        options.highlighted = shown.index("Acronym: OMS (1)")
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(FilterBar).value == '"OMS"'
        assert titles(app) == ["Rapat OMS di Surabaya"]  # as many as the panel counted
