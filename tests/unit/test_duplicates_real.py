"""Near-copies on real Indonesian news (benchmarks/data/syndicated.json, each article's address in
it): the same Antara story on two sites is one group at the default threshold; its rewrite by
another outlet around the same quotes, and the same reporter's or official's other stories, are
not (issue 24: the threshold measured in benchmarks/bench_real_duplicates.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.bench_real_duplicates import load, text_of
from tui.cli import main
from tui.config import Settings


def test_a_syndicated_story_is_grouped_and_its_rewrite_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = {article["id"]: article for article in load()}
    # A and B: Antara's story of 24 January 2020 on pasjabar.com and jurnaljabar.id; C: Republika's
    # rewrite of it; D: the same official a month before; G and H: one reporter's stories two days
    # apart (manado. and kepri.antaranews.com); E and F: another reporter's, a day apart.
    for name in "ABCDEFGH":
        article = articles[name]
        (tmp_path / f"{name}.md").write_text(text_of(article["title"], article["paragraphs"]), "utf-8")
    assert main(["--list", "--json", "--no-cache", str(tmp_path)]) == 0
    group = {
        Path(record["path"]).stem: record["group"]
        for record in map(json.loads, capsys.readouterr().out.split("\n")[:-1])
    }
    assert group["A"] is not None and group["A"] == group["B"]
    assert all(group[name] is None for name in "CDEFGH"), group
    assert Settings().duplicates == 0.7  # the default the benchmark measured
