"""Search and indexing speed at 100k synthetic Indonesian-like articles; run by hand, prints JSON.

python benchmarks/bench_search.py [N]
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.article import Article, Block  # noqa: E402
from tui.library import Library  # noqa: E402
from tui.query import parse  # noqa: E402

REAL = [
    "temu",
    "kuat",
    "kapasitas",
    "organisasi",
    "masyarakat",
    "sipil",
    "program",
    "forum",
    "ajar",
    "bagi",
    "laksana",
    "tara",
    "gender",
    "inklusi",
    "sosial",
    "dukung",
    "hasil",
    "lanjut",
    "mitra",
    "kerja",
    "desa",
    "perempuan",
    "anak",
    "hak",
    "layan",
    "didik",
    "sehat",
    "kebijakan",
    "data",
    "riset",
    "advokasi",
    "warga",
    "suara",
    "pilih",
    "daerah",
    "kota",
    "kabupaten",
    "bangun",
    "latih",
    "giat",
    "ubah",
    "kembang",
    "tumbuh",
    "oms",
]
PREFIXES = ["", "", "", "me", "mem", "men", "meng", "pe", "pem", "pen", "peng", "ber", "di", "ke"]
SUFFIXES = ["", "", "", "an", "kan", "i", "nya", "lah"]
SOURCES = ["Kompasiana", "Kompas", "Tempo", "Detik", "Antara", "Harian Jogja", "Mongabay"]
PLACES = ["Pasuruan", "Jakarta", "Surabaya", "Makassar", "Kupang", None]
QUERIES = ["p", "pe", "pen", "penguatan", "temu", "kapasitas oms", "", "source:kompasiana year:2022"]


def vocabulary(rng: random.Random, roots: int = 15000) -> list[str]:
    found = set(REAL)
    while len(found) < roots:
        syllables = "".join(rng.choice("bcdfghjklmnprstwy") + rng.choice("aeiou") for _ in range(3))
        found.add(syllables[: rng.choice([4, 6])] + rng.choice(["", "", "n", "t", "k", "ng"]))
    forms: list[str] = []
    for root in sorted(found):
        forms.append(root)
        forms += [rng.choice(PREFIXES) + root + rng.choice(SUFFIXES) for _ in range(6)]
    return list(dict.fromkeys(forms))


def articles(count: int, seed: int = 1) -> list[Article]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    rng.shuffle(vocab)
    for index, word in enumerate(["penguatan", "pertemuan", "kapasitas", "oms", "kuat", "temu"]):
        vocab.insert(200 + index * 500, word)
    cumulative = list(itertools.accumulate(1 / (i + 1) ** 0.9 for i in range(len(vocab))))
    start = dt.datetime(2018, 1, 1)
    result = []
    for i in range(count):
        words = rng.choices(vocab, cum_weights=cumulative, k=420)
        blocks = tuple(
            Block("paragraph", " ".join(words[j : j + 60]).capitalize() + ".") for j in range(0, 420, 60)
        )
        title = " ".join(rng.choices(vocab, cum_weights=cumulative, k=rng.randint(4, 10)))
        date = None if rng.random() < 0.05 else start + dt.timedelta(days=rng.randint(0, 2500))
        result.append(
            Article(
                id=f"a{i}",
                path=f"/corpus/{i // 1000}/{i}.txt",
                title=title.capitalize(),
                blocks=blocks,
                date=date,
                source=rng.choice(SOURCES),
                place=rng.choice(PLACES),
                digest=f"{i:016x}",
            )
        )
    return result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    made = time.perf_counter()
    corpus = articles(count)
    report: dict[str, object] = {"articles": count, "generate_s": time.perf_counter() - made}
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "cache.sqlite")
        batch_size = 500
        started = time.perf_counter()
        for first in range(0, count, batch_size):
            chunk = corpus[first : first + batch_size]
            library.put_files([(a.path, 4000, 0, [a]) for a in chunk])
        report["put_files_s"] = round(time.perf_counter() - started, 2)
        library.wait_for_stems()
        report["put_files_plus_stems_s"] = round(time.perf_counter() - started, 2)
        report["terms"] = library._conn.execute("SELECT count(*) FROM terms").fetchone()[0]
        report["db_mb"] = round((Path(folder) / "cache.sqlite").stat().st_size / 1e6, 1)
        del corpus
        library.close()
        started = time.perf_counter()
        library = Library(Path(folder) / "cache.sqlite")
        rows = library.rows()
        report["warm_open_and_rows_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        library.search(parse(""))
        report["first_search_after_open_ms"] = round((time.perf_counter() - started) * 1e3, 1)
        assert len(rows) == count
        figures: dict[str, dict[str, float]] = {}
        for text in QUERIES:
            query = parse(text)
            times = []
            hits = 0
            for _ in range(30):
                begun = time.perf_counter()
                hits = len(library.search(query).keys)
                times.append((time.perf_counter() - begun) * 1e3)
            first = times[0]
            times.sort()
            figures[text] = {
                "hits": hits,
                "first_ms": round(first, 2),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
                "max_ms": round(times[-1], 2),
            }
        for sort in ("date", "title", "source", "words"):
            times = []
            for _ in range(10):
                begun = time.perf_counter()
                library.search(parse("pen"), sort=sort)
                times.append((time.perf_counter() - begun) * 1e3)
            figures[f"pen sort={sort}"] = {"p50_ms": round(statistics.median(times), 2)}
        report["search"] = figures
        library.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
