"""One's own marks, tags and notes from the local cache carried into a team library by `kliping sync`,
once, adding to what the server has and never replacing it (docs/TEAM.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import many_articles, small_collection
from tui.cli import main
from tui.library import Library
from tui.state import ReadingState, StateLike, default_state_path
from tui.state_sql import NOTE_SEPARATOR
from tui.sync import sync

if TYPE_CHECKING:
    from tui.library.pg import PgLibrary


def digests(folder: Path, tmp_path: Path) -> dict[str, str]:
    """Each article's first title word and its digest, as the person's own cache read them."""
    library = Library(tmp_path / f"cache-{folder.name}.sqlite3")
    rows = [row for update in sync(library, [folder]) for row in update.rows]
    library.close()
    return {row.title.split()[0]: row.digest for row in rows}


def team_state(url: str, tmp_path: Path) -> tuple[PgLibrary, StateLike]:
    """The syncing role's state on the server, as its app would read it."""
    from tui.library.pg import PgLibrary

    library = PgLibrary(url)
    return library, library.reading_state(ReadingState(tmp_path / "team-side.sqlite3"))


def carried_line(err: str) -> list[str]:
    return [line for line in err.splitlines() if "carried" in line]


def test_a_sync_carries_one_s_own_marks_tags_and_notes_once(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = small_collection(tmp_path / "clips")
    other = many_articles(tmp_path / "other", 2)  # read in the cache, not synced: stays private
    found = digests(folder, tmp_path) | {"other": next(iter(digests(other, tmp_path).values()))}
    pelatihan, forum, koperasi = found["Pelatihan"], found["Forum"], found["Koperasi"]
    with ReadingState(default_state_path()) as local:
        local.set_read(pelatihan)
        local.set_starred(forum)
        local.set_tag(pelatihan, "banjir", True)
        local.set_note(koperasi, "catatan lokal")
        local.set_read(found["other"])
        local.set_note(found["other"], "catatan pribadi")
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    assert carried_line(capsys.readouterr().err) == [
        "kliping: carried from your own reading state: 2 articles' read or star marks, 1 tag, 1 note"
    ]
    library, state = team_state(pg_url, tmp_path)
    assert state.read() == {pelatihan} and state.starred() == {forum}
    assert state.tags() == {pelatihan: {"banjir": True}}
    shared = state.shared_now()
    assert shared.tag_authors[pelatihan]["banjir"] == state.person  # in the syncing person's name
    assert shared.notes == {koperasi: "catatan lokal"}  # theirs, and the private one stayed home
    # Changed in the team library since: the cache does not bring it back at the next sync.
    state.set_tag(pelatihan, "banjir", None)
    state.set_starred(forum, False)
    state.close()
    library.close()
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    assert carried_line(capsys.readouterr().err) == []
    library, state = team_state(pg_url, tmp_path)
    assert state.tags() == {} and state.starred() == set() and state.read() == {pelatihan}
    state.close()
    library.close()


def test_carrying_adds_to_what_the_server_has_and_replaces_nothing(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = small_collection(tmp_path / "clips")
    found = digests(folder, tmp_path)
    pelatihan, koperasi = found["Pelatihan"], found["Koperasi"]
    assert main(["sync", "--library", pg_url, str(folder)]) == 0  # no state file yet: nothing to carry
    assert carried_line(capsys.readouterr().err) == []
    assert not default_state_path().exists()  # and none was made
    library, state = team_state(pg_url, tmp_path)
    state.set_tag(pelatihan, "banjir", False)  # the team took the file's tag away
    state.set_note(koperasi, "di server")
    state.set_read(koperasi)
    state.close()
    library.close()
    with ReadingState(default_state_path()) as local:
        local.set_tag(pelatihan, "banjir", True)
        local.set_tag(pelatihan, "rob", True)
        local.set_note(koperasi, "catatan lokal")
        local.set_read(koperasi)
    # The files are unchanged (a folder another sync brought in): their articles are still this sync's.
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    assert carried_line(capsys.readouterr().err) == [
        "kliping: carried from your own reading state: 0 articles' read or star marks, 1 tag, 1 note"
    ]
    library, state = team_state(pg_url, tmp_path)
    assert state.tags() == {pelatihan: {"banjir": False, "rob": True}}
    assert state.notes() == {koperasi: "di server" + NOTE_SEPARATOR + "catatan lokal"}
    assert state.read() == {koperasi}
    state.close()
    library.close()


def test_marks_the_server_refuses_are_one_line_and_the_sync_stands(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from tui.library import pg_carry

    def refused(*_args: object) -> None:
        raise psycopg.errors.InsufficientPrivilege("permission denied for table marks")

    folder = small_collection(tmp_path / "clips")
    with ReadingState(default_state_path()) as local:
        local.set_read(digests(folder, tmp_path)["Pelatihan"])
    monkeypatch.setattr(pg_carry, "_carry", refused)
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    err = capsys.readouterr().err
    assert "the library holds 3 articles" in err
    assert carried_line(err) == [
        "kliping: your own marks were not carried into the library: permission denied for table marks"
    ]


def test_reading_positions_are_carried_where_the_server_has_none_and_never_replace_one(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = small_collection(tmp_path / "clips")
    found = digests(folder, tmp_path)
    pelatihan, forum, koperasi = found["Pelatihan"], found["Forum"], found["Koperasi"]
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    library, state = team_state(pg_url, tmp_path)
    state.set_position(forum, 0.75)  # read on the team library already
    state.close()
    library.close()
    with ReadingState(default_state_path()) as local:
        local.set_position(pelatihan, 0.5)  # a position alone, no mark
        local.set_position(forum, 0.25)
        local.set_read(koperasi)
        local.set_position(koperasi, 0.125)
    capsys.readouterr()
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    assert carried_line(capsys.readouterr().err) == [
        "kliping: carried from your own reading state: 1 article's read or star mark, 0 tags, 0 notes, "
        "2 reading positions"
    ]
    library, state = team_state(pg_url, tmp_path)
    assert (state.position(pelatihan), state.position(forum), state.position(koperasi)) == (0.5, 0.75, 0.125)
    state.clear_position(pelatihan)  # read to the end in the team library: the cache's does not come back
    state.close()
    library.close()
    assert main(["sync", "--library", pg_url, str(folder)]) == 0
    assert carried_line(capsys.readouterr().err) == []
    library, state = team_state(pg_url, tmp_path)
    assert state.position(pelatihan) is None and state.position(forum) == 0.75
    state.close()
    library.close()
