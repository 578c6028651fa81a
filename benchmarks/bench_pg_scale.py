"""A team library of ~1M articles in minutes, for measuring searches at scale (bench_pg's `measure`).

    python benchmarks/bench_pg_scale.py --serve   # a throwaway server: prints its URL, runs until killed
    python benchmarks/bench_pg_scale.py --url URL [--count 100000] [--times 10] [--repeat 7] [--measure]
    python benchmarks/bench_pg_scale.py --library URL/kliping_bench_scaled_1000000 [--more]  (searches only)

A sync of 1M files takes most of 15 minutes on this machine; this syncs `--count` generated
articles once (into kliping_bench_COUNT, reused when there) and copies that database
`--times` over in SQL into kliping_bench_scaled_N: each copy gets new keys, paths and digests and
is moved back in time by a year per copy, so the dates spread and each word's share of the
articles stays what it was. The word indexes are built after the copies, as a first sync does.
With --measure (or --library), each bench_pg FILTER's first page (date, relevance) is timed
(p50/p90, client and server; --more adds the README's other filter forms). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_pg  # noqa: E402
from benchmarks.common import commit, ensure_corpus, throwaway_server  # noqa: E402
from tui.library.pg import PgLibrary  # noqa: E402
from tui.library.pg_schema import DOC_INDEXES  # noqa: E402
from tui.sync import sync  # noqa: E402

YEAR_MINUTES = 365 * 24 * 60
# The README's filter forms bench_pg's FILTERS leave out (reading marks and tags: none set here).
MORE_FILTERS = [
    'desa -"rumah inklusi"',
    "place:manado",
    "-place:jakarta desa",
    "date:2023-01..2023-06",
    "before:2024 kapas",
    "is:unread desa",
    "tag:banjir",
    "kota OR year:2024",
    "has:note OR is:starred",
    "-is:dup banjir",
    "title:xyzzy",
]
# Every column of `articles` but `key` (a new one from the sequence for each copy).
COPIED = (
    "id, title, title_derived, date, source, place, url, record, words, tags, carried, whole_bytes, "
    "links, removed, blocks, exact, doc, title_doc, source_doc, place_doc, common, places, acronyms"
)


def _serve() -> int:
    """A throwaway server until SIGTERM or Ctrl-C (stopped and removed then)."""
    server = throwaway_server()
    if server is None:
        print(json.dumps({"error": "no PostgreSQL binaries; see .ci/postgres.sh"}))
        return 2
    print(json.dumps({"url": server.url(), "pid": os.getpid()}), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.stop()
    return 0


def _url(admin: str, name: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    return make_conninfo(**{**conninfo_to_dict(admin), "dbname": name})


def _synced(admin: str, count: int, seed: int) -> tuple[str, dict[str, Any]]:
    """kliping_bench_COUNT, synced from the generated corpus unless it holds a library already."""
    import psycopg

    name = f"kliping_bench_{count}"
    with psycopg.connect(admin, autocommit=True) as conn:
        there = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if there is None:
            conn.execute(f"CREATE DATABASE {name}")
    url = _url(admin, name)
    if there is not None:
        return url, {"reused": True}
    corpus, _info = ensure_corpus(count, seed)
    library = PgLibrary(url, syncing=True)
    started = time.perf_counter()
    for _update in sync(library, [str(corpus)]):
        pass
    seconds = time.perf_counter() - started
    library._conn().execute("VACUUM ANALYZE articles")
    library.close()
    return url, {"reused": False, "sync_seconds": round(seconds, 1)}


def scaled(admin: str, count: int, times: int, seed: int) -> tuple[str, dict[str, Any]]:
    """kliping_bench_scaled_N: the synced library and `times - 1` copies of its articles."""
    import psycopg

    source, info = _synced(admin, count, seed)
    name = f"kliping_bench_scaled_{count * times}"
    steps: dict[str, float] = {}
    started = time.perf_counter()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE kliping_bench_{count}")
    steps["template_s"] = time.perf_counter() - started
    url = _url(admin, name)
    with psycopg.connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '512MB'")
        for index in ("articles_doc", "articles_title_doc", "articles_source_doc", "articles_place_doc"):
            conn.execute(f"DROP INDEX IF EXISTS {index}")
        for copy in range(1, times):
            conn.execute(
                f"INSERT INTO articles(path, digest, minute, {COPIED}) "
                f"SELECT path || '#' || %s, digest || '-' || %s, minute - %s, {COPIED} "
                "FROM articles WHERE path NOT LIKE '%%#%%'",
                (copy, copy, copy * YEAR_MINUTES),
            )
        steps["copies_s"] = time.perf_counter() - started
        started = time.perf_counter()
        for statement in DOC_INDEXES:
            conn.execute(statement)
        steps["indexes_s"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE articles")
        steps["analyze_s"] = time.perf_counter() - started
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    assert articles is not None and size is not None
    info.update({key: round(value, 1) for key, value in steps.items()})
    info.update({"articles": articles[0], "database_mb": round(size[0] / 2**20)})
    return url, info


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true", help="start a throwaway server and wait")
    parser.add_argument("--url", help="a server where the role may create databases")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--measure", action="store_true", help="time bench_pg's filters after")
    parser.add_argument("--more", action="store_true", help="with --measure: the README's other forms too")
    parser.add_argument("--library", help="measure this library only (made by an earlier run)")
    args = parser.parse_args()
    if args.serve:
        return _serve()
    if not args.url and not args.library:
        parser.error("--url, --library or --serve")
    if args.library:
        url, info = args.library, {}
    else:
        url, info = scaled(args.url, args.count, args.times, args.seed)
    result: dict[str, Any] = {"benchmark": "bench_pg_scale", "commit": commit(), "library": url, **info}
    if args.measure or args.library:
        if args.more:
            bench_pg.FILTERS = [*bench_pg.FILTERS, *MORE_FILTERS]
        library = PgLibrary(url)
        result["first_page_200"] = bench_pg.measure(library, args.repeat)
        library.close()
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
