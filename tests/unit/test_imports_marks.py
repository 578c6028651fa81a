"""An export's marks are the article's marks wherever it is shown, on a fresh machine too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main
from tui.state import ReadingState, default_state_path

WALLABAG = [
    {
        "is_archived": 1,
        "is_starred": 1,
        "tags": ["banjir"],
        "title": "Banjir merendam Demak",
        "url": "https://example.org/banjir",
        "content": "<p>Air sungai Wulan meluap dan merendam ribuan rumah.</p>",
        "annotations": [{"text": "penting", "quote": "merendam ribuan rumah"}],
    },
    {
        "is_archived": 0,
        "is_starred": 0,
        "title": "Kemarau di NTT",
        "url": "https://example.org/kemarau",
        "content": "<p>Hujan belum turun sejak April.</p>",
    },
]
POCKET = (
    "title,url,time_added,tags,status\nRob di Pekalongan,https://example.org/rob,1712345678,rob,archive\n"
)


def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "wallabag.json").write_text(json.dumps(WALLABAG))
    (folder / "pocket.csv").write_text(POCKET)
    return folder


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, dict[str, object]]:
    assert main(["--list", "--json", *args]) == 0
    return {record["title"]: record for record in map(json.loads, capsys.readouterr().out.splitlines())}


def test_list_json_on_a_fresh_machine_gives_the_exports_marks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = listed(capsys, str(exports(tmp_path)))
    banjir, kemarau, rob = (
        records["Banjir merendam Demak"],
        records["Kemarau di NTT"],
        records["Rob di Pekalongan"],
    )
    assert (banjir["starred"], banjir["read"], banjir["note"]) == (
        True,
        True,
        "> merendam ribuan rumah\npenting",
    )
    assert (kemarau["starred"], kemarau["read"], kemarau["note"]) == (False, False, None)
    assert (rob["starred"], rob["read"]) == (False, True)
    assert not default_state_path().exists()  # listing creates no state file


def test_plain_and_an_export_file_say_them_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = exports(tmp_path)
    assert main(["--list", "--plain", "--filter", "Demak", str(folder)]) == 0
    plain = capsys.readouterr().out
    assert "Tags: banjir. Starred. Marked read." in plain
    assert "Note\n\n> merendam ribuan rumah\npenting" in plain
    out = tmp_path / "out.jsonl"
    assert main(["--list", "-o", str(out), str(folder)]) == 0
    written = {r["title"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert written["Banjir merendam Demak"]["starred"] is True
    assert written["Rob di Pekalongan"]["read"] is True


def test_the_users_later_changes_still_win(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = exports(tmp_path)
    assert main(["--list", "--filter", "is:starred", str(folder)]) == 0  # takes the marks in
    assert "Banjir merendam Demak" in capsys.readouterr().out
    state = ReadingState(default_state_path())
    digest = next(iter(state.starred()))
    state.set_starred(digest, False)
    state.close()
    records = listed(capsys, str(folder))
    assert records["Banjir merendam Demak"]["starred"] is False
    assert records["Banjir merendam Demak"]["read"] is True
