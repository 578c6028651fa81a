"""The collection as a whole in the app: a group's face shows how many copies it has, F counts what
the list shows and adds a value to the filter, D lists an article's copies, R articles like it."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_app import settle, status, titles
from tests.helpers import reader_lines, small_collection
from tests.unit.test_duplicates_cli import collection
from tui.app import KlipingApp
from tui.dialogs.collection import ArticlesScreen
from tui.i18n import set_language
from tui.widgets.article_list import ArticleList
from tui.widgets.facets_panel import FacetsPanel
from tui.widgets.filter_bar import FilterBar
from tui.widgets.reader import Reader


def app_for(folder: Path, tmp_path: Path) -> KlipingApp:
    return KlipingApp([folder], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")


def line_of(app: KlipingApp, title: str) -> str:
    articles = app.query_one("#articles", ArticleList)
    index = [row.title for row in articles.articles].index(title)
    return articles.render_line(index).text


async def test_a_group_is_one_row_that_x_opens_and_d_lists_its_copies(tmp_path: Path) -> None:
    app = app_for(collection(tmp_path / "clips"), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # Newest first: the group's newest copy stands for its three articles, the others folded.
        assert titles(app) == ["Kader Desa Dilatih", "Koperasi Perempuan"]
        assert "×3" in line_of(app, "Kader Desa Dilatih")
        assert "×" not in line_of(app, "Koperasi Perempuan")
        assert "2 near-copies folded" in status(app)
        articles = app.query_one("#articles", ArticleList)
        await pilot.press("m")  # the cursor is on the group's row: its copies beneath it
        await settle(pilot)
        assert titles(app) == [
            "Kader Desa Dilatih",
            "Pelatihan Kader Desa",
            "Pelatihan Kader Desa | Tribun",
            "Koperasi Perempuan",
        ]
        assert "↳ Pelatihan" in line_of(app, "Pelatihan Kader Desa")
        assert "02 Mar 2024" in line_of(app, "Pelatihan Kader Desa")  # with its date
        await pilot.press("j", "m")  # from a copy: the group closes, the cursor on its row
        await settle(pilot)
        assert titles(app) == ["Kader Desa Dilatih", "Koperasi Perempuan"]
        assert articles.cursor == 0
        await pilot.press("D")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ArticlesScreen)
        assert sorted(row.title for row in dialog.rows) == [
            "Pelatihan Kader Desa",
            "Pelatihan Kader Desa | Tribun",
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(Reader).article.title == dialog.rows[0].title  # the chosen copy is read


async def test_copies_the_filter_asks_for_are_not_folded(tmp_path: Path) -> None:
    app = app_for(collection(tmp_path / "clips"), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"is:dup", "enter")
        await settle(pilot)
        assert sorted(titles(app)) == ["Kader Desa Dilatih", "Pelatihan Kader Desa | Tribun"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"kader", "enter")  # a filter matching the group folds it
        await settle(pilot)
        assert titles(app) == ["Kader Desa Dilatih"] or len(titles(app)) == 1


async def test_x_upper_shows_every_copy_in_its_own_row_and_keeps_it(tmp_path: Path) -> None:
    app = app_for(collection(tmp_path / "clips"), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
        assert len(titles(app)) == 4
        assert "×3" in line_of(app, "Pelatihan Kader Desa")  # the face says how many it has
        assert "×" not in line_of(app, "Kader Desa Dilatih")
        assert "folded" not in status(app)
    assert "fold_copies = false" in (tmp_path / "config.toml").read_text()


async def test_f_shows_a_panel_of_counts_that_follow_the_filter_and_add_a_value_to_it(tmp_path: Path) -> None:
    app = app_for(collection(tmp_path / "clips"), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        panel = app.query_one(FacetsPanel)
        assert panel.display and panel.found is not None
        assert panel.found.total == 4  # the folded near-copies are counted too
        assert "4 articles" in panel.text and "busiest" in panel.text  # as text, for screen readers
        assert "Year: 2024 (4)" in panel.text
        articles = app.query_one(ArticleList)
        assert articles.region.right <= panel.region.x  # beside the list, never over it
        source, count = panel.found.sources[0]  # a source line in a body names its site
        assert count < 4
        await pilot.press("enter")  # the first value: the commonest source
        await settle(pilot)
        assert app.screen.query_one(FilterBar).value == f"source:{source}"
        assert len(titles(app)) == count
        assert panel.found.total == count  # the counts follow the filter
        assert app.focused is articles
        await pilot.press("escape")  # the filter cleared: every article counted again
        await settle(pilot)
        assert panel.found.total == 4
        await pilot.press("slash", *"tribun")  # and every keystroke
        await settle(pilot)
        assert panel.found.total == len(titles(app)) == 1
        await pilot.press("escape", "F")
        await settle(pilot)
        assert app.focused is not articles  # F from the list goes to the panel's values
        await pilot.press("F")
        await settle(pilot)
        assert not panel.display and app.focused is articles


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


async def test_the_reader_lists_the_copies_and_related_articles_at_the_end(tmp_path: Path) -> None:
    app = app_for(collection(tmp_path / "clips"), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reader = app.query_one(Reader)
        assert reader.article is not None and reader.article.title == "Kader Desa Dilatih"
        await pilot.pause(0.5)  # found once the reader has rested on the article
        await settle(pilot)
        text = "\n".join(reader_lines(reader))
        assert "Copies of this article" in text
        copies = text[text.index("Copies of this article") :]
        assert "Pelatihan Kader Desa | Tribun" in copies and "• Pelatihan Kader Desa" in copies
        assert "02 Mar 2024" in copies and "03 Mar 2024" in copies  # where each copy differs
        assert "Press D to choose one to read." in copies
        await pilot.press("D")  # the key the reader names lists them to go to one
        await settle(pilot)
        assert isinstance(app.screen, ArticlesScreen)


async def test_the_panel_never_hides_the_lists_cursor_on_a_small_screen_in_indonesian(tmp_path: Path) -> None:
    folder = collection(tmp_path / "clips")
    small_collection(folder / "more")
    (tmp_path / "config.toml").write_text("fold_copies = false\n")
    app = app_for(folder, tmp_path)
    set_language("id")  # as --lang id does (the module's language: set back below)
    try:
        await _small_screen(app)
    finally:
        set_language("en")


async def _small_screen(app: KlipingApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        panel = app.query_one(FacetsPanel)
        articles = app.query_one(ArticleList)
        assert (
            "7 artikel" in panel.text and "Tahun: 2024 (5)" in panel.text and "tersibuk 2024-03" in panel.text
        )
        assert not articles.region.overlaps(panel.region)
        await pilot.press("escape", "G")  # back to the list, to its last row
        await settle(pilot)
        top = articles.scroll_offset.y
        assert top <= articles.cursor < top + articles.scrollable_content_region.height
        assert articles.render_line(articles.cursor - top).text.startswith("›")


def test_the_panel_shows_every_kind_the_facets_count_places_and_acronyms_too() -> None:
    from tui.facets import Facets, term_for
    from tui.widgets.facets_panel import kinds

    found = Facets(total=3, sources=[("Antara", 2)], places=[("Pasuruan", 2)], acronyms=[("KPK", 1)])
    shown = dict(kinds(found))
    assert list(shown) == ["source", "place", "acronym"]
    assert [term_for(kind, value) for kind in shown for value, _count in shown[kind]] == [
        "source:Antara",
        "place:Pasuruan",
        '"KPK"',
    ]
