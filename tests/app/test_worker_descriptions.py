"""A worker handed every row (or every key) is described in a word: Textual's default description
is the repr of its work, made on the event loop, which at 1M rows held keys typed meanwhile 2.7 s."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.test_app import settle
from tests.helpers import small_collection
from tui.app import KlipingApp
from tui.library.records import Row


async def test_no_row_is_written_out_for_a_worker_after_a_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[int] = []
    plain = Row.__repr__

    def counted(row: Row) -> str:
        written.append(row.key)
        return plain(row)

    monkeypatch.setattr(Row, "__repr__", counted)
    app = KlipingApp([small_collection(tmp_path / "clips")], state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert len(app.session.rows) == 3
        assert written == []
