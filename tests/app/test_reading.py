"""The reading workflow: state that lasts, in-article search, history, settings, export."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.app.test_app import settle, status, titles
from tests.helpers import lines_in_view, matches_shown, reader_lines, small_collection, write_article
from tui.app import KlipingApp
from tui.config import default_config_path, load_settings
from tui.dialogs.common import ExportScreen
from tui.export import read_back
from tui.query import parse
from tui.state import default_state_path
from tui.widgets.article_list import ArticleList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.reader import Reader


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    return small_collection(tmp_path / "clips")


def first_title(app: KlipingApp) -> str:
    return app.query_one("#articles", ArticleList).articles[0].title


async def test_star_survives_a_restart_and_shows_as_a_symbol(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("asterisk")
        await settle(pilot)
        assert "1 starred" in status(app)
        assert "★" in app.query_one("#articles", ArticleList).render_line(0).text
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "★" in app.query_one("#articles", ArticleList).render_line(0).text
        await pilot.press("slash", *"is:starred", "enter")
        await settle(pilot)
        assert titles(app) == ["Koperasi Perempuan Tumbuh di Sumenep"]


async def test_renaming_a_file_keeps_its_state(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f")
    (collection / "c.txt").rename(collection / "renamed-elsewhere.txt")
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.session.marks.starred == 1
        row = app.query_one("#articles", ArticleList).articles[0]
        assert row.path.endswith("renamed-elsewhere.txt")
        assert app.session.marks.has("starred", row.key)


async def test_opening_marks_read_and_u_toggles(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "3 unread" in status(app)
        line = app.query_one("#articles", ArticleList).render_line(0).text
        assert line[2] == "•"  # unread is a symbol, not only bold
        await pilot.press("enter")
        await settle(pilot)
        assert "2 unread" in status(app)
        assert app.query_one("#articles", ArticleList).render_line(0).text[2] == " "
        await pilot.press("escape", "u")
        await settle(pilot)
        assert "3 unread" in status(app)
        await pilot.press("u", "slash", *"is:unread", "enter")
        await settle(pilot)
        assert len(titles(app)) == 2
        await pilot.press("escape", "slash", *"is:read", "enter")
        await settle(pilot)
        assert titles(app) == ["Koperasi Perempuan Tumbuh di Sumenep"]


async def test_brackets_in_the_reader_mark_read_on_the_way(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "right_square_bracket")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.session.marks.unread == 0


async def test_n_and_shift_n_step_through_matches_with_an_indicator(collection: Path) -> None:
    app = KlipingApp([collection], filter_text="pertemuan")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        count = matches_shown(reader)[1]
        assert count >= 3  # title, "pertemuan rutin" caption, "Pertemuan ini"
        assert matches_shown(reader)[0] == 1
        assert f"match 1/{count}" in str(reader.border_subtitle)
        await pilot.press("enter")
        await pilot.press("n")
        assert matches_shown(reader)[0] == 2
        assert f"match 2/{count}" in str(reader.border_subtitle)
        marked = [i for i, line in enumerate(reader_lines(reader)) if line.lstrip().startswith("▶")]
        assert len(marked) == 1
        await pilot.press("N", "N")
        assert matches_shown(reader) == (count, count)  # wraps around
        await pilot.press("n")
        assert matches_shown(reader)[0] == 1


async def test_progress_reads_100_only_when_the_last_line_is_in_view(collection: Path) -> None:
    from tests.helpers import write_article

    long_body = [f"Paragraf nomor {n} tentang desa dan koperasi perempuan." for n in range(150)]
    write_article(collection, "long.txt", "Artikel Panjang Sekali", "6 Januari 2024", long_body)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        assert first_title(app) == "Artikel Panjang Sekali"
        assert str(reader.border_subtitle).endswith("%")
        assert not str(reader.border_subtitle).endswith("100%")
        reader.scroll_to(y=reader.max_scroll_y - 1, animate=False, immediate=True)
        await settle(pilot)
        assert str(reader.border_subtitle) == "99%"  # one line short of the end is not all of it
        reader.scroll_end(animate=False, immediate=True)
        await settle(pilot)
        assert str(reader.border_subtitle) == "100%"
        await pilot.press("j")  # the next article is short: it fits, so all of it is in view
        await settle(pilot)
        assert app.query_one("#articles", ArticleList).articles[1].title != "Artikel Panjang Sekali"
        assert reader.max_scroll_y == 0
        assert str(reader.border_subtitle) == "100%"
        # The same percentage again repaints nothing: a subtitle set to the same text repainted
        # the whole pane, up to four times an article, in the frames of the next keystrokes.
        repaints = 0
        original = reader.refresh

        def counted(*args: object, **kwargs: object) -> Reader:
            nonlocal repaints
            repaints += 1
            return original(*args, **kwargs)  # type: ignore[arg-type]

        reader.refresh = counted  # type: ignore[method-assign]
        reader._update_subtitle()
        assert repaints == 0 and str(reader.border_subtitle) == "100%"


async def test_filter_history_is_recalled_with_up_and_kept_between_runs(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"koperasi", "enter")
        await pilot.press("slash", "escape", "slash", *"desa", "enter")
        await settle(pilot)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "up")
        assert app.query_one(FilterBar).value == "desa"
        await pilot.press("up")
        assert app.query_one(FilterBar).value == "koperasi"
        await pilot.press("down", "down")
        assert app.query_one(FilterBar).value == ""


async def test_sort_and_width_are_remembered(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s", "s", "minus")  # -> title
        await settle(pilot)
    settings, message = load_settings(default_config_path())
    assert message is None
    assert (settings.sort, settings.measure) == ("title", 70)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.session.sort == "title"
        assert app.query_one("#reader", Reader).measure == 70
        assert titles(app) == sorted(titles(app), key=str.lower)


async def test_broken_config_gets_a_message_naming_the_line_and_defaults(collection: Path) -> None:
    config = default_config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('sort = "date"\nmeasure = = 3\n')
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("line 2" in m and "config.toml" in m for m in messages)
        assert len(titles(app)) == 3


async def test_broken_state_database_is_moved_aside_with_a_message(collection: Path) -> None:
    state = default_state_path()
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(b"this is not a database" * 100)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert any("damaged" in n.message for n in app._notifications)
        await pilot.press("asterisk")
        assert app.session.marks.starred == 1
    aside = list(state.parent.glob("state.sqlite3.damaged-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"this is not a database")
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_reading_position_is_restored(collection: Path, tmp_path: Path) -> None:
    long_body = [f"Paragraf nomor {n} tentang desa dan koperasi perempuan." for n in range(120)]
    from tests.helpers import write_article

    write_article(collection, "long.txt", "Artikel Panjang Sekali", "6 Januari 2024", long_body)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert first_title(app) == "Artikel Panjang Sekali"
        await pilot.press("enter", "pagedown", "pagedown")
        await settle(pilot)
        where = app.query_one("#reader", Reader).scroll_offset.y
        assert where > 20
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert abs(app.query_one("#reader", Reader).scroll_offset.y - where) <= 1


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "md"])
async def test_export_writes_what_the_list_shows(collection: Path, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out.{suffix}"
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"desa OR koperasi", "enter")
        await settle(pilot)
        shown = titles(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        field = app.screen.query_one("#export-path")
        field.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
    records = read_back(target, suffix)
    assert [r["title"] for r in records] == shown
    assert len(shown) == 2
    assert all(r["text"] for r in records)
    if suffix == "jsonl":
        first = json.loads(target.read_text().splitlines()[0])
        assert first["path"].endswith(".txt")


async def test_key_remaps_from_the_config_file_take_effect(collection: Path) -> None:
    config = default_config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[keymap]\n"app.star" = "x"\n')
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not [n for n in app._notifications if "config" in n.message]
        await pilot.press("x")
        await settle(pilot)
        assert app.session.marks.starred == 1
        await pilot.press("asterisk")  # the old key no longer stars
        await settle(pilot)
        assert app.session.marks.starred == 1


async def test_editing_a_file_keeps_its_star_read_mark_and_position(collection: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    app = KlipingApp([collection], cache=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("asterisk", "enter")  # starred, then opened: read
        await settle(pilot)
        assert app.session.marks.starred == 1 and app.session.marks.unread == 2
    with (collection / "c.txt").open("a", encoding="utf-8") as file:
        file.write("\nSatu kalimat yang ditambahkan sesudahnya oleh pemilik kliping.\n")
    app = KlipingApp([collection], cache=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.session.marks.starred == 1 and app.session.marks.unread == 2
        assert "★" in app.query_one("#articles", ArticleList).render_line(0).text


@pytest.mark.parametrize("read_when", ["opened", "rested"])
async def test_typing_or_starting_never_marks_an_article_read(
    collection: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_when: str
) -> None:
    from tui.screens import following

    monkeypatch.setattr(following, "READ_AFTER_SECONDS", 0.05)
    config = tmp_path / "config.toml"
    config.write_text(f'read_when = "{read_when}"\n', encoding="utf-8")
    app = KlipingApp([collection], config_path=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)  # well past the resting time, at start
        assert app.session.marks.unread == 3
        await pilot.press("slash", *"koperasi")
        await settle(pilot)
        await pilot.pause(0.2)  # resting while typing a filter
        assert app.session.marks.unread == 3
        await pilot.press("escape")  # back in the list, on the article found: resting reads it if asked
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.session.marks.unread == (2 if read_when == "rested" else 3)
        await pilot.press("j")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.session.marks.unread == (1 if read_when == "rested" else 3)
        await pilot.press("enter")  # opening always reads
        await settle(pilot)
        assert app.session.marks.unread == (1 if read_when == "rested" else 2)


async def test_the_article_read_last_is_under_the_cursor_at_the_next_start(collection: Path) -> None:
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        read = app.query_one("#articles", ArticleList).current_key
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        assert article_list.current_key == read and article_list.cursor == 2


async def test_the_article_read_last_is_under_the_cursor_with_the_first_rows(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a warm start the cursor goes to it with the cached rows, not once the folder check is
    over (at 100k the cursor and the reader then moved a second after the list was shown)."""
    import threading

    from tui import sync as sync_module

    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        read = app.query_one("#articles", ArticleList).current_key
    checked = threading.Event()
    scan = sync_module.scan

    def held(*args: object, **kwargs: object) -> object:
        checked.wait(120)  # until the test has looked (a ceiling: the folder check must still be on)
        return scan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync_module, "scan", held)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        article_list = app.query_one("#articles", ArticleList)
        for _ in range(3000):  # a ceiling of a minute (it was 2 s: a slow start failed it)
            await pilot.pause(0.02)
            if article_list.current_key == read:
                break
        assert app.session.loading and article_list.current_key == read
        checked.set()
        await settle(pilot)
        assert not app.session.loading and article_list.current_key == read


async def test_a_long_article_shows_its_top_at_once_and_the_rest_as_it_is_wrapped(
    collection: Path,
) -> None:
    from tests.helpers import write_article

    body = [f"Paragraf nomor {n} tentang koperasi perempuan di desa pesisir." for n in range(3000)]
    body[2950] = "Di bagian akhir laporan ada kata istimewa yang dicari."
    write_article(collection, "long.txt", "Laporan Panjang Sekali", "6 Januari 2024", body)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        assert first_title(app) == "Laporan Panjang Sekali"
        article = reader.article
        assert article is not None
        reader.show(article)  # again, as the list's cursor would: the top first
        assert reader.wrapping and len(reader_lines(reader)) < 200
        await settle(pilot)  # the rest, a slice at a time
        assert not reader.wrapping
        lines = reader_lines(reader)  # the article's end, before the articles like it (found meanwhile)
        lines = lines[: lines.index("  More like this")] if "  More like this" in lines else lines
        assert any("nomor 2999" in line for line in lines[-4:])
        assert str(reader.border_subtitle).endswith("%")
        reader.set_query(parse("istimewa"))
        reader.show(article)  # the only match is near the end: wrapped up to it, and shown
        assert matches_shown(reader) == (1, 1)
        assert any("istimewa" in line for line in lines_in_view(reader))


async def test_end_and_home_reach_the_ends_of_a_long_article_at_once(collection: Path) -> None:
    from tests.helpers import write_article

    body = [f"Paragraf nomor {n} tentang koperasi perempuan di desa pesisir." for n in range(3000)]
    write_article(collection, "long.txt", "Laporan Panjang Sekali", "6 Januari 2024", body)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reader = app.query_one("#reader", Reader)
        assert reader.article is not None
        reader.show(reader.article)
        await pilot.press("enter", "G")  # while the rest is still being wrapped
        assert not reader.wrapping
        assert reader.scroll_offset.y == reader.max_scroll_y > 1000
        assert str(reader.border_subtitle).endswith("100%")
        await pilot.press("g", "space")  # no animation left running for the next key to stop
        assert 0 < reader.scroll_offset.y <= reader.scrollable_content_region.height


async def test_a_long_title_in_a_mark_message_is_cut_at_a_word_and_says_so(tmp_path: Path) -> None:
    """ "Starred: … Bersama GEDS" read as the title's end: the title is cut at a word, with "…"."""
    title = "Dukung Struktur Masyarakat, KemenPPPA Bersama GEDSI Menolong Pemulihan Efektif"
    folder = write_article(tmp_path / "clips", "a.txt", title, "3 Maret 2024 08:00", ["Isi berita."]).parent
    app = KlipingApp([folder])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("asterisk")
        await pilot.pause()
        said = list(app.messages)[-1].text
    assert said == "Starred: Dukung Struktur Masyarakat, KemenPPPA Bersama…"


async def test_the_reader_wraps_the_article_it_follows_off_the_event_loop(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The article under the cursor is wrapped in the fetch thread and only swapped in on the loop
    (wrapping it on the loop held up the next key's list by 10-40 ms), and it reads the same."""
    import threading

    from tui.widgets import reader as reader_module
    from tui.widgets import wrapping

    where: list[bool] = []  # each text wrapped: on the event loop's thread?
    wrap = wrapping.Lines._wrap

    def recorded_wrap(self: wrapping.Lines, text: object, prefix: str) -> None:
        where.append(threading.current_thread() is threading.main_thread())
        wrap(self, text, prefix)  # type: ignore[arg-type]

    monkeypatch.setattr(wrapping.Lines, "_wrap", recorded_wrap)
    monkeypatch.setattr(reader_module, "extras_texts", lambda *args: [])  # "More like this" comes later
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reader = app.query_one(Reader)
        await pilot.press("slash", *"advokasi", "enter")
        await settle(pilot)
        where.clear()
        await pilot.press("j")  # the list moves: the reader follows
        await settle(pilot)
        assert where and not any(where)  # the whole short article, wrapped off the loop
        shown = reader_lines(reader)
        assert reader.article is not None and reader.article.title == titles(app)[1]
        assert matches_shown(reader)[1] > 0  # its matches marked
        reader._rebuild()  # the same article wrapped on the loop, as before: the same lines
        assert reader_lines(reader) == shown
        assert where[-1]


async def test_the_reader_does_not_follow_while_keys_keep_coming(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing at a steady pace slower than the reader's delay: the reader waits until typing rests
    (following between keys wrapped and painted an article just as the next key came)."""
    from tui.screens import following

    monkeypatch.setattr(following, "READER_TYPING_DELAY_SECONDS", 0.05)
    app = KlipingApp([collection])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reader = app.query_one(Reader)
        shown: list[str] = []
        show = reader.show

        def recorded_show(article: object, *args: object, **kwargs: object) -> None:
            shown.append(app.query_one(FilterBar).value)
            show(article, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(reader, "show", recorded_show)
        await pilot.press("slash")
        for key in "advokasi":
            await pilot.press(key)
            await pilot.pause(0.3)  # six times the reader's delay, but the typist's pace
        await settle(pilot)
        # After the first key (its pace not known yet), then once typing rested, and only then.
        assert shown == ["a", "advokasi"]
        assert reader.article is not None and reader.article.title == titles(app)[0]
        await pilot.pause(1.1)
        await pilot.press("backspace")
        await settle(pilot)
        assert shown == ["a", "advokasi", "advokas"]
