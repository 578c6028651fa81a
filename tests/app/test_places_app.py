"""Places and acronyms in the app (issue 24): F counts them for what the list shows, and choosing a
place adds `place:` for it to the filter."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from tests.app.test_app import settle, titles
from tests.unit.test_places import collection
from tui.app import KlipingApp
from tui.widgets.facets_panel import FacetsPanel
from tui.widgets.filter_bar import FilterBar


async def test_f_counts_places_and_acronyms_and_a_place_filters_the_list(tmp_path: Path) -> None:
    folder = collection(tmp_path / "clips")
    app = KlipingApp([folder], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        panel = app.query_one(FacetsPanel)
        assert panel.found is not None
        assert ("Sidoarjo", 1) in panel.found.places and ("PKH", 1) in panel.found.acronyms
        assert "Sidoarjo (1)" in panel.text and "PKH (1)" in panel.text  # as text, for screen readers
        options = panel.query_one("#facets-options", OptionList)
        ids = [options.get_option_at_index(index).id for index in range(options.option_count)]
        options.focus()
        options.highlighted = ids.index("place:Sidoarjo")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(FilterBar).value == "place:Sidoarjo"
        assert titles(app) == ["Banjir di Pesisir"]
