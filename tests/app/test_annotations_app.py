"""Pilot tests for tags, notes, saved searches, citing and opening URLs, as a user drives them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.style import Style

from tests.app.test_app import settle, status, titles
from tests.helpers import fake_browser, reader_lines
from tests.unit.test_links import WIKI_PAGE
from tui.app import KlipingApp
from tui.article import Article
from tui.dialogs.annotations import (
    LinksScreen,
    NameScreen,
    NoteScreen,
    SavedSearchesScreen,
    TagListScreen,
    TagsScreen,
)
from tui.loader import parse_bytes
from tui.state import ReadingState
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader
from tui.widgets.reader_text import ArticleText


@pytest.fixture
def clips(tmp_path: Path) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "banjir.md").write_text(
        "---\ntitle: Banjir merendam Demak\ntags: [banjir]\nsource: Kompas\ndate: 2024-03-15\n"
        "url: https://example.org/banjir\n---\n\nAir sungai meluap di Demak.\n"
    )
    records = [
        {
            "title": "Rob di pesisir Semarang",
            "text": "Rob merendam pesisir.",
            "label": ["rob"],
            "date": "2024-02-01",
        },
        {"title": "Anggaran desa inklusif", "text": "Desa menyusun anggaran.", "date": "2024-01-01"},
    ]
    (folder / "lain.json").write_text(json.dumps(records))
    return folder


def app_for(clips: Path, tmp_path: Path) -> KlipingApp:
    return KlipingApp([clips], state_path=tmp_path / "state.sqlite3", config_path=tmp_path / "config.toml")


def reader_text(app: KlipingApp) -> str:
    return "\n".join(reader_lines(app.query_one("#reader", Reader)))


def list_line(app: KlipingApp, row: int = 0) -> str:
    return app.query_one("#articles", ArticleList).render_line(row).text


async def test_tags_from_the_file_and_by_hand_with_completion(clips: Path, tmp_path: Path) -> None:
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert titles(app)[0] == "Banjir merendam Demak"
        assert "#banjir" in reader_text(app) and "#banjir" in list_line(app)
        await pilot.press("j")  # the rob article
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagsScreen)
        assert app.screen.query_one("#tags-input").value == "rob, "  # type: ignore[attr-defined]
        await pilot.press("b", "a", "tab")  # completes "banjir" from the tags in use
        await pilot.press(*"pesisir", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TagsScreen)
        assert "#rob #banjir" in reader_text(app) and "#pesisir" in reader_text(app)
        assert app.session.marks.tag_counts() == {"banjir": 2, "pesisir": 1, "rob": 1}
        # Taking the file's own tag away: t, clear the line, keep only pesisir.
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one("#tags-input").value = "pesisir"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.marks.tag_counts() == {"banjir": 1, "pesisir": 1}
        # tag: and -tag: in the filter bar.
        await pilot.press("slash", *"tag:banjir")
        await settle(pilot)
        assert titles(app) == ["Banjir merendam Demak"]
        app.query_one("#filter").value = "-tag:banjir"  # type: ignore[attr-defined]
        await settle(pilot)
        assert titles(app) == ["Rob di pesisir Semarang", "Anggaran desa inklusif"]
    # They last: a new run reads them from the state file.
    again = app_for(clips, tmp_path)
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert again.session.marks.tag_counts() == {"banjir": 1, "pesisir": 1}


async def test_the_tag_list_filters_by_a_tag(clips: Path, tmp_path: Path) -> None:
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, TagListScreen)
        await pilot.press("down", "enter")  # banjir, rob: the second
        await settle(pilot)
        assert app.query_one("#filter").value == "tag:rob"  # type: ignore[attr-defined]
        assert titles(app) == ["Rob di pesisir Semarang"]


async def test_a_note_is_shown_found_and_kept(clips: Path, tmp_path: Path) -> None:
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"dibuang", "escape")  # Esc leaves the note as it was
        await settle(pilot)
        assert (
            not isinstance(app.screen, NoteScreen)
            and app.session.marks.note(
                app.session.rows[app.query_one("#articles", ArticleList).current_key or 0].digest
            )
            == ""
        )
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Bukti [b]anggaran[/b]", "enter", *"baris dua", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteScreen)
        text = reader_text(app)
        assert "✎ Bukti [b]anggaran[/b]" in text and "✎ baris dua" in text  # shown as typed, never markup
        assert "✎" in list_line(app)
        await pilot.press("slash", *"note:anggar")
        await settle(pilot)
        assert titles(app) == ["Banjir merendam Demak"]
        app.query_one("#filter").value = "-has:note"  # type: ignore[attr-defined]
        await settle(pilot)
        assert "Banjir merendam Demak" not in titles(app) and len(titles(app)) == 2
    state = ReadingState(tmp_path / "state.sqlite3")
    assert list(state.notes().values()) == ["Bukti [b]anggaran[/b]\nbaris dua"]
    state.close()


async def test_saved_searches_save_count_apply_rename_delete(clips: Path, tmp_path: Path) -> None:
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"tag:rob", "enter")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, SavedSearchesScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        await pilot.press(*"Pesisir", "enter")
        await settle(pilot)
        await pilot.press("escape", "escape")  # back to the list, and the filter cleared
        await settle(pilot)
        assert len(titles(app)) == 3
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SavedSearchesScreen)
        assert screen.counts == {"Pesisir": 1}
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        app.screen.query_one("#name-input").value = "Rob"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SavedSearchesScreen)  # back in the list, renamed
        assert app.screen.searches == [("Rob", "tag:rob")]
        await pilot.press("enter")
        await settle(pilot)
        assert titles(app) == ["Rob di pesisir Semarang"]
        assert "1 of 3" in status(app)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, SavedSearchesScreen) and app.screen.searches == []
    state = ReadingState(tmp_path / "state.sqlite3")
    assert state.searches() == []
    state.close()


async def test_cite_and_open_the_url(clips: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = fake_browser(monkeypatch)
    app = app_for(clips, tmp_path)
    copied: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert copied == ["“Banjir merendam Demak”, Kompas, 2024-03-15, https://example.org/banjir."]
        app.settings.cite = "markdown"
        await pilot.press("c")
        assert copied[-1] == "[Banjir merendam Demak](<https://example.org/banjir>), Kompas, 2024-03-15"
        await pilot.press("w")
        await settle(pilot)
        assert opened == ["https://example.org/banjir"]
        await pilot.press("j")  # no URL
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert opened == ["https://example.org/banjir"]
        assert any("no URL" in str(n.message) for n in app._notifications)


async def test_the_links_of_an_article_are_listed_and_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = fake_browser(monkeypatch)
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "rob.md").write_text(
        "# Rob di Semarang\n\nMenurut [BMKG](https://bmkg.go.id/rob), air naik; lihat [peta](https://peta.example/rob).\n"
    )
    app = app_for(folder, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = reader_text(app)
        assert "Menurut BMKG[1], air naik; lihat peta[2]." in text
        assert (
            "Links" in text
            and "[1] https://bmkg.go.id/rob" in text
            and "[2] https://peta.example/rob" in text
        )
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, LinksScreen)
        assert opened == ["https://peta.example/rob"]


async def test_a_wiki_page_shows_its_links_and_its_citations_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "gecko.html").write_text(WIKI_PAGE)
    app = app_for(folder, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = reader_text(app)
        assert "Firefox[2] di Demak.[1] Mesin ini" in " ".join(text.split())
        assert "\u2060" not in text and "\\u2060" not in text
        assert "[2] https://www.mozilla.org/firefox/" in text
        assert "[3] https://id.wikipedia.org/wiki/Servo" in text
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen) and len(app.screen.links) == 3


def test_the_reader_shows_a_link_marker_as_a_link_and_a_citation_as_written() -> None:
    article = next(a for a in parse_bytes(WIKI_PAGE.encode(), "gecko.html") if isinstance(a, Article))
    link = Style(color="red")
    texts = ArticleText(style=lambda name: link if name == "reader--link" else Style()).clean(article)
    shown = [piece()[0] for piece in texts if callable(piece)]
    first = next(text for text in shown if "Firefox" in text.plain)
    styled = [first.plain[span.start : span.end] for span in first.spans if span.style == link]
    assert styled == ["[1]", "[2]"]  # Mozilla's, Firefox's; not the citations "[1]" and "[2]"
    assert "Firefox[2] di Demak.[1] Mesin ini" in " ".join(first.plain.split())


async def test_a_link_without_text_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "pocket"
    folder.mkdir()
    (folder / "part_000000.csv").write_text(
        "title,url,time_added,cursor,tags,status\nRob di Pekalongan,https://example.org/rob,1712345678,a,rob,archive\n"
    )
    app = app_for(folder, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = reader_text(app)
        assert "A link saved without its text" in text and "words" not in text and "#rob" in text
        assert "0 unread" in status(app)


async def test_no_browser_is_said(clips: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    def nothing() -> None:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr("webbrowser.get", nothing)
    monkeypatch.delenv("BROWSER", raising=False)
    app = app_for(clips, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert any("No browser found" in str(n.message) for n in app._notifications)


async def test_bulk_read_and_tag_what_the_filter_shows_with_undo(clips: Path, tmp_path: Path) -> None:
    from tui.dialogs.annotations import BulkScreen, ConfirmScreen

    app = app_for(clips, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"-tag:banjir", "enter")
        await settle(pilot)
        assert len(titles(app)) == 2
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BulkScreen)
        await pilot.press("enter")  # mark all read
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and app.screen.question == "Mark 2 articles read?"
        await pilot.press("y")
        await settle(pilot)
        assert "1 unread" in status(app)
        await pilot.press("z")
        await settle(pilot)
        assert "3 unread" in status(app)
        await pilot.press("B", "down", "down", "down", "down", "enter")  # add a tag to all
        await settle(pilot)
        await pilot.press(*"pesisir", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and app.screen.question == "Tag 2 articles pesisir?"
        await pilot.press("n")
        await settle(pilot)
        assert app.session.marks.tag_counts() == {"banjir": 1, "rob": 1}
        await pilot.press("B", "down", "down", "down", "down", "enter", *"pesisir", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.marks.tag_counts() == {"banjir": 1, "pesisir": 2, "rob": 1}
        await pilot.press("z")
        await settle(pilot)
        assert app.session.marks.tag_counts() == {"banjir": 1, "rob": 1}
        await pilot.press("z")
        await settle(pilot)
        assert any("Nothing to undo" in str(n.message) for n in app._notifications)
