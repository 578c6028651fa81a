"""Near-duplicates on the command line: `--list --dedupe`, `is:dup` in `--filter`, group ids in
exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import write_article
from tests.unit.test_duplicates import ORIGINAL, REWORDED, SYNDICATED, story
from tui.cli import main


def collection(folder: Path) -> Path:
    """One story run by three sites (the first on 2 March) and one story of its own."""
    write_article(folder, "kompas.txt", "Pelatihan Kader Desa", "2 Maret 2024 09:00", ORIGINAL)
    write_article(folder, "tribun.txt", "Pelatihan Kader Desa | Tribun", "3 Maret 2024 10:00", SYNDICATED)
    write_article(folder, "detik.txt", "Kader Desa Dilatih", "5 Maret 2024 08:00", REWORDED)
    write_article(folder, "lain.txt", "Koperasi Perempuan", "4 Maret 2024 08:00", story(5))
    return folder


def titles(out: str) -> list[str]:
    return [line.split("  ")[-1].strip() for line in out.splitlines()]


def test_dedupe_lists_one_of_each_group(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = collection(tmp_path / "clips")
    assert main(["--list", str(folder)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert main(["--list", "--dedupe", str(folder)]) == 0
    assert sorted(titles(capsys.readouterr().out)) == ["Koperasi Perempuan", "Pelatihan Kader Desa"]
    assert main(["--list", "--filter", "is:dup", str(folder)]) == 0
    assert sorted(titles(capsys.readouterr().out)) == ["Kader Desa Dilatih", "Pelatihan Kader Desa | Tribun"]


def test_dedupe_goes_with_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--dedupe", str(collection(tmp_path / "clips"))])
    assert "--dedupe" in capsys.readouterr().err


def test_exports_carry_the_group_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = collection(tmp_path / "clips")
    assert main(["--list", "--json", str(folder)]) == 0
    records = {Path(r["path"]).name: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    face = records["kompas.txt"]["id"]
    assert [records[name]["group"] for name in ("kompas.txt", "tribun.txt", "detik.txt")] == [face] * 3
    assert records["lain.txt"]["group"] is None
    assert main(["--list", "--json", "--filter", f"dup:{face}", str(folder)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert main(["--list", "--format", "csv", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(",group")


def test_stats_count_what_the_filter_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = collection(tmp_path / "clips")
    assert main(["--list", "--stats", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("What the list shows: 4 articles\n")
    assert "Month: 2024-03 (4)" in out
    assert main(["--list", "--stats", "--json", "--dedupe", str(folder)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["articles"] == 2 and record["months"] == {"2024-03": 2}
    assert record["timeline"]["unit"] == "day" and record["timeline"]["busiest"] == ["2024-03-02", 1]
    assert main(["--list", "--stats", "--lang", "id", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("Isi daftar: 4 artikel\n")
