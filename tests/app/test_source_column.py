"""The list's source column: cut with an ellipsis, and wider on a wide screen (issue 21, item 10)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.app.test_app import settle
from tui.app import KlipingApp
from tui.widgets.article_list import ArticleList


async def source_cells(tmp_path: Path, size: tuple[int, int]) -> tuple[str, int]:
    """The row of the one article whose source is long, and the list's width, at a terminal size."""
    record = {"title": "Banjir di Jember", "source": "Suara Merdeka Semarang", "text": "Isi berita banjir."}
    (tmp_path / "one.json").write_text(json.dumps(record), encoding="utf-8")
    app = KlipingApp([tmp_path])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        return article_list.render_line(0).text, article_list.scrollable_content_region.width


async def test_a_cut_source_ends_with_an_ellipsis(tmp_path: Path) -> None:
    row, width = await source_cells(tmp_path, (80, 24))
    assert 48 <= width < 80, width
    assert "Suara Merd" in row and "Semarang" not in row, row
    assert row.split("Suara Merd", 1)[1].split("  ")[0].endswith("…"), row  # the cut shows


async def test_the_source_widens_with_the_terminal(tmp_path: Path) -> None:
    row, width = await source_cells(tmp_path, (200, 50))
    assert width >= 90, width
    assert "Suara Merdeka Semarang" in row, row
