"""Properties: the loader turns any bytes into articles or problems, and never raises.

tests/unit/test_query.py already checks that any string parses into a query; the filter property
here only adds what that file does not: strings made of the filter language's own pieces
and of words the seeds hold.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.article import Article, Problem
from tui.cleaning import LEFTOVER_LINES
from tui.loader import SUFFIXES, parse_bytes, read_raw
from tui.query import Query, parse

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIX_LIST = [".txt", ".md", ".html", ".json", ".jsonl"]

# Words and pieces saved clippings are made of: seed vocabulary, dates, leftovers, markup.
SEED_WORDS = [
    "INKLUSI", "MADANI", "Rumah", "Inklusi", "desa", "kader", "disabilitas", "perempuan",
    "Pasuruan", "Makassar", "Jakarta", "(ANTARA)", "-", "–", "Kompasiana", "Diperbarui:",
    "13", "Oktober", "2022", "18:10", "29/08/2022", "Foto:", "Gambar", "1.", "“Kami", "senang,”",
    "katanya.", "Oleh", "Redaksi", "©", "2024", "Baca", "juga:", "café", "naïve", "\u200b",
    "\u00a0", "\t", "#", "##", "**", "*", "_", "`", "[", "]", "(", ")", "![", ">", "---", "<p>",
    "</p>", "<h1>", "<div class='share'>", "<br>", "<script>", "&amp;", "{", "}", '"text":', ":",
]  # fmt: skip
LEFTOVERS = sorted(LEFTOVER_LINES)

words = st.sampled_from(SEED_WORDS)
line = st.one_of(
    st.lists(words, max_size=12).map(" ".join),
    st.sampled_from(LEFTOVERS),
    st.sampled_from(LEFTOVERS).map(str.upper),
    st.text(max_size=40),
)
text_like = st.lists(st.one_of(line, st.just("")), max_size=25).map("\n".join)
front_matter = st.tuples(st.lists(line, max_size=4), text_like).map(
    lambda parts: "---\n" + "\n".join(parts[0]) + "\n---\n" + parts[1]
)
records = st.lists(
    st.dictionaries(
        st.sampled_from(["title", "text", "content", "body", "date", "source", "url", "html", "x"]),
        st.one_of(text_like, st.integers(), st.none(), st.lists(st.integers(), max_size=2)),
        max_size=5,
    ),
    max_size=4,
)
json_like = st.one_of(
    records.map(lambda items: "\n".join(json.dumps(item) for item in items)),
    records.map(json.dumps),
    records.map(lambda items: json.dumps(items)[: len(json.dumps(items)) // 2]),  # cut short
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, "replace")


def check(results: list[Article | Problem], path: str) -> None:
    """What every caller relies on: a non-empty list, sound articles, plain problems."""
    assert results
    for item in results:
        assert item.path == path
        if isinstance(item, Problem):
            assert item.reason and "\n" not in item.reason
            assert "Traceback" not in item.reason and "could not parse" not in item.reason
        else:
            assert isinstance(item, Article)
            assert item.title.strip()
            assert item.words == len(item.text.split())
            assert all(block.text.strip() for block in item.blocks)
            assert item.digest


@FAST
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIX_LIST))
def test_any_bytes_become_articles_or_problems(data: bytes, suffix: str) -> None:
    check(parse_bytes(data, "x" + suffix), "x" + suffix)


@FAST
@given(text=st.one_of(text_like, front_matter), encoding=encodings, suffix=st.sampled_from(SUFFIX_LIST))
def test_any_text_like_file_becomes_articles_or_problems(text: str, encoding: str, suffix: str) -> None:
    check(parse_bytes(encode(text, encoding), "x" + suffix), "x" + suffix)


@FAST
@given(text=json_like, suffix=st.sampled_from([".json", ".jsonl"]))
def test_any_json_like_file_becomes_articles_or_problems(text: str, suffix: str) -> None:
    check(parse_bytes(text.encode(), "x" + suffix), "x" + suffix)


@FAST
@given(body=st.lists(st.lists(words, min_size=3, max_size=15).map(" ".join), min_size=1, max_size=6))
def test_a_headline_over_paragraphs_is_the_title(body: list[str]) -> None:
    """A capitalised first line over blank-line paragraphs always becomes the title, not text."""
    text = "Forum Mitra Program Inklusi Bertemu\n\n" + "\n\n".join(f"{p} akhir kalimat." for p in body)
    (article,) = parse_bytes(text.encode(), "x.txt")
    assert isinstance(article, Article)
    assert article.title == "Forum Mitra Program Inklusi Bertemu"
    assert "Forum Mitra Program Inklusi Bertemu" not in article.text


@pytest.mark.parametrize("suffix", sorted(SUFFIXES))
@FAST
@given(text=text_like)
def test_every_suffix_and_the_raw_view_never_raise(
    suffix: str, text: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("raw") / f"x{suffix}"
    path.write_text(text, encoding="utf-8")
    results = parse_bytes(path.read_bytes(), str(path))
    check(results, str(path))
    for item in results:
        if isinstance(item, Article):
            assert isinstance(read_raw(item), str)


FILTER_PIECES = st.sampled_from(
    [
        *SEED_WORDS, "OR", "|", "-", '"', "title:", "source:", "place:", "year:", "date:", "from:",
        "to:", "is:", "starred", "read", "unread", "2022", "2021-03", "..", "*", "'", "\\", "  ",
    ]
)  # fmt: skip


@FAST
@given(st.lists(FILTER_PIECES, max_size=12).map(" ".join) | st.lists(FILTER_PIECES, max_size=12).map("".join))
def test_filter_pieces_and_seed_words_always_parse(text: str) -> None:
    query = parse(text)
    assert isinstance(query, Query)
    assert query.hint is None or "\n" not in query.hint
    parse(query.describe())  # what the app shows back as the filter parses too
