"""The rough edges a new user hits in the first hour (issue 21): each drives the app as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Static

from tests.app.test_app import settle, titles
from tests.helpers import many_articles, small_collection, write_article
from tui.app import KlipingApp
from tui.dialogs.messages import MessagesScreen
from tui.screens.main import MainScreen
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


def burst(app: KlipingApp, keys: str) -> None:
    """Keys in one write, as a fast typist or a slow SSH link sends them: none waits for the last."""
    names = {"\r": "enter", " ": "space", ",": "comma"}
    for character in keys:
        app.post_message(events.Key(names.get(character, character), character))


async def test_keys_typed_right_after_a_dialog_key_reach_the_dialog(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        articles = app.query_one("#articles", ArticleList)
        first = articles.articles[0]
        burst(app, "tbanjir\r")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)  # the dialog took the keys and closed
        assert app.session.marks.tags_of(first) == ["banjir"]
        burst(app, "jtrob\rk")  # the move before the key counts, the one after it too
        await settle(pilot)
        assert app.session.marks.tags_of(articles.articles[1]) == ["rob"] and articles.cursor == 0
        assert app.focused is articles and app.session.marks.unread == 3  # nothing opened nor read
        burst(app, "a")  # the note: typed at once, kept with Ctrl+S
        burst(app, "catatan cepat")
        app.post_message(events.Key("ctrl+s", None))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.session.marks.note(first.digest) == "catatan cepat"
        burst(app, "gtpantai\ra lagi")  # one dialog after the other, in one burst
        app.post_message(events.Key("ctrl+s", None))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and len(app.screen_stack) == 1
        assert app.session.marks.tags_of(first) == ["banjir", "pantai"]
        assert app.session.marks.note(first.digest) == "catatan cepat lagi"  # typed at its end
        await pilot.press("slash", *"tv", "escape")  # in the filter bar they are letters
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_j_and_k_move_in_the_saved_searches(collection: Path) -> None:
    app = KlipingApp([collection])
    app.state.save_search("Koperasi", "koperasi")
    app.state.save_search("Pelatihan", "pelatihan")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        burst(app, "vjkj\r")  # 1, 0, 1 (the list wraps)
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert titles(app) == ["Pelatihan Kader Desa di Makassar"]
        burst(app, "vaPelatihan di Makassar\r")  # save the filter under a name, in one burst
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert ("Pelatihan di Makassar", "pelatihan") in app.main.annotations.searches


async def test_the_cursor_row_stays_in_view_when_the_terminal_shrinks(tmp_path: Path) -> None:
    app = KlipingApp([many_articles(tmp_path / "many", 60)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.query_one("#articles", ArticleList)
        for _ in range(30):
            await pilot.press("j")
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        top = articles.scroll_offset.y
        assert top <= articles.cursor < top + articles.scrollable_content_region.height
        assert "›" in articles.render_line(articles.cursor - top).text


async def test_ctrl_r_says_what_it_does_and_what_it_found(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert "Reading the folders again…" in messages
        assert "The folders were read again: nothing changed." in messages


async def test_long_messages_stay_long_enough_and_can_be_read_again(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        long = "; ".join(
            f"line {n}: setting number {n} must be a whole number, not “x” (using 80)" for n in range(8)
        )
        app.notify(long, severity="warning", markup=False)
        app.notify("Sorted by date", timeout=2, markup=False)
        await pilot.pause()
        [cut, short] = list(app._notifications)[-2:]
        assert cut.timeout >= 20 and short.timeout >= 3  # time to read, by length
        assert len(cut.message) < len(long) and cut.message.endswith("(M: every message)")
        await pilot.press("M")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MessagesScreen)
        shown = str(screen.query_one("#messages-text", Static).render())
        assert "(using 80)" in shown.split("line 7:")[1] and "Sorted by date" in shown  # whole, in order
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_next_unread_goes_to_the_next_unread_article_and_opens_it(tmp_path: Path) -> None:
    app = KlipingApp([many_articles(tmp_path / "many", 6)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        articles = app.query_one("#articles", ArticleList)
        marks = app.session.marks
        for index in (1, 2):
            marks.put("read", app.session.rows[articles.keys[index]], True)
        await pilot.press("U")
        await settle(pilot)
        assert articles.cursor == 3 and marks.has("read", articles.keys[3])  # opened as with ]
        await pilot.press("U")
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        assert articles.cursor == 5
        await pilot.press("U")  # from the top again
        await settle(pilot)
        assert articles.cursor == 0 and marks.unread == 0
        await pilot.press("U")
        await settle(pilot)
        assert articles.cursor == 0
        assert "No other unread article in the list." in [n.message for n in app._notifications]


async def test_bulk_actions_undo_more_than_one_step(tmp_path: Path) -> None:
    app = KlipingApp([many_articles(tmp_path / "many", 4)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        marks = app.session.marks
        await pilot.press("B", "enter")  # mark all read
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("B", "down", "down", "enter")  # star all
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert (marks.unread, marks.starred) == (0, 4)
        await pilot.press("z")
        await settle(pilot)
        assert (marks.unread, marks.starred) == (0, 0)
        await pilot.press("z")
        await settle(pilot)
        assert (marks.unread, marks.starred) == (4, 0)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_z_reads_full_screen_and_back(collection: Path, size: tuple[int, int]) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        before = reader.size.width * reader.size.height
        await pilot.press("Z")
        await settle(pilot)
        assert app.screen.maximized is reader and app.focused is reader
        assert reader.size.width * reader.size.height > 2 * before  # the whole screen, nearly
        assert reader.size.width >= size[0] - 2
        await pilot.press("Z")
        await settle(pilot)
        assert app.screen.maximized is None
        await pilot.press("Z", "escape")  # Esc comes back too
        await settle(pilot)
        assert app.screen.maximized is None


async def test_the_split_between_list_and_reader_moves_and_is_remembered(
    collection: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    app = KlipingApp([collection], config_path=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = app.query_one("#left")
        half = left.size.width
        await pilot.press("greater_than_sign", "greater_than_sign")
        await settle(pilot)
        assert left.size.width > half + 15  # 70 % of 120 columns, was 50 %
        await pilot.press(*["less_than_sign"] * 9)  # down to the least, 20 %
        await settle(pilot)
        assert left.size.width == 40  # 20 %, but never under the list's min-width
    assert "split = 20" in config.read_text(encoding="utf-8")
    app = KlipingApp([collection], config_path=config)
    async with app.run_test(size=(80, 24)) as pilot:  # stacked: the list's height
        await settle(pilot)
        main = app.query_one("#main")
        assert app.query_one("#left").outer_size.height == main.size.height * 20 // 100
        assert app.query_one("#reader", Reader).outer_size.height == main.size.height - (
            main.size.height * 20 // 100
        )
