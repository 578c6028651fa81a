"""The end of an article in the reader: its near-copies, with what differs (source, date, length),
and articles like it. Found in a worker once the article is on screen (tui.screens.collection), so
they never delay it; D and R choose one to read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from tui.article import Article
from tui.formatting import number, short_date, visible_line
from tui.i18n import _, ngettext
from tui.library import Row
from tui.widgets.reader_text import BLANK, ArticleText
from tui.widgets.wrapping import Piece


@dataclass(frozen=True)
class Extras:
    """What the reader lists after an article (`article_id`: the article they were found for)."""

    article_id: str
    copies: Sequence[Row] = ()
    related: Sequence[Row] = ()
    copies_key: str = "D"  # the keys that choose one, as the user's keymap has them
    related_key: str = "R"


def _difference(count: int, than: int, lang: str) -> str:
    """A copy's length beside the article's: "+12" words, "−120", or nothing when the same."""
    if count == than:
        return ""
    return ("+" if count > than else "−") + number(abs(count - than), lang)


def copy_details(copy: Row, article: Article, lang: str) -> str:
    """Where a copy differs from the article: its source, its date, its length."""
    words = ngettext("{count} word", "{count} words", copy.words).format(count=number(copy.words, lang))
    more = _difference(copy.words, article.words, lang)
    parts = [
        visible_line(copy.source or "") or _("no source"),
        short_date(copy.date, lang) or _("no date"),
        f"{words} ({more})" if more else words,
    ]
    return " · ".join(parts)


def extras_texts(extras: Extras, article: Article, text: ArticleText) -> list[Piece]:
    """The copies and the related articles as the reader's texts (nothing when there are none)."""
    texts: list[Piece] = []
    heading, meta, notice = "reader--heading", "reader--meta", "reader--notice"
    lang = text.lang
    sections = (
        (_("Copies of this article"), extras.copies, extras.copies_key, True),
        (_("More like this"), extras.related, extras.related_key, False),
    )
    for title, rows, key, copies in sections:
        if not rows:
            continue
        texts += [text.line(title, heading), BLANK]
        for row in rows:
            texts.append((Text("• " + visible_line(row.title)), "  "))  # no bullet in the accent colour
            details = copy_details(row, article, lang) if copies else _related_details(row, lang)
            texts.append(text.line(details, meta, "    "))  # (spaces: the prefix's style is a colour)
        hint = _("Press {key} to choose one to read.").format(key=key)
        texts += [BLANK, text.line(hint, notice), BLANK]
    return texts


def _related_details(row: Row, lang: str) -> str:
    return " · ".join(part for part in (visible_line(row.source or ""), short_date(row.date, lang)) if part)
