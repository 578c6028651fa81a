"""A first page of an answer is the top of the whole answer, found without finding the rest."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import StopAfter
from tui.article import Article, Block
from tui.library import AtOnce, Library, Page, Stopped, fts
from tui.query import Query, parse
from tui.search import stem
from tui.text import fold_words

VOCABULARY = [
    *("temu", "bertemu", "pertemuan", "menemukan", "kuat", "penguatan", "memperkuat", "kekuatan"),
    *("kembang", "pengembangan", "kelola", "pengelolaan", "desa", "warga", "kapasitas", "oms"),
    *("inklusi", "madani", "perempuan", "disabilitas", "sosial", "program", "mitra", "forum", "laporan"),
]


def at_once(
    library: Library,
    query: Query,
    sort: str = "relevance",
    reverse: bool = False,
    limit: int = 200,
    seconds: float = 0.012,
    wait: float = 0.002,
) -> Page | None:
    """The page the event loop may have now, or None where the library gives it up (Stopped)."""
    try:
        return library.search(query, sort, reverse, limit=limit, at_once=AtOnce(seconds, wait))
    except Stopped:
        return None


def corpus(count: int, seed: int = 3) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        if n % 13 == 0:
            date = None
        else:
            # Few distinct minutes, so many articles share one and their order is the arrival order.
            date = dt.datetime(2019 + rng.randrange(6), 1 + rng.randrange(12), 1 + rng.randrange(28), 10)
        title = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randrange(1, 4))).capitalize()
        body = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randrange(5, 40)))
        articles.append(
            Article(
                id=f"a{n}",
                path=f"/c/{n}.txt",
                title=title,
                blocks=(Block("paragraph", body),),
                date=date,
                digest=f"d{n}",
            )
        )
    return articles


ARTICLES = corpus(1500)
BY_PATH = {a.path: a for a in ARTICLES}


def fill(lib: Library) -> None:
    # Two batches, so keys of one minute come from two transactions.
    half = len(ARTICLES) // 2
    for part in (ARTICLES[:half], ARTICLES[half:]):
        lib.put_files([(a.path, 1, 1, [a]) for a in part])


@pytest.fixture(scope="module")
def library() -> Iterator[Library]:
    lib = Library()
    fill(lib)
    yield lib
    lib.close()


QUERIES = [
    "",
    "p",
    "pe",
    "pen",
    "peng",
    "pengu",
    "penguatan",
    "penguatan ",
    "temu ",
    "kuat",
    "kapasitas oms",
    "desa OR forum",
    "inklusi -madani",
    "-desa",
    "year:2021",
    "year:2022 desa",
    "date:2020-03..2021-06 warga",
    "before:2020 pe",
    "title:laporan",
    "zzz",
]


def test_keys_follow_the_date_newest_first_and_undated_last(library: Library) -> None:
    rows = library.rows(newest_first=True)
    dated = [row.date for row in rows if row.date is not None]
    assert dated == sorted(dated, reverse=True)
    assert all(row.date is None for row in rows[len(dated) :])
    assert len(rows) == len(ARTICLES)
    # Within one minute the later arrival comes first, as it did when the order was by date, then key.
    same = [row for row in rows if row.date == rows[0].date]
    assert len(same) > 1
    numbers = [int(row.path[3:-4]) for row in same]
    assert numbers == sorted(numbers, reverse=True)


@pytest.mark.parametrize("text", QUERIES)
def test_a_page_is_the_top_of_the_answer(library: Library, text: str) -> None:
    for sort in ("relevance", "date"):
        for reverse in (False, True):
            whole = library.search(parse(text), sort, reverse).keys
            for limit in (1, 7, 200, len(whole), len(whole) + 1):
                library._answers.clear()  # a page must be found, not taken from the whole answer
                page = library.search(parse(text), sort, reverse, limit=limit)
                if page.complete:  # the whole answer, however long, when it came as cheaply
                    assert page.keys == whole, (text, sort, reverse, limit)
                else:
                    assert page.keys == whole[:limit] and len(whole) > limit, (text, sort, reverse, limit)
                assert page.complete or text


@pytest.mark.parametrize("text", QUERIES)
def test_a_page_found_at_once_is_the_page_a_thread_finds(library: Library, text: str) -> None:
    """A page at once is the page a thread finds, for the event loop: the same keys where it answers, and no
    answer where it could wait (no words to look up in the index)."""
    query = parse(text)
    for sort in ("relevance", "date"):
        for reverse in (False, True):
            library._answers.clear()
            quick = at_once(library, query, sort, reverse, limit=7, seconds=10)
            library._answers.clear()
            page = library.search(query, sort, reverse, limit=7)
            assert (quick is None) == (not query.groups), text
            if quick is not None:
                assert (quick.keys, quick.complete) == (page.keys, page.complete), (text, sort, reverse)
            whole = library.search(query, sort, reverse).keys  # now kept: the page is its top
            kept = at_once(library, query, sort, reverse, limit=7, seconds=10)
            assert kept is None or (kept.keys, kept.complete) == (whole[:7], len(whole) <= 7)
    assert at_once(library, parse('"desa warga"'), seconds=10) is None  # a phrase: every match read
    assert at_once(library, parse("desa"), "title", seconds=10) is None  # another sort: all of them
    library._answers.clear()


def test_a_page_at_once_gives_up_rather_than_keep_the_loop_waiting(library: Library) -> None:
    library._answers.clear()
    # Past its time with the page not yet full: given up (a full page found late is still given).
    assert at_once(library, parse("warga"), limit=10**6, seconds=0) is None
    everything = at_once(library, parse("warga"), limit=10**6, seconds=10)
    assert everything is not None and everything.complete
    assert everything.keys == library.search(parse("warga")).keys
    # The library's lock held by a write: no waiting for it beyond the wait given, or at all.
    held, done = threading.Event(), threading.Event()

    def write() -> None:
        with library._db.lock:
            held.set()
            done.wait(10)

    writer = threading.Thread(target=write)
    writer.start()
    held.wait(10)
    try:
        started = time.monotonic()
        assert at_once(library, parse("desa"), seconds=10, wait=0.05) is None
        assert at_once(library, parse("desa"), seconds=10, wait=0) is None
        assert time.monotonic() - started < 5
    finally:
        done.set()
        writer.join()
    assert at_once(library, parse("desa"), seconds=10) is not None
    library._answers.clear()  # the module's library: later tests find their answers afresh


def test_other_sorts_give_the_whole_answer_at_once(library: Library) -> None:
    for sort in ("title", "source", "words"):
        page = library.search(parse("desa"), sort, limit=5)
        assert page.complete and page.keys == library.search(parse("desa"), sort).keys


def tier(article: Article, word: str) -> int:
    """0: the word itself, in the title; 1: the word, elsewhere; 2, 3: the same for stem-only."""
    title = fold_words(article.title)
    words = title + fold_words(article.text)
    root = stem(word)
    exact = word in words
    titled = any(t == word or stem(t) == root for t in title)
    return (0 if exact else 2) + (0 if titled else 1)


@pytest.mark.parametrize("word", ["penguatan", "pertemuan", "pengelolaan", "kapasitas"])
def test_relevance_is_tiers_then_newest_first(library: Library, word: str) -> None:
    rows = {row.key: row for row in library.rows()}
    root = stem(word)
    expected = {
        a.path
        for a in ARTICLES
        if any(w == word or stem(w) == root for w in fold_words(a.title + " " + a.text))
    }
    ranked = library.search(parse(word + " ")).keys
    assert {rows[key].path for key in ranked} == expected
    tiers = [tier(BY_PATH[rows[key].path], word) for key in ranked]
    assert tiers == sorted(tiers)
    assert len(set(tiers)) > 1
    for a, b in zip(ranked, ranked[1:], strict=False):
        if tier(BY_PATH[rows[a].path], word) == tier(BY_PATH[rows[b].path], word):
            assert a > b  # newest first: keys are in date order


@pytest.mark.parametrize("prefix", ["peng", "pengu", "penguat", "kapa", "dis", "zzzz", "temu"])
def test_prefixes_spelled_out_find_what_fts5_finds(
    library: Library, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    spelled = library.search(parse(prefix)).keys
    assert library._fts.prefixes.get(prefix) is not None or len(prefix) <= fts.INDEXED_PREFIX
    monkeypatch.setattr(fts, "MAX_PREFIX_TERMS", 0)  # every prefix left to FTS5
    plain = Library()
    fill(plain)
    assert plain.search(parse(prefix)).keys == spelled
    assert not plain._fts.prefixes.get(prefix)
    plain.close()


def test_a_search_can_be_stopped_and_the_library_still_answers(library: Library) -> None:
    with pytest.raises(Stopped):
        library.search(parse("warga"), stop=lambda: True)
    later = StopAfter(3)
    with pytest.raises(Stopped):
        library.search(parse("desa OR warga OR forum"), "date", stop=later)
    assert later.asked > 3
    # Nothing stopped is remembered, and the connection no longer asks to stop.
    assert library.search(parse("warga")).keys == library.search(parse("warga"), stop=lambda: False).keys
    assert len(library.search(parse("desa OR warga OR forum"), "date").keys) > 0


def test_a_crowded_minute_lends_keys_from_the_next_and_filters_stay_exact() -> None:
    lib = Library()
    noon = dt.datetime(2023, 5, 1, 12, 0)
    crowd = [
        Article(id=f"c{n}", path=f"/c/{n}.txt", title=f"Ramai {n}", blocks=(Block("paragraph", "desa"),),
                date=noon, digest=f"c{n}")
        for n in range(150)
    ]  # fmt: skip
    later = Article(id="l", path="/c/later.txt", title="Sesudahnya", blocks=(Block("paragraph", "desa"),),
                    date=noon + dt.timedelta(minutes=1), digest="l")  # fmt: skip
    undated = Article(
        id="u", path="/c/u.txt", title="Tanpa", blocks=(Block("paragraph", "desa"),), digest="u"
    )
    lib.put_files([(a.path, 1, 1, [a]) for a in crowd[:100]])
    lib.put_files([(later.path, 1, 1, [later]), (undated.path, 1, 1, [undated])])
    lib.put_files([(a.path, 1, 1, [a]) for a in crowd[100:]])
    rows = lib.rows(newest_first=True)
    assert len({row.key for row in rows}) == 152
    assert rows[-1].title == "Tanpa"
    assert len(lib.search(parse("date:2023-05-01")).keys) == 151
    assert len(lib.search(parse("date:2023-05-01 desa")).keys) == 151
    assert len(lib.search(parse("after:2023-05-01")).keys) == 0
    assert len(lib.search(parse("before:2023-05-01")).keys) == 0
    assert [lib.article(key).title for key in lib.search(parse("desa")).keys][-1] == "Tanpa"  # type: ignore[union-attr]
    lib.close()


def test_the_date_order_follows_writes_and_another_window(tmp_path: Path) -> None:
    one, two = Library(tmp_path / "cache.sqlite3"), Library(tmp_path / "cache.sqlite3")
    articles = corpus(400, seed=9)
    one.put_files([(a.path, 1, 1, [a]) for a in articles[:100]])
    one.search(parse(""))  # the orders exist now, and are kept up to date from here on
    two.put_files([(a.path, 1, 1, [a]) for a in articles[100:250]])  # another window, same minutes
    one.put_files([(a.path, 1, 1, [a]) for a in articles[250:]])
    one.forget_files([a.path for a in articles[:30]])
    keys = [row.key for row in Library(tmp_path / "cache.sqlite3").rows()]
    assert len(keys) == len(set(keys)) == 370
    mine = one.search(parse("")).keys
    assert mine == sorted(mine, reverse=True)
    fresh = Library(tmp_path / "cache.sqlite3")
    assert set(mine) <= set(fresh.search(parse("")).keys)  # one's order has what one wrote, in order
    assert len(set(fresh.search(parse("")).keys)) == 370
    for lib in (one, two, fresh):
        lib.close()


def test_without_a_filter_the_page_is_everything(library: Library) -> None:
    for reverse in (False, True):
        page = library.search(parse(""), "relevance", reverse, limit=10)
        assert page.complete and len(page.keys) == len(ARTICLES)


def test_a_file_written_twice_between_searches_is_listed_once() -> None:
    lib = Library()
    first, *rest = corpus(5, seed=4)
    lib.put_files([(a.path, 1, 1, [a]) for a in rest])
    lib.search(parse(""))  # the date order exists; what follows is merged into it when needed
    lib.put_files([(first.path, 1, 1, [first])])
    lib.put_files([(first.path, 2, 2, [first])])  # changed on disk: its old key goes, a new one comes
    keys = lib.search(parse("")).keys
    assert sorted(keys, reverse=True) == keys == [row.key for row in lib.rows(newest_first=True)]
    assert len(keys) == 5
    lib.close()
