"""People on a team library: what a person's marks, tags and notes on the server cost, and how soon
one person's tag reaches another's app.

    python benchmarks/bench_pg_people.py [--marks 10000] [--repeat 20]

A throwaway server from the system's PostgreSQL binaries (tests/pg_server.py), two roles. Timed:
opening the reading state with `--marks` read marks, stars, tags and notes (the app does it once,
before the first screen) against the same in a local state file; one mark written (on the app's
write thread); and the time from one person's tag committed to the other's `watch` hearing it
(which waits SETTLE for more to come). p50 and p90 over --repeat. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: E402

from tests.helpers import small_collection  # noqa: E402
from tests.pg_server import Server, binaries  # noqa: E402
from tui.cli import main  # noqa: E402
from tui.library.pg import PgLibrary  # noqa: E402
from tui.library.pg_team import SETTLE  # noqa: E402
from tui.marks import Marks  # noqa: E402
from tui.state import ReadingState  # noqa: E402


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(values) * 1000, 2), "p90_ms": _p(values, 0.9)}


def run(count: int, repeat: int) -> dict[str, object]:
    bin_dir = binaries()
    if bin_dir is None:
        raise SystemExit("needs the system's PostgreSQL binaries (Debian: postgresql-15)")
    server = Server(bin_dir)
    server.start()
    try:
        url = server.url()
        work = Path(tempfile.mkdtemp(prefix="kliping-people-"))
        main(["sync", "--library", url, str(small_collection(work / "clips"))])
        with psycopg.connect(url, autocommit=True) as conn:
            for role in ("alice", "bob"):
                conn.execute(f"CREATE ROLE {role} LOGIN")  # fixed names: no input reaches the SQL
            conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO alice, bob")
            conn.execute(
                "GRANT INSERT, UPDATE, DELETE ON marks, imported, tags, notes, searches TO alice, bob"
            )
        alice_url = make_conninfo(**{**conninfo_to_dict(url), "user": "alice"})
        bob_url = make_conninfo(**{**conninfo_to_dict(url), "user": "bob"})
        digests = [f"{n:064x}" for n in range(count)]
        with psycopg.connect(alice_url) as conn, conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO marks(digest, read, starred) VALUES (%s, true, %s)",
                [(d, n % 10 == 0) for n, d in enumerate(digests)],
            )
            cursor.executemany(
                "INSERT INTO tags(digest, tag, present) VALUES (%s, %s, true)",
                [(d, f"tag{n % 50}") for n, d in enumerate(digests)],
            )
            cursor.executemany(
                "INSERT INTO notes(digest, note) VALUES (%s, %s)",
                [(d, f"catatan nomor {n}") for n, d in enumerate(digests[: count // 10])],
            )
        local = ReadingState(work / "state.sqlite3")
        local.set_many("read", digests, True)
        local.set_many("starred", digests[::10], True)
        local.set_tags((d, f"tag{n % 50}", True) for n, d in enumerate(digests))
        for d in digests[: count // 10]:
            local.set_note(d, "catatan")
        local.close()

        opened_server, opened_local, written = [], [], []
        library = PgLibrary(alice_url)
        for _ in range(repeat):
            started = time.perf_counter()
            state = library.reading_state(ReadingState())
            Marks(state)
            opened_server.append(time.perf_counter() - started)
            started = time.perf_counter()
            Marks(ReadingState(work / "state.sqlite3"))
            opened_local.append(time.perf_counter() - started)
            started = time.perf_counter()
            state.set_read(digests[0], False)
            written.append(time.perf_counter() - started)

        heard = threading.Event()
        bob = PgLibrary(bob_url)
        bob_state = bob.reading_state(ReadingState())
        bob_state.watch(heard.set)
        alice_state = library.reading_state(ReadingState())
        for n in range(100):  # until the listener is connected
            alice_state.set_tag(digests[0], f"warm{n}", True)
            if heard.wait(0.1):
                break
        time.sleep(SETTLE * 2)
        latency = []
        for n in range(repeat):
            heard.clear()
            started = time.perf_counter()
            alice_state.set_tag(digests[1], f"baru{n}", True)
            assert heard.wait(10)
            latency.append(time.perf_counter() - started)
            time.sleep(SETTLE * 2)
        bob_state.close()
        bob.close()
        alice_state.close()
        library.close()
        return {
            "marks": count,
            "notes": count // 10,
            "open_state_on_server": _ms(opened_server),
            "open_state_local_file": _ms(opened_local),
            "one_mark_written": _ms(written),
            "tag_heard_by_another": {**_ms(latency), "settle_ms": SETTLE * 1000},
        }
    finally:
        server.stop()


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(run(args.marks, args.repeat), indent=2))


if __name__ == "__main__":
    cli()
