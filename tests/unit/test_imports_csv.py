"""CSV exports are split as RFC 4180 says, and a row that does not fit is said, never shifted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tui.article import Article, Problem
from tui.loader import load_file, parse_bytes, read_raw


def articles(found: list[Article | Problem]) -> list[Article]:
    return [item for item in found if isinstance(item, Article)]


def problems(found: list[Article | Problem]) -> list[str]:
    return [item.reason for item in found if isinstance(item, Problem)]


POCKET = (
    "title,url,time_added,tags,status\n"
    '"He said ""no"", then left",https://example.org/a,1712345678,,unread\n'
    '"Commas, inside, a title",https://example.org/b,1712345679,x|y,archive\n'
    "Plain title,https://example.org/c,1712345680,,unread\n"
)


def test_doubled_quotes_and_commas_inside_fields_stay_in_their_column() -> None:
    found = parse_bytes(POCKET.encode(), "pocket.csv")
    assert problems(found) == []
    titles = [(a.title, a.url) for a in articles(found)]
    assert titles == [
        ('He said "no", then left', "https://example.org/a"),
        ("Commas, inside, a title", "https://example.org/b"),
        ("Plain title", "https://example.org/c"),
    ]


def test_what_the_csv_module_writes_is_read_back_field_for_field(tmp_path: Path) -> None:
    rows = [
        {
            "title": 'A "quoted" word',
            "url": "https://e.org/1",
            "text": "Line one.\n\nLine two, a comma.",
        },
        {"title": "Semi; colons | pipes\ttabs", "url": "https://e.org/2", "text": 'Say ""twice"".'},
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["title", "url", "text"])
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    found = load_file(path)
    assert problems(found) == []
    got = articles(found)
    assert [a.title for a in got] == ['A "quoted" word', "Semi; colons | pipes tabs"]  # titles are tidied
    assert got[0].text == "Line one.\n\nLine two, a comma."
    assert got[1].text == 'Say ""twice"".'
    assert '"title": "Semi; colons | pipes\\ttabs"' in read_raw(got[1])


def test_a_row_with_the_wrong_number_of_fields_is_a_problem_naming_it() -> None:
    data = (
        "title,url,text\n"
        "One,https://e.org/1,Body one.\n"
        "Two,https://e.org/2,Body, with an unquoted comma.\n"
        "Three,https://e.org/3\n"
        "Four,https://e.org/4,Body four.\n"
    )
    found = parse_bytes(data.encode(), "x.csv")
    assert [a.title for a in articles(found)] == ["One", "Four"]
    assert problems(found) == [  # one line for the file, naming the rows
        "2 not read: row 2 (line 3): 4 fields where the header has 3; "
        "row 3 (line 4): 2 fields where the header has 3"
    ]


def test_an_unclosed_quote_costs_its_row_not_the_rest_of_the_file() -> None:
    data = 'title,url,text\nOne,https://e.org/1,"Body one.\nTwo,https://e.org/2,Body two.\n'
    found = parse_bytes(data.encode(), "x.csv")
    assert [a.title for a in articles(found)] == ["Two"]
    assert problems(found) == ["row 1 (line 2): not valid CSV (unexpected end of data)"]


def test_a_stray_quote_after_a_quoted_field_is_said() -> None:
    data = 'title,url,text\n"One" more,https://e.org/1,Body.\nTwo,https://e.org/2,Body two.\n'
    found = parse_bytes(data.encode(), "x.csv")
    assert [a.title for a in articles(found)] == ["Two"]
    assert problems(found) == ["row 1 (line 2): not valid CSV (',' expected after '\"')"]


def test_another_delimiter_only_when_the_whole_sample_agrees() -> None:
    semicolons = 'judul;isi\n"Satu";"Isi, dengan koma."\n"Dua";"Isi ""kutip""; titik koma."\n'
    got = articles(parse_bytes(semicolons.encode(), "s.csv"))
    assert [(a.title, a.text) for a in got] == [
        ("Satu", "Isi, dengan koma."),
        ("Dua", 'Isi "kutip"; titik koma.'),
    ]
    tabs = "title\ttext\nOne\tA body, with commas, many.\n"
    assert [a.text for a in articles(parse_bytes(tabs.encode(), "t.csv"))] == ["A body, with commas, many."]
    # A comma file whose header has a semicolon in a name stays a comma file.
    mixed = 'title,text,notes;more\n"A; b",Body one.,x;y\n'
    assert [a.title for a in articles(parse_bytes(mixed.encode(), "m.csv"))] == ["A; b"]


def test_thousands_of_bad_rows_are_one_line_naming_the_first_few() -> None:
    rows = "".join(f"Row {n},https://e.org/{n}\n" for n in range(5000))
    found = parse_bytes(("title,url,text\nGood,https://e.org/g,Body.\n" + rows).encode(), "x.csv")
    assert [a.title for a in articles(found)] == ["Good"]
    (summary,) = problems(found)
    assert summary.startswith(
        "5000 not read: row 2 (line 3): 2 fields where the header has 3; row 3 (line 4)"
    )
    assert summary.endswith("; and 4997 more")
