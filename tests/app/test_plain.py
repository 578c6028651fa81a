"""Escape sequences from imported titles, tags and notes never reach an input, a note or the clipboard
(issue 19, item 2), and what a file gives as a title is text of a sane length (item 13)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, TextArea

from tests.app.test_app import settle
from tui import formats, formatting
from tui.app import KlipingApp
from tui.dialogs.annotations import NoteScreen, TagListScreen, TagsScreen
from tui.state import ReadingState
from tui.widgets import filter_bar
from tui.widgets.filter_bar import FilterBar

# A window title, a clipboard write (OSC 52), a planted link, a screen clear (CSI and its C1 form).
OSC = "\x1b]0;pwned\x07"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
HOSTILE = f"{OSC}banjir{CLIPBOARD} \x1b]8;;http://evil.example\x07rob\x1b]8;;\x07 \x1b[2J\x9b2J"
# What a terminal acts on: C0 controls (but tab and newline), DEL and C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_plain_text_takes_whole_sequences_and_stray_controls_out() -> None:
    plain_text, plain_line = formatting.plain_text, formatting.plain_line
    assert plain_text(HOSTILE) == "banjir rob "
    assert plain_text("\x1b[31mmerah\x1b[0m\x07") == "merah"
    assert plain_text("baris satu\r\nbaris\tdua\rtiga\x00") == "baris satu\nbaris\tdua\ntiga"
    assert plain_text("\x1bP1;2|data\x1b\\sesudah \x9d0;judul\x9c!") == "sesudah !"
    assert plain_text("\x1b]0;" + "x" * 10_000) == "0;" + "x" * 10_000  # no end: only its ESC goes
    assert plain_line("satu\ndua\tketiga\u2028empat") == "satu dua ketiga empat"
    assert plain_text("Teks biasa, tanpa apa-apa") == "Teks biasa, tanpa apa-apa"


def test_records_and_front_matter_give_plain_metadata_tags_and_notes() -> None:
    meta = formats.metadata(
        {
            "title": f"Judul {OSC}Banjir",
            "source": f"Kompas{CLIPBOARD}",
            "url": "https://example.org/\x1b[2Ja",
            "place": "Demak\x9b2J",
            "tags": [f"{OSC}banjir", "rob\x1b]52;c;eA==\x07, pesisir"],
            "annotations": [{"quote": f"kutipan{OSC}", "text": f"catatan\x1b[2J\nbaris dua{CLIPBOARD}"}],
        }
    )
    assert meta["title"] == "Judul Banjir"
    assert (meta["source"], meta["url"], meta["place"]) == ("Kompas", "https://example.org/a", "Demak")
    assert meta["tags"] == ("banjir", "rob", "pesisir")
    assert json.loads(meta["carried"])["note"] == "> kutipan\ncatatan\nbaris dua"


@pytest.mark.parametrize(
    ("title", "shown"),
    [(["list", "title"], "list, title"), (b"hello", "hello"), (2024, "2024"), ({"a": 1}, None), (True, None)],
)
def test_a_title_that_is_not_text_is_never_a_python_repr(title: object, shown: str | None) -> None:
    assert formats.metadata({"title": title}).get("title") == shown


def test_a_huge_title_is_cut() -> None:
    meta = formats.metadata({"title": "kata " * 2_000_000, "url": "https://e.org/" + "a" * 20_000})
    assert len(meta["title"]) <= 500 and meta["title"].startswith("kata kata")
    assert len(meta["url"]) <= 4096


def hostile_clips(folder: Path) -> Path:
    folder.mkdir()
    record = {
        "title": f"Rob {OSC}di pesisir",
        "text": f"Rob merendam pesisir Semarang.{CLIPBOARD} Air naik lagi.",
        "tags": [HOSTILE],
        "note": f"Catatan{CLIPBOARD}\nbaris dua\x1b[2J",
        "url": "https://example.org/rob",
        "source": "Kompas",
    }
    (folder / "ekspor.jsonl").write_text(json.dumps(record) + "\n")
    return folder


def one_article_clips(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: Banjir di Demak\n---\n\nAir sungai meluap di Demak.\n")
    return folder


def app_for(clips: Path, tmp_path: Path) -> KlipingApp:
    return KlipingApp([clips], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")


async def test_imported_tags_and_notes_reach_the_inputs_and_the_clipboard_plain(tmp_path: Path) -> None:
    """The tag editor, the note editor, T then Enter into the filter bar, c and y: no ESC anywhere."""
    app = app_for(hostile_clips(tmp_path / "clips"), tmp_path)
    copied: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagsScreen)
        value = app.screen.query_one(Input).value
        assert value == "banjir rob, " and not CONTROL.search(value)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one(TextArea).text == "Catatan\nbaris dua"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, TagListScreen)
        await pilot.press("enter")
        await settle(pilot)
        bar = app.query_one(FilterBar)
        assert bar.value == 'tag:"banjir rob"' and not CONTROL.search(bar.value)
        await pilot.press("escape")  # the filter cleared: the article again
        await settle(pilot)
        await pilot.press("c", "y")
        await settle(pilot)
        assert copied[0] == "“Rob di pesisir”, Kompas, https://example.org/rob."
        assert copied[1].startswith("Rob di pesisir\n\nRob merendam pesisir Semarang. Air naik lagi.")
        assert not any(CONTROL.search(text) for text in copied)


async def test_what_an_older_run_kept_reaches_the_inputs_plain(tmp_path: Path) -> None:
    """Tags, a note and filters kept in the state file before imports were cleaned are cleaned when shown."""
    clips = one_article_clips(tmp_path / "clips")
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        row = next(iter(app.session.rows.values()))
        app.session.marks.set_tag(row, f"{OSC}banjir", True)
        app.session.marks.set_note(row, f"lama{CLIPBOARD}")
        await pilot.press("t")
        await settle(pilot)
        assert app.screen.query_one(Input).value == "banjir, "
        await pilot.press("escape", "a")
        await settle(pilot)
        assert app.screen.query_one(TextArea).text == "lama"
    state = ReadingState(tmp_path / "state.sqlite3")
    state.add_history(f"rob {OSC}")
    state.close()
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "up")
        assert app.query_one(FilterBar).value == "rob "


async def test_a_pasted_megabyte_filter_is_cut_and_kept_cut(tmp_path: Path) -> None:
    clips = one_article_clips(tmp_path / "clips")
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        bar = app.query_one(FilterBar)
        bar.insert_text_at_cursor("banjir " * 150_000 + f"{OSC}\n")
        assert len(bar.value) == filter_bar.FILTER_LIMIT and not CONTROL.search(bar.value)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert bar.value == ""
    state = ReadingState(tmp_path / "state.sqlite3")
    assert [len(query) for query in state.history()] == [filter_bar.FILTER_LIMIT]
    state.close()


async def test_a_slash_typed_in_a_burst_stays_in_its_place(tmp_path: Path) -> None:
    """Keys that come faster than the filter bar takes them (a paste without bracketed paste, a slow
    link): "/" is a priority key and was put in before the letters typed ahead of it."""
    clips = one_article_clips(tmp_path / "clips")
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        for char in "hello/world/lagi":
            app.post_message(events.Key("slash" if char == "/" else char, char))  # all at once
        await settle(pilot)
        assert app.query_one(FilterBar).value == "hello/world/lagi"
