"""Tags and notes at 100k articles: tagging one, the key sets a search gets, and tag filters.

python benchmarks/bench_tags.py [N]   (prints JSON; builds a library like bench_search.py)
"""

from __future__ import annotations

import dataclasses
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_search import articles  # noqa: E402
from tui.library import Library  # noqa: E402
from tui.marks import Marks  # noqa: E402
from tui.query import parse  # noqa: E402
from tui.state import ReadingState  # noqa: E402

TAGS = ["banjir", "rob", "kekeringan", "inklusi", "desa", "anggaran", "gender", "pendidikan"]
QUERIES = [
    "tag:banjir",
    "-tag:banjir",
    "tag:banjir pen",
    "tag:ban*",
    "has:note",
    "note:bukti",
    "tag:rob is:unread",
]


def timed(action: object, repeat: int = 20) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        begun = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - begun) * 1e3)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 2), "max_ms": round(times[-1], 2)}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(7)
    corpus = [
        dataclasses.replace(a, tags=tuple(rng.sample(TAGS, rng.randint(0, 2))) if rng.random() < 0.3 else ())
        for a in articles(count)
    ]
    report: dict[str, object] = {"articles": count}
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "cache.sqlite")
        for first in range(0, count, 500):
            library.put_files([(a.path, 4000, 0, [a]) for a in corpus[first : first + 500]])
        library.wait_for_stems()
        del corpus
        state = ReadingState(Path(folder) / "state.sqlite3")
        rows = library.rows()
        started = time.perf_counter()
        marks = Marks(state)
        marks.add_rows(rows)
        report["marks_add_rows_ms"] = round((time.perf_counter() - started) * 1e3, 1)
        for row in rng.sample(rows, count // 20):
            marks.set_tag(row, rng.choice(TAGS), True)
        for row in rng.sample(rows, count // 50):
            marks.set_note(row, rng.choice(["bukti anggaran", "catatan lapangan"]))
        for row in rng.sample(rows, count // 2):
            marks.put("read", row, True)
        sample = rng.sample(rows, 50)
        report["tag_one_article"] = timed(
            lambda: marks.set_tag(rng.choice(sample), rng.choice(TAGS), True), 50
        )
        report["tag_counts"] = timed(marks.tag_counts)
        figures: dict[str, object] = {}
        for text in QUERIES:
            query = parse(text)
            figures[text] = {
                "hits": len(library.search(query, flags=marks.flags(query)).keys),
                "flags": timed(lambda q=query: marks.flags(q)),  # type: ignore[misc]
                "first_page": timed(lambda q=query: library.search(q, flags=marks.flags(q), limit=200)),  # type: ignore[misc]
                "whole": timed(lambda q=query: library.search(q, flags=marks.flags(q)).keys, 5),  # type: ignore[misc]
            }
        report["filters"] = figures
        state.close()
        library.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
