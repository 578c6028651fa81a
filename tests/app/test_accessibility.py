"""Accessibility: a high-contrast theme that really is, and nothing that depends on colour alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.color import Color

from tests.app.test_app import settle
from tests.helpers import matches_shown, reader_lines, small_collection
from tui.app import KlipingApp
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader
from tui.widgets.themes import HIGH_CONTRAST


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(Color.parse(a)), luminance(Color.parse(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("foreground", "background"),
        ("foreground", "surface"),
        ("text-muted", "background"),
        ("block-cursor-foreground", "block-cursor-background"),
        ("block-cursor-blurred-foreground", "block-cursor-blurred-background"),
        ("border", "background"),
        ("primary", "background"),
    ],
)
def test_high_contrast_theme_is_at_least_7_to_1(text: str, background: str) -> None:
    colours = {
        "foreground": HIGH_CONTRAST.foreground,
        "background": HIGH_CONTRAST.background,
        "surface": HIGH_CONTRAST.surface,
        "primary": HIGH_CONTRAST.primary,
        **HIGH_CONTRAST.variables,
    }
    ratio = contrast(str(colours[text]), str(colours[background]))
    assert ratio >= 7.0, f"{text} on {background}: {ratio:.1f}:1"


async def test_high_contrast_theme_can_be_chosen(tmp_path: Path) -> None:
    app = KlipingApp([small_collection(tmp_path / "c")])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.theme = "kliping-high-contrast"
        await pilot.pause()
        assert app.current_theme.name == "kliping-high-contrast"


async def test_without_colour_the_cursor_and_current_match_are_symbols(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = KlipingApp([small_collection(tmp_path / "c")], filter_text="pertemuan")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        assert article_list.render_line(0).text.startswith("›")
        assert not article_list.render_line(2).text.startswith("›")
        reader = app.query_one("#reader", Reader)
        assert matches_shown(reader)[1] > 0
        marked = [line for line in reader_lines(reader) if line.lstrip().startswith("▶")]
        assert len(marked) == 1
        # The focused pane's border is heavier, not only another colour.
        assert article_list.has_focus
        assert article_list.styles.border_top[0] == "heavy"
        assert app.query_one("#reader").styles.border_top[0] == "round"
