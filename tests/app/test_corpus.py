"""The collection as a whole in the app: a group's face shows how many copies it has, F counts what
the list shows and adds a value to the filter, D lists an article's copies, R articles like it."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_app import settle, titles
from tests.unit.test_duplicates_cli import collection
from tui.app import KlipingApp
from tui.dialogs.collection import ArticlesScreen, FacetsScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.filter_bar import FilterBar


def app_for(folder: Path, tmp_path: Path) -> KlipingApp:
    return KlipingApp([folder], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")


def line_of(app: KlipingApp, title: str) -> str:
    articles = app.query_one("#articles", ArticleList)
    index = [row.title for row in articles.articles].index(title)
    return articles.render_line(index).text


async def test_a_groups_face_shows_its_size_and_d_lists_its_copies(tmp_path: Path) -> None:
    app = app_for(collection(tmp_path / "clips"), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "×3" in line_of(app, "Pelatihan Kader Desa")
        assert "×" not in line_of(app, "Koperasi Perempuan")
        articles = app.query_one("#articles", ArticleList)
        articles.cursor = titles(app).index("Pelatihan Kader Desa")
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ArticlesScreen)
        assert sorted(row.title for row in dialog.rows) == [
            "Kader Desa Dilatih",
            "Pelatihan Kader Desa | Tribun",
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert articles.current_key == dialog.rows[0].key  # the chosen copy is under the cursor


async def test_f_counts_the_list_and_adds_a_value_to_the_filter(tmp_path: Path) -> None:
    app = app_for(collection(tmp_path / "clips"), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FacetsScreen)
        assert dialog.found.total == 4
        assert dialog.found.timeline.busiest is not None
        text = str(dialog.query_one("#timeline-text").render())
        assert "busiest" in text
        source, count = dialog.found.sources[0]  # a source line in a body names its site
        assert count < 4
        await pilot.press("enter")  # the first value: the commonest source
        await settle(pilot)
        assert app.screen.query_one(FilterBar).value == f"source:{source}"
        assert len(titles(app)) == count


async def test_r_lists_articles_like_this_one(tmp_path: Path) -> None:
    app = app_for(collection(tmp_path / "clips"), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ArticlesScreen)
        copies = {"Pelatihan Kader Desa", "Pelatihan Kader Desa | Tribun", "Kader Desa Dilatih"}
        assert not copies & {row.title for row in dialog.rows} or titles(app)[0] not in copies
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ArticlesScreen)
