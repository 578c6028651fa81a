"""Near-duplicate groups on a generated corpus with planted near-copies: recall, precision, cost.

    python benchmarks/bench_duplicates.py [--count 10000] [--share 0.02] [--corpus DIR] [--threshold T]

Uses `benchmarks/out/corpus-N` (generated if missing; or `--corpus`, read only) and plants
near-copies of a share of its .txt articles in `benchmarks/out/planted-N`: each copy has one to
three of the changes syndication and re-saving make (another source line or dateline, a sentence
changed or added, the last paragraphs cut, another site's leftovers appended, another title).
Loads both into a fresh cache with `sync()` and prints JSON: the load's time, the time the
writer spent grouping (`Duplicates.add`/`remove`), the time the groups came after the load
(made in the background: tui.library.grouping), the sketch's cost an article, recall (planted
pairs found in one group) and precision (pairs inside the groups found that were planted),
related articles' time, facets over every row, and the machine's load average (it is shared).
A cold load is a bulk load: its sketches and groups are made after it."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import OUT, commit, ensure_corpus  # noqa: E402

SOURCE_LINES = [
    "JAKARTA, KOMPAS.com -",
    "SURABAYA, Tribunnews.com -",
    "Makassar (ANTARA) -",
    "BANDUNG, detikJabar -",
]
NEW_SENTENCES = [
    "Hal ini disampaikan dalam keterangan tertulis yang diterima redaksi pada Senin.",
    "Artikel ini telah tayang sebelumnya dengan judul yang berbeda.",
    "Kegiatan tersebut dihadiri perwakilan pemerintah daerah dan organisasi masyarakat sipil.",
]
TAILS = [
    "\n\nBaca juga: Pelatihan Kader Posyandu Digelar di Lima Desa\n\nIkuti berita terkini di Google News",
    "\n\nShare this:\n\nFacebook\n\nTwitter\n\nWhatsApp\n\nRelated",
    "\n\nEditor: Redaksi\n\nSumber: Kompas.com",
]


def mutate(text: str, rng: random.Random) -> str:
    """A near-copy of a generated .txt article (title, date line, paragraphs, maybe leftovers)."""
    parts = text.split("\n\n")
    head, body = parts[:2], parts[2:]
    changes: list[Callable[[], None]] = []

    def source_line() -> None:
        body[0] = f"{rng.choice(SOURCE_LINES)} {body[0]}"

    def sentence() -> None:
        at = rng.randrange(len(body))
        sentences = body[at].split(". ")
        sentences[rng.randrange(len(sentences))] = rng.choice(NEW_SENTENCES).rstrip(".")
        body[at] = ". ".join(sentences)

    def added() -> None:
        body.insert(rng.randrange(1, len(body) + 1), rng.choice(NEW_SENTENCES))

    def cut() -> None:
        if len(body) >= 4:
            del body[-max(1, len(body) // 4) :]

    def tail() -> None:
        body.append(rng.choice(TAILS).strip())

    def title() -> None:
        head[0] = head[0] + " | " + rng.choice(["Kompas.com", "Tribun", "Antaranews", "detik"])

    changes = [source_line, sentence, added, cut, tail, title]
    for change in rng.sample(changes, rng.randint(1, 3)):
        if body:
            change()
    return "\n\n".join(head + body) + "\n"


def plant(corpus: Path, out: Path, share: float, seed: int) -> dict[str, str]:
    """Copies of a share of the corpus's .txt files; returns copy path -> original path (as typed)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    rng = random.Random(seed)
    files = sorted(str(p) for p in corpus.rglob("*.txt"))
    chosen = rng.sample(files, int(len(files) * share))
    pairs: dict[str, str] = {}
    for n, original in enumerate(chosen):
        text = Path(original).read_text(encoding="utf-8", errors="replace")
        if text.count("\n\n") < 3:
            continue
        copy = out / f"copy-{n:06d}.txt"
        copy.write_text(mutate(text, rng), encoding="utf-8")
        pairs[str(copy)] = original
    return pairs


def measure(corpus: Path, planted: Path, pairs: dict[str, str], threshold: float | None) -> dict[str, Any]:
    from tui.library import Library, duplicates
    from tui.sync import sync

    spent = [0.0]

    def timed(method: Callable[..., None]) -> Callable[..., None]:
        def run(*args: Any) -> None:
            started = time.perf_counter()
            try:
                method(*args)
            finally:
                spent[0] += time.perf_counter() - started

        return run

    duplicates.Duplicates.add = timed(duplicates.Duplicates.add)  # type: ignore[method-assign]
    duplicates.Duplicates.remove = timed(duplicates.Duplicates.remove)  # type: ignore[method-assign]
    cache = OUT / "duplicates-cache.sqlite"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(cache) + suffix).unlink(missing_ok=True)
    load = [round(x, 2) for x in os.getloadavg()]
    library = Library(cache) if threshold is None else Library(cache, duplicates_at=threshold)
    started = time.perf_counter()
    loaded = 0.0
    for update in sync(library, [str(corpus), str(planted)]):
        if update.finished and not loaded:
            loaded = time.perf_counter() - started
    grouped = time.perf_counter() - started  # sync's last update: the groups are in
    library.wait_for_merges(120)

    path_of = {row.key: row.path for row in library.rows()}
    found_pairs: set[frozenset[str]] = set()
    in_groups = 0
    sizes = library.group_sizes()
    for face, size in sizes.items():
        in_groups += size
        members = [path_of[key] for key in library.group(face)]
        found_pairs |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :]}
    planted_pairs = {frozenset((copy, original)) for copy, original in pairs.items()}
    same_group = planted_pairs & found_pairs
    # Sketches are made after a bulk load (tui.library.grouping): timed here on a sample of the texts.
    keys = list(path_of)[:: max(1, len(path_of) // 2000)]
    texts = [article.text for article in map(library.article, keys) if article is not None]
    started = time.perf_counter()
    for text in texts:
        duplicates.sketch(text)
    sketch_us = (time.perf_counter() - started) / max(1, len(texts)) * 1e6
    related_ms = []
    for key in keys[:200]:
        started = time.perf_counter()
        library.related(key)
        related_ms.append((time.perf_counter() - started) * 1000)
    related_ms.sort()
    from tui.facets import facets

    rows = {row.key: row for row in library.rows()}
    every = list(rows)
    started = time.perf_counter()
    counted = facets(every, rows)
    facets_ms = (time.perf_counter() - started) * 1000
    library.close()
    return {
        "articles": len(path_of),
        "planted_pairs": len(planted_pairs),
        "groups": len(sizes),
        "largest_group": max(sizes.values(), default=0),
        "articles_in_groups": in_groups,
        "recall": round(len(same_group) / max(1, len(planted_pairs)), 4),
        "precision": round(len(same_group) / max(1, len(found_pairs)), 4),
        "pairs_found": len(found_pairs),
        "load_seconds": round(loaded, 2),
        "grouping_seconds_in_writer": round(spent[0], 2),
        "groups_in_seconds_after_load": round(grouped - loaded, 2),
        "sketch_us_an_article": round(sketch_us, 1),
        "sketch_cpu_seconds_estimated": round(sketch_us * len(path_of) / 1e6, 2),
        "cache_mb": round(cache.stat().st_size / 1e6, 1),
        "facets_ms_all_rows": round(facets_ms, 1),
        "timeline_unit": counted.timeline.unit,
        "related_ms_median": round(related_ms[len(related_ms) // 2], 1) if related_ms else None,
        "related_ms_max": round(related_ms[-1], 1) if related_ms else None,
        "loadavg_before": load,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--share", type=float, default=0.02, help="share of .txt articles copied")
    parser.add_argument("--corpus", type=Path, help="an existing generated corpus (read only)")
    parser.add_argument("--threshold", type=float, help="the library's duplicates_at")
    args = parser.parse_args(argv)
    if args.corpus is not None:
        corpus, info = args.corpus, {"articles": "given"}
    else:
        corpus, info = ensure_corpus(args.count, args.seed)
    planted = OUT / f"planted-{args.count}"
    pairs = plant(corpus, planted, args.share, args.seed)
    result = {"commit": commit(), "corpus": str(corpus), "corpus_articles": info.get("articles")}
    result |= measure(corpus, planted, pairs, args.threshold)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
