"""What the reader wraps: an article (title, details, note, blocks, links) or its raw file, as texts
with their prefixes, matches marked; long articles' blocks made only as the wrapping reaches them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.style import Style
from rich.text import Span, Text

from tui.article import LINK_MARKER, Article, Block, as_written, utf8_size
from tui.formatting import display_path, long_date, size, visible, visible_line
from tui.i18n import _, ngettext
from tui.marks import Marks
from tui.query import Query
from tui.search import match_spans
from tui.widgets.wrapping import LIST_PREFIX, MATCH, Piece

PREFIXES = {"quote": "  │ ", "caption": "  ◇ ", "list": LIST_PREFIX}
BLANK: tuple[Text, str] = (Text(""), "")


@dataclass
class ArticleText:
    """Builds the reader's texts; `style` gives the reader's component styles by name."""

    style: Callable[[str], Style]
    lang: str = "en"
    filter_query: Query | None = None
    marks: Marks | None = None
    open_key: str = "o"  # the key that opens the file, as the user's keymap has it
    links_key: str = "l"  # the key that lists the article's links

    def line(self, text: str, name: str, prefix: str = "") -> tuple[Text, str]:
        """One text in one of the reader's styles (`reader--meta`, ...)."""
        return Text(text, style=self.style(name)), prefix

    def marked(self, text: Text) -> Text:
        if self.filter_query is not None:
            for start, end in match_spans(text.plain, self.filter_query):
                text.spans.append(Span(start, end, MATCH))
        return text

    def clean(self, article: Article) -> list[Piece]:
        """The clean article: title, details, the user's note, the text, its links."""
        title = Text(visible_line(article.title), style=self.style("reader--title"))
        texts: list[Piece] = [(self.marked(title), ""), self.line(self.meta_line(article), "reader--meta")]
        notes = self.marks.notes_shown(article.digest) if self.marks is not None else []
        for author, note in notes:  # a team library's carry their author (tui.marks)
            texts.append(BLANK)
            if author is not None:
                texts.append(self.line(visible_line(author) + ":", "reader--note", "  ✎ "))
            texts += [self.line(visible_line(line), "reader--note", "  ✎ ") for line in note.split("\n")]
        texts.append(BLANK)
        cut = self.cut_notice(article)
        if cut is not None:  # said before the text and again where it stops
            texts += [self.line(cut, "reader--notice"), BLANK]
        if not article.blocks and article.url:
            link = _("A link saved without its text: {url} (w opens it in the browser).")
            texts.append(self.line(link.format(url=visible_line(article.url)), "reader--notice"))
        styles = {kind: self.style(f"reader--{kind}") for kind in ("heading", "quote", "caption")}
        links = len(article.links)
        for block in article.blocks:
            texts += [partial(self.block_text, block, styles.get(block.kind, Style()), links), BLANK]
        if article.links:  # what the "[3]" in the text point to, and how to open one
            texts += [self.line(_("Links"), "reader--heading"), BLANK]
            texts += [
                self.line(f"[{number}] {visible_line(url)}", "reader--meta")
                for number, url in enumerate(article.links, start=1)
            ]
            hint = _("Press {key} to choose one to open in the browser.").format(key=self.links_key)
            texts += [BLANK, self.line(hint, "reader--notice"), BLANK]
        if cut is not None:
            texts.append(self.line(cut, "reader--notice"))
        return texts

    def raw(self, article: Article, raw: str | None, raw_whole: int) -> list[Piece]:
        """The file as it is, what cleaning took out struck through where it stands."""
        shown = raw if raw is not None else _("Reading the file…")
        header = _("Raw file: {path}").format(path=display_path(article.path))
        texts: list[Piece] = [self.line(header, "reader--meta")]
        cut = self.raw_cut_notice(raw, raw_whole)
        if cut is not None:  # said before the text and again where it stops
            texts.append(self.line(cut, "reader--notice"))
        if article.removed:
            note = _("Struck-through lines were taken out of the clean article as page leftovers.")
            texts.append(self.line(note, "reader--notice"))
        removed = {line.strip() for line in article.removed if line.strip()}
        removed_style = self.style("reader--removed")

        def raw_line(line: str) -> tuple[Text, str]:
            text = self.marked(Text(visible(line)))
            if removed and line.strip() in removed:
                text.stylize(removed_style)
            return text, ""

        texts += [partial(raw_line, line) for line in shown.split("\n")]
        if cut is not None:
            texts += [BLANK, self.line(cut, "reader--notice")]
        return texts

    def cut_notice(self, article: Article) -> str | None:
        """What the reader says of a huge article of which only the first part is kept."""
        if not article.whole_bytes:
            return None
        said = _(
            "Only the first {kept} of this {whole} article is kept and searched; "
            "press {key} to open the file and read it all."
        )
        kept, whole = size(utf8_size(article.text), self.lang), size(article.whole_bytes, self.lang)
        return said.format(kept=kept, whole=whole, key=self.open_key)

    def raw_cut_notice(self, raw: str | None, raw_whole: int) -> str | None:
        """What the raw view says when it holds only the first part of the file (or record)."""
        if not raw_whole or raw is None:
            return None
        said = _(
            "Only the first {kept} of {whole} is shown here; press {key} to open the file and see it all."
        )
        kept, whole = size(utf8_size(raw), self.lang), size(raw_whole, self.lang)
        return said.format(kept=kept, whole=whole, key=self.open_key)

    def meta_line(self, article: Article) -> str:
        parts = [long_date(article.date, self.lang), article.source or "", article.place or ""]
        parts = [visible_line(part) for part in parts]
        if article.words:  # a link saved without its text has neither
            parts.append(ngettext("{count} word", "{count} words", article.words).format(count=article.words))
            minutes = article.reading_minutes
            parts.append(ngettext("{count} min read", "{count} min read", minutes).format(count=minutes))
        if article.title_derived:
            parts.append(_("title from first sentence"))
        tags = self.marks.tags_of_digest(article.digest, article.tags) if self.marks else list(article.tags)
        if tags:
            label = self.marks.tag_label if self.marks else lambda _digest, tag: tag  # with its author
            parts.append(" ".join("#" + visible_line(label(article.digest, tag)) for tag in tags))
        return " · ".join(part for part in parts if part)

    def block_text(self, block: Block, style: Style, links: int = 0) -> tuple[Text, str]:
        """A block as written, its link markers in the link style: a wiki's own "[1]" (a citation)
        is shown as written and plain, the "[2]" after a link's words as a link."""
        if not links or "]" not in block.text:
            return self.marked(Text(visible(as_written(block.text)), style=style)), PREFIXES.get(
                block.kind, ""
            )
        text = Text(style=style)
        link = self.style("reader--link")
        last = 0
        for marker in LINK_MARKER.finditer(block.text):  # found before its own "[1]" are as written
            if 1 <= int(marker.group(1)) <= links:
                text.append(visible(as_written(block.text[last : marker.start()])))
                text.append(marker.group(), style=link)
                last = marker.end()
        text.append(visible(as_written(block.text[last:])))
        return self.marked(text), PREFIXES.get(block.kind, "")
