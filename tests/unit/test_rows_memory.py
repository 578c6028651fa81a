"""A list's rows share the strings that repeat across them (a source, a place, the places and
acronyms found): one string, not one a row, kept half of a 1M team list's memory."""

from __future__ import annotations

from pathlib import Path

from tui.library import Library, Row
from tui.sync import sync


def collection(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for n in range(6):
        (folder / f"{n}.md").write_text(
            f"---\ntitle: Rapat OMS ke-{n} di Surabaya\nsource: Kompas.com\ndate: 2021-03-0{n + 1}\n---\n\n"
            f"Para anggota OMS bertemu di Makassar untuk kali ke-{n}.\n",
            encoding="utf-8",
        )
    return folder


def shared(rows: list[Row]) -> None:
    assert len(rows) == 6
    for field in ("source", "places", "acronyms"):
        values = [getattr(row, field) for row in rows]
        assert len(set(values)) == 1 and values[0], field
        assert len({id(value) for value in values}) == 1, field  # one string for all


def test_a_local_cache_s_rows_share_their_repeated_strings(tmp_path: Path) -> None:
    library = Library(tmp_path / "cache.sqlite3")
    try:
        for _update in sync(library, [collection(tmp_path / "clips")]):
            pass
        shared(library.rows())
    finally:
        library.close()


def test_a_team_library_s_rows_share_their_repeated_strings(tmp_path: Path, pg_url: str) -> None:
    from tui.library.pg import PgLibrary

    team = PgLibrary(pg_url, syncing=True)
    for _update in sync(team, [collection(tmp_path / "clips")]):
        pass
    team.close()
    reader = PgLibrary(pg_url)
    try:
        rows, _gone, _held = reader.shared_rows()
        shared(rows)
    finally:
        reader.close()
