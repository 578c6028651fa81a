"""The team library on PostgreSQL as a user meets it: `kliping sync --library`, `--list`, the app."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.app.test_app import settle, status, titles
from tests.helpers import many_articles, reader_lines, small_collection, write_article
from tests.pg_server import wait_until_listening
from tui.cli import main
from tui.config import load_settings
from tui.query import parse
from tui.sync import sync

ROOT = Path(__file__).resolve().parents[2]


def _summary(err: str) -> str:
    return [line for line in err.splitlines() if "the library holds" in line][-1]


def test_sync_then_list_gives_what_the_folders_give(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = small_collection(tmp_path / "clips")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    assert "3 files: 3 read" in _summary(capsys.readouterr().err)
    assert main(["--list", str(folder)]) == 0
    local = capsys.readouterr().out
    assert main(["--list", "--library", pg_url]) == 0
    assert capsys.readouterr().out == local
    assert main(["--list", "--json", "--library", pg_url, "--filter", "pertemuan"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["title"] for r in records] == ["Forum Pertemuan Mitra Program INKLUSI"]
    assert "penguatan jejaring" in records[0]["text"]


def test_a_second_sync_reads_only_what_changed(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = small_collection(tmp_path / "clips")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    capsys.readouterr()
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    assert "3 files: 0 read (0 of them the same inside), 3 unchanged, 0 gone" in _summary(
        capsys.readouterr().err
    )
    (folder / "a.txt").unlink()
    write_article(folder, "d.txt", "Panen Raya Petani Garam", "3 Maret 2024 08:00", ["Petani garam panen."])
    written = (folder / "b.txt").stat().st_mtime_ns
    # Touched, the same inside: its rows stay. A second on, not "now": a file system's clock (or
    # its whole seconds) could give back the time it was written.
    os.utime(folder / "b.txt", ns=(written, written + 1_000_000_000))
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    assert "3 files: 2 read (1 of them the same inside), 1 unchanged, 1 gone" in _summary(
        capsys.readouterr().err
    )
    assert main(["--list", "--library", pg_url, "--filter", "petani OR pelatihan"]) == 0
    out = capsys.readouterr().out
    assert "Panen Raya Petani Garam" in out and "Pelatihan Kader" not in out


def test_syncing_one_folder_leaves_the_others_be(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = small_collection(tmp_path / "one")
    second = many_articles(tmp_path / "two", 5)
    assert main(["sync", "--library", pg_url, str(first)]) == 0
    assert main(["sync", "--library", pg_url, str(second)]) == 0
    assert main(["sync", "--library", pg_url, str(first)]) == 0
    assert "the library holds 8 articles" in _summary(capsys.readouterr().err)


_KILLED_ON_THE_THIRD_BATCH = """
import os, signal, sys
import tui.sync
from tui.library.pg import PgLibrary

tui.sync.FIRST, tui.sync.BULK_FROM, tui.sync.BATCH, tui.sync.BULK_MOST = 0, 10, 10, 10  # a bulk load
put = PgLibrary.put_files
calls = []

def put_then_die(self, batch):
    calls.append(1)
    if len(calls) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return put(self, batch)

PgLibrary.put_files = put_then_die
for _update in tui.sync.sync(PgLibrary(sys.argv[1], syncing=True), [sys.argv[2]]):
    pass
"""


def test_a_sync_killed_loses_nothing_committed_and_the_next_goes_on(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.library.pg import PgLibrary

    folder = many_articles(tmp_path / "clips", 60)
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_ON_THE_THIRD_BATCH, pg_url, str(folder)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL
    library = PgLibrary(pg_url)
    assert library.file_count() == 20  # the first two batches, whole
    # A first load builds the word index after its articles: the kill left it unbuilt.
    assert library._conn().execute("SELECT to_regclass('articles_doc')").fetchone() == (None,)
    library.close()
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    summary = _summary(capsys.readouterr().err)
    assert "60 files: 40 read" in summary and "the library holds 60 articles" in summary
    library = PgLibrary(pg_url)
    assert library._conn().execute("SELECT to_regclass('articles_doc') IS NOT NULL").fetchone() == (True,)
    library.close()
    assert main(["--list", "--library", pg_url, "--filter", "nomor 42"]) == 0
    assert "Artikel nomor 42 tentang" in capsys.readouterr().out


def test_a_first_sync_builds_the_word_indexes_after_its_articles(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first files a cold start writes (sync.FIRST, at once) do not make it a sync into a
    library already filled: its batches are written without the word indexes, built once after."""
    import tui.sync
    from tui.library.pg import PgLibrary
    from tui.library.pg_connect import value

    monkeypatch.setattr(tui.sync, "BULK_FROM", 5)
    folder = many_articles(tmp_path / "clips", tui.sync.FIRST + 10)
    indexed: list[bool] = []
    put = PgLibrary.put_files

    def put_and_look(self: PgLibrary, batch: Any, keep: bool = False) -> Any:
        indexed.append(value(self._conn(), "SELECT to_regclass('articles_doc') IS NOT NULL"))
        return put(self, batch, keep)

    monkeypatch.setattr(PgLibrary, "put_files", put_and_look)
    library = PgLibrary(pg_url, syncing=True)
    try:
        for _update in sync(library, [str(folder)], processes=0):
            pass
        assert indexed[0] and not indexed[-1]  # the first files', then the bulk's
        assert value(library._conn(), "SELECT to_regclass('articles_doc') IS NOT NULL")
        assert len(library.search(parse("desa")).keys) == tui.sync.FIRST + 10
    finally:
        library.close()


def test_a_first_sync_says_when_its_files_are_in_and_the_indexes_follow(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The minutes a first sync of a million articles spends on its indexes after the last file
    are said, not a bar standing at its end."""
    import tui.sync

    monkeypatch.setattr(tui.sync, "BULK_FROM", 5)
    folder = many_articles(tmp_path / "clips", tui.sync.FIRST + 10)
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    err = capsys.readouterr().err.splitlines()
    step = "kliping: building the word indexes and finding the near-copies"
    said = [n for n, line in enumerate(err) if line == step]
    assert len(said) == 1 and said[0] < err.index(_summary("\n".join(err)))
    assert main(["sync", "--library", pg_url, str(folder)]) == 0  # nothing to build: not said
    assert "word indexes" not in capsys.readouterr().err


def test_two_people_syncing_the_same_folder_at_once_make_one_copy(tmp_path: Path, pg_url: str) -> None:
    from tui.library.pg import PgLibrary

    folder = many_articles(tmp_path / "clips", 300)
    failures: list[BaseException] = []

    def one_sync() -> None:
        try:  # opening too: both make the tables and indexes of a new library at once
            library = PgLibrary(pg_url, syncing=True)
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            failures.append(error)
            return
        try:
            for _update in sync(library, [str(folder)], processes=0):
                pass
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            failures.append(error)
        finally:
            library.close()

    people = [threading.Thread(target=one_sync) for _ in range(2)]
    for person in people:
        person.start()
    for person in people:
        person.join()
    assert failures == []
    library = PgLibrary(pg_url)
    assert library.file_count() == 300
    assert len(library.rows()) == 300
    assert len({row.path for row in library.rows()}) == 300
    library.close()


def test_an_unreachable_library_is_one_line_without_its_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql://someone:hunter2@/nowhere?host={tmp_path}&connect_timeout=2"
    assert main(["--list", "--library", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kliping: cannot use the library postgresql://someone@")
    assert "hunter2" not in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert main(["sync", "--library", url, str(tmp_path)]) == 2
    assert "hunter2" not in capsys.readouterr().err


def test_a_read_only_role_browses_and_cannot_sync(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    folder = small_collection(tmp_path / "clips")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS kliping_reader")
        conn.execute("CREATE ROLE kliping_reader LOGIN")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO kliping_reader")
    reader = make_conninfo(**{**conninfo_to_dict(pg_url), "user": "kliping_reader"})
    capsys.readouterr()
    assert main(["--list", "--library", reader, "--filter", "pertemuan"]) == 0
    assert "Forum Pertemuan Mitra Program INKLUSI" in capsys.readouterr().out
    assert main(["sync", "--library", reader, str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kliping: cannot use the library postgresql://kliping_reader@")
    assert "Traceback" not in err and len(err.splitlines()) == 1
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("REASSIGN OWNED BY kliping_reader TO CURRENT_USER")
        conn.execute("DROP OWNED BY kliping_reader")
        conn.execute("DROP ROLE kliping_reader")


def test_an_empty_database_is_not_a_library_until_synced(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--list", "--library", pg_url]) == 2
    assert "holds no kliping library yet" in capsys.readouterr().err


def test_the_config_names_the_library_but_never_its_password(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('library = "postgresql://me:hunter2@db.example/clips"\n')
    settings, message = load_settings(config)
    assert settings.library is None
    assert message is not None and "without a password" in message and "hunter2" not in message
    config.write_text(f"library = {json.dumps(pg_url)}\n")
    assert load_settings(config)[0].library == pg_url

    folder = small_collection(tmp_path / "clips")
    from tui.config import default_config_path

    default_config_path().parent.mkdir(parents=True, exist_ok=True)
    default_config_path().write_text(f"library = {json.dumps(pg_url)}\n")
    assert main(["sync", str(folder)]) == 0
    assert main(["--list", "--filter", "sumenep"]) == 0
    assert "Koperasi Perempuan Tumbuh di Sumenep" in capsys.readouterr().out


async def test_the_app_browses_and_filters_a_team_library(tmp_path: Path, pg_url: str) -> None:
    from tui.app import KlipingApp
    from tui.library.pg import PgLibrary
    from tui.widgets.reader import Reader

    folder = small_collection(tmp_path / "clips")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    app = KlipingApp([], library=PgLibrary(pg_url), state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert titles(app)[0] == "Koperasi Perempuan Tumbuh di Sumenep"
        assert len(titles(app)) == 3
        await pilot.press("slash", *"temu")
        await settle(pilot)
        assert titles(app) == ["Forum Pertemuan Mitra Program INKLUSI"]
        reader = app.query_one("#reader", Reader)
        assert "penguatan jejaring" in "\n".join(reader_lines(reader))
        assert "Articles · the team library" in str(app.query_one("#articles").border_title)


async def test_the_app_counts_and_lists_the_problems_a_sync_found(tmp_path: Path, pg_url: str) -> None:
    """The problems are shared with the articles: `p` said "Every file loaded" after a sync found one."""
    from tui.app import KlipingApp
    from tui.dialogs.common import ProblemsScreen
    from tui.library.pg import PgLibrary

    folder = small_collection(tmp_path / "clips")
    (folder / "empty.txt").write_text("")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    app = KlipingApp([], library=PgLibrary(pg_url), state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(titles(app)) == 3
        assert "1 problem" in status(app)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert any("empty.txt" in line for line in app.screen.query_one("#problems-log").lines)


def test_what_one_person_syncs_the_others_are_told(tmp_path: Path, pg_url: str) -> None:
    from tui.library.pg import PgLibrary

    folder = small_collection(tmp_path / "clips")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    reader = PgLibrary(pg_url)
    rows, gone, held = reader.shared_rows()
    assert len(rows) == 3 and gone == set() and held == 3
    assert reader.wait_for_change(0.2) is False  # listening from here on
    write_article(folder, "a.txt", "Pelatihan Kader Desa Diundur", "2 Maret 2021 09:00", ["Diundur."])
    write_article(folder, "d.txt", "Panen Raya Petani Garam", "3 Maret 2024 08:00", ["Petani garam panen."])
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    assert reader.wait_for_change(5.0) is True
    rows, gone, held = reader.shared_rows()
    titles = {row.title for row in rows}  # only what changed: a.txt read again, d.txt new
    assert titles == {"Panen Raya Petani Garam", "Pelatihan Kader Desa Diundur"} and held == 4
    assert {Path(path).name for path in gone} == {"a.txt"}
    assert reader.shared_rows()[0:3:2] == ([], 4)  # nothing changed since: nothing to give
    reader.close()


async def test_the_app_shows_what_another_person_syncs_without_a_restart(tmp_path: Path, pg_url: str) -> None:
    import asyncio

    from tui.app import KlipingApp
    from tui.library.pg import PgLibrary

    folder = small_collection(tmp_path / "clips")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    app = KlipingApp([], library=PgLibrary(pg_url), state_path=tmp_path / "state.sqlite3", watch_files=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(titles(app)) == 3
        await asyncio.to_thread(wait_until_listening, pg_url, "kliping")  # a sync before is not heard
        write_article(
            folder, "d.txt", "Panen Raya Petani Garam", "3 Maret 2024 08:00", ["Petani garam panen."]
        )
        done = await asyncio.to_thread(main, ["sync", "--library", pg_url, str(folder)])
        assert done == 0
        for _ in range(600):  # within a couple of seconds (the watcher waits for a quiet second)
            await pilot.pause(0.05)
            if "Panen Raya Petani Garam" in titles(app):
                break
        await settle(pilot)
        assert titles(app)[0] == "Panen Raya Petani Garam"
        assert len(titles(app)) == 4


async def test_a_server_gone_mid_session_is_told_and_the_next_try_reconnects(tmp_path: Path) -> None:
    from tests.pg_server import Server, binaries
    from tui.app import KlipingApp
    from tui.library.pg import PgLibrary

    bin_dir = binaries()
    if bin_dir is None or os.environ.get("KLIPING_TEST_PG"):
        pytest.skip("needs the system's PostgreSQL binaries to stop and start a server of its own")
    server = Server(bin_dir)
    server.start()
    try:
        folder = small_collection(tmp_path / "clips")
        assert main(["sync", "--library", server.url(), str(folder)]) == 0
        app = KlipingApp([], library=PgLibrary(server.url()), state_path=tmp_path / "state.sqlite3")
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            server._run(str(server.bin / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop")
            await pilot.press("j", "slash", *"temu")
            await settle(pilot)
            told = [n.message for n in app._notifications]
            assert any("cannot use the library postgresql://" in message for message in told), told
            assert app.is_running and app.return_code is None
            server._start()
            await pilot.press("backspace", "u")
            await settle(pilot)
            assert titles(app) == ["Forum Pertemuan Mitra Program INKLUSI"]
    finally:
        server.stop()


def test_a_bulk_sync_into_a_team_library_keeps_its_near_copies_grouped(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk load into the local cache leaves its sketches to be made after it; a team library's
    sync brings them itself, or its groups would be empty."""
    import tui.sync
    from tests.unit.test_duplicates import story
    from tui.library.pg import PgLibrary

    monkeypatch.setattr(tui.sync, "FIRST", 0)  # no file read before the load is told bulk
    monkeypatch.setattr(tui.sync, "BULK_FROM", 4)
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(6):
        (folder / f"lain-{n}.txt").write_text(
            f"Berita lain {n}\n\n" + "\n\n".join(story(100 + n)), encoding="utf-8"
        )
    copy = story(7)
    (folder / "asli.txt").write_text("Berita asli\n\n" + "\n\n".join(copy), encoding="utf-8")
    (folder / "salinan.txt").write_text("Berita salinan\n\n" + "\n\n".join(copy[:-1]), encoding="utf-8")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    library = PgLibrary(pg_url)
    try:
        assert sorted(library.group_sizes().values()) == [2]
    finally:
        library.close()


def test_sync_takes_the_language_before_or_after_it_and_counts_problems_in_words(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.i18n import set_language

    folder = small_collection(tmp_path / "clips")
    (folder / "kosong.md").write_text("", encoding="utf-8")  # one problem: an empty file
    try:
        assert main(["--lang", "id", "sync", "--library", pg_url, str(folder)]) == 0
        assert "kliping: 4 berkas: 4 dibaca" in capsys.readouterr().err
        assert main(["sync", "--lang", "en", "--library", pg_url, str(folder)]) == 0
        summary = _summary(capsys.readouterr().err)
        assert "4 files: 0 read" in summary and "1 problem;" in summary
    finally:
        set_language("en")
