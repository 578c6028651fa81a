"""The command line contract: --list, --json, --filter, exit codes, problems on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import run_kliping, small_collection
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_list_prints_every_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = small_collection(tmp_path / "clips")
    assert main(["--list", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    assert "Koperasi Perempuan Tumbuh di Sumenep" in out[0]  # newest first
    assert "05 Jan 2024" in out[0]


def test_list_json_has_the_contract_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = small_collection(tmp_path / "clips")
    assert main(["--list", "--json", "--filter", "pertemuan", str(folder)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 1
    record = records[0]
    for name in ("id", "path", "title", "date", "source", "words", "text"):
        assert name in record
    assert record["title"] == "Forum Pertemuan Mitra Program INKLUSI"
    assert record["date"] == "2022-10-13T18:10:00"
    assert record["path"].endswith("b.txt")
    assert "penguatan jejaring" in record["text"]
    assert "BERI NILAI" not in record["text"]
    assert record["words"] == len(record["text"].split())


def test_filter_matching_nothing_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = small_collection(tmp_path / "clips")
    assert main(["--list", "--filter", "zzzzqqq", str(folder)]) == 1
    assert capsys.readouterr().out == ""


def test_problems_go_to_stderr_and_good_articles_still_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = small_collection(tmp_path / "clips")
    (folder / "empty.txt").write_text("")
    (folder / "broken.jsonl").write_text('{"title": "Baik", "text": "Isi yang baik."}\n{oops\n')
    assert main(["--list", str(folder)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 4
    errors = captured.err.splitlines()
    assert any(line.startswith("kliping: ") and "empty.txt: " in line for line in errors)
    assert any("broken.jsonl: " in line and "line 2" in line for line in errors)


def test_missing_path_and_bad_usage_exit_2_without_traceback(tmp_path: Path) -> None:
    result = run_kliping(["--list", str(tmp_path / "nope")])
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_kliping(["--bogus"])
    assert result.returncode == 2
    assert result.stderr.startswith("usage: kliping")
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = run_kliping(["--version"])
    assert result.returncode == 0
    assert result.stdout.startswith("kliping ")


def test_no_path_lists_bundled_seeds_from_anywhere(tmp_path: Path) -> None:
    result = run_kliping(["--list", "--json", "--no-cache"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2
    kompasiana = [r for r in records if r["source"] == "Kompasiana"]
    assert len(kompasiana) == 1
    assert kompasiana[0]["date"].startswith("2022-10-13")


def test_cache_is_used_and_follows_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = small_collection(tmp_path / "clips")
    assert main(["--list", str(folder)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    (folder / "a.txt").unlink()
    assert main(["--list", str(folder)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_plain_is_linear_text_without_boxes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = small_collection(tmp_path / "clips")
    assert main(["--list", "--plain", "--filter", "koperasi", str(folder)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Koperasi Perempuan Tumbuh di Sumenep"
    assert lines[1].startswith("Date: 05 Jan 2024 10:30.")
    assert "300 anggota aktif" in out
    assert not any(ch in out for ch in "│┃─━╭╮╰╯┌┐└┘")


def test_plain_lists_the_links_its_markers_point_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A screen reader read "Semarang[1]" and no link: --plain ends with them, as the reader does."""
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Banjir di Semarang\ndate: 2024-03-15\n---\n\n"
        "Banjir melanda [Semarang](https://id.wikipedia.org/wiki/Semarang) dan [Demak](https://example.com/demak).\n"
    )
    assert main(["--list", "--plain", "--no-cache", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Semarang[1] dan Demak[2]." in out
    assert "Links\n\n[1] https://id.wikipedia.org/wiki/Semarang\n[2] https://example.com/demak\n" in out


def test_output_that_cannot_encode_or_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="ascii")
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--list", "--plain", "--no-cache"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr
    shell = f"{sys.executable} -m tui --list --plain --no-cache | head -n 1"
    piped = subprocess.run(shell, shell=True, capture_output=True, env=env, timeout=60)
    assert piped.stdout.count(b"\n") == 1
    assert b"Traceback" not in piped.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "md"])
def test_format_and_output_write_the_filtered_articles(tmp_path: Path, fmt: str) -> None:
    from tui.export import read_back

    folder = small_collection(tmp_path / "clips")
    target = tmp_path / f"found.{fmt}"
    assert main(["--list", "--filter", "desa OR koperasi", "-o", str(target), str(folder)]) == 0
    records = read_back(target, fmt)
    assert [r["title"] for r in records] == [
        "Koperasi Perempuan Tumbuh di Sumenep",
        "Pelatihan Kader Desa di Makassar",
    ]
    assert all(r["text"] and r["path"] for r in records)


def test_format_to_stdout_and_bad_combinations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = small_collection(tmp_path / "clips")
    assert main(["--list", "--format", "csv", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("title,date,source")
    for bad in (["--format", "csv", str(folder)], ["--list", "--json", "--plain", str(folder)]):
        with pytest.raises(SystemExit) as stop:
            main(bad)
        assert stop.value.code == 2
    with pytest.raises(SystemExit):
        main(["--list", "-o", str(tmp_path / "x.unknown"), str(folder)])


def test_a_filter_of_two_dashes_is_a_filter_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small_collection(tmp_path)
    assert main(["--list", "--no-cache", "--filter=--", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 3  # excludes nothing, so everything is listed
    assert "a lone '-' excludes nothing" in captured.err


def test_the_app_without_a_terminal_says_so_and_exits_2(tmp_path: Path) -> None:
    """stdin and stdout are pipes here: the app would wait for keys no one can type."""
    small_collection(tmp_path)
    start = time.monotonic()
    result = run_kliping(["--no-cache", str(tmp_path)], input="")
    assert result.returncode == 2
    assert time.monotonic() - start < 30
    assert result.stderr.count("\n") == 1 and "needs a terminal" in result.stderr
    assert "--list" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_to_dev_stdout_writes_through_it(tmp_path: Path) -> None:
    """`-o /dev/stdout` reaches the pipe; reached through a link so a regression replaces only the link."""
    small_collection(tmp_path / "clips")
    link = tmp_path / "stdout.csv"
    link.symlink_to("/dev/stdout")
    result = run_kliping(["--list", "--no-cache", "-o", str(link), str(tmp_path / "clips")])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("title,date,source")
    assert link.is_symlink()
