"""A saved link with no text is an article: listed under its title, or its address when it has none."""

from __future__ import annotations

from tui.article import Article, Problem
from tui.loader import parse_bytes


def test_instapaper_rows_without_a_title_are_listed_by_their_address() -> None:
    data = (
        "URL,Title,Selection,Folder,Timestamp,Tags\n"
        "https://www.example.org/2024/05/flood-report/?utm_source=x,,,Unread,1700000000,[]\n"
        "https://example.org/kept,Kept title,,Unread,1700000001,[]\n"
    )
    found = parse_bytes(data.encode(), "instapaper.csv")
    assert not [item for item in found if isinstance(item, Problem)]
    titles = [item.title for item in found if isinstance(item, Article)]
    assert titles == ["example.org/2024/05/flood-report", "Kept title"]
    link = found[0]
    assert isinstance(link, Article) and link.blocks == () and link.url.startswith("https://www.example.org/")


def test_a_json_record_with_only_a_url_is_a_link() -> None:
    found = parse_bytes(b'[{"url": "https://example.org/"}]', "links.json")
    assert [(a.title, a.url) for a in found if isinstance(a, Article)] == [
        ("example.org", "https://example.org/")
    ]
