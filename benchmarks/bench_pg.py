"""The team library on PostgreSQL: sync time, size, and first pages by date and by relevance.

    python benchmarks/bench_pg.py [--count 100000] [--url postgresql://...] [--repeat 7] [--keep]
        [--no-search]
    python benchmarks/bench_pg.py --library postgresql://.../kliping_bench_100000  (searches only)

The sync is timed as a whole, to its last batch, and in its last steps (the word indexes, the
near-duplicate groups: PgLibrary.took), with the CPU seconds each part of it spent: this process
(the writer), its parse workers, and the server (every process of the throwaway server; with
--url only the sync's own connection). CPU time is what other load on a shared machine disturbs
least: its ms per article, summed, is the floor of the sync's time on one core. Progress goes to
stderr every few seconds.

Without --url a throwaway server is started from the system's PostgreSQL binaries (as the tests
do, tests/pg_server.py) and removed after. The corpus is benchmarks/gen_corpus.py's, generated
once into benchmarks/out. Each filter's first page (200 keys, as the app asks) is timed in the
client (psycopg round trip included) and on the server (EXPLAIN ANALYZE's execution time);
p50 and p90 over --repeat runs after one warm-up. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import commit, ensure_corpus, throwaway_server  # noqa: E402
from tui.library.pg import PgLibrary  # noqa: E402
from tui.library.pg_query import plan  # noqa: E402
from tui.library.pg_search import settings, walks  # noqa: E402
from tui.library.pg_write import PgWriting  # noqa: E402
from tui.query import parse  # noqa: E402
from tui.sync import sync  # noqa: E402

ADDED = 1200  # files of another corpus a later sync brings (fewer than a bulk load's)
FILTERS = [
    "desa",  # common: most articles
    "pertemuan",  # stems: temu, bertemu, menemukan...
    "kapas",  # the typing prefix
    "pen",  # a short prefix, most articles
    "organisasi perempuan",
    "makassar OR surabaya",
    '"sekretariat inklusi"',  # a phrase
    "title:desa",
    "source:kompas year:2024",
    "desa -perempuan",
    "after:2025-06",
    "xyzzy",  # nothing
]


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def _explained(conn: Any, sql: str, args: tuple[object, ...], setup: tuple[str, ...]) -> tuple[float, int]:
    with conn.transaction():
        for setting in setup:
            conn.execute(setting)
        found = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, args).fetchone()
    assert found is not None
    return float(found[0][0]["Execution Time"]), int(found[0][0]["Plan"]["Actual Rows"])


def _server_ms(library: PgLibrary, text: str, sort: str, limit: int = 200) -> float:
    """EXPLAIN ANALYZE's execution time of the first page's statements (a tier after another), as
    PgLibrary runs them (pg_search.walks): walks of the date index given so many seconds, or the
    word index; a walk cut short counts its seconds."""
    import psycopg

    found = plan(parse(text), sort, False, library._common)
    conn = library._conn()
    total, rows = 0.0, 0
    for where, args in found.tiers:
        sql = f"SELECT key FROM articles WHERE {where} ORDER BY {found.order} LIMIT %s"
        for walk in walks(conn, where, args, found.dates):
            try:
                ms, got = _explained(conn, sql, (*args, limit - rows), settings(walk))
            except psycopg.errors.QueryCanceled:
                total += (walk or 0) * 1000
                continue
            total, rows = total + ms, rows + got
            break
        if rows >= limit:
            break
    return total


def measure(library: PgLibrary, repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for text in FILTERS:
        query = parse(text)
        entry: dict[str, Any] = {}
        for sort in ("date", "relevance"):
            library.search(query, sort, limit=200)  # warm-up
            client, server = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                page = library.search(query, sort, limit=200)
                client.append((time.perf_counter() - started) * 1000)
                server.append(_server_ms(library, text, sort))
            entry[sort] = {
                "client_p50_ms": _p(client, 0.5),
                "client_p90_ms": _p(client, 0.9),
                "server_p50_ms": _p(server, 0.5),
                "server_p90_ms": _p(server, 0.9),
                "keys": len(page.keys),
            }
        started = time.perf_counter()
        whole = library.search(query, "relevance").keys
        entry["whole_answer"] = {"ms": round((time.perf_counter() - started) * 1000, 1), "keys": len(whole)}
        results[text] = entry
    return results


def _ticks(pid: int, children: bool = False) -> float:
    """CPU seconds of a process (/proc/PID/stat), with those of its waited-for children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    used = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return used / os.sysconf("SC_CLK_TCK")


def _server_cpu(postmaster: int | None, backend: int) -> float:
    """CPU seconds of the whole server: the postmaster, the backends gone (its children's times)
    and those alive; with no postmaster known (--url), the sync's backend alone."""
    if postmaster is None:
        return _ticks(backend)
    alive = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == postmaster:
                alive += _ticks(int(entry))
    return _ticks(postmaster, children=True) + alive


def _cpu(postmaster: int | None, backend: int) -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the parse workers, once ended
    return {
        "writer": own.ru_utime + own.ru_stime,
        "workers": kids.ru_utime + kids.ru_stime,
        "server": _server_cpu(postmaster, backend),
    }


def _spent(before: dict[str, float], after: dict[str, float], articles: int) -> dict[str, Any]:
    seconds = {part: round(after[part] - before[part], 1) for part in before}
    per = {part: round(1000 * (after[part] - before[part]) / max(articles, 1), 3) for part in before}
    return {"seconds": seconds, "ms_per_article": {**per, "total": round(sum(per.values()), 3)}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="a server to use (a new database in it is made and dropped)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (with --url), e.g. for bench_pty"
    )
    parser.add_argument("--library", help="measure the searches of this library only (no corpus, no sync)")
    parser.add_argument("--no-search", action="store_true", help="the sync only, no first pages")
    args = parser.parse_args()
    if args.library:
        library = PgLibrary(args.library)
        pages = measure(library, args.repeat)
        library.close()
        print(json.dumps({"benchmark": "bench_pg", "commit": commit(), "searches_only": True,
                          "load_average": [round(x, 1) for x in os.getloadavg()],
                          "first_page_200": pages}, indent=1))  # fmt: skip
        return 0

    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    corpus, info = ensure_corpus(args.count, args.seed)
    load_at_start = [round(x, 1) for x in os.getloadavg()]
    server = None
    admin = args.url
    if admin is None:
        server = throwaway_server()
        if server is None:
            print(json.dumps({"error": "no PostgreSQL binaries; see .ci/postgres.sh or pass --url"}))
            return 2
        admin = server.url()
    name = f"kliping_bench_{args.count}"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        url = make_conninfo(**{**conninfo_to_dict(admin), "dbname": name})
        library = PgLibrary(url, syncing=True)
        postmaster = (
            int((server.data / "postmaster.pid").read_text().split()[0]) if server is not None else None
        )
        backend = int(library._conn().execute("SELECT pg_backend_pid()").fetchone()[0])  # type: ignore[index]
        count = int(info.get("articles") or args.count)
        before = _cpu(postmaster, backend)
        at_batches = dict(before)
        finishing = PgWriting._index_and_group

        def finish(self: PgWriting, group: bool) -> None:
            """The batches' end, seen by the CPU clocks (the workers have ended: counted)."""
            at_batches.update(_cpu(postmaster, backend))
            finishing(self, group)

        PgWriting._index_and_group = finish  # type: ignore[method-assign]
        started = time.perf_counter()
        written = started  # when the last batch was written: the indexes and groups come after
        shown = started
        for update in sync(library, [str(corpus)]):
            now = time.perf_counter()
            if not update.finished:
                written = now
            if now - shown >= 5 or update.finished:
                shown = now
                rate = update.done / max(now - started, 1e-9)
                print(f"bench_pg: {update.done}/{update.total} files, {now - started:.0f} s, {rate:.0f}/s, "
                      f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)  # fmt: skip
        sync_seconds = time.perf_counter() - started
        batches_seconds = written - started
        after = _cpu(postmaster, backend)
        took = dict(library.took)
        PgWriting._index_and_group = finishing  # type: ignore[method-assign]
        started = time.perf_counter()
        for _update in sync(library, [str(corpus)]):
            pass
        again_seconds = time.perf_counter() - started
        # A later sync that brings new files: grouped with what the library holds (pg_groups'
        # bands' indexes), not in a first sync's bulk.
        added, _added_info = ensure_corpus(ADDED, seed=2)
        print(f"bench_pg: a later sync of {ADDED} new files", file=sys.stderr, flush=True)
        started = time.perf_counter()
        for _update in sync(library, [str(corpus), str(added)]):
            pass
        added_seconds = time.perf_counter() - started
        conn = library._conn()
        conn.execute("VACUUM ANALYZE articles")
        sizes = conn.execute(
            "SELECT pg_database_size(current_database()), pg_relation_size('articles_doc'), "
            "pg_total_relation_size('articles'), count(*), sum((NOT exact)::int) FROM articles"
        ).fetchone()
        assert sizes is not None
        library.close()
        searches: dict[str, Any] = {}
        if not args.no_search:
            print("bench_pg: first pages", file=sys.stderr, flush=True)
            library = PgLibrary(url)
            searches = measure(library, args.repeat)
            library.close()
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        if server is not None:
            server.stop()
    print(
        json.dumps(
            {
                "benchmark": "bench_pg",
                "commit": commit(),
                "corpus": {"articles": info.get("articles"), "files": info.get("files")},
                "load_average": [round(x, 1) for x in os.getloadavg()],
                "load_average_at_start": load_at_start,
                "kept": url if args.keep else None,
                "sync_seconds": round(sync_seconds, 1),
                "sync_batches_seconds": round(batches_seconds, 1),  # the rest: indexes, then groups
                "sync_again_seconds": round(again_seconds, 2),
                "sync_added_seconds": round(added_seconds, 2),  # ADDED new files, after
                "sync_steps_seconds": {step: round(seconds, 1) for step, seconds in took.items()},
                "cpu_batches": _spent(before, at_batches, count),
                "cpu_after_batches": _spent(at_batches, after, count),  # indexes and groups, at once
                "cpu_sync": _spent(before, after, count),
                "articles": sizes[3],  # (with the ADDED)
                "long_articles": sizes[4],
                "database_mb": round(sizes[0] / 2**20, 1),
                "word_index_mb": round(sizes[1] / 2**20, 1),
                "articles_table_mb": round(sizes[2] / 2**20, 1),
                "first_page_200": searches,
                "median_server_ms": {
                    sort: statistics.median(entry[sort]["server_p50_ms"] for entry in searches.values())
                    for sort in ("date", "relevance")
                }
                if searches
                else None,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
