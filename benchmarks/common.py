"""What the benchmarks share: where their output goes, the generated corpus, the commit measured."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"


def ensure_corpus(count: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """`benchmarks/out/corpus-N`, generated (in a child process) if missing, else reused."""
    corpus = OUT / f"corpus-{count}"
    marker = OUT / f"corpus-{count}.json"
    OUT.mkdir(parents=True, exist_ok=True)
    ignore = OUT / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    if corpus.is_dir() and marker.exists():
        info: dict[str, Any] = json.loads(marker.read_text())
        if info.get("articles") == count and info.get("seed", 1) == seed:
            info["reused"] = True
            return corpus, info
    shutil.rmtree(corpus, ignore_errors=True)
    # In a child process, so generating 400 MB of text does not count in this one's RSS.
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gen_corpus.py"), str(corpus),
         "--count", str(count), "--seed", str(seed)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    marker.write_text(done.stdout)
    info = json.loads(done.stdout)
    info["reused"] = False
    return corpus, info


def commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--", "tui"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def throwaway_server() -> Any:
    """A throwaway PostgreSQL server started from the system's binaries (tests/pg_server.py; stop
    it with `.stop()`), or None where there are none."""
    from tests.pg_server import Server, binaries

    bin_dir = binaries()
    if bin_dir is None:
        return None
    server = Server(bin_dir)
    server.start()
    return server
