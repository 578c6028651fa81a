"""Near-duplicate groups on real Indonesian news: which pairs each threshold groups, recall, precision.

    python benchmarks/bench_real_duplicates.py [--thresholds 0.5,0.6,0.7,0.8,0.9] [--copies 3]

`benchmarks/data/syndicated.json` holds twelve real articles about floods in Kabupaten Bandung and
Karawang (2013-2025: Antara, its regional sites, Republika, Pasjabar, Jurnal Jabar, Jabarnews,
Okezone and others; each with its address and its event), kept as the CRC-32 of each word as
`tui.library.duplicates.word_ids` folds it (no text: the pairs' similarity is the same), with
their labels:

- `copy`: the same story on two sites (Antara's of 24 January 2020 on Pasjabar and on Jurnal
  Jabar: another dateline, a photo caption, "seperti dikutip www.pasjabar.com", another tail);
- `rewrite`: the same story written again around the same quotes (Republika's of that day);
- every other pair is `other`: the same kind of event, often the same official quoted or the same
  reporter a day or two later, but another text.

Each real article also gets `--copies` copies with one to four of the changes the real copy shows
(a dateline or outlet line changed, a photo caption put before it, a clause added, words changed
here and there, up to one in twelve, its last paragraphs cut, another site's tail added),
labelled `copy`. For each threshold the articles are
loaded into a fresh library (`Library(None, duplicates_at=T)` and `sync`) as texts of those word
hashes, and the pairs found in one group are compared with the labels. Prints JSON: per threshold
recall (copies grouped), precision (grouped pairs that are copies), and the `rewrite` and `other`
pairs grouped.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import commit  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "syndicated.json"
LABELS = {frozenset(("A", "B")): "copy", frozenset(("A", "C")): "rewrite", frozenset(("B", "C")): "rewrite"}


def load() -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["articles"]
    return articles


def text_of(title: list[str], paragraphs: list[list[str]]) -> str:
    """A Markdown article of word hashes (its heading the title): each hash a word (w and 8 hex
    digits), one paragraph a block, so the loader reads it as it read the real one."""
    words = [" ".join(f"w{word}" for word in paragraph) for paragraph in paragraphs]
    return "# " + " ".join(f"w{word}" for word in title) + "\n\n" + "\n\n".join(words) + "\n"


def new_words(rng: random.Random, count: int) -> list[str]:
    return [f"{rng.getrandbits(32):08x}" for _ in range(count)]


def syndicated(article: dict[str, Any], rng: random.Random) -> tuple[list[str], list[list[str]]]:
    """A copy with one to three of the changes the real copies show."""
    paragraphs = [list(paragraph) for paragraph in article["paragraphs"]]
    title = new_words(rng, len(article["title"])) if rng.random() < 0.5 else list(article["title"])
    changes = rng.sample(["dateline", "caption", "clause", "words", "cut", "tail"], rng.randint(1, 4))
    for change in changes:
        if change == "dateline":  # "BANDUNG, WWW.PASJABAR.COM -" for "Bandung (ANTARA) -"
            paragraphs[0][:3] = new_words(rng, rng.randint(2, 4))
        elif change == "caption" and len(paragraphs) > 1:  # a photo's caption before the text
            paragraphs.insert(0, new_words(rng, rng.randint(25, 45)))
        elif change == "clause":  # "seperti dikutip www.pasjabar.com, Jumat (24/1/2020)"
            where = paragraphs[min(1, len(paragraphs) - 1)]
            at = rng.randrange(len(where) + 1)
            where[at:at] = new_words(rng, rng.randint(4, 8))
        elif change == "words":  # "kata dia" for "katanya", a comma, a date written otherwise:
            # the real copy has such a change every 25 words or so; up to one every 12 here
            count = sum(map(len, paragraphs))
            for _ in range(rng.randint(1, max(1, count // 12))):
                where = rng.choice(paragraphs)
                where[rng.randrange(len(where))] = new_words(rng, 1)[0]
        elif change == "cut" and len(paragraphs) > 3:  # the last paragraphs left out
            del paragraphs[-rng.randint(1, 2) :]
        elif change == "tail":  # "(Ant)." for "(*)", another site's lines after it
            paragraphs.append(new_words(rng, rng.randint(8, 20)))
    return title, paragraphs


def grouped_pairs(files: dict[str, str], threshold: float) -> set[frozenset[str]]:
    """The pairs of names a fresh library puts in one group, the files written as given."""
    from tui.library import Library
    from tui.sync import sync

    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            Path(folder, f"{name}.md").write_text(text, encoding="utf-8")
        library = Library(None, duplicates_at=threshold)
        try:
            for _update in sync(library, [folder]):
                pass
            name_of = {row.key: Path(row.path).stem for row in library.rows()}
            found: set[frozenset[str]] = set()
            for face in library.group_sizes():
                members = sorted(name_of[key] for key in library.group(face))
                found |= {frozenset(pair) for pair in itertools.combinations(members, 2)}
            return found
        finally:
            library.close()


def label(pair: frozenset[str]) -> str:
    """copy: a real copy, or a made copy of the same article (or of each other); else the labels."""
    one, other = sorted(pair)
    if one.split("~")[0] == other.split("~")[0]:
        return "copy"
    return LABELS.get(frozenset(name.split("~")[0] for name in pair), "other")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", default="0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85,0.9")
    parser.add_argument("--copies", type=int, default=3, help="made copies of each real article")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    files: dict[str, str] = {}
    for article in load():
        files[article["id"]] = text_of(article["title"], article["paragraphs"])
        for number in range(args.copies):
            files[f"{article['id']}~{number}"] = text_of(*syndicated(article, rng))
    names = sorted(files)
    every = {frozenset(pair) for pair in itertools.combinations(names, 2)}
    copies = {pair for pair in every if label(pair) == "copy"}
    result: dict[str, Any] = {
        "commit": commit(),
        "articles": len(load()),
        "made_copies": len(files) - len(load()),
        "copy_pairs": len(copies),
        "real_copy_pairs": sum(1 for pair in copies if not any("~" in name for name in pair)),
        "other_pairs": sum(1 for pair in every if label(pair) == "other"),
        "load_before": os.getloadavg(),
        "thresholds": {},
    }
    for threshold in (float(value) for value in args.thresholds.split(",")):
        found = grouped_pairs(files, threshold)
        right = found & copies
        result["thresholds"][str(threshold)] = {
            "recall": round(len(right) / len(copies), 4),
            "precision": round(len(right) / len(found), 4) if found else 1.0,
            "real_copy_grouped": frozenset(("A", "B")) in found,
            "rewrites_grouped": sorted("-".join(sorted(p)) for p in found if label(p) == "rewrite"),
            "others_grouped": sorted("-".join(sorted(p)) for p in found if label(p) == "other"),
            "copies_missed": sorted("-".join(sorted(p)) for p in copies - found),
        }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
