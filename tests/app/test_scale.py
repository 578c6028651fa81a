"""The virtual list on a few thousand generated articles: counts, keys and highlights stay right."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.gen_corpus import generate
from tests.app.test_app import settle, status
from tests.helpers import matches_shown
from tui.app import KlipingApp
from tui.search import match_spans
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate(folder, 3000, seed=7)
    return folder


async def test_thousands_of_articles_list_filter_and_move(corpus: Path) -> None:
    app = KlipingApp([corpus])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        loaded = len(app.session.rows)
        assert loaded >= 2900  # a few generated files are deliberately not articles
        assert f"{loaded:,} of {loaded:,} articles" in status(app)
        dates = [row.date for row in article_list.articles if row.date]
        assert dates == sorted(dates, reverse=True)  # newest first
        await pilot.press("G")
        assert article_list.cursor == loaded - 1
        await pilot.press("g", "pagedown", "pagedown")
        assert article_list.cursor > 40
        # Only the rows in view and a page either side are drawn: a few screenfuls, not thousands.
        assert len(article_list._cache) < 5 * article_list.size.height
        await pilot.press("slash", *"title:pelatihan", "enter")
        await settle(pilot)
        shown = len(article_list.keys)
        assert 0 < shown < loaded
        assert f"{shown:,} of {loaded:,} articles" in status(app)
        # Every title matches "pelatihan" or a form of it ("dilatih", "pelatih"), and shows where.
        assert all(match_spans(row.title, app.session.query) for row in article_list.articles)
        assert any("pelatihan" in row.title.lower() for row in article_list.articles)
        line = article_list.render_line(0)
        assert any(seg.style and seg.style.underline for seg in line)
        reader = app.query_one("#reader", Reader)
        assert matches_shown(reader)[1] >= 1
        await pilot.press("escape")
        await settle(pilot)
        assert len(article_list.keys) == loaded
