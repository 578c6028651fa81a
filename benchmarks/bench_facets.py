"""Facets (sources, dates, tags, places, acronyms) counted over what a filter shows, at 100k rows.

    python benchmarks/bench_facets.py [--count 100000] [--repeat 5]

Builds `count` list rows as the library gives them (tui.library.Row), each with a source, a date,
zero to two tags, zero to eight places of the gazetteer (tui/places.txt, most named far more often
than the rest, as news does) and zero to three acronyms, then times `tui.facets.facets` over every
row and over answers of a half, a tenth and a hundredth of them (the best of --repeat runs, ms;
the same rows without places and acronyms beside, for the cost they add), and prints JSON with
the machine's load average (it is shared). Issue 24 asks for 100 ms at most for any filter after
the first page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import commit  # noqa: E402

SOURCES = [
    "Kompas.com",
    "Tempo",
    "ANTARA",
    "detikcom",
    "Tribunnews",
    "Kompasiana",
    "Liputan6.com",
    "Republika",
]
ACRONYMS = ["PKH", "BPJS", "KPK", "DPR", "TNI", "BPBD", "OMS", "LSM", "UMKM", "BUMN", "KPU", "OJK"]


def rows(count: int, seed: int = 1) -> dict[int, object]:
    from tui.gazetteer import gazetteer
    from tui.library import Row

    rng = random.Random(seed)
    names = sorted({place for place in gazetteer().names.values() if place})
    weights = [1 / (rank + 1) for rank in range(len(names))]  # a few places named by most articles
    start = dt.datetime(2020, 1, 1)
    made: dict[int, object] = {}
    for key in range(1, count + 1):
        places = "\n".join(dict.fromkeys(rng.choices(names, weights, k=rng.randint(0, 8))))
        acronyms = "\n".join(dict.fromkeys(rng.choices(ACRONYMS, k=rng.randint(0, 3))))
        tags = tuple(rng.sample(["banjir", "pendidikan", "kesehatan", "desa"], rng.randint(0, 2)))
        date = start + dt.timedelta(hours=rng.randint(0, 5 * 365 * 24)) if rng.random() > 0.05 else None
        made[key] = Row(
            key, f"t{key}", date, rng.choice(SOURCES), None, 300, f"/c/{key}.txt", f"d{key}", tags, "",
            places, acronyms,
        )  # fmt: skip
    return made


def tag_keys(made: dict[int, object]) -> dict[str, set[int]]:
    """Each tag's keys, as the app hands them to facets (Marks.tag_keys)."""
    found: dict[str, set[int]] = {}
    for key, row in made.items():
        for tag in row.tags:  # type: ignore[attr-defined]
            found.setdefault(tag, set()).add(key)
    return found


def best_ms(keys: list[int], made: dict[int, object], repeat: int) -> float:
    from tui.facets import facets

    tags = tag_keys(made)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        facets(keys, made, tags)  # type: ignore[arg-type]
        times.append((time.perf_counter() - started) * 1000)
    return round(min(times), 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    made = rows(args.count)
    every = list(made)
    rng = random.Random(2)
    result: dict[str, object] = {"commit": commit(), "rows": args.count, "load_before": os.getloadavg()}
    bare = {key: row._replace(places="", acronyms="") for key, row in made.items()}  # type: ignore[attr-defined]
    started = time.perf_counter()
    best_ms(every, made, 1)
    result["facets_ms_first_call"] = round(
        (time.perf_counter() - started) * 1000, 1
    )  # splits each row's names
    for name, share in (("all", 1.0), ("half", 0.5), ("tenth", 0.1), ("hundredth", 0.01)):
        keys = every if share == 1.0 else sorted(rng.sample(every, int(len(every) * share)))
        result[f"facets_ms_{name}"] = best_ms(keys, made, args.repeat)
        result[f"facets_ms_{name}_without_places"] = best_ms(keys, bare, args.repeat)
    from tui.facets import facets

    found = facets(every, made)  # type: ignore[arg-type]
    result["places_counted"] = len(found.places)
    result["acronyms_counted"] = len(found.acronyms)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
