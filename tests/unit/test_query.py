"""The filter language reads every construct, and every slip, the way a user expects."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import small_collection
from tui.library import Library
from tui.library.fts import Expressions
from tui.query import MAX_CHARS, MAX_TERMS, Query, Term, parse
from tui.sync import sync
from tui.text import fold


def words(query: Query) -> list[list[str]]:
    return [[str(term) for term in group] for group in query.groups]


def test_words_all_match_and_last_is_prefix() -> None:
    query = parse("kesetaraan gender")
    assert words(query) == [["kesetaraan"], ["gender*"]]
    assert query.hint is None
    assert not query.is_empty


def test_case_and_accents_fold() -> None:
    assert parse("Kesetaraan x").groups == parse("kesetaraan x").groups
    assert parse("Café x").groups[0] == (Term(("cafe",)),)


def test_explicit_prefix() -> None:
    query = parse("temu* kuat")
    assert query.groups[0] == (Term(("temu",), prefix=True),)
    assert query.groups[1] == (Term(("kuat",), prefix=True),)


def test_only_last_bare_word_is_prefix() -> None:
    query = parse('kuat "dua kata" -x')
    assert query.groups[0] == (Term(("kuat",), prefix=True),)
    assert query.groups[1] == (Term(("dua", "kata")),)


def test_phrase_and_exclusions() -> None:
    query = parse('"exact phrase" -word -"two words" x')
    assert query.groups[0] == (Term(("exact", "phrase")),)
    assert query.groups[0][0].is_phrase
    assert query.excluded == (Term(("word",)), Term(("two", "words")))


def test_or_binds_tighter_than_and() -> None:
    assert words(parse("x a OR b y")) == [["x"], ["a", "b"], ["y*"]]
    assert words(parse("x a | b OR c y")) == [["x"], ["a", "b", "c"], ["y*"]]
    assert words(parse("a|b")) == [["a", "b*"]]


def test_lowercase_or_is_a_word() -> None:
    assert words(parse("a or b")) == [["a"], ["or"], ["b*"]]


def test_title_field() -> None:
    query = parse('title:Inklusi title:"forum pembelajaran" x')
    assert query.groups[0] == (Term(("inklusi",), field="title"),)
    assert query.groups[1] == (Term(("forum", "pembelajaran"), field="title"),)


def test_source_and_place_are_word_prefixes() -> None:
    query = parse("source:Kompas place:Pásuruan")
    assert query.groups == (
        (Term(("kompas",), prefix=True, field="source"),),
        (Term(("pasuruan",), prefix=True, field="place"),),
    )


def test_excluded_field() -> None:
    assert parse("-source:kompasiana").excluded == (Term(("kompasiana",), prefix=True, field="source"),)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("year:2024", dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
        ("date:2023", dt.date(2023, 1, 1), dt.date(2024, 1, 1)),
        ("date:2023-05", dt.date(2023, 5, 1), dt.date(2023, 6, 1)),
        ("date:2023-12", dt.date(2023, 12, 1), dt.date(2024, 1, 1)),
        ("date:2023-05-01", dt.date(2023, 5, 1), dt.date(2023, 5, 2)),
        ("date:2023-01..2023-06", dt.date(2023, 1, 1), dt.date(2023, 7, 1)),
        ("date:2023-05-01..", dt.date(2023, 5, 1), None),
        ("date:..2023-06", None, dt.date(2023, 7, 1)),
        ("after:2023-01-01", dt.date(2023, 1, 2), None),
        ("after:2023-06", dt.date(2023, 7, 1), None),
        ("before:2024", None, dt.date(2024, 1, 1)),
        ("before:2024-03-05", None, dt.date(2024, 3, 5)),
        ("after:2022 before:2024", dt.date(2023, 1, 1), dt.date(2024, 1, 1)),
        ("year:2023 date:2023-05..", dt.date(2023, 5, 1), dt.date(2024, 1, 1)),
    ],
)
def test_dates(text: str, start: dt.date | None, end: dt.date | None) -> None:
    query = parse(text)
    assert (query.start, query.end) == (start, end)
    assert query.hint is None
    assert not query.is_empty
    assert not query.groups


def test_contradictory_dates_match_nothing() -> None:
    query = parse("year:2022 year:2023")
    assert query.empty_range


def test_flags() -> None:
    assert parse("is:unread is:starred").flags == frozenset({"unread", "starred"})
    assert parse("-is:read").flags == frozenset({"unread"})
    assert parse("is:Read").flags == frozenset({"read"})


def test_empty() -> None:
    assert parse("").is_empty
    assert parse("   ").is_empty
    assert parse("").hint is None
    assert not parse("is:read").is_empty


@pytest.mark.parametrize(
    ("text", "hint_start", "expected"),
    [
        ('"unclosed phrase', "unclosed quote", [["unclosed"], ["phrase*"]]),
        ("foo:bar", "unknown field 'foo:'", [['"foo bar"']]),
        ("year:abc", "'year:abc' is not a date", [['"year abc"']]),
        ("date:2023-13", "'date:2023-13' is not a date", [['"date 2023 13"']]),
        ("a OR", "'OR' needs a word", [["a"], ["or*"]]),
        ("OR a", "'OR' needs a word", [["or"], ["a*"]]),
        ("a OR OR b", "'OR' needs a word", [["a"], ["or", "b*"]]),
        ("a OR -b", "'OR' needs a word", [["a"], ["or*"]]),
        ("a - b", "a lone '-'", [["a"], ["b*"]]),
        ("title: x", "'title:' needs a word", [["title"], ["x*"]]),
        ("is:maybe", "'is:' takes", [['"is maybe"']]),
    ],
)
def test_slips_are_read_as_words_with_a_hint(text: str, hint_start: str, expected: list[list[str]]) -> None:
    query = parse(text)
    assert query.hint is not None
    assert query.hint.startswith(hint_start)
    assert words(query) == expected


def test_unknown_field_hint_lists_fields() -> None:
    hint = parse("foo:bar").hint
    assert hint is not None
    assert "title: source: place: year: date: after: before: is:" in hint


def test_describe_round_trips() -> None:
    query = parse('x a OR b "c d" -e title:f year:2024 is:starred')
    assert words(parse(query.describe()))[2:] == words(query)[2:]
    assert parse(query.describe()).excluded == query.excluded
    assert (parse(str(query)).start, parse(str(query)).end) == (query.start, query.end)


@given(st.text())
def test_any_text_parses(text: str) -> None:
    query = parse(text)
    assert isinstance(query, Query)
    assert query.hint is None or "\n" not in query.hint


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))))
def test_any_printable_query_is_consistent(text: str) -> None:
    query = parse(text)
    assert sum(term.prefix for term in query.terms if term.field is None) <= len(query.terms)
    for term in (*query.terms, *query.excluded):
        assert term.words
        # Folded: folding again changes nothing (not `lower()`: casefold turns Cherokee lower-case
        # letters into capitals, as the index does, and hypothesis found one).
        assert all(word and word == fold(word) for word in term.words)
    if query.is_empty:
        assert not query.terms
    assert (query.start is None or query.end is None or query.start < query.end) != (query.empty_range) or (
        query.start is None or query.end is None
    )


@given(st.lists(st.sampled_from(["a", "b", "OR", "|", "-", '"', "title:", "x:", "year:", " "])))
def test_token_soup_parses(parts: list[str]) -> None:
    query = parse(" ".join(parts))
    assert all(group for group in query.groups)


def test_no_ui_imports() -> None:
    code = (
        "import sys, tui.query, tui.search, tui.library, tui.text; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def pasted_megabyte() -> str:
    """A megabyte of distinct words, as when a whole article is pasted into the filter by mistake."""
    words = (f"kata{n} rumah{n % 97}" for n in range(200_000))
    return " ".join(words)[:1_000_000]


def test_a_pasted_megabyte_is_read_only_so_far_and_says_so() -> None:
    text = pasted_megabyte()
    query = parse(text)
    assert len(query.terms) <= MAX_TERMS
    assert query.hint is not None and str(MAX_CHARS) in query.hint
    assert query.terms[0].text == "kata0"
    assert parse(" ".join(["desa"] * 10) + " " + "x" * MAX_CHARS).hint == (
        f"only the first {MAX_CHARS} characters of the filter are used"
    )  # the half word at the cut is dropped, not searched as a prefix
    many = parse(" ".join(f"w{n}" for n in range(200)))
    assert (
        len(many.terms) == MAX_TERMS
        and many.hint == f"only the first {MAX_TERMS} words of the filter are used"
    )
    phrase = parse('"' + " ".join(f"w{n}" for n in range(300)) + '"')
    assert all(len(term.words) <= MAX_TERMS for term in phrase.terms)


def test_searching_a_pasted_megabyte_builds_bounded_expressions(tmp_path: Path) -> None:
    """Every term is a clause in every relevance tier: unbounded, 1 MB of words grew memory past 9 GB."""
    small_collection(tmp_path)
    library = Library(None)
    for _update in sync(library, [tmp_path], processes=1):
        pass
    query = parse(pasted_megabyte())
    tiers = Expressions(lambda: library._db.conn).tiers(query, ranked=True)
    assert sum(len(tier) for tier in tiers) < 200_000
    assert library.search(query).keys == []
    library.close()


@pytest.mark.parametrize(
    ("indonesian", "english"),
    [
        ("judul:rumah", "title:rumah"),
        ('judul:"rumah inklusi"', 'title:"rumah inklusi"'),
        ("sumber:kompas", "source:kompas"),
        ("tempat:pasuruan", "place:pasuruan"),
        ("tahun:2024", "year:2024"),
        ("tanggal:2023-05..2023-07", "date:2023-05..2023-07"),
        ("setelah:2023-06", "after:2023-06"),
        ("sebelum:2024", "before:2024"),
        ("-Judul:banjir desa", "-title:banjir desa"),
        ("desa ATAU kota", "desa OR kota"),
        ("judul:desa ATAU sumber:antara banjir", "title:desa OR source:antara banjir"),
    ],
)
def test_fields_and_or_in_indonesian(indonesian: str, english: str) -> None:
    assert parse(indonesian).describe() == parse(english).describe()
    assert parse(indonesian).hint is None


def test_atau_in_lower_case_or_alone_is_a_word() -> None:
    assert words(parse("desa atau kota")) == [["desa"], ["atau"], ["kota*"]]
    alone = parse("ATAU")
    assert words(alone) == [["atau*"]] and alone.hint is not None
