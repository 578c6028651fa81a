"""Keys typed faster than the app takes them (a paste without bracketed paste, a fast typist, a slow
SSH link) act in the order they were typed: an editing key is never applied before or after the
letters around it."""

from __future__ import annotations

from pathlib import Path

from textual import events

from tests.app.test_app import settle, titles
from tests.helpers import small_collection
from tui.app import KlipingApp
from tui.dialogs.annotations import NoteScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.plain_input import PlainTextArea

EDITING = {"backspace", "ctrl+u", "ctrl+w", "left", "home", "end", "up"}
NAMES = {"/": "slash", "\r": "enter", "\x1b": "escape", " ": "space", "-": "minus"}


def keys(app: KlipingApp, *typed: str) -> None:
    """Each argument an editing key's name or text typed; all posted at once, none waiting for the
    key before it, as the terminal sends a burst."""
    for text in typed:
        if text in EDITING:
            app.post_message(events.Key(text, None))
        else:
            for character in text:
                app.post_message(events.Key(NAMES.get(character, character), character))


async def test_editing_keys_in_the_filter_bar_act_in_order(tmp_path: Path) -> None:
    app = KlipingApp([small_collection(tmp_path / "clips")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        bar = app.query_one(FilterBar)
        for typed, value in [
            (("desa", "backspace", "backspace", "x"), "dex"),  # was "des": both Backspaces after "x"
            (("desa", "ctrl+u", "ab"), "ab"),  # was "": Ctrl+U after "ab"
            (("ctrl+u", "desa", "backspace"), "des"),
            (("kader", "ctrl+w", "sumenep"), "sumenep"),
            (("desa", "left", "left", "x"), "dexsa"),
            (("desa", "home", "-"), "-desa"),
        ]:
            keys(app, "end", "ctrl+u", *typed)
            await settle(pilot)
            assert bar.value == value, typed
        keys(app, "end", "ctrl+u", "koperasi")
        await settle(pilot)
        assert titles(app) == ["Koperasi Perempuan Tumbuh di Sumenep"]  # the list follows the bar


async def test_escape_and_enter_after_letters_in_one_burst(tmp_path: Path) -> None:
    app = KlipingApp([small_collection(tmp_path / "clips")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        articles = app.query_one("#articles", ArticleList)
        bar = app.query_one(FilterBar)
        keys(app, "/desa\x1bj")
        await settle(pilot)
        assert bar.value == "" and app.focused is articles  # Esc cleared what was typed before it
        assert len(titles(app)) == 3
        keys(app, "/koperasi\r")
        await settle(pilot)
        assert app.focused is articles and bar.value == "koperasi"
        assert titles(app) == ["Koperasi Perempuan Tumbuh di Sumenep"]
        assert bar.history == ["koperasi"]  # Enter kept the whole filter, not what was in before it
        keys(app, "/", "end", "ctrl+u", "up")
        await settle(pilot)
        assert bar.value == "koperasi"  # Up recalled after Ctrl+U emptied the bar


async def test_editing_keys_in_a_note_act_in_order(tmp_path: Path) -> None:
    app = KlipingApp([small_collection(tmp_path / "clips")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        first = app.query_one("#articles", ArticleList).articles[0]
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        keys(app, "catatanx", "backspace", " cepat")
        await settle(pilot)
        assert app.screen.query_one(PlainTextArea).text == "catatan cepat"
        app.post_message(events.Key("ctrl+s", None))
        await settle(pilot)
        assert app.session.marks.note(first.digest) == "catatan cepat"


async def test_ctrl_s_keeps_the_whole_note_typed_before_it(tmp_path: Path) -> None:
    """Ctrl+S acts as it reaches the app: "catatan dari rumah" then Ctrl+S in one write kept "cat"."""
    app = KlipingApp([small_collection(tmp_path / "clips")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        articles = app.query_one("#articles", ArticleList)
        first = articles.articles[0]
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        keys(app, "catatan dari rumah")
        app.post_message(events.Key("ctrl+s", None))
        keys(app, "j")  # after the note: the list's
        await settle(pilot)
        assert not isinstance(app.screen, NoteScreen)
        assert app.session.marks.note(first.digest) == "catatan dari rumah"
        assert articles.cursor == 1


async def test_tab_completes_the_tag_typed_before_it(tmp_path: Path) -> None:
    app = KlipingApp([small_collection(tmp_path / "clips")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        articles = app.query_one("#articles", ArticleList)
        app.session.marks.set_tag(articles.articles[1], "banjir", True)
        await pilot.press("t")
        await settle(pilot)
        keys(app, "ban")
        app.post_message(events.Key("tab", "\t"))
        keys(app, "rob\r")
        await settle(pilot)
        assert app.session.marks.tags_of(articles.articles[0]) == ["banjir", "rob"]


async def test_enter_in_the_filter_bar_puts_the_cursor_on_the_first_article(tmp_path: Path) -> None:
    app = KlipingApp([small_collection(tmp_path / "clips")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        articles = app.query_one("#articles", ArticleList)
        await pilot.press("G", "slash", "enter")  # the filter as it was: the list from its top
        await settle(pilot)
        assert app.focused is articles and articles.cursor == 0
        keys(app, "/\rj")  # and a key right after Enter moves from there
        await settle(pilot)
        assert articles.cursor == 1
