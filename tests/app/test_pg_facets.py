"""The facets panel (F) over a team library: its places and acronyms, as over the local cache, and
Enter on one filters the same articles on both back ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from tests.app.test_app import settle, titles
from tests.unit.test_pg_mentions import mentioning
from tui.app import KlipingApp
from tui.cli import main
from tui.widgets.facets_panel import FacetsPanel
from tui.widgets.filter_bar import FilterBar


@pytest.mark.parametrize("back_end", ["cache", "team"])
async def test_enter_on_a_place_or_an_acronym_filters_the_same_on_both_back_ends(
    tmp_path: Path, request: pytest.FixtureRequest, back_end: str
) -> None:
    folder = mentioning(tmp_path / "clips")
    if back_end == "team":
        from tui.library.pg import PgLibrary

        url = request.getfixturevalue("pg_url")
        assert main(["sync", "--library", url, str(folder)]) == 0
        app = KlipingApp([], library=PgLibrary(url), state_path=tmp_path / "state.sqlite3")
    else:
        app = KlipingApp([folder], state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        panel = app.query_one(FacetsPanel)
        for label, term, shown in (
            ("Place: Jawa Timur (1)", 'place:"Jawa Timur"', ["Banjir di Jawa Timur"]),
            ("Place: Makassar (2)", "place:Makassar", ["Omset UMKM Naik", "Rapat OMS di Surabaya"]),
            ("Acronym: UMKM (1)", '"UMKM"', ["Omset UMKM Naik"]),
        ):
            app.query_one(FilterBar).value = ""
            await settle(pilot)
            options = panel.query_one("#facets-options", OptionList)
            listed = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            assert label in listed, listed
            app.set_focus(options)
            options.highlighted = listed.index(label)
            await pilot.press("enter")
            await settle(pilot)
            assert app.query_one(FilterBar).value == term
            assert titles(app) == shown
