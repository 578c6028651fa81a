"""Highlighting shows exactly why an article matched: words, prefixes, phrases, stems, accents."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.query import parse
from tui.search import match_spans, snippet, stem


def marked(text: str, query: str) -> list[str]:
    return [text[a:b] for a, b in match_spans(text, parse(query))]


def test_stem() -> None:
    assert stem("pertemuan") == stem("bertemu") == stem("temu") == "temu"
    assert stem("penguatan") == stem("Menguatkan") == "kuat"
    assert stem("running") == stem("runs") == "run"
    assert stem("di") == "di"
    assert stem("2024") == "2024"


def test_the_stemmer_builds_its_rules_before_the_first_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    """After warm_up, the words typed on the way to a filter stem without building a rule's
    regular expression (the first of them cost 3-5 ms of a keystroke). The stemmer still looks
    words up as plain patterns, which build in some 20 microseconds."""
    import re
    import re._compiler

    from tui import search

    re.purge()  # as in a new process (the stemmer's own cache of words is passed by, below)
    search.warm_up()
    rules = search._INDONESIAN.delegatedStemmer
    built: list[object] = []
    original = re._compiler.compile

    def counted(*args: object, **kwargs: object) -> object:
        built.append(args[0])
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(re._compiler, "compile", counted)
    typed = "pengua penguatan kapasita menandatangani berbagi pemuda disabilitas dikembangkan"
    for word in typed.split():
        rules.stem(word)
    assert all(isinstance(pattern, str) and pattern.isalpha() for pattern in built), built


def test_words_case_and_accents() -> None:
    text = "Kesetaraan di Café, KESETARAAN di cafe."
    assert marked(text, "kesetaraan cafe ") == ["Kesetaraan", "Café", "KESETARAAN", "cafe"]


def test_prefix_and_stems() -> None:
    text = "Pertemuan mitra: kami bertemu dan menemukan penguatan kapasitas."
    assert marked(text, "temu ") == ["Pertemuan", "bertemu", "menemukan"]
    assert marked(text, "kuat ") == ["penguatan"]
    assert marked(text, "kapa") == ["kapasitas"]


def test_phrase_and_exclusions() -> None:
    text = "Organisasi masyarakat sipil, masyarakat adat dan organisasi."
    assert marked(text, '"masyarakat sipil"') == ["masyarakat sipil"]
    assert marked(text, '"masyarakat sipil" -adat') == ["masyarakat sipil"]
    assert marked(text, "-organisasi") == []


def test_empty_query_marks_nothing() -> None:
    assert match_spans("anything at all", parse("")) == []
    assert match_spans("anything at all", parse("year:2024 source:x")) == []


def test_snippet_centres_first_match() -> None:
    text = "Awal. " + "kata " * 40 + "Kami membahas penguatan kapasitas di desa. " + "lain " * 40
    line, spans = snippet(text, parse("kuat "), width=60)
    assert len(line) <= 60
    assert line.startswith("…") and line.endswith("…")
    assert [line[a:b] for a, b in spans] == ["penguatan"]


def test_snippet_short_and_unmatched() -> None:
    assert snippet("Pendek saja.", parse("pendek")) == ("Pendek saja.", [(0, 6)])
    line, spans = snippet("x " * 100, parse("zzz"), width=20)
    assert spans == [] and len(line) <= 20 and line.endswith("…")


@given(st.text(max_size=300), st.text(max_size=30), st.integers(min_value=1, max_value=120))
def test_spans_are_sorted_and_inside(text: str, query: str, width: int) -> None:
    spans = match_spans(text, parse(query))
    previous = -1
    for start, end in spans:
        assert previous < start < end <= len(text) or (previous <= start == 0 < end)
        previous = end
    line, shown = snippet(text, parse(query), width)
    for start, end in shown:
        assert 0 <= start < end <= len(line)


def test_stems_the_index_knows_need_no_stemmer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers import small_collection
    from tui import search
    from tui.library import Library
    from tui.sync import sync

    library = Library(tmp_path / "cache.sqlite3")
    list(sync(library, [small_collection(tmp_path / "c")], processes=1))
    known = dict(library.stems(search.KNOWN_MOST))
    assert known["pertemuan"] == "temu"
    monkeypatch.setattr(search, "_known", {})
    search.learn_stems(known.items())

    def no_stemmer(word: str) -> str:
        raise AssertionError(f"stemmed {word!r} again")

    monkeypatch.setattr(search, "_stem", no_stemmer)
    assert search.stem("pertemuan") == "temu"
    spans = search.match_spans("Forum Pertemuan Mitra Program INKLUSI", parse("pertemuan"))
    assert spans == [(6, 15)]  # every word of the title was stemmed from what the index knew
