"""Page chrome learned from the collection itself: lines that repeat across many articles of one source.

A site's menus, "SCROLL TO RESUME CONTENT", "Halaman 1 2 Selanjutnya", "Simak Video: …" or an embed
placeholder come back in article after article of that site; a sentence of the article does not. No
hand list per site: the collection shows what repeats. Pure functions over counts, no UI, no disk.

The caller hands over a source's articles (the main screen learns each source once a run); this
module decides. The rules, so that a small collection never loses text:

- a line is counted once per article (a line repeated inside one article proves nothing);
- it must be in at least `MIN_ARTICLES` articles of the same source, and in at least `MIN_SHARE` of
  that source's articles;
- a line that reads as prose (a sentence of `PROSE_WORDS` words or more) needs far more: at least
  `PROSE_SHARE` of the source's articles and `PROSE_MIN_ARTICLES` of them, so two or five articles
  quoting the same sentence keep it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from tui.article import Article

MIN_ARTICLES = 5
MIN_SHARE = 0.05
PROSE_WORDS = 12
PROSE_SHARE = 0.5
PROSE_MIN_ARTICLES = 20
MAX_LENGTH = 300  # longer lines are never chrome

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_SENTENCE = re.compile(r"[.!?…。]['\"”’)]*$")


def line_key(line: str) -> str:
    """A line as chrome is recognised: case, spacing, edge punctuation and numbers do not matter.

    "Halaman 1 2 Selanjutnya" and "Halaman 1 2 3 Selanjutnya" differ, but "Foto: 12 Juni" and
    "Foto: 13 Juni" share a key, as a widget's changing counter does.
    """
    key = _SPACE.sub(" ", line).strip().casefold()
    key = _DIGITS.sub("#", key)
    return key.strip(" \t.:;,!?|-–—»›>*#•·")


def is_prose(line: str) -> bool:
    """A sentence of article text rather than a widget label: long, ending like a sentence."""
    return len(line.split()) >= PROSE_WORDS and bool(_SENTENCE.search(line.strip()))


@dataclass
class Counts:
    """Per source: how many articles were counted, and in how many of them each line key appears."""

    articles: Counter[str] = field(default_factory=Counter)
    lines: dict[str, Counter[str]] = field(default_factory=dict)
    prose: set[str] = field(default_factory=set)  # keys seen as prose at least once

    def add(self, source: str, lines: Iterable[str]) -> None:
        """Count one article's lines (its blocks' texts) under its source."""
        keys: set[str] = set()
        for line in lines:
            if not line.strip() or len(line) > MAX_LENGTH:
                continue
            key = line_key(line)
            if key:
                keys.add(key)
                if is_prose(line):
                    self.prose.add(key)
        self.articles[source] += 1
        self.lines.setdefault(source, Counter()).update(keys)


def chrome_keys(articles: int, counts: Mapping[str, int], prose: Iterable[str] = ()) -> frozenset[str]:
    """Which line keys of one source are chrome, given its article count and per-key article counts."""
    if articles < MIN_ARTICLES:
        return frozenset()
    prose = set(prose)
    floor = max(MIN_ARTICLES, MIN_SHARE * articles)
    prose_floor = max(PROSE_MIN_ARTICLES, PROSE_SHARE * articles)
    return frozenset(
        key for key, seen in counts.items() if seen >= floor and (key not in prose or seen >= prose_floor)
    )


def split(lines: Iterable[str], chrome: frozenset[str]) -> tuple[list[str], list[str]]:
    """An article's lines as (kept, removed) given its source's chrome keys; nothing is lost."""
    kept: list[str] = []
    removed: list[str] = []
    for line in lines:
        (removed if chrome and len(line) <= MAX_LENGTH and line_key(line) in chrome else kept).append(line)
    if not kept:  # never empty an article: if everything repeats, it was not chrome
        return list(removed), []
    return kept, removed


def source_key(source: str | None, path: str) -> str:
    """What groups articles as one source: the site name, else the folder the file is in."""
    if source:
        return source.casefold()
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    return "folder:" + folder


def learned(neighbours: Iterable[Iterable[str]]) -> frozenset[str]:
    """The chrome keys of one source, from its articles' block texts."""
    counts = Counts()
    for lines in neighbours:
        counts.add("", lines)
    return chrome_keys(counts.articles[""], counts.lines.get("", Counter()), counts.prose)


def cleaned(article: Article, chrome: frozenset[str]) -> Article:
    """The article without its source's chrome: those blocks move to `removed` (the raw view strikes
    them through), and an article is never emptied."""
    if not chrome:
        return article
    _kept, removed = split([block.text for block in article.blocks], chrome)
    if not removed:
        return article
    gone = set(removed)
    blocks = tuple(block for block in article.blocks if block.text not in gone)
    # Words are counted again, except in a huge article's first part: its count is the whole one's.
    words = article.words if article.whole_bytes else -1
    return replace(article, blocks=blocks, removed=(*article.removed, *removed), words=words)
