"""People on a team library (issue 23): who you are is the database role. Each person's read marks,
stars and positions are their own, tags and notes are the team's with their author, PostgreSQL's
rights and row-level security guard them, and one person's tags and notes reach the others' apps."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.app.test_app import settle, titles
from tests.helpers import reader_lines, small_collection, write_article
from tests.pg_server import wait_until_listening
from tui.cli import main
from tui.library.records import Row
from tui.marks import Marks
from tui.query import parse
from tui.state import ReadingState

_numbers = itertools.count(1)
PEOPLE_TABLES = "marks, imported, tags, notes, searches"


@dataclass
class Team:
    """A synced library and three roles: two people who may write and one who may only read."""

    owner: str  # the URL the library was synced through
    alice: str
    bob: str
    reader: str
    names: dict[str, str]


def _as(url: str, role: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    return make_conninfo(**{**conninfo_to_dict(url), "user": role})


@pytest.fixture
def team(tmp_path: Path, pg_url: str) -> Iterator[Team]:
    """The roles and grants docs/TEAM.md gives, made for this test and dropped after it."""
    import psycopg
    from psycopg import sql

    folder = small_collection(tmp_path / "clips")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    number = f"{os.getpid()}_{next(_numbers)}"
    names = {who: f"{who}_{number}" for who in ("alice", "bob", "reader")}
    roles = [sql.Identifier(name) for name in names.values()]
    writers = [sql.Identifier(names["alice"]), sql.Identifier(names["bob"])]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        database = sql.Identifier(conn.info.dbname)
        for role in roles:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        everyone, people = sql.SQL(", ").join(roles), sql.SQL(", ").join(writers)
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, everyone))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(everyone))
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(everyone))
        conn.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE ON " + PEOPLE_TABLES + " TO {}").format(people))
    try:
        for name in names.values():
            try:
                psycopg.connect(_as(pg_url, name)).close()
            except psycopg.OperationalError as error:
                pytest.skip(f"cannot log in as a new role on this server ({error})")
        urls = {who: _as(pg_url, name) for who, name in names.items()}
        yield Team(pg_url, urls["alice"], urls["bob"], urls["reader"], names)
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.SQL(", ").join(roles)))
        with psycopg.connect(pg_url, dbname="postgres", autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(%s)",
                (list(names.values()),),
            )
            for role in roles:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(role))


class Person:
    """One person's kliping without a screen: the team library, their marks and their rows."""

    def __init__(self, url: str, tmp_path: Path, name: str) -> None:
        from tui.library.pg import PgLibrary

        self.library = PgLibrary(url)
        self.state = self.library.reading_state(ReadingState(tmp_path / f"{name}.sqlite3"))
        self.marks = Marks(self.state)
        self.rows: dict[str, Row] = {row.title.split()[0]: row for row in self.library.rows()}
        self.marks.add_rows(self.rows.values())

    def close(self) -> None:
        self.state.close()
        self.library.close()


@pytest.fixture
def people(team: Team, tmp_path: Path) -> Iterator[tuple[Person, Person]]:
    alice, bob = Person(team.alice, tmp_path, "alice"), Person(team.bob, tmp_path, "bob")
    yield alice, bob
    alice.close()
    bob.close()


def _again(person: Person, tmp_path: Path, url: str, name: str) -> Person:
    """The same person opening kliping again: what the server kept."""
    person.close()
    return Person(url, tmp_path, name + "-again")


def test_two_people_share_tags_and_notes_and_keep_their_own_read_marks(
    team: Team, people: tuple[Person, Person], tmp_path: Path
) -> None:
    alice, bob = people
    forum = alice.rows["Forum"]
    alice.marks.put("read", forum, True)
    alice.marks.put("starred", forum, True)
    alice.state.set_position(forum.digest, 0.5)
    alice.marks.set_tag(forum, "jejaring", True)
    alice.marks.set_note(forum, "Bahan rapat Senin.")
    bob.marks.set_note(bob.rows["Forum"], "Cek angka peserta.")

    alice = _again(alice, tmp_path, team.alice, "alice")
    bob = _again(bob, tmp_path, team.bob, "bob")
    forum_a, forum_b = alice.rows["Forum"], bob.rows["Forum"]
    assert alice.marks.has("read", forum_a.key) and alice.marks.has("starred", forum_a.key)
    assert alice.state.position(forum_a.digest) == 0.5
    assert not bob.marks.has("read", forum_b.key) and not bob.marks.has("starred", forum_b.key)
    assert bob.state.position(forum_b.digest) is None
    assert bob.marks.tags_of(forum_b) == ["jejaring"]  # the team's tag
    assert bob.marks.tag_author(forum_b.digest, "jejaring") == team.names["alice"]
    assert bob.marks.notes_shown(forum_b.digest) == [
        (team.names["bob"], "Cek angka peserta."),
        (team.names["alice"], "Bahan rapat Senin."),
    ]
    assert alice.marks.note(forum_a.digest) == "Bahan rapat Senin."  # the note dialog edits one's own
    assert bob.marks.flags()["read"] == set()
    query = parse("note:rapat")
    assert bob.library.search(query, flags=bob.marks.flags(query)).keys == [
        forum_b.key
    ]  # another's note is found by everyone's filter
    alice.close()
    bob.close()


def test_nobody_changes_another_s_marks_or_notes_even_by_hand(
    team: Team, people: tuple[Person, Person]
) -> None:
    import psycopg

    alice, bob = people
    forum = alice.rows["Forum"]
    alice.marks.put("read", forum, True)
    alice.marks.set_note(forum, "Bahan rapat Senin.")
    bob.marks.set_note(bob.rows["Forum"], "Punya Bob.")
    with psycopg.connect(team.bob, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM marks").fetchone() == (0,)  # not even seen
        assert conn.execute("UPDATE marks SET read = false").rowcount == 0
        assert conn.execute("DELETE FROM marks").rowcount == 0
        assert conn.execute("UPDATE notes SET note = 'diganti' WHERE author <> current_user").rowcount == 0
        assert conn.execute("DELETE FROM notes WHERE author <> current_user").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO marks(person, digest, read) VALUES (%s, 'x', true)", (team.names["alice"],)
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO notes(digest, author, note) VALUES (%s, %s, 'palsu')",
                (forum.digest, team.names["alice"]),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a note is not handed to another
            conn.execute("UPDATE notes SET author = %s", (team.names["alice"],))
        assert conn.execute("UPDATE notes SET note = 'diubah Bob'").rowcount == 1  # his own only
    with psycopg.connect(team.alice, autocommit=True) as conn:
        assert conn.execute("SELECT digest, read FROM marks").fetchall() == [(forum.digest, True)]
        assert conn.execute("SELECT author, note FROM notes ORDER BY author").fetchall() == [
            (team.names["alice"], "Bahan rapat Senin."),
            (team.names["bob"], "diubah Bob"),
        ]


def test_a_read_only_role_browses_and_is_told_it_cannot_write(team: Team, tmp_path: Path) -> None:
    import psycopg

    reader = Person(team.reader, tmp_path, "reader")
    forum = reader.rows["Forum"]
    assert len(reader.rows) == 3
    assert reader.state.take_notices() == []
    reader.marks.put("read", forum, True)  # kept for the run
    reader.marks.set_tag(forum, "jejaring", True)
    told = reader.state.take_notices()
    assert len(told) == 1 and f"You are {team.names['reader']}" in told[0] and "read it only" in told[0]
    assert reader.marks.has("read", forum.key)
    assert reader.state.take_notices() == []  # said once
    reader.close()
    with psycopg.connect(team.owner) as conn:
        assert conn.execute("SELECT count(*) FROM marks").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM tags").fetchone() == (0,)


def test_what_a_read_only_role_keeps_for_the_run_stays_when_others_change_theirs(
    team: Team, tmp_path: Path
) -> None:
    """The notice says tags and notes are kept until you quit: another person's tag, which makes
    the app ask the server again, must not take them away."""
    reader = Person(team.reader, tmp_path, "reader")
    alice = Person(team.alice, tmp_path, "alice")
    try:
        forum = reader.rows["Forum"]
        reader.marks.set_tag(forum, "tamu", True)
        reader.marks.set_note(forum, "catatan tamu")
        alice.marks.set_tag(alice.rows["Forum"], "jejaring", True)  # heard by the reader's app
        shared = reader.state.shared_now()
        reader.marks.take_shared(shared)
        assert "tamu" in reader.marks.tags_of(forum) and "jejaring" in reader.marks.tags_of(forum)
        assert shared.tag_authors[forum.digest]["tamu"] == team.names["reader"]
        assert reader.marks.note(forum.digest) == "catatan tamu"
    finally:
        alice.close()
        reader.close()


async def test_the_app_of_a_read_only_role_says_so_when_marking(team: Team, tmp_path: Path) -> None:
    from tui.app import KlipingApp
    from tui.library.pg import PgLibrary

    app = KlipingApp([], library=PgLibrary(team.reader), state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(titles(app)) == 3
        await pilot.press("u")
        for _ in range(600):  # a ceiling: it ends once told
            await pilot.pause(0.05)
            told = [n.message for n in app._notifications]
            if any("read it only" in message for message in told):
                break
        assert any("read it only" in message for message in told), told
        assert app.is_running and app.return_code is None


def test_one_person_s_tags_and_notes_are_heard_by_the_others(
    team: Team, people: tuple[Person, Person]
) -> None:
    alice, bob = people
    heard = threading.Event()
    bob.state.watch(heard.set)
    forum = alice.rows["Forum"]
    wait_until_listening(team.bob, "kliping_people")  # the listener connects on its thread
    alice.marks.set_tag(forum, "tanda0", True)
    assert heard.wait(30)  # a ceiling: heard within milliseconds
    heard.clear()
    alice.marks.set_note(forum, "Bahan rapat Senin.")
    assert heard.wait(30)
    bob.marks.take_shared(bob.state.shared_now())
    forum_b = bob.rows["Forum"]
    assert (team.names["alice"], "Bahan rapat Senin.") in bob.marks.notes_shown(forum_b.digest)
    assert "tanda0" in bob.marks.tags_of(forum_b)
    assert forum_b.key in bob.marks.tag_keys["tanda0"]  # the filter tag:tanda0 finds it


async def test_the_app_shows_another_person_s_note_and_tag_within_seconds(team: Team, tmp_path: Path) -> None:
    from tui.app import KlipingApp
    from tui.library.pg import PgLibrary
    from tui.widgets.reader import Reader

    app = KlipingApp([], library=PgLibrary(team.bob), state_path=tmp_path / "bob.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"forum", "enter")
        await settle(pilot)
        assert titles(app) == ["Forum Pertemuan Mitra Program INKLUSI"]
        await asyncio.to_thread(wait_until_listening, team.bob, "kliping_people")  # before: not heard
        assert app.main.annotations.searches == []  # read once, as the saved searches dialog does
        alice = await asyncio.to_thread(Person, team.alice, tmp_path, "alice")
        forum = alice.rows["Forum"]
        await asyncio.to_thread(alice.marks.set_note, forum, "Bahan rapat Senin.")
        await asyncio.to_thread(alice.marks.set_tag, forum, "jejaring", True)
        await asyncio.to_thread(alice.state.save_search, "Rapat", "note:rapat")
        reader = app.query_one("#reader", Reader)
        author = team.names["alice"]
        for _ in range(600):  # within a couple of seconds (a ceiling: it ends when they show)
            await pilot.pause(0.05)
            shown = "\n".join(reader_lines(reader))
            if "Bahan rapat Senin." in shown and f"#jejaring ({author})" in shown:
                break
        assert f"{author}:" in shown and "Bahan rapat Senin." in shown
        assert f"#jejaring ({author})" in shown
        assert ("Rapat", "note:rapat") in app.main.annotations.searches  # the team's saved search
        await asyncio.to_thread(alice.close)


def test_json_carries_the_notes_and_tags_with_their_authors(
    team: Team, people: tuple[Person, Person], capsys: pytest.CaptureFixture[str]
) -> None:
    alice, bob = people
    alice.marks.set_tag(alice.rows["Forum"], "jejaring", True)
    alice.marks.set_note(alice.rows["Forum"], "Bahan rapat Senin.")
    bob.marks.set_note(bob.rows["Forum"], "Cek angka peserta.")
    capsys.readouterr()
    assert main(["--list", "--json", "--library", team.bob, "--filter", "forum"]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["tags"] == ["jejaring"]
    assert record["tag_authors"] == {"jejaring": team.names["alice"]}
    assert record["notes"] == [
        {"author": team.names["bob"], "text": "Cek angka peserta."},
        {"author": team.names["alice"], "text": "Bahan rapat Senin."},
    ]
    assert f"{team.names['alice']}: Bahan rapat Senin." in record["note"]


def _as_version_4(url: str) -> None:
    """The library as 50f2aa4's kliping left it: articles only, version 4."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE " + PEOPLE_TABLES)
        conn.execute("DROP FUNCTION kliping_people_changed")
        conn.execute("UPDATE kliping SET value = '4' WHERE name = 'version'")


def test_a_person_opening_a_library_of_the_last_version_is_told_who_may_upgrade_it(team: Team) -> None:
    from tui.library.pg import LibraryError, PgLibrary

    _as_version_4(team.owner)
    with pytest.raises(LibraryError, match=r"open it once as its owner \(kliping sync --library\)"):
        PgLibrary(team.alice)
    PgLibrary(team.owner).close()  # the owner's opening brings it up to date
    PgLibrary(team.alice).close()


def test_a_library_of_the_last_version_takes_the_people_tables_in(tmp_path: Path, pg_url: str) -> None:
    """A library synced by 50f2aa4's kliping (version 4: articles only) upgrades itself once."""
    import psycopg

    from tui.library.pg import VERSION, PgLibrary

    folder = small_collection(tmp_path / "clips")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    _as_version_4(pg_url)
    library = PgLibrary(pg_url)
    state = library.reading_state(ReadingState())
    marks = Marks(state)
    rows = library.rows()
    marks.add_rows(rows)
    marks.put("read", rows[0], True)
    assert state.read() == {rows[0].digest}
    state.close()
    library.close()
    with psycopg.connect(pg_url) as conn:
        version: Any = conn.execute("SELECT value FROM kliping WHERE name = 'version'").fetchone()
    assert version == (str(VERSION),) and VERSION == 5


def test_an_export_s_marks_are_taken_in_once_by_each_person(team: Team, tmp_path: Path) -> None:
    """A wallabag export's starred, read and note become each person's own marks and their note."""
    from tests.unit.test_imports_marks import exports

    assert main(["sync", "--library", team.owner, str(exports(tmp_path))]) == 0
    alice = Person(team.alice, tmp_path, "alice")
    banjir = alice.rows["Banjir"]
    assert alice.marks.has("starred", banjir.key) and alice.marks.has("read", banjir.key)
    assert alice.marks.note(banjir.digest)  # the export's annotation
    alice.marks.put("starred", banjir, False)  # her own choice wins from now on
    alice.close()
    alice = Person(team.alice, tmp_path, "alice-again")
    bob = Person(team.bob, tmp_path, "bob")
    assert not alice.marks.has("starred", alice.rows["Banjir"].key)
    assert bob.marks.has("starred", bob.rows["Banjir"].key)  # taken in for him too
    assert [author for author, _note in bob.marks.notes_shown(banjir.digest)] == [
        team.names["bob"],
        team.names["alice"],
    ]
    alice.close()
    bob.close()


# What docs/TEAM.md grants a person who syncs as themselves (to bring their own marks along).
SYNC_GRANTS = (
    "GRANT INSERT, UPDATE, DELETE ON files, articles, problems, terms, sketches, groups, kliping TO {}; "
    "GRANT USAGE ON SEQUENCE articles_key TO {}"
)


def test_a_person_given_the_right_to_sync_syncs_as_themselves(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not the tables' owner: the sync's opening makes nothing that is there already (CREATE ... IF
    NOT EXISTS asked for the owner's rights even so: 'must be owner of table sketches')."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(team.owner, autocommit=True) as conn:
        alice = sql.Identifier(team.names["alice"])
        conn.execute(sql.SQL(SYNC_GRANTS).format(alice, alice))
    more = tmp_path / "more"
    write_article(
        more, "d.txt", "Nelayan Membahas Anggaran Desa", "9 Mei 2024 10:00", ["Rapat nelayan desa."]
    )
    capsys.readouterr()
    assert main(["sync", "--library", team.alice, str(more)]) == 0, capsys.readouterr().err
    person = Person(team.alice, tmp_path, "alice")
    assert "Nelayan" in person.rows and len(person.rows) == 4
    person.close()
    write_article(more, "e.txt", "Kapal Nelayan Baru", "10 Mei 2024 10:00", ["Kapal baru untuk nelayan."])
    capsys.readouterr()
    assert main(["sync", "--library", team.bob, str(more)]) == 2  # not given it: refused at once, in a line
    err = capsys.readouterr().err
    assert "may not write the library's articles" in err and len(err.splitlines()) == 1
