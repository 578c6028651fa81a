"""Reading state: marks, positions and history last, survive renames, crashes, damage and a second window."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tui.article import Article, Block
from tui.state import HISTORY_LIMIT, SCHEMA_VERSION, ReadingState, default_state_path

ROOT = Path(__file__).resolve().parents[2]


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_default_path_is_in_the_private_data_dir(private_dirs: Path) -> None:
    path = default_state_path()
    assert path.name == "state.sqlite3"
    assert path.is_relative_to(private_dirs / "xdg_data_home")


def test_marks_round_trip_in_memory() -> None:
    state = ReadingState()
    assert state.notice is None
    assert state.read() == set() and state.starred() == set()
    state.set_read("aa")
    state.set_read("bb")
    state.set_read("bb", False)
    assert state.read() == {"aa"}
    state.set_read("cc")
    state.set_read("aa", False)
    assert state.read() == {"cc"}
    assert state.toggle_star("aa") is True
    assert state.toggle_star("dd") is True
    assert state.toggle_star("dd") is False
    assert state.starred() == {"aa"}
    assert state.read() == {"cc"}  # stars and read marks are independent


def test_positions_round_trip_and_clamp() -> None:
    state = ReadingState()
    assert state.position("aa") is None
    state.set_position("aa", 0.25)
    state.set_position("bb", 7.0)
    state.set_position("cc", -1.0)
    assert state.position("aa") == 0.25
    assert state.position("bb") == 1.0
    assert state.position("cc") == 0.0
    state.toggle_star("aa")
    state.toggle_star("aa")
    assert state.position("aa") == 0.25  # un-starring keeps the position
    state.clear_position("aa")
    assert state.position("aa") is None
    with pytest.raises(ValueError):
        state.set_position("aa", float("nan"))


def test_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite3"
    state = ReadingState(path)
    state.set_read("aa")
    state.toggle_star("bb")
    state.set_position("aa", 0.5)
    state.add_history("bencana")
    state.close()
    state.close()  # twice is fine
    with pytest.raises(ValueError):
        state.read()
    with ReadingState(path) as again:
        assert again.notice is None
        assert again.read() == {"aa"}
        assert again.starred() == {"bb"}
        assert again.position("aa") == 0.5
        assert again.history() == ["bencana"]


def test_renaming_the_article_file_keeps_its_state(tmp_path: Path) -> None:
    blocks = (Block("paragraph", "Sama isinya."),)
    before = Article(id="1", path=str(tmp_path / "old.txt"), title="T", blocks=blocks, digest="d1g3st")
    after = Article(
        id="2", path=str(tmp_path / "moved" / "new.txt"), title="T", blocks=blocks, digest="d1g3st"
    )
    path = tmp_path / "state.sqlite3"
    with ReadingState(path) as state:
        state.set_read(before.digest)
        state.toggle_star(before.digest)
        state.set_position(before.digest, 0.75)
    with ReadingState(path) as state:
        assert after.digest in state.read()
        assert after.digest in state.starred()
        assert state.position(after.digest) == 0.75


def test_history_order_dedup_and_blanks() -> None:
    state = ReadingState()
    for query in ["banjir", "  ", "", "inklusi", "banjir", " madani "]:
        state.add_history(query)
    assert state.history() == ["inklusi", "banjir", "madani"]
    state.add_history("inklusi")
    assert state.history() == ["banjir", "madani", "inklusi"]


def test_history_keeps_the_last_500() -> None:
    state = ReadingState()
    model: list[str] = []
    for n in range(HISTORY_LIMIT + 140):
        # Re-using a few queries often leaves gaps in the order, which must not shrink the history.
        for query in [f"q{n}"] + (["again"] if n % 3 == 0 else []):
            state.add_history(query)
            model = [q for q in model if q != query] + [query]
    assert len(model) > HISTORY_LIMIT
    assert state.history() == model[-HISTORY_LIMIT:]
    assert len(state.history()) == HISTORY_LIMIT


def test_garbage_file_is_moved_aside_and_a_fresh_state_made(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    garbage = b"this is not sqlite \x00\xff" * 200
    path.write_bytes(garbage)
    state = ReadingState(path)
    aside = list(tmp_path.glob("state.sqlite3.damaged-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == garbage
    assert state.notice is not None and str(aside[0]) in state.notice
    assert state.read() == set()
    state.toggle_star("aa")
    state.close()
    with ReadingState(path) as again:
        assert again.notice is None
        assert again.starred() == {"aa"}


def test_corrupt_pages_are_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with ReadingState(path) as state:
        for n in range(2000):
            state.set_position(f"digest-{n:05d}-" + "x" * 40, n / 2000)
    data = bytearray(path.read_bytes())
    assert len(data) > 8192
    data[4096:] = b"\xa5" * (len(data) - 4096)  # keep the header, wreck every page after the first
    path.write_bytes(bytes(data))
    state = ReadingState(path)
    assert state.notice is not None and "damaged-" in state.notice
    assert list(tmp_path.glob("state.sqlite3.damaged-*"))
    assert state.position("digest-00001-" + "x" * 40) is None
    state.close()
    assert integrity(path) == "ok"


def test_future_schema_version_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with ReadingState(path) as state:
        state.toggle_star("aa")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    conn.close()
    state = ReadingState(path)
    assert state.notice is not None and "newer" in state.notice
    aside = list(tmp_path.glob("state.sqlite3.damaged-*"))
    assert len(aside) == 1
    assert state.starred() == set()
    state.close()
    old = sqlite3.connect(aside[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 5
    assert old.execute("SELECT digest FROM marks").fetchall() == [("aa",)]
    old.close()


def test_someone_elses_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other(x)")
    conn.commit()
    conn.close()
    state = ReadingState(path)
    assert state.notice is not None
    assert list(tmp_path.glob("state.sqlite3.damaged-*"))
    state.set_read("aa")
    assert state.read() == {"aa"}


def test_empty_file_is_simply_used(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"")
    with ReadingState(path) as state:
        assert state.notice is None
        state.set_read("aa")
    assert not list(tmp_path.glob("*.damaged-*"))


def test_unopenable_location_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    state = ReadingState(blocker / "state.sqlite3")
    assert state.notice is not None and "will not be kept" in state.notice
    assert state.toggle_star("aa") is True
    assert state.starred() == {"aa"}
    assert blocker.read_text() == "not a folder"


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with ReadingState(path) as state:
        state.set_read("aa")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_threads_share_one_state(tmp_path: Path) -> None:
    state = ReadingState(tmp_path / "state.sqlite3")
    errors: list[BaseException] = []

    def work(prefix: str) -> None:
        try:
            for n in range(100):
                state.toggle_star(f"{prefix}{n}")
                state.starred()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(p,)) for p in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(state.starred()) == 400


WRITER = """
import sys, time
from pathlib import Path
from tui.state import ReadingState
path, prefix, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
state = ReadingState(path)
assert state.notice is None, state.notice
print("ready", flush=True)
while go != "-" and not Path(go).exists():
    time.sleep(0.005)
for n in range(count):
    state.toggle_star(f"{prefix}{n:06d}")
    print(n, flush=True)
state.close()
"""


def writer(path: Path, prefix: str, count: int, go: str = "-") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), prefix, str(count), go],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_mid_write_loses_at_most_the_last_write(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    process = writer(path, "k", 1_000_000)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    confirmed = -1
    while confirmed < 300:
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
        confirmed = int(line)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert (tmp_path / "state.sqlite3-wal").exists()  # the kill left a live write-ahead log behind
    assert integrity(path) == "ok"
    with ReadingState(path) as state:
        assert state.notice is None
        starred = state.starred()
    expected = {f"k{n:06d}" for n in range(confirmed + 1)}
    assert len(expected - starred) <= 1
    assert not (expected - starred) or expected - starred == {f"k{confirmed:06d}"}
    assert integrity(path) == "ok"


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    go = tmp_path / "go"
    processes = [writer(path, prefix, 200, str(go)) for prefix in ("a", "b")]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    go.touch()
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out.split()[-1] == "199"
    with ReadingState(path) as state:
        starred = state.starred()
    assert starred == {f"{p}{n:06d}" for p in "ab" for n in range(200)}
    assert integrity(path) == "ok"
