"""A team library notes its common words in each article's row (tui.library.pg_common), so an
excluded common word passes articles by without reading their vectors; the note never changes an
answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.gen_corpus import generate
from tui.query import parse
from tui.sync import sync

EXCLUDING = [
    "desa -perempuan",
    "-perempuan",
    "pertemuan -jakarta -surabaya",
    "desa -perempuan -title:inklusi",
]


def _synced(folder: Path, url: str) -> Any:
    from tui.library.pg import PgLibrary

    team = PgLibrary(url, syncing=True)
    for _update in sync(team, [str(folder)]):
        pass
    return team


def _wrongly_noted(conn: Any) -> int:
    """Rows whose note is not the common words their vector holds (or is missing)."""
    found = conn.execute(
        "SELECT count(*) FROM articles AS a, (SELECT value FROM kliping WHERE name = 'common words') AS k "
        "WHERE a.common IS NULL OR a.common IS DISTINCT FROM ("
        "  SELECT coalesce(array_agg(w.n - 1 ORDER BY w.n), '{}')::smallint[]"
        "  FROM unnest(string_to_array(k.value, ' ')) WITH ORDINALITY AS w(word, n)"
        "  WHERE w.word = ANY(tsvector_to_array(a.doc)))"
    ).fetchone()
    return int(found[0])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "clips"
    generate(folder, 260, seed=5, formats=("txt", "md"))
    return folder


def test_a_sync_notes_the_common_words_in_every_row(
    corpus: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chosen during the sync (here after its first 50 files): the rows parsed after carry the note
    made in Python, those written before are noted in SQL at its end; both say the same."""
    from tui.library import pg_common

    monkeypatch.setattr(pg_common, "CHOOSE_FROM", 50)
    team = _synced(corpus, pg_url)
    try:
        conn = team._conn()
        words = pg_common.stored(conn)
        assert "perempuan" in words and "desa" in words and len(words) <= pg_common.MOST
        assert not any(word.startswith("~") for word in words)  # (stems: no exclusion asks for one)
        assert _wrongly_noted(conn) == 0
        assert team.common_words() == words
        # the next sync's look for rows not noted asks an index of them, not every row
        conn.execute("SET enable_seqscan = off")
        (plan,) = conn.execute(
            "EXPLAIN (FORMAT JSON) SELECT key FROM articles "
            "WHERE common IS NULL AND key > -1 ORDER BY key LIMIT 5"
        ).fetchone()
        assert pg_common.UNNOTED_INDEX in json.dumps(plan)
    finally:
        team.close()


def test_a_library_synced_before_the_notes_gets_them_at_its_next_sync(corpus: Path, pg_url: str) -> None:
    import psycopg

    team = _synced(corpus, pg_url)
    team.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:  # as the previous version left it
        conn.execute("ALTER TABLE articles DROP COLUMN common")
        conn.execute("DELETE FROM kliping WHERE name = 'common words'")
    browsing = _opened(pg_url)
    try:  # opened for browsing, it reads and searches as before
        assert browsing.search(parse("desa -perempuan"), "date").keys
    finally:
        browsing.close()
    team = _synced(corpus, pg_url)  # nothing changed on disk: the notes are all that is written
    try:
        assert team.written["files"] == 0
        assert _wrongly_noted(team._conn()) == 0
    finally:
        team.close()


def test_the_sync_command_says_it_is_noting_a_library_synced_before_the_notes(
    corpus: Path, pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-time notes of an older library are minutes at 1M: the command says what it is doing
    (on a pipe, a line; on a terminal, the bar counts the rows), and only when there are many."""
    import psycopg

    from tui.cli import main
    from tui.library import pg_common

    noting = "kliping: noting the common words, once"
    assert main(["sync", "--library", pg_url, str(corpus)]) == 0
    assert noting not in capsys.readouterr().err.splitlines()  # a first sync notes as it goes
    with psycopg.connect(pg_url, autocommit=True) as conn:  # as the previous version left it
        conn.execute("ALTER TABLE articles DROP COLUMN common")
    monkeypatch.setattr(pg_common, "TELL_FROM", 100)  # (260 articles stand for a million)
    assert main(["sync", "--library", pg_url, str(corpus)]) == 0
    assert capsys.readouterr().err.splitlines().count(noting) == 1
    assert main(["sync", "--library", pg_url, str(corpus)]) == 0
    assert noting not in capsys.readouterr().err.splitlines()


def test_filling_the_notes_reports_how_far_it_is(
    corpus: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.library import pg_common

    team = _synced(corpus, pg_url)
    try:
        conn = team._conn()
        conn.execute("UPDATE articles SET common = NULL")
        monkeypatch.setattr(pg_common, "FILL_BATCH", 100)
        monkeypatch.setattr(pg_common, "TELL_FROM", 100)
        told: list[tuple[int, int]] = []
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert pg_common.fill(conn, team.common_words(), lambda noted, of: told.append((noted, of))) == count
        assert told[0] == (0, count) and told[-1] == (count, count)
        assert [noted for noted, _ in told] == sorted({noted for noted, _ in told})  # each step forward
        assert len(told) == 1 + -(-count // 100)
        told.clear()
        assert pg_common.fill(conn, team.common_words(), lambda noted, of: told.append((noted, of))) == 0
        assert told == []  # nothing to note: nothing said
    finally:
        team.close()


def _opened(url: str) -> Any:
    from tui.library.pg import PgLibrary

    return PgLibrary(url)


@pytest.mark.parametrize("text", EXCLUDING)
def test_missing_notes_change_no_answer(corpus: Path, pg_url: str, text: str) -> None:
    """Rows not noted (NULL, or written before) are checked against their vectors."""
    team = _synced(corpus, pg_url)
    try:
        before = {sort: team.search(parse(text), sort).keys for sort in ("date", "relevance")}
        assert before["date"]
        team._conn().execute("UPDATE articles SET common = NULL WHERE key % 2 = 0")
        for sort, keys in before.items():
            assert team.search(parse(text), sort).keys == keys, (text, sort)
            assert team.search(parse(text), sort, limit=20).keys == keys[:20], (text, sort)
    finally:
        team.close()


def test_an_excluded_common_word_is_asked_of_the_row_before_its_vector(corpus: Path, pg_url: str) -> None:
    """The walk of the date index checks the row's note first: an article holding the excluded word
    is passed by without its vector (kept apart from the row) read."""
    from tui.library.pg_query import plan
    from tui.library.pg_search import settings

    team = _synced(corpus, pg_url)
    try:
        conn = team._conn()
        [(where, args)] = plan(parse("desa -perempuan"), "date", False, team._common).tiers
        with conn.transaction():
            for setting in settings(0.5):
                conn.execute(setting)
            (found,) = conn.execute(
                f"EXPLAIN (FORMAT JSON) SELECT key FROM articles WHERE {where} ORDER BY minute DESC LIMIT 20",
                args,
            ).fetchone()
        text = json.dumps(found)
        assert "common, '{}'::smallint[]) &&" in text
        assert text.index("common, ") < text.index("doc @@")
        for where, _args in plan(parse("desa -perempuan"), "relevance", False, team._common).tiers:
            assert where.index("common") < where.index("doc @@"), where  # each tier: the note first
        # a prefix or a phrase excluded is not a word the note can tell
        for other in ("desa -perem*", 'desa -"perempuan desa"', "desa -title:perempuan"):
            tiers = plan(parse(other), "date", False, team._common).tiers
            assert all("common" not in sql for sql, _a in tiers)
    finally:
        team.close()
