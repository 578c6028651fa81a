"""The same filters give the same articles, in the same order, over SQLite and PostgreSQL.

One generated corpus (benchmarks/gen_corpus.py) and a few articles written for the edges (a text
longer than PostgreSQL keeps positions of, a phrase from the title into the body, undated ones)
go through the same loader into both back ends; each filter's answer is compared as articles
(path, digest), and its order by the articles' dates or titles.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.gen_corpus import generate
from tests.helpers import write_article
from tui.library import Library, Row
from tui.query import Query, parse
from tui.sync import sync

Ident = tuple[str, str]


def _corpus(folder: Path) -> Path:
    generate(folder / "generated", 300, seed=3, formats=("txt", "md", "html", "jsonl"))
    filler = " ".join(f"kata{n % 500} desa" for n in range(9000))  # 18,000 words
    write_article(
        folder,
        "edges/long.txt",
        "Laporan panjang tentang desa",
        "5 Mei 2023 10:00",
        [filler, "Di ujungnya ada kata langka sekali di sini.", "Penutup laporan pertemuan warga."],
    )
    write_article(
        folder,
        "edges/span.txt",
        "Rapat warga kampung",
        "6 Mei 2023 11:00",
        ["Nelayan membahas anggaran. Pertemuan berikutnya bulan depan."],
    )
    story = (
        "Banjir merendam ratusan rumah warga di bantaran sungai sejak Senin malam. Petugas gabungan "
        "mengevakuasi lansia dan anak-anak ke balai desa, sementara dapur umum didirikan di halaman "
        "masjid. Kepala desa meminta bantuan perahu karet dan obat-obatan kepada pemerintah kabupaten."
    )
    for name, title, date, extra in (  # near-copies: a story syndicated twice, and once undated
        ("copy1.txt", "Banjir rendam ratusan rumah", "1 Maret 2023 08:00", ""),
        ("copy2.txt", "Ratusan rumah terendam banjir", "2 Maret 2023 09:00", " Air mulai surut Rabu pagi."),
    ):
        write_article(folder, f"edges/{name}", title, date, [story + extra])
    (folder / "edges" / "copy3.txt").write_text(f"Banjir di bantaran sungai\n\n{story}\n")
    write_article(  # the same story's rarer words, not a copy: related to it
        folder,
        "edges/aid.txt",
        "Petugas mengevakuasi korban banjir",
        "3 Maret 2023 10:00",
        ["Ratusan petugas merendam karung pasir; banjir surut Senin, sementara perahu karet tiba."],
    )
    undated = folder / "edges" / "undated.md"
    undated.write_text("# Catatan tanpa tanggal\n\nPenguatan kapasitas kader desa di Makassar.\n")
    (folder / "edges" / "undated2.txt").write_text(
        "Tanpa tanggal juga\n\nBertemu warga Surabaya di balai desa.\n"
    )
    return folder


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, pg_admin_url: str) -> Iterator[tuple[Library, object]]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from tui.library.pg import PgLibrary

    folder = _corpus(tmp_path_factory.mktemp("parity"))
    paths = [str(folder)]
    local = Library(None)
    for _update in sync(local, paths):
        pass
    local.wait_for_stems()
    name = f"kliping_parity_{os.getpid()}"  # one a test process (xdist workers share a server)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = make_conninfo(**{**conninfo_to_dict(pg_admin_url), "dbname": name})
    team = PgLibrary(url, syncing=True)
    for _update in sync(team, paths):
        pass
    yield local, team
    local.close()
    team.close()


def _idents(library: object) -> dict[int, tuple[Ident, Row]]:
    rows: list[Row] = library.rows()  # type: ignore[attr-defined]
    return {row.key: ((row.path, row.digest), row) for row in rows}


def _flags(library: object) -> dict[str, set[int]]:
    """Reading marks and tags as the app would pass them: the same articles on both sides."""
    flags: dict[str, set[int]] = {"read": set(), "starred": set(), "tag:banjir": set(), "has:note": set()}
    for key, ((_path, digest), _row) in _idents(library).items():
        number = int(digest[:4], 16)
        for flag, every in (("read", 2), ("starred", 5), ("tag:banjir", 7), ("has:note", 3)):
            if number % every == 0:
                flags[flag].add(key)
    return flags


def _answer(library: object, text: str, sort: str, reverse: bool = False) -> list[tuple[Ident, Row]]:
    known = _idents(library)
    query = parse(text)
    flags = _flags(library) if query.uses_marks else None
    keys: list[int] = library.search(query, sort, reverse, flags).keys  # type: ignore[attr-defined]
    return [known[key] for key in keys]


FILTERS = [
    "",
    "desa",
    "pertemuan",
    "temu",
    "bertemu",
    "kapas",
    "kapas*",
    "pen",
    "peng*",
    '"sekretariat inklusi"',
    '"rumah inklusi" desa',
    '"kata langka sekali"',
    '"langka sekal"',
    '"kampung nelayan"',
    '"warga kampung nelayan"',
    '"desa warga" OR bertemu',
    '"masyarakat desa" OR penguatan title:desa',
    "desa -kapasitas",
    "desa -perempuan",  # excluded common words: asked of the row's note first (pg_common.py)
    "-perempuan -kapasitas",
    "desa -perem*",
    '-"rumah inklusi"',
    "-desa",
    "makassar OR surabaya",
    "makassar | surabaya pertemuan",
    "migrant ATAU migran",
    "title:desa",
    'title:"rumah inklusi"',
    "source:kompas",
    "source:tempo OR title:desa",
    "place:manado",
    "place:surabaya",  # named in a text, not in its dateline (tui.gazetteer)
    'place:"jawa timur"',
    'place:"jawa barat" OR place:"timur tengah"',
    "tempat:jogja OR place:bali",
    "-place:jakarta desa",
    "year:2024",
    "date:2023-05",
    "after:2024-06 desa",
    "before:2022",
    "date:2022..2023 penguatan",
    "penguatan -title:inklusi",
    "village",
    "villages women",
    "is:unread desa",
    "is:starred",
    "tag:banjir -is:read",
    "has:note pertemuan",
    "-has:note year:2025",
    "xyzzy",
    # Any term on each side of OR (issue 21): flags, dates and words together.
    "tag:banjir OR has:note",
    "is:starred OR is:unread",
    "-has:note OR is:starred desa",
    "year:2022 OR year:2024",
    "makassar OR tag:banjir",
    '"rumah inklusi" OR is:starred',
    "title:desa OR is:starred",
    "source:kompas OR has:note pertemuan",
    "before:2022 OR after:2024 penguatan",
    'source:"mongabay indonesia"',
    "is:dup",
    "-is:dup banjir",
    "is:dup OR makassar",
]


@pytest.mark.parametrize("text", FILTERS)
def test_the_same_articles_in_the_same_order(both: tuple[Library, object], text: str) -> None:
    local, team = both
    for sort in ("relevance", "date"):
        mine, theirs = _answer(local, text, sort), _answer(team, text, sort)
        assert {i for i, _r in theirs} == {i for i, _r in mine}, (text, sort)
        assert [r.date for _i, r in theirs] == [r.date for _i, r in mine], (text, sort)


@pytest.mark.parametrize("text", ["", "desa", "pertemuan -makassar", "is:unread"])
@pytest.mark.parametrize("sort", ["title", "source", "words"])
def test_the_other_orders(both: tuple[Library, object], text: str, sort: str) -> None:
    local, team = both
    for reverse in (False, True):
        mine, theirs = _answer(local, text, sort, reverse), _answer(team, text, sort, reverse)
        field = {"title": lambda r: r.title, "source": lambda r: r.source, "words": lambda r: r.words}[sort]
        assert [field(r) for _i, r in theirs] == [field(r) for _i, r in mine], (text, sort, reverse)
        assert {i for i, _r in theirs} == {i for i, _r in mine}


def test_relevance_reversed_is_the_answer_backwards(both: tuple[Library, object]) -> None:
    local, team = both
    for library in (local, team):
        ahead = _answer(library, "pertemuan desa", "relevance")
        assert _answer(library, "pertemuan desa", "relevance", reverse=True) == ahead[::-1]


def test_near_duplicate_groups_are_the_same(both: tuple[Library, object]) -> None:
    """Group sizes, group ids and dup:ID over the same articles (duplicates.py's sketches)."""
    local, team = both
    sides = []
    for library in (local, team):
        known = _idents(library)
        sizes = {known[key][0]: size for key, size in library.group_sizes().items()}  # type: ignore[attr-defined]
        groups = {}
        for key in library.group_sizes():  # type: ignore[attr-defined]
            ident = library.article(key).id  # type: ignore[attr-defined]
            found = _answer(library, f"dup:{ident}", "date")
            groups[known[key][0]] = sorted(i for i, _r in found)
            assert [known[k][0] for k in library.group(key)][0] == known[key][0]  # type: ignore[attr-defined]
        sides.append((sizes, groups, sorted(library.group_ids().values())))  # type: ignore[attr-defined]
    assert sides[0] == sides[1]
    assert sum(sides[0][0].values()) >= 3  # the corpus's near-copies are a group


def test_related_articles_come_from_the_same_telling_words(both: tuple[Library, object]) -> None:
    """ "More like this" of a near-copy: the articles with its most telling words (the same words
    on both sides; bm25 and ts_rank order them otherwise), its own group left out."""
    from tui.library import pg_related, related

    sides = []
    for library in both:
        known = _idents(library)
        [key] = [k for k, ((path, _d), _r) in known.items() if path.endswith("copy1.txt")]
        found = library.related(key)  # type: ignore[attr-defined]
        group = set(library.group(key))  # type: ignore[attr-defined]
        assert found and not group & set(found) and key not in found, library
        article = library.article(key)  # type: ignore[attr-defined]
        if isinstance(library, Library):
            with library._db.lock:
                words = [
                    w for _weight, w in related.telling_words(library._db.conn, article.title, article.text)
                ]
        else:
            words = pg_related.telling_words(library._conn(), article.title, article.text)  # type: ignore[attr-defined]
        sides.append((words, [known[k][0][0] for k in found]))
    assert sides[0][0] == sides[1][0] and len(sides[0][0]) >= 3
    assert sides[1][1][0].endswith("aid.txt")  # the one with most of them, in its title too


def test_a_first_page_is_the_answer_s_start(both: tuple[Library, object]) -> None:
    _local, team = both
    for text in ("desa", "is:unread desa", '"kata langka sekali" OR pertemuan'):
        query = parse(text)
        flags = _flags(team) if query.uses_marks else None
        whole = team.search(query, "relevance", False, flags).keys  # type: ignore[attr-defined]
        page = team.search(query, "relevance", False, flags, limit=20)  # type: ignore[attr-defined]
        assert page.keys == whole[:20]
        assert page.complete == (len(whole) <= 20)


_WORDS = "desa pertemuan temu bertemu penguatan kapasitas makassar surabaya inklusi rumah warga " + (
    "perempuan disabilitas kader pen peng kap village women kata450 langka xyzzy"
)
WORDS = st.sampled_from(_WORDS.split())
TERM = st.one_of(
    WORDS,
    WORDS.map(lambda w: w + "*"),
    WORDS.map(lambda w: "-" + w),
    st.tuples(WORDS, WORDS).map(lambda p: f'"{p[0]} {p[1]}"'),
    WORDS.map(lambda w: "title:" + w),
    st.sampled_from(
        ["source:kompas", "place:manado", "year:2024", "after:2023", "before:2024-03", "OR", "|"]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TERM, min_size=1, max_size=5).map(" ".join))
def test_generated_filters_agree(both: tuple[Library, object], text: str) -> None:
    local, team = both
    mine, theirs = _answer(local, text, "relevance"), _answer(team, text, "relevance")
    assert {i for i, _r in theirs} == {i for i, _r in mine}, text
    assert [r.date for _i, r in theirs] == [r.date for _i, r in mine], text


def test_the_corpus_has_what_the_filters_need(both: tuple[Library, object]) -> None:
    """Filters that find nothing on both sides would agree without showing anything."""
    local, _team = both
    for text in ("pertemuan", '"kata langka sekali"', '"warga kampung nelayan"', "place:manado", "year:2024"):
        assert _answer(local, text, "date"), text
    undated = [r for _i, r in _answer(local, "", "date") if r.date is None]
    assert undated and isinstance(_answer(local, "", "date")[0][1].date, dt.datetime)


def test_a_first_page_read_through_the_word_index_is_the_same(
    both: tuple[Library, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A walk of the date index that takes too long is read again through the word index."""
    import tui.library.pg_search as pg

    _local, team = both
    texts = ["desa", "pertemuan", '"sekretariat inklusi"', "desa -kapasitas", "title:desa", "is:unread desa"]
    pages = {}
    for text in texts:
        query = parse(text)
        flags = _flags(team) if query.uses_marks else None
        sorts = ("relevance", "date")
        pages[text] = [team.search(query, sort, False, flags, limit=50).keys for sort in sorts]  # type: ignore[attr-defined]
    monkeypatch.setattr(pg, "WALK_SECONDS", 0.001)
    for text in texts:
        query = parse(text)
        flags = _flags(team) if query.uses_marks else None
        again = [team.search(query, sort, False, flags, limit=50).keys for sort in ("relevance", "date")]  # type: ignore[attr-defined]
        assert again == pages[text], text


def test_a_keystroke_s_page_on_the_event_loop_is_search_page_s(both: tuple[Library, object]) -> None:
    import time

    from tui.library import AtOnce, Page, Stopped
    from tui.library.pg import PgLibrary
    from tui.library.pg_search import AT_ONCE_ROWS

    def page_at_once(reader: PgLibrary, query: Query, sort: str = "relevance") -> Page | None:
        try:
            return reader.search(query, sort, limit=200, at_once=AtOnce(seconds=5.0))
        except Stopped:
            return None

    _local, team = both
    reader = PgLibrary(team.url)  # type: ignore[attr-defined]  # (the app's: not a syncing one)
    try:
        for text in (
            "desa",
            "pertemuan",
            "makassar OR surabaya",
            "title:desa",
            "kapas -desa",
            "xyzzy",
            "desa makassar OR year:2024",  # (its page was desa's: the OR with a date left out)
            "desa xyzzy OR year:2031",
            "desa after:2025 before:2024",
        ):
            query = parse(text)
            deadline = time.monotonic() + 10
            page = page_at_once(reader, query)
            while page is None and time.monotonic() < deadline:  # its connection is made on a thread
                time.sleep(0.05)
                page = page_at_once(reader, query)
            full = reader.search(query, "relevance", limit=200)
            assert page is not None and page.keys == full.keys[:AT_ONCE_ROWS], text  # a screenful
            assert page.complete == (full.complete and len(full.keys) <= AT_ONCE_ROWS), text
        assert page_at_once(reader, parse('"rumah inklusi"')) is None  # a phrase: the thread's
        assert page_at_once(reader, parse("is:unread desa")) is None  # marks: the thread's
    finally:
        reader.close()


def test_a_walk_cut_short_is_walked_again_only_for_a_common_tier(both: tuple[Library, object]) -> None:
    """A busy machine cuts a common word's walk short: sorting all its matches instead took a second."""
    from tui.library.pg_query import plan
    from tui.library.pg_search import _common

    _local, team = both
    conn = team._conn()  # type: ignore[attr-defined]
    conn.execute("ANALYZE articles")
    common = plan(parse("desa"), "relevance", False).tiers[0]
    assert _common(conn, *common)
    assert not _common(conn, *plan(parse("xyzzy"), "relevance", False).tiers[0])


def test_a_search_nobody_wants_is_cancelled_on_the_server(
    both: tuple[Library, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next key's page waited for the last key's whole answer on the thread's connection."""
    import time

    from tui.library import Stopped
    from tui.library.pg_search import PgSearching

    _local, team = both
    before = team.search(parse("desa"), "relevance").keys  # type: ignore[attr-defined]
    slow = PgSearching._whole

    def sleepy(self: PgSearching, conn: object, *args: object) -> list[int]:
        conn.execute("SELECT pg_sleep(30)")  # type: ignore[attr-defined]
        return slow(self, conn, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PgSearching, "_whole", sleepy)
    started = time.monotonic()
    with pytest.raises(Stopped):
        team.search(parse("desa"), "relevance", stop=lambda: time.monotonic() > started + 0.1)  # type: ignore[attr-defined]
    assert time.monotonic() - started < 10  # cancelled at once; not cancelled, it takes 30 s
    monkeypatch.setattr(PgSearching, "_whole", slow)
    assert team.search(parse("desa"), "relevance").keys == before  # type: ignore[attr-defined]


def spied_walks(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """Each tier page's way of reading, as the team library asks for it (a walk's seconds, or None)."""
    from tui.library.pg_search import PgSearching

    walks: list[float | None] = []
    page = PgSearching._tier_page

    def spied(self: PgSearching, *args: object) -> list[int]:
        walks.append(args[-1])  # type: ignore[arg-type]
        return page(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PgSearching, "_tier_page", spied)
    return walks


def test_a_tier_expected_rare_is_read_through_the_word_index_without_a_walk(
    both: tuple[Library, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word in no article waited out its walk of the date index (150 ms at any size) first."""
    _local, team = both
    team._conn().execute("ANALYZE articles")  # type: ignore[attr-defined]
    walks = spied_walks(monkeypatch)
    assert team.search(parse("xyzzy"), "date", limit=50).keys == []  # type: ignore[attr-defined]
    assert walks == [None]
    walks.clear()
    assert team.search(parse("desa"), "date", limit=50).keys  # type: ignore[attr-defined]
    assert walks and walks[0] is not None  # a common word: the walk


def test_a_keystroke_s_page_never_waits_for_a_server_that_does_not_run(both: tuple[Library, object]) -> None:
    """A server process not scheduled on a busy machine kept the event loop (and the key's echo)
    waiting past the page's time: the server's own statement_timeout could not fire."""
    import signal
    import threading
    import time

    from tui.library import AtOnce, Stopped
    from tui.library.pg import PgLibrary

    _local, team = both
    reader = PgLibrary(team.url)  # type: ignore[attr-defined]
    query = parse("desa")
    try:
        deadline = time.monotonic() + 10
        while reader._quick is None and time.monotonic() < deadline:  # made on a thread
            time.sleep(0.05)
        assert reader._quick is not None
        expected = reader.search(query, "relevance", limit=20)
        pid = reader._quick.info.backend_pid
        os.kill(pid, signal.SIGSTOP)
        resumed = threading.Timer(10.0, os.kill, (pid, signal.SIGCONT))  # a page that waited: 10 s
        resumed.start()
        try:
            started = time.monotonic()
            with pytest.raises(Stopped):
                reader.search(query, "relevance", limit=20, at_once=AtOnce(seconds=0.05))
            waited = time.monotonic() - started
        finally:
            resumed.cancel()
            os.kill(pid, signal.SIGCONT)
        assert waited < 3.0  # its 0.05 s, and a loaded machine's delays
        page = None
        deadline = time.monotonic() + 10
        while page is None and time.monotonic() < deadline:  # the late answer is read off first
            try:
                page = reader.search(query, "relevance", limit=20, at_once=AtOnce(seconds=5.0))
            except Stopped:
                time.sleep(0.05)
        assert page is not None and page.keys == expected.keys[: len(page.keys)] and page.keys
    finally:
        reader.close()


def test_a_rare_tier_on_the_title_alone_is_walked_briefly_first(
    both: tuple[Library, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's statistics called `title:desa`'s first tier rare (one in 5,000 for one in 20 at
    1M): sorting its every match took 200-500 ms, where a walk of the row's own title finds a page
    in a few. A rare tier asking the article's vector is still read through the word index."""
    from tui.library import pg_search
    from tui.library.pg_search import SHORT_WALK_SECONDS

    local, team = both
    team._conn().execute("ANALYZE articles")  # type: ignore[attr-defined]
    walks = spied_walks(monkeypatch)
    assert team.search(parse("title:xyzzy"), "date", limit=50).keys == []  # type: ignore[attr-defined]
    assert walks == [None]  # expected in fewer than FEW_ROWS articles: no walk
    walks.clear()
    monkeypatch.setattr(pg_search, "FEW_ROWS", 0)  # (this library is too small for any other)
    assert team.search(parse("title:xyzzy"), "date", limit=50).keys == []  # type: ignore[attr-defined]
    assert walks == [SHORT_WALK_SECONDS]
    walks.clear()
    assert team.search(parse("xyzzy"), "date", limit=50).keys == []  # type: ignore[attr-defined]
    assert walks == [None]
    for text in ("title:desa", "source:kompas year:2024", "title:rumah -title:desa"):
        mine = _answer(local, text, "date")[:50]
        keys = team.search(parse(text), "date", limit=50).keys  # type: ignore[attr-defined]
        known = _idents(team)
        assert [known[key][1].date for key in keys] == [r.date for _i, r in mine], text


def test_a_tier_in_a_few_dates_is_common_among_them(both: tuple[Library, object]) -> None:
    """The walk of the date index goes through the dates asked for only: `source:kompas year:2024`
    is common there though rare in the library (it was sorted whole: 80-240 ms at 1M)."""
    from tui.library.pg_query import plan
    from tui.library.pg_search import _common

    _local, team = both
    conn = team._conn()  # type: ignore[attr-defined]
    conn.execute("ANALYZE articles")
    found = plan(parse("date:2023-05"), "date", False)
    assert not _common(conn, *found.tiers[0])  # a month among years: rare in the whole library
    assert _common(conn, *found.tiers[0], found.dates)  # every article of the month matches


def test_the_app_s_connections_plan_without_jit_and_keep_bitmaps_exact(both: tuple[Library, object]) -> None:
    """JIT compiling took longer than a first page's run; a 4 MB bitmap went lossy at 1M and a
    tier read every article on its pages again (1-5 s)."""
    from tui.library.pg import PgLibrary

    _local, team = both
    reader = PgLibrary(team.url)  # type: ignore[attr-defined]
    try:
        conn = reader._conn()
        assert conn.execute("SHOW jit").fetchone() == ("off",)
        assert conn.execute("SHOW work_mem").fetchone() == ("64MB",)
    finally:
        reader.close()


def test_an_or_with_a_date_or_a_mark_is_asked_of_the_server_with_the_page(
    both: tuple[Library, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kota OR year:2024` read the keys of its words and dates on the page's own connection, inside
    the walk's time limit: cut short, the page failed ("current transaction is aborted"); read
    whole, they were every article they found (10 s at 1M)."""
    import tui.library.pg_search as pg

    _local, team = both
    monkeypatch.setattr(pg, "WALK_SECONDS", 0.02)
    monkeypatch.setattr(pg, "_walked_share", lambda *_args: 1.0)  # every tier walked
    for text in ("makassar OR year:2024", "desa tag:banjir OR year:2023", "-has:note OR is:starred desa"):
        query = parse(text)
        flags = _flags(team) if query.uses_marks else None
        for sort in ("date", "relevance"):
            whole = team.search(query, sort, False, flags).keys  # type: ignore[attr-defined]
            page = team.search(query, sort, False, flags, limit=20).keys  # type: ignore[attr-defined]
            assert page == whole[:20], (text, sort)


def test_a_mark_s_or_a_tag_s_few_keys_are_asked_by_key(both: tuple[Library, object]) -> None:
    """A tag nobody gave walked every article to check each in Python (1-2 s at 1M)."""
    local, team = both
    statements: list[str] = []
    conn = team._conn()  # type: ignore[attr-defined]
    trace = conn.execute
    try:
        conn.execute = lambda sql, *a, **k: (statements.append(str(sql)), trace(sql, *a, **k))[1]  # type: ignore[method-assign]
        for text in ("tag:banjir", "is:starred desa"):
            theirs = _answer(team, text, "date")
            assert {i for i, _r in theirs} == {i for i, _r in _answer(local, text, "date")}
    finally:
        del conn.execute
    assert any("key = ANY" in sql for sql in statements)
