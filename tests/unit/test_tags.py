"""Tags and notes without a terminal: read from files, kept by digest, following edits, and the
filter fields tag:, -tag:, note:, has: checked against a plain comparison."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import random
import sqlite3
from pathlib import Path

import pytest

from tui.article import Article, tag_name
from tui.library import Library, Row
from tui.loader import load_file
from tui.marks import Marks
from tui.query import parse
from tui.session import Session
from tui.state import SCHEMA_VERSION, ReadingState
from tui.sync import Update, sync


def row(key: int, path: str = "", tags: tuple[str, ...] = ()) -> Row:
    date = dt.datetime(2024, 1, key % 28 + 1)
    return Row(key, f"Artikel {key}", date, None, None, 100, path or f"{key}.txt", f"d{key}", tags)


# -- reading tags from files ------------------------------------------------------------------


def test_front_matter_tags(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Banjir di Demak\ntags: [Banjir, '#Jawa Tengah', banjir]\n---\n\nAir naik.\n")
    [article] = load_file(path)
    assert isinstance(article, Article)
    assert article.tags == ("banjir", "jawa tengah")
    assert pickle.loads(pickle.dumps(article)) == article


def test_front_matter_tags_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Judul\ntags: banjir, rob\n---\n\nIsi.\n")
    [article] = load_file(path)
    assert isinstance(article, Article) and article.tags == ("banjir", "rob")


def test_json_records_tags_label_kategori(tmp_path: Path) -> None:
    records = [
        {"title": "Satu", "text": "Isi satu.", "tags": ["banjir", "rob"]},
        {"title": "Dua", "text": "Isi dua.", "label": ["Inklusi"], "kategori": ["Desa", "inklusi"]},
        {"title": "Tiga", "content": "Isi tiga.", "tags": [{"id": 1, "label": "wallabag", "slug": "w"}]},
        {"title": "Empat", "text": "Isi empat.", "tags": [None, 3, {"x": 1}, True]},
    ]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(records))
    articles = load_file(path)
    assert [a.tags for a in articles if isinstance(a, Article)] == [
        ("banjir", "rob"),
        ("inklusi", "desa"),
        ("wallabag",),
        ("3",),
    ]


def test_tag_name() -> None:
    assert tag_name("  #Banjir   Bandang ") == "banjir bandang"
    assert len(tag_name("x" * 500)) == 64


def test_the_library_keeps_the_files_tags(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\ntags: [banjir]\n---\n\nIsi.\n")
    library = Library(tmp_path / "cache.sqlite3")
    for _update in sync(library, [str(tmp_path / "a.md")], processes=0):
        pass
    [found] = library.rows()
    assert found.tags == ("banjir",)
    article = library.article(found.key)
    assert article is not None and article.tags == ("banjir",)
    library.close()


# -- the state file ---------------------------------------------------------------------------


def test_a_version_1_state_file_is_upgraded_keeping_its_marks(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE marks(digest TEXT PRIMARY KEY, read INTEGER NOT NULL DEFAULT 0, "
        "starred INTEGER NOT NULL DEFAULT 0, position REAL, changed REAL NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE history(query TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;"
        "INSERT INTO marks VALUES ('d1', 1, 1, NULL, 0);"
        "PRAGMA user_version=1;"
    )
    conn.close()
    state = ReadingState(path)
    assert state.notice is None
    assert state.read() == {"d1"} and state.starred() == {"d1"}
    state.set_tag("d1", "banjir", True)
    state.set_note("d1", "bukti")
    state.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    conn.close()
    again = ReadingState(path)
    assert again.tags() == {"d1": {"banjir": True}} and again.notes() == {"d1": "bukti"}
    again.close()


def test_tags_notes_and_searches_round_trip(tmp_path: Path) -> None:
    state = ReadingState(tmp_path / "state.sqlite3")
    state.set_tag("d1", "banjir", True)
    state.set_tag("d1", "rob", False)
    state.set_tag("d2", "x", True)
    state.set_tag("d2", "x", None)
    state.set_note("d1", "catatan")
    state.set_note("d2", "dua")
    state.set_note("d2", "  ")
    state.save_search("Banjir", "tag:banjir")
    state.save_search("Rob", "rob")
    state.save_search("Banjir", "tag:banjir is:unread")
    state.rename_search("Rob", "Pesisir")
    assert state.tags() == {"d1": {"banjir": True, "rob": False}}
    assert state.notes() == {"d1": "catatan"}
    assert state.searches() == [("Banjir", "tag:banjir is:unread"), ("Pesisir", "rob")]
    state.delete_search("Banjir")
    assert state.searches() == [("Pesisir", "rob")]
    state.follow("d1", "d1-edited")
    assert state.tags() == {"d1-edited": {"banjir": True, "rob": False}}
    assert state.notes() == {"d1-edited": "catatan"}
    state.close()


# -- marks: tags by key -----------------------------------------------------------------------


def test_tags_added_and_taken_away_follow_copies_and_edits(tmp_path: Path) -> None:
    state = ReadingState(tmp_path / "state.sqlite3")
    s = Session(Marks(state))
    s.apply(Update(rows=[row(1, "a.md", ("banjir",)), row(2, "b.txt")]), shown_any=False)
    marks = s.marks
    assert marks.tag_counts() == {"banjir": 1}
    assert marks.set_tag(s.rows[2], "Banjir", True)
    assert not marks.set_tag(s.rows[2], "banjir", True)  # already so
    assert marks.set_tag(s.rows[1], "banjir", False)  # the file's own tag, taken away
    assert marks.set_tag(s.rows[1], "rob", True)
    assert marks.tags_of(s.rows[1]) == ["rob"] and marks.tags_of(s.rows[2]) == ["banjir"]
    assert marks.tag_counts() == {"banjir": 1, "rob": 1}
    assert state.tags() == {"d1": {"banjir": False, "rob": True}, "d2": {"banjir": True}}
    marks.set_note(s.rows[1], "bukti banjir rob")
    # The file of article 1 is edited: its tags and its note come along.
    s.apply(Update(removed={"a.md"}), shown_any=True)
    s.apply(Update(rows=[Row(9, "A", None, None, None, 5, "a.md", "d1-new", ("banjir",))]), shown_any=True)
    assert marks.tags_of(s.rows[9]) == ["rob"]
    assert marks.note("d1-new") == "bukti banjir rob"
    assert state.tags()["d1-new"] == {"banjir": False, "rob": True}
    state.close()
    # And they last: a new run sees them.
    again = Marks(ReadingState(tmp_path / "state.sqlite3"))
    again.add_rows([Row(9, "A", None, None, None, 5, "a.md", "d1-new", ("banjir",)), row(2, "b.txt")])
    assert again.tag_counts() == {"banjir": 1, "rob": 1}
    assert again.note("d1-new") == "bukti banjir rob"


def test_putting_a_file_tag_back_forgets_the_choice(tmp_path: Path) -> None:
    state = ReadingState()
    marks = Marks(state)
    first = row(1, tags=("banjir",))
    marks.add_rows([first])
    marks.set_tag(first, "banjir", False)
    marks.set_tag(first, "banjir", True)
    assert state.tags() == {} and marks.tags_of(first) == ["banjir"]


# -- the filter fields ------------------------------------------------------------------------


def test_parsing_tag_note_and_has() -> None:
    query = parse('tag:Banjir -tag:"jawa tengah" note:bukti has:note -has:tag label:rob')
    assert query.flags == {"tag:banjir", "note:bukti", "has:note", "tag:rob"}
    assert query.without == {"tag:jawa tengah", "has:tag"}
    assert query.hint is None and not query.is_empty and query.uses_marks
    assert "tag:banjir" in query.describe() and '-tag:"jawa tengah"' in query.describe()
    assert parse("tag:ban*").flags == {"tag:ban*"}
    assert parse("has:apa").hint is not None
    assert parse("tag:").hint is not None
    assert parse("ada:catatan catatan:x").flags == {"has:note", "note:x"}


def test_tag_filters_match_a_plain_comparison(tmp_path: Path) -> None:
    rng = random.Random(11)
    tags = ["banjir", "rob", "banjir bandang", "inklusi", "desa"]
    folder = tmp_path / "docs"
    folder.mkdir()
    truth: dict[str, tuple[set[str], str, bool]] = {}  # title -> tags, note, read
    for number in range(60):
        own = rng.sample(tags, rng.randint(0, 2))
        title = f"Artikel nomor {number}"
        tag_line = f"tags: [{', '.join(own)}]\n" if own else ""
        (folder / f"{number}.md").write_text(f"---\ntitle: {title}\n{tag_line}---\n\nIsi artikel {number}.\n")
        truth[title] = (set(own), "", False)
    library = Library(tmp_path / "cache.sqlite3")
    for _update in sync(library, [str(folder)], processes=0):
        pass
    state = ReadingState()
    marks = Marks(state)
    rows = {r.key: r for r in library.rows()}
    marks.add_rows(rows.values())
    for found in rows.values():
        own, note, read = truth[found.title]
        if rng.random() < 0.3:
            added = rng.choice(tags)
            marks.set_tag(found, added, True)
            own = own | {added}
        if own and rng.random() < 0.2:
            gone = sorted(own)[0]
            marks.set_tag(found, gone, False)
            own = own - {gone}
        if rng.random() < 0.25:
            note = rng.choice(["bukti anggaran", "Catatan lapangan", "anggaran desa"])
            marks.set_note(found, note)
        if rng.random() < 0.5:
            marks.put("read", found, True)
            read = True
        truth[found.title] = (own, note, read)
    cases = {
        "tag:banjir": lambda t, n, r: "banjir" in t,
        "-tag:banjir": lambda t, n, r: "banjir" not in t,
        'tag:"banjir bandang"': lambda t, n, r: "banjir bandang" in t,
        "tag:banjir*": lambda t, n, r: any(x.startswith("banjir") for x in t),
        "tag:rob tag:desa": lambda t, n, r: {"rob", "desa"} <= t,
        "tag:rob is:unread": lambda t, n, r: "rob" in t and not r,
        "has:note": lambda t, n, r: bool(n),
        "-has:note": lambda t, n, r: not n,
        "has:tag": lambda t, n, r: bool(t),
        "note:anggar": lambda t, n, r: "anggar" in n.lower(),
        "note:catatan -tag:inklusi": lambda t, n, r: "catatan" in n.lower() and "inklusi" not in t,
        "artikel tag:inklusi": lambda t, n, r: "inklusi" in t,
        "tag:nothing": lambda t, n, r: False,
    }
    for text, expected in cases.items():
        query = parse(text)
        keys = library.search(query, flags=marks.flags(query)).keys
        got = {rows[k].title for k in keys}
        assert keys == sorted(keys, reverse=True), text  # newest first, as without the key sets
        want = {title for title, (t, n, r) in truth.items() if expected(t, n, r)}
        assert got == want, text
        page = library.search(query, flags=marks.flags(query), limit=5)
        assert {rows[k].title for k in page.keys} <= want
    library.close()


@pytest.mark.parametrize("text", ["tag:banjir", "-tag:banjir", "has:note", "note:x"])
def test_marks_flags_only_what_the_query_names(text: str) -> None:
    marks = Marks(ReadingState())
    flags = marks.flags(parse(text))
    assert set(flags) == {"read", "starred", text.lstrip("-")}


# -- everything leaves too --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "md"])
def test_exports_carry_tags_stars_read_and_the_note(tmp_path: Path, fmt: str) -> None:
    from tui.export import Annotations, export_articles, read_back

    plain = Article("i1", "a.txt", "Judul", (), digest="d1", tags=("banjir",))
    noted = Article("i2", "b.txt", "Dua", (), digest="d2")
    marks = {
        "d1": Annotations(("banjir", "rob"), starred=True, read=True, note="bukti\n### Note\n# judul"),
        "d2": Annotations(),
    }
    path = tmp_path / f"out.{fmt}"
    export_articles([plain, noted], path, fmt, lambda a: marks[a.digest])
    first, second = read_back(path, fmt)
    assert (first["tags"], first["starred"], first["read"]) == ("banjir, rob", "true", "true")
    assert first["note"] == "bukti\n### Note\n# judul" and first["text"] == ""
    assert (second["tags"] or "", second["starred"], second["read"], second["note"]) == (
        "",
        "false",
        "false",
        None,
    )
    if fmt == "md":
        text = path.read_text()
        assert text.index("### Note") > text.index("## Judul") and "- starred: true" in text


def test_list_json_carries_the_reading_state(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main
    from tui.state import default_state_path

    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: Banjir\ntags: [banjir]\n---\n\nAir naik di Demak.\n")
    (folder / "b.md").write_text("---\ntitle: Kering\n---\n\nKemarau panjang.\n")
    assert main(["--list", "--json", str(folder)]) == 0  # no state file yet: the files' own tags
    records = {r["title"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert records["Banjir"]["tags"] == ["banjir"] and records["Kering"]["starred"] is False
    assert not default_state_path().exists()
    [digest] = [a.digest for a in load_file(folder / "b.md") if isinstance(a, Article)]
    state = ReadingState(default_state_path())
    state.set_tag(digest, "kemarau", True)
    state.set_starred(digest)
    state.set_note(digest, "catatan lapangan")
    state.close()
    assert main(["--list", "--json", "--filter", "tag:kemarau note:lapang", str(folder)]) == 0
    [record] = map(json.loads, capsys.readouterr().out.splitlines())
    assert record["title"] == "Kering" and record["tags"] == ["kemarau"]
    assert record["starred"] is True and record["read"] is False and record["note"] == "catatan lapangan"
    assert main(["--list", "--filter=-tag:kemarau", str(folder)]) == 0
    assert "Banjir" in capsys.readouterr().out


# -- acting on everything shown ---------------------------------------------------------------


def test_bulk_marks_and_tags_are_one_write_each_and_undo_exactly(tmp_path: Path) -> None:
    state = ReadingState(tmp_path / "state.sqlite3")
    writes: list[object] = []

    def write(action: object) -> None:
        writes.append(action)
        action()  # type: ignore[operator]

    marks = Marks(state, write)
    rows = [row(1, "a.md", ("banjir",)), row(2), row(3), Row(4, "copy", None, None, None, 5, "c.txt", "d3")]
    marks.add_rows(rows)
    marks.put("read", rows[0], True)
    writes.clear()
    changed = marks.put_many("read", rows, True)
    assert [r.key for r in changed] == [2, 3] and len(writes) == 1  # 1 was read; 4 is a copy of 3
    assert marks.keys["read"] == {1, 2, 3, 4} and state.read() == {"d1", "d2", "d3"}
    marks.put_many("read", changed, False)  # the undo
    assert marks.keys["read"] == {1} and state.read() == {"d1"}
    writes.clear()
    tagged = marks.set_tag_many(rows, "banjir", True)
    assert [r.key for r in tagged] == [2, 3] and len(writes) == 1
    assert marks.tag_counts() == {"banjir": 4}
    untagged = marks.set_tag_many(rows, "banjir", False)
    assert [r.key for r in untagged] == [1, 2, 3] and marks.tag_counts() == {}
    assert state.tags() == {"d1": {"banjir": False}}
    marks.set_tag_many(untagged, "banjir", True)  # the undo of the removal
    assert marks.tag_counts() == {"banjir": 4}
    assert state.tags() == {"d2": {"banjir": True}, "d3": {"banjir": True}}
    state.close()


# -- bringing a library from a read-it-later app ----------------------------------------------

WALLABAG = [
    {
        "is_archived": 1,
        "is_starred": 1,
        "tags": ["banjir", "Jawa Tengah"],
        "title": "Banjir merendam Demak",
        "url": "https://example.org/banjir",
        "content": "<p>Air sungai Wulan meluap dan merendam ribuan rumah.</p>",
        "annotations": [{"text": "penting untuk laporan", "quote": "merendam ribuan rumah"}],
        "created_at": "2024-03-15T10:00:00+07:00",
        "domain_name": "example.org",
    },
    {
        "is_archived": 0,
        "is_starred": 0,
        "tags": [],
        "title": "Kemarau di NTT",
        "url": "https://example.org/kemarau",
        "content": "<p>Hujan belum turun sejak April.</p>",
        "annotations": [],
    },
]
OMNIVORE = """---
id: 5b1c
title: "Anggaran desa inklusif"
url: https://example.org/desa
labels: [inklusi, desa]
state: Archived
date_saved: 2024-02-01
---

# Anggaran desa inklusif

Desa menyusun anggaran bagi penyandang disabilitas.
"""
POCKET = """title,url,time_added,cursor,tags,status
Rob di Pekalongan,https://example.org/rob,1712345678,a,banjir|rob,archive
Pasar terapung,https://example.org/pasar,1712300000,b,,unread
"""


def _load(folder: Path, library: Library) -> list[Row]:
    for _update in sync(library, [str(folder)], processes=0):
        pass
    return library.rows()


def test_read_it_later_exports_bring_tags_marks_and_notes_once(tmp_path: Path) -> None:
    folder = tmp_path / "imports"
    folder.mkdir()
    (folder / "wallabag.json").write_text(json.dumps(WALLABAG))
    (folder / "omnivore.md").write_text(OMNIVORE)
    (folder / "pocket.csv").write_text(POCKET)
    library = Library(tmp_path / "cache.sqlite3")
    rows = {r.title: r for r in _load(folder, library)}
    assert set(rows) == {
        "Banjir merendam Demak",
        "Kemarau di NTT",
        "Anggaran desa inklusif",
        "Rob di Pekalongan",
        "Pasar terapung",
    }
    state = ReadingState(tmp_path / "state.sqlite3")
    marks = Marks(state)
    marks.add_rows(rows.values())
    banjir, pocket, omni = (
        rows["Banjir merendam Demak"],
        rows["Rob di Pekalongan"],
        rows["Anggaran desa inklusif"],
    )
    assert marks.tags_of(banjir) == ["banjir", "jawa tengah"]
    assert marks.has("read", banjir.key) and marks.has("starred", banjir.key)
    assert marks.note(banjir.digest) == "> merendam ribuan rumah\npenting untuk laporan"
    assert not marks.has("read", rows["Kemarau di NTT"].key) and not marks.note(rows["Kemarau di NTT"].digest)
    assert marks.tags_of(omni) == ["inklusi", "desa"] and marks.has("read", omni.key)
    assert marks.tags_of(pocket) == ["banjir", "rob"] and marks.has("read", pocket.key)
    assert not marks.has("read", rows["Pasar terapung"].key)
    link = library.article(pocket.key)
    assert link is not None and link.blocks == () and link.url == "https://example.org/rob"
    assert link.date is not None and link.date.year == 2024
    # What the user sets in kliping afterwards is never overwritten by the export.
    marks.put("starred", banjir, False)
    marks.set_note(banjir, "")
    state.close()
    again = Marks(ReadingState(tmp_path / "state.sqlite3"))
    again.add_rows(rows.values())
    assert not again.has("starred", banjir.key) and again.has("read", banjir.key)
    assert again.note(banjir.digest) == ""
    library.close()


# -- two windows on one state file ------------------------------------------------------------


def notes_in(path: Path) -> dict[str, str]:
    with ReadingState(path) as state:
        return state.notes()


def tags_in(path: Path) -> dict[str, dict[str, bool]]:
    with ReadingState(path) as state:
        return state.tags()


def test_a_note_saved_in_another_window_meanwhile_is_kept_beside_this_ones(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first, second = ReadingState(path), ReadingState(path)
    a, b = Marks(first), Marks(second)  # both start with no note on article 1
    told: list[str] = []
    b.told = told.append
    article = row(1)
    a.add_rows([article])
    b.add_rows([article])
    a.set_note(article, "Catatan dari jendela A")
    b.set_note(article, "Catatan dari jendela B")
    kept = "Catatan dari jendela A\n\n-----\n\nCatatan dari jendela B"
    assert notes_in(path) == {"d1": kept}
    assert b.note("d1") == kept  # the window shows what is kept now
    assert len(told) == 1 and "Artikel 1" in told[0] and "another window" in told[0]
    # Deleting a note another window changed meanwhile keeps that window's text.
    a.set_note(article, "")
    assert notes_in(path) == {"d1": kept}
    assert a.note("d1") == kept
    # Saved over what it showed, with no one else in between: plainly replaced, nothing said.
    b.set_note(article, "Satu catatan")
    assert notes_in(path) == {"d1": "Satu catatan"} and len(told) == 1
    first.close()
    second.close()


def test_tags_chosen_in_two_windows_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first, second = ReadingState(path), ReadingState(path)
    a, b = Marks(first), Marks(second)
    article = row(1, tags=("banjir",))
    a.add_rows([article])
    b.add_rows([article])
    assert a.set_tag(article, "rob", True)
    assert b.set_tag(article, "pesisir", True)
    assert b.set_tag(article, "banjir", False)
    assert tags_in(path) == {"d1": {"rob": True, "pesisir": True, "banjir": False}}
    first.close()
    second.close()
