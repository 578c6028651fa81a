"""An article's PostgreSQL vectors, built from kliping's own words and stems (no server needed)."""

from __future__ import annotations

from tui.library.pg_query import plan, term_query
from tui.library.pg_text import MAX_POSITION, document, words_of
from tui.query import Term, parse
from tui.text import fold_words


def _lexemes(vector: str) -> dict[str, str]:
    return {lexeme: places for lexeme, _c, places in (part.partition(":") for part in vector.split())}


def test_words_and_stems_at_their_positions_the_title_running_into_the_body() -> None:
    vectors = document("Pertemuan warga", "Warga bertemu di balai desa.", "Kompas.com", "Pasuruan")
    doc = _lexemes(vectors.doc)
    assert doc["'pertemuan'"] == "1" and doc["'warga'"] == "2,3" and doc["'bertemu'"] == "4"
    assert doc["'~temu'"] == ""  # pertemuan's and bertemu's stem, once, without positions
    assert vectors.doc.count("'~temu'") == 1
    assert "'kompas'" not in doc and "'pasuruan'" not in doc  # fields are vectors of their own
    assert _lexemes(vectors.title) == {"'pertemuan'": "1", "'warga'": "2", "'~temu'": ""}
    assert _lexemes(vectors.source) == {"'kompas'": "1", "'com'": "2"}
    assert _lexemes(vectors.place) == {"'pasuruan'": "1"}
    assert vectors.exact


def test_an_article_longer_than_postgresql_keeps_positions_of_is_not_exact() -> None:
    short = document("Judul", "kata " * 300, None, None)
    assert not short.exact  # one word at 300 positions: PostgreSQL keeps 256
    assert _lexemes(short.doc)["'kata'"].count(",") == 255
    long = document("Judul", " ".join(f"w{n}" for n in range(MAX_POSITION + 10)), None, None)
    assert not long.exact
    assert _lexemes(long.doc)[f"'w{MAX_POSITION + 5}'"] == str(MAX_POSITION)  # clamped, as PostgreSQL does


def test_words_of_is_fold_words_however_the_text_is_written() -> None:
    texts = ("Café “kopi” — Rp 5.000…", "ÉCOLE d'été", "naïve ﬁle", "plain ascii", "\u00a0x\u00a0y")
    for text in (*texts, "a_b c-d e?f", "“Kutip” ½ x² — 3ª", "tab\tnew\nline\x00nul", "Kelvin \u212a"):
        assert words_of(text) == fold_words(text)


def test_fields_and_forms_as_tsquery_literals() -> None:
    assert term_query(Term(("kapas",), prefix=True), expand=False) == "('kapas':*)"
    assert term_query(Term(("rumah", "inklusi")), expand=True) == "('rumah' <-> 'inklusi')"
    assert term_query(Term(("pertemuan",)), expand=True) == "('pertemuan' | '~temu' | 'temu')"
    where, args = plan(parse("title:desa -source:tempo"), "date", False).whole
    assert "title_doc @@" in where and "NOT (source_doc @@" in where
    assert args == ("(('desa' | '~desa'))", "('tempo':*)")


def test_a_relevance_tier_reads_an_article_s_vector_once() -> None:
    """Each `doc @@` reads the article's vector again (it is kept apart from the row)."""
    for text in ("penguatan ka", "desa -kapasitas", "makassar OR surabaya", "title:desa pertemuan"):
        tiers = plan(parse(text), "relevance", False).tiers
        for where, args in tiers if text != "title:desa pertemuan" else tiers[:1]:  # (NOT (a AND b): apart)
            assert where.count("doc @@") - where.count("_doc @@") == 1, (text, where)
            assert where.count("%s") == len(args)
    where, _args = plan(parse("penguatan ka"), "relevance", False).tiers[2]
    assert "doc @@ (!!%s::tsquery && %s::tsquery)" in where  # exact words not, forms yes
