"""Every common export is read record by record, with its title, URL, date, tags, marks and notes.

The files under tests/data/exports/ were written by the tools themselves (their README says where
each comes from); the small inline ones follow the shapes those tools document.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

from tui.article import Article, Problem
from tui.loader import load_file, parse_bytes, read_raw

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"
UTC = dt.UTC


def articles(found: list[Article | Problem]) -> list[Article]:
    assert not [item for item in found if isinstance(item, Problem)], found
    return [item for item in found if isinstance(item, Article)]


def by_url(found: list[Article | Problem]) -> dict[str, Article]:
    return {str(article.url): article for article in articles(found)}


def marks(article: Article) -> tuple[bool, bool, str]:
    """What the export said of the article: read, starred and the note."""
    said = json.loads(article.carried or "{}")
    return said.get("read") is True, said.get("starred") is True, said.get("note") or ""


def test_instapaper_folders_are_marks_or_tags_and_the_timestamp_a_date() -> None:
    old = by_url(load_file(EXPORTS / "instapaper-export.csv"))
    assert len(old) == 4
    assert marks(old["https://redditblog.com/2016/09/20/amp-and-reactredux/"])[:2] == (True, False)
    swarm = old[
        "https://medium.com/@the_minh/why-foursquare-swarm-is-still-my-favourite-social-network-e38228493e6c"
    ]
    assert marks(swarm)[:2] == (False, True)
    covfefe = next(a for a in old.values() if "covfefe" in a.title)
    assert (
        covfefe.tags == ("test_tag",)
        and covfefe.title == "Dis donc Donald Trump, c'est quoi exactement «covfefe»?"
    )
    new = by_url(load_file(EXPORTS / "instapaper-export-new.csv"))
    amp = new["https://redditblog.com/2016/09/20/amp-and-reactredux/"]
    assert amp.tags == ("react", "javascript") and amp.date == dt.datetime(
        2023, 11, 14, 22, 13, 21, tzinfo=UTC
    )


def test_an_instapaper_selection_is_the_note() -> None:
    data = (
        "URL,Title,Selection,Folder,Timestamp,Tags\n"
        'https://e.org/a,A,"A line I kept.",Reading list,1700000000,[]\n'
    )
    (article,) = articles(parse_bytes(data.encode(), "instapaper.csv"))
    assert marks(article) == (False, False, "> A line I kept.") and article.tags == ("reading list",)


def test_pocket_csv_every_row_with_its_status_and_time_to_the_second() -> None:
    found = by_url(load_file(EXPORTS / "pocket.csv"))
    assert len(found) == 7
    assert sum(marks(article)[0] for article in found.values()) == 2
    jquery = found["http://youmightnotneedjquery.com/"]
    assert jquery.date == dt.datetime(2020, 9, 17, 6, 6, 28, tzinfo=UTC)
    assert found["https://www.monde-diplomatique.fr/2020/09/HALIMI/62165"].title.startswith(
        "Avec les accusés"
    )


def pocket_zip(suffix_member: str = "part_000000.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(
            suffix_member,
            "title,url,time_added,tags,status\n"
            'Flood "report",https://e.org/flood,1712345678,banjir|rob,archive\n'
            "Market,https://e.org/market,1712300000,,unread\n",
        )
        highlights = [
            {
                "url": "https://e.org/flood",
                "title": "Flood",
                "highlights": [{"quote": "the river rose", "created_at": 1}],
            },
            {
                "url": "https://e.org/elsewhere",
                "title": "Else",
                "highlights": [{"quote": "kept", "created_at": 2}],
            },
        ]
        bundle.writestr("annotations/part_000000.json", json.dumps(highlights))
        bundle.writestr("../escape.csv", "title,url\nx,https://e.org/x\n")
    return buffer.getvalue()


def test_pockets_zip_merges_its_highlights_into_the_notes_of_the_same_urls(tmp_path: Path) -> None:
    path = tmp_path / "pocket.download"  # saved by a browser under another suffix: still an archive
    path.write_bytes(pocket_zip())
    found = load_file(path)
    problems = [item.reason for item in found if isinstance(item, Problem)]
    assert problems == ["members not read (1): ../escape.csv"]
    got = {str(a.url): a for a in found if isinstance(a, Article)}
    assert set(got) == {"https://e.org/flood", "https://e.org/market", "https://e.org/elsewhere"}
    flood = got["https://e.org/flood"]
    assert flood.title == 'Flood "report"' and flood.tags == ("banjir", "rob")
    assert marks(flood) == (True, False, "> the river rose")
    assert marks(got["https://e.org/elsewhere"])[2] == "> kept"
    assert '"url": "https://e.org/flood"' in read_raw(flood)


def test_netscape_bookmarks_folders_are_tags_and_add_date_the_date() -> None:
    shaarli = by_url(load_file(EXPORTS / "shaarli-bookmarks.html"))
    assert len(shaarli) == 2
    eleventy = next(a for a in shaarli.values() if a.title == "Template Filters — Eleventy")
    assert eleventy.tags == ("eleventy", "this", "javascript", "filter", "data")
    assert eleventy.date == dt.datetime(2023, 5, 6, 12, 36, 5, tzinfo=UTC)
    described = next(a for a in shaarli.values() if a.tags == ("firefoxos",))
    assert described.text.startswith("In the two years or so since Mozilla")
    nested = (
        b"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><H3>Riset</H3>\n<DL><p>\n<DT><H3>Banjir</H3>\n"
        b'<DL><p>\n<DT><A HREF="https://e.org/a" ADD_DATE="1700000000" TAGS="x,y">A &amp; B</A>\n</DL><p>\n'
        b'</DL><p>\n<DT><A HREF="https://e.org/b">B</A>\n</DL><p>\n'
    )
    got = by_url(parse_bytes(nested, "bookmarks.html"))
    assert got["https://e.org/a"].title == "A & B" and got["https://e.org/a"].tags == (
        "riset",
        "banjir",
        "x",
        "y",
    )
    assert got["https://e.org/b"].tags == ()


def test_pockets_old_html_export_with_its_read_archive() -> None:
    found = by_url(load_file(EXPORTS / "ril_export.html"))
    assert len(found) == 2 and all(a.tags == ("ifttt", "new_entry_simple") for a in found.values())
    archived = (
        b"<h1>Unread</h1><ul></ul><h1>Read Archive</h1>"
        b'<ul><li><a href="https://e.org/r" time_added="1">R</a></li></ul>'
    )
    (read,) = articles(parse_bytes(archived, "ril_export.html"))
    assert marks(read)[0] is True


def test_firefox_bookmark_json_is_a_tree_of_bookmarks() -> None:
    found = by_url(load_file(EXPORTS / "firefox-bookmarks.json"))
    assert len(found) == 2
    tarn = next(a for a in found.values() if a.title.startswith("Tarn"))
    assert tarn.tags == ("test", "tag") and tarn.date is not None and tarn.date.year == 2013


def test_pinboard_space_separated_tags_and_toread() -> None:
    found = by_url(load_file(EXPORTS / "pinboard_export.json"))
    varnish = found["https://ma.ttias.be/varnish-explained/"]
    assert varnish.title == "Varnish (explained) for PHP developers" and varnish.tags == ("varnish", "php")
    assert varnish.date == dt.datetime(2016, 10, 26, 6, 43, 3, tzinfo=UTC)
    assert marks(varnish)[0] is True  # toread "no"


def test_wallabag_v1_and_v2_marks_notes_and_dates_with_their_offset() -> None:
    v1 = by_url(load_file(EXPORTS / "wallabag-v1-read.trimmed.json"))
    assert marks(v1["https://www.wallabag.org/features/"])[:2] == (False, True)  # is_fav "1"
    features = v1["https://www.wallabag.org/features/"]
    assert [b.kind for b in features.blocks].count("list") == 2  # stored HTML read as it is
    (v2,) = articles(load_file(EXPORTS / "wallabag-v2-annotations.json"))
    assert v2.date == dt.datetime(2024, 1, 1, 10, 0, 0, tzinfo=UTC)
    assert marks(v2)[2].startswith("> some quoted text\nmy imported annotation")


def test_a_time_keeps_its_seconds_and_offset() -> None:
    record = {
        "title": "T",
        "url": "https://e.org/t",
        "is_archived": 0,
        "is_starred": 0,
        "content": "<p>Body.</p>",
        "created_at": "2024-05-01T11:55:58+0200",
    }
    (article,) = articles(parse_bytes(json.dumps([record]).encode(), "w.json"))
    assert article.date is not None and article.date.isoformat() == "2024-05-01T11:55:58+02:00"


def test_stored_clean_html_keeps_its_headings_nested_lists_and_tables() -> None:
    content = (
        "<h2>Head</h2><ul><li>one<ul><li>inner</li></ul></li><li>two</li></ul>"
        "<table><tr><th>x</th><th>y</th></tr><tr><td>1</td><td>2</td></tr></table><p>After the table.</p>"
    )
    record = {"title": "T", "url": "https://e.org/t", "is_archived": 0, "is_starred": 0, "content": content}
    (article,) = articles(parse_bytes(json.dumps([record]).encode(), "w.json"))
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("heading", "Head"),
        ("list", "one"),
        ("list", "inner"),
        ("list", "two"),
        ("paragraph", "x | y"),
        ("paragraph", "1 | 2"),
        ("paragraph", "After the table."),
    ]


def test_markdown_tables_keep_a_line_a_row() -> None:
    text = b"# T\n\nIntro.\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\nAfter.\n"
    (article,) = articles(parse_bytes(text, "t.md"))
    assert [b.text for b in article.blocks] == ["Intro.", "a | b", "1 | 2", "After."]


def test_json_wrapped_in_an_object_or_a_tree() -> None:
    readability = {
        "bookmarks": [
            {
                "article__title": "R",
                "article__url": "https://e.org/r",
                "archive": True,
                "favorite": True,
                "date_added": "2016-02-10T10:00:00",
            }
        ]
    }
    (r,) = articles(parse_bytes(json.dumps(readability).encode(), "readability.json"))
    assert (r.title, r.url, marks(r)[:2]) == ("R", "https://e.org/r", (True, True))
    linkwarden = {
        "collections": [
            {
                "name": "Research",
                "links": [
                    {
                        "name": "L",
                        "url": "https://e.org/l",
                        "tags": [{"name": "flood"}],
                        "createdAt": "2025-01-01T00:00:00.000Z",
                    }
                ],
            }
        ]
    }
    (link,) = articles(parse_bytes(json.dumps(linkwarden).encode(), "backup.json"))
    assert link.tags == ("research", "flood") and link.date == dt.datetime(2025, 1, 1, tzinfo=UTC)
    chrome = {
        "roots": {
            "bookmark_bar": {
                "id": "1",
                "name": "Bookmarks bar",
                "type": "folder",
                "children": [
                    {
                        "type": "folder",
                        "name": "News",
                        "children": [
                            {
                                "type": "url",
                                "name": "C",
                                "url": "https://e.org/c",
                                "date_added": "13350000000000000",
                            }
                        ],
                    }
                ],
            }
        }
    }
    (c,) = articles(parse_bytes(json.dumps(chrome).encode(), "Bookmarks.json"))
    assert c.tags == ("news",) and c.date is not None and c.date.year == 2024


def test_the_services_json_and_csv_exports() -> None:
    omnivore = [
        {
            "id": "1",
            "slug": "s",
            "title": "O",
            "url": "https://e.org/o",
            "labels": ["a"],
            "state": "Archived",
            "savedAt": "2024-02-01T08:00:00.000Z",
            "highlights": [{"quote": "q", "annotation": "n"}],
        }
    ]
    (o,) = articles(parse_bytes(json.dumps(omnivore).encode(), "metadata_0_to_20.json"))
    assert o.tags == ("a",) and marks(o) == (True, False, "> q\nn")
    goodlinks = [
        {
            "url": "https://e.org/g",
            "title": "G",
            "addedAt": 1700000000.5,
            "starred": True,
            "readAt": None,
            "tags": ["x"],
            "highlights": [{"content": "h"}],
        }
    ]
    (g,) = articles(parse_bytes(json.dumps(goodlinks).encode(), "goodlinks.json"))
    assert marks(g) == (False, True, "> h") and g.tags == ("x",)
    raindrop = (
        "id,title,note,excerpt,url,folder,tags,created,cover,highlights,favorite\n"
        '1,Rust Book,Keep this,From the official,https://rust.example.com/book,Learning,"rust, books",'
        "2024-03-01T10:11:12.000Z,,,true\n"
    )
    (rd,) = articles(parse_bytes(raindrop.encode(), "raindrop.csv"))
    assert rd.tags == ("learning", "rust", "books") and marks(rd) == (False, True, "Keep this")
    assert rd.date == dt.datetime(2024, 3, 1, 10, 11, 12, tzinfo=UTC)
    readwise = (
        "Title,URL,ID,Document tags,Saved date,Reading progress,Location,Seen\n"
        "W,https://e.org/w,1,\"['x', 'y']\",2023-11-13 14:51:16+00:00,1,archive,True\n"
    )
    (w,) = articles(parse_bytes(readwise.encode(), "reader.csv"))
    assert w.tags == ("x", "y") and marks(w)[0] is True


def test_web_clipper_source_is_the_url_and_omnivore_notes_lose_their_link_lines() -> None:
    (clip,) = articles(load_file(EXPORTS / "obsidian-web-clipper.md"))
    assert clip.url == "https://just.systems/man/en/private-recipes.html" and clip.source != clip.url
    assert clip.date == dt.datetime(2026, 1, 16)
    (note,) = articles(load_file(EXPORTS / "omnivore-obsidian-note.md"))
    assert note.url == "https://organicdonut.com/2024/06/cuda-two/"
    assert note.date == dt.datetime(2024, 6, 7, 12, 8, 24)
    assert "Read on Omnivore" not in note.text and "#Omnivore" not in note.text
    highlighted = (
        "---\ntitle: H\ndate_saved: 2024-03-16 04:14:57\n---\n\n# H\n#Omnivore\n\n"
        "[Read on Omnivore](https://omnivore.app/me/h-1)\n[Read Original](https://e.org/h)\n\n"
        "The article's text.\n\n## Highlights\n\n"
        "> the kept line [⤴️](https://omnivore.app/me/h-1#x) ^abc123\n\n"
        "my note\n\n"
    )
    (h,) = articles(parse_bytes(highlighted.encode(), "h.md"))
    assert h.url == "https://e.org/h" and marks(h)[2] == "> the kept line\n\nmy note"
    assert "kept line" not in h.text and "The article's text." in h.text


def test_a_text_file_of_addresses_is_a_list_of_links() -> None:
    found = articles(parse_bytes(b"https://e.org/a\n\nhttps://e.org/b/c/\n", "links.txt"))
    assert [(a.title, a.url) for a in found] == [
        ("e.org/a", "https://e.org/a"),
        ("e.org/b/c", "https://e.org/b/c/"),
    ]


def test_omnivores_zip_gives_each_record_its_page_and_highlights(tmp_path: Path) -> None:
    metadata = [
        {"id": "1", "slug": "flood-1", "title": "Flood", "url": "https://e.org/flood", "labels": ["banjir"],
         "state": "Archived", "savedAt": "2024-02-01T08:00:00.000Z"},
        {"id": "2", "slug": "market-2", "title": "Market", "url": "https://e.org/market", "labels": [],
         "state": "Succeeded", "savedAt": "2024-02-02T08:00:00.000Z"},
    ]  # fmt: skip
    path = tmp_path / "omnivore-export.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("metadata_0_to_2.json", json.dumps(metadata))
        bundle.writestr(
            "content/flood-1.html", "<h2>River</h2><p>The river rose overnight.</p><ul><li>a</li></ul>"
        )
        bundle.writestr("highlights/flood-1.md", "> The river rose\n")
    got = by_url(load_file(path))
    assert set(got) == {"https://e.org/flood", "https://e.org/market"}  # no second copy of the page
    flood = got["https://e.org/flood"]
    assert [b.kind for b in flood.blocks] == ["heading", "paragraph", "list"]
    assert marks(flood) == (True, False, "> The river rose") and flood.tags == ("banjir",)
    assert got["https://e.org/market"].blocks == ()
