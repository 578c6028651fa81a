"""Crash safety of the cache: a writer killed mid-way, and two writers at once."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import many_articles
from tui.library import Library
from tui.query import parse
from tui.sync import sync

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from pathlib import Path
from tui.article import Article, Block
from tui.query import parse
from tui.library import Library
library = Library(sys.argv[1])
n = 0
while True:
    n += 1
    blocks = (Block("paragraph", f"isi nomor {n} desa"),)
    article = Article(id=f"x{n}", path=f"/f/{n}.txt", title=f"Judul {n}", blocks=blocks, digest=f"d{n}")
    library.put_files([(f"/f/{n}.txt", n, n, [article])])
    print(n, flush=True)
"""


def test_a_writer_killed_mid_way_leaves_a_sound_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(cache)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    confirmed = 0
    deadline = time.monotonic() + 30
    while confirmed < 150 and time.monotonic() < deadline:
        confirmed = int(writer.stdout.readline())
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert confirmed >= 150
    with sqlite3.connect(cache) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    library = Library(cache)
    assert library.notice is None
    kept = len(library.rows())
    assert kept >= confirmed  # every write that returned is there (the last may be one more)
    assert len(library.search(parse("desa")).keys) == kept


def test_two_instances_loading_the_same_folder_at_once(tmp_path: Path) -> None:
    folder = many_articles(tmp_path / "c", 400)
    cache = tmp_path / "cache.sqlite3"
    code = (
        "import sys; from tui.library import Library; from tui.sync import sync; "
        "lib = Library(sys.argv[1]); [None for _ in sync(lib, [sys.argv[2]], processes=1)]; "
        "print(len(lib.rows()))"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(cache), str(folder)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert "Traceback" not in err
    with sqlite3.connect(cache) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    library = Library(cache)
    updates = list(sync(library, [folder], processes=1))
    assert len({row.path for u in updates for row in u.rows}) == 400
    assert len(library.rows()) == 400  # each file once, whoever wrote it last


def test_two_windows_adding_different_files_do_not_collide(tmp_path: Path) -> None:
    from tui.article import Article, Block

    def article(n: int) -> Article:
        blocks = (Block("paragraph", "isi"),)
        return Article(id=f"a{n}", path=f"/f/{n}.txt", title=f"Judul {n}", blocks=blocks)

    cache = tmp_path / "cache.sqlite3"
    first, second = Library(cache), Library(cache)  # both opened before either wrote
    first.put_files([("/f/1.txt", 1, 1, [article(1)])])
    second.put_files([("/f/2.txt", 1, 1, [article(2)])])
    assert sorted(row.title for row in Library(cache).rows()) == ["Judul 1", "Judul 2"]
