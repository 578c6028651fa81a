"""Stemming and highlighting: what the widgets call to show why an article matched, without SQLite."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice

import snowballstemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from tui.query import Query
from tui.text import fold, fold_word

_INDONESIAN = StemmerFactory().create_stemmer()
_ENGLISH = snowballstemmer.stemmer("english")
_WORD = re.compile(r"[^\W_]+")

# Stems of short words conflate too much to be useful ("di" is not a form of "dia").
MIN_STEM_LENGTH = 4


KNOWN_MOST = 1 << 18  # stems learnt from the index, at most (as many as the stemmer's cache)
_known: dict[str, str] = {}


def learn_stems(pairs: Iterable[tuple[str, str]]) -> None:
    """Stems the index already worked out (the library's terms table), so highlighting a word
    seen before needs no stemmer: the Indonesian one takes ~0.4 ms a word, 10 ms for a screenful
    of titles the first time a filter shows them."""
    _known.update(islice(pairs, max(0, KNOWN_MOST - len(_known))))


# Words whose stemming passes most of the Indonesian stemmer's rules. It builds its regular
# expressions the first time a rule runs: the first word a filter stemmed cost 3-5 ms of the
# keystroke (`peng`, `pengua`), 0.2 ms once these have been stemmed (7 ms, at start, in a thread).
WARM_UP = (  # noqa: SIM905 (a sentence reads better than a column of words)
    "memperkuat pengembangan pertemuan berkelanjutan diselenggarakan kebersamaan menyelesaikan "
    "peningkatan terlaksana keberhasilannya mempertanggungjawabkan penguatan perlindungan "
    "pemberdayaan menyampaikan pengelolaan berpartisipasi diskusikan mendukung menjangkau "
    "pelatihan pembangunan penanganan bersinergi ketahanan menemukan dipertemukan mengajak "
    "memfasilitasi menyusun pengorganisasian keterlibatan pelayanan mewujudkan perempuannya "
    "ditingkatkan terpenuhi sepenuhnya kesejahteraan penyandang penyelenggaraan pendampingan "
    "mengembangkan perekonomian belajar pelajaran mempelajari bekerja pekerjaan menyanyi "
    "penyanyi meninggal peninggalan"
).split()


def warm_up() -> None:
    """Have the stemmer build its rules now, not during the first keystrokes of a filter."""
    rules = getattr(_INDONESIAN, "delegatedStemmer", _INDONESIAN)  # past Sastrawi's cache of words
    for word in WARM_UP:
        rules.stem(word)


def stem(word: str) -> str:
    """The shared root of a word's forms (Indonesian first, then English), so `temu` finds `pertemuan`."""
    known = _known.get(word)
    return known if known is not None else _stem(word)


@lru_cache(maxsize=1 << 18)
def _stem(word: str) -> str:
    folded = fold(word)
    if len(folded) < MIN_STEM_LENGTH or not folded.isascii() or not folded.isalpha():
        return folded
    root: str = _INDONESIAN.stem(folded)
    if root and root != folded:
        return root
    english: str = _ENGLISH.stemWord(folded)
    return english or folded


@lru_cache(maxsize=16)
def _word_matchers(
    query: Query,
) -> tuple[frozenset[str], tuple[str, ...], frozenset[str], tuple[tuple[str, ...], ...]]:
    """The query split into exact words, prefixes, stems and phrases, as highlighting needs them
    (once per query, not once per row the list draws)."""
    exact: set[str] = set()
    prefixes: list[str] = []
    stems: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    for term in query.terms:
        if term.field not in (None, "title"):
            continue
        if term.is_phrase:
            phrases.append(term.words)
            continue
        word = term.words[0]
        if term.prefix:
            prefixes.append(word)
        else:
            exact.add(word)
        if len(word) >= MIN_STEM_LENGTH - (0 if term.prefix else 1):
            stems.add(stem(word))
    return frozenset(exact), tuple(prefixes), frozenset(stems), tuple(phrases)


def match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where the query matched in `text`, so the reader and list can highlight exactly that."""
    exact, prefixes, stems, phrases = _word_matchers(query)
    if not (exact or prefixes or stems or phrases):
        return []
    spans: list[tuple[int, int]] = []
    tokens: list[tuple[int, int, str]] = []
    for match in _WORD.finditer(text):
        folded = fold_word(match.group())
        tokens.append((match.start(), match.end(), folded))
        if (
            folded in exact
            or any(folded.startswith(prefix) for prefix in prefixes)
            or (len(folded) >= MIN_STEM_LENGTH - 1 and stems and stem(folded) in stems)
        ):
            spans.append((match.start(), match.end()))
    if phrases:
        words = [token[2] for token in tokens]
        for phrase in phrases:
            size = len(phrase)
            first = phrase[0]
            for index, word in enumerate(words):
                if word == first and tuple(words[index : index + size]) == phrase:
                    spans.append((tokens[index][0], tokens[index + size - 1][1]))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and join overlapping ones, so a highlighter never paints twice."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, query: Query, width: int = 80) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt around the first match, so the list can show why an article matched."""
    flat = " ".join(text.split())
    width = max(width, 3)
    spans = match_spans(flat, query)
    if len(flat) <= width:
        return flat, spans
    if not spans:
        return flat[: width - 1].rstrip() + "…", []
    first_start, first_end = spans[0]
    # Put the first match about a third of the way in, then snap to word boundaries.
    start = max(0, min(first_start - width // 3, len(flat) - width))
    if start > 0:
        space = flat.find(" ", start, first_start)
        start = space + 1 if space >= 0 else start
    end = min(len(flat), start + width - (1 if start > 0 else 0))
    if end < len(flat):
        end -= 1
        space = flat.rfind(" ", max(first_end, start + 1), end)
        end = space if space > 0 else end
    excerpt = flat[start:end]
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(flat) else ""
    shift = len(lead) - start
    low = bisect.bisect_left(spans, (start, start))
    shown: list[tuple[int, int]] = []
    for span_start, span_end in spans[max(0, low - 1) :]:
        if span_start >= end:
            break
        clipped = (max(span_start, start) + shift, min(span_end, end) + shift)
        if clipped[0] < clipped[1]:
            shown.append(clipped)
    return lead + excerpt + tail, shown
