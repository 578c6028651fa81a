"""The rough edges a new user hits in the first hour (issue 21): each drives the app as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import many_articles, small_collection, write_article
from tests.test_app import settle, titles
from tui.app import KlipingApp
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader

LONG_TITLE = "Forum Pertemuan Mitra Program INKLUSI"


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    folder = small_collection(tmp_path / "clips")
    write_article(  # b.txt, long enough to scroll in
        folder,
        "b.txt",
        LONG_TITLE,
        "13 Oktober 2022 18:10",
        [f"Paragraf {n}: para mitra bertemu untuk memperkuat kapasitas organisasi." for n in range(80)],
    )
    return folder


async def test_an_edited_article_stays_under_the_cursor_and_in_the_reader(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        articles = app.query_one("#articles", ArticleList)
        reader = app.query_one("#reader", Reader)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert reader.article is not None and reader.article.title == LONG_TITLE
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        scrolled = reader.scroll_offset.y
        assert scrolled > 0
        unread = app.session.marks.unread
        path = collection / "b.txt"
        path.write_text(
            path.read_text(encoding="utf-8") + "\nSatu paragraf lagi di akhir.\n", encoding="utf-8"
        )
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(titles(app)) == 3
        assert articles.articles[articles.cursor].title == LONG_TITLE
        assert reader.article is not None and reader.article.title == LONG_TITLE
        assert "Satu paragraf lagi" in reader.article.text  # the new content, at the same place
        assert reader.scroll_offset.y == scrolled
        assert app.session.marks.unread == unread  # no other article was marked read
        messages = [n.message for n in app._notifications]
        assert "Updated from disk: 1 new or changed, 0 gone." in messages


async def test_brackets_from_the_list_mark_the_article_they_open_read(tmp_path: Path) -> None:
    app = KlipingApp([many_articles(tmp_path / "many", 6)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        articles = app.query_one("#articles", ArticleList)
        marks = app.session.marks
        assert app.focused is articles and marks.unread == 6
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.focused is articles  # the list keeps the focus
        assert articles.cursor == 1 and marks.has("read", articles.keys[1])
        await pilot.press("j")  # a plain move opens nothing
        await settle(pilot)
        assert not marks.has("read", articles.keys[2])
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert articles.cursor == 1 and marks.unread == 5
        await pilot.press("g", "left_square_bracket")  # at the top: nowhere to go, nothing read
        await settle(pilot)
        assert not marks.has("read", articles.keys[0])
