"""`--list` options that contradict each other are refused, not settled silently (issue 21, item 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import small_collection
from tui.cli import main


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--plain", "-o", "x.md"], "--plain prints to the screen"),
        (["--json", "-o", "x.csv"], "names the csv format but jsonl was asked"),
        (["--format", "csv", "-o", "x.md"], "names the md format but csv was asked"),
        (["--format", "md", "-o", "x.jsonl"], "names the jsonl format but md was asked"),
    ],
)
def test_a_contradiction_is_a_usage_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], said: str
) -> None:
    folder = small_collection(tmp_path / "clips")
    target = tmp_path / options[-1]
    with pytest.raises(SystemExit) as stop:
        main(["--list", *options[:-1], str(target), str(folder)])
    assert stop.value.code == 2
    assert said in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.parametrize(
    "options", [["--json", "-o", "x.jsonl"], ["--format", "md", "-o", "x.txt"], ["--json", "-o", "x.json"]]
)
def test_options_that_agree_still_write(tmp_path: Path, options: list[str]) -> None:
    folder = small_collection(tmp_path / "clips")
    target = tmp_path / options[-1]
    assert main(["--list", *options[:-1], str(target), str(folder)]) == 0
    assert target.stat().st_size > 0
