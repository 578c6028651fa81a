"""Related articles ("more like this", tui/library/related.py) on a loaded cache: time and quality.

    python benchmarks/bench_related.py [--count 100000] [--cache PATH] [--sample 200]

Opens the cache `benchmarks/bench_load.py --count N --phases cold` left (`benchmarks/out/
load-cache-N.sqlite`, or `--cache`), waits for its index's merge (which keeps the words' document
counts), and asks `Library.related` for every n-th article. Beside it, on the same articles, the
way 50f2aa4 did it (`before`): each word's document count asked of the index (fts5vocab), the
matches ordered by FTS5's bm25. Prints JSON: milliseconds a call (median, p90, max; and of the
articles that have related ones: in a generated corpus most words are in most articles), and the
quality of each: the mean word-set Jaccard similarity between an article and its first five
related ones (higher: more alike), and how many of the answers were in the article's own
near-duplicate group (never wanted).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import OUT, commit  # noqa: E402

FIRST = 5  # related articles whose likeness is measured


def before(conn: sqlite3.Connection, key: int, limit: int, leave_out: set[int]) -> list[int]:
    """50f2aa4's related(): counts from fts5vocab for every word, the matches in bm25 order."""
    from tui.library import related
    from tui.library.records import body
    from tui.text import fold_words

    found = conn.execute(
        "SELECT title, blocks FROM articles JOIN texts USING (arrival) WHERE key = ?", (key,)
    ).fetchone()
    counts = Counter(
        word
        for word in fold_words(f"{found[0]}\n{found[0]}\n{body(found[1])}")
        if len(word) >= related.MIN_LENGTH and not word.isdigit()
    )
    frequent = [word for word, _count in counts.most_common(related.CANDIDATES)]
    if not frequent:
        return []
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_rows USING fts5vocab(main, fts, 'row')")
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0] or 1
    marks = ",".join("?" * len(frequent))
    docs = dict(conn.execute(f"SELECT term, doc FROM temp.fts_rows WHERE term IN ({marks})", frequent))
    scored = sorted(
        (
            (counts[word] * math.log(total / docs[word]), word)
            for word in frequent
            if 1 < docs.get(word, 0) <= max(50, total * related.RARE)
        ),
        reverse=True,
    )[: related.TERMS]
    if not scored:
        return []
    expression = "{title body} : (" + " OR ".join(f'"{word}"' for _score, word in scored) + ")"
    rows = conn.execute(
        "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 3.0, 1.0) LIMIT ?",
        (expression, limit + len(leave_out) + 1),
    )
    return [k for (k,) in rows if k != key and k not in leave_out][:limit]


def words_of(conn: sqlite3.Connection, key: int, known: dict[int, set[str]]) -> set[str]:
    from tui.library.records import body
    from tui.text import fold_words

    if key not in known:
        title, blocks = conn.execute(
            "SELECT title, blocks FROM articles JOIN texts USING (arrival) WHERE key = ?", (key,)
        ).fetchone()
        known[key] = {w for w in fold_words(f"{title}\n{body(blocks)}") if len(w) >= 4}
    return known[key]


def likeness(
    conn: sqlite3.Connection, key: int, answers: list[int], known: dict[int, set[str]]
) -> float | None:
    if not answers:
        return None
    own = words_of(conn, key, known)
    found = [words_of(conn, other, known) for other in answers[:FIRST]]
    return statistics.fmean(len(own & other) / max(1, len(own | other)) for other in found)


def figures(times: list[float], alike: list[float | None], copies: int) -> dict[str, Any]:
    answered = sorted(t for t, a in zip(times, alike, strict=True) if a is not None)
    times = sorted(times)
    given = [a for a in alike if a is not None]
    return {
        "median_ms_with_answers": round(statistics.median(answered), 1) if answered else None,
        "max_ms_with_answers": round(answered[-1], 1) if answered else None,
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(times[int(len(times) * 0.9)], 1),
        "max_ms": round(times[-1], 1),
        "with_answers": len(given),
        "likeness_first_five": round(statistics.fmean(given), 4) if given else None,
        "copies_in_answers": copies,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)
    cache = args.cache or OUT / f"load-cache-{args.count}.sqlite"
    if not cache.exists():
        parser.error(f"{cache} is missing: run benchmarks/bench_load.py --count {args.count} --phases cold")
    from tui.library import Library

    load = [round(x, 2) for x in os.getloadavg()]
    library = Library(cache)
    library.wait_for_merges()
    library.wait_for_groups()
    conn = library._conn
    counted = conn.execute("SELECT count(*) FROM counts").fetchone()[0]
    keys = [k for (k,) in conn.execute("SELECT key FROM articles ORDER BY key")]
    keys = keys[:: max(1, len(keys) // args.sample)][: args.sample]
    known: dict[int, set[str]] = {}
    result: dict[str, Any] = {"commit": commit(), "articles": len(keys) and conn.execute(
        "SELECT count(*) FROM articles").fetchone()[0], "sample": len(keys), "counted_words": counted,
        "loadavg_before": load}  # fmt: skip
    for name in ("before", "now"):
        times: list[float] = []
        alike: list[float | None] = []
        copies = 0
        for key in keys:
            group = set(library.group(key))
            started = time.perf_counter()
            if name == "now":
                answers = library.related(key, args.limit)
            else:
                with library._db.lock:
                    answers = before(conn, key, args.limit, group)
            times.append((time.perf_counter() - started) * 1000)
            copies += len(group & set(answers)) - (key in answers)
            alike.append(likeness(conn, key, answers, known))
        result[name] = figures(times, alike, copies)
    library.close()
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
