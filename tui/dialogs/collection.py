"""The collection's dialogs: facets and a timeline of what the list shows (F), and a few articles
(the copies of one, D, or articles like it, R) to read one of."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Sparkline, Static
from textual.widgets.option_list import Option

from tui.dialogs.annotations import OptionChoice, OptionDialog, Options
from tui.facets import Facets, term_for
from tui.formatting import count_words, number, short_date, visible_line
from tui.i18n import _, current_language, ngettext
from tui.library import Row

MOST = 12  # values of each facet listed


class FacetsScreen(OptionChoice):
    """Counts of what the list shows, and its timeline; Enter adds the value to the filter."""

    BINDINGS = [Binding("escape,q,F", "cancel", _("Close"), id="facets.close")]

    def __init__(self, found: Facets) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        lang = current_language()
        found = self.found
        with Vertical(id="facets-box", classes="dialog-box list-box") as box:
            box.border_title = ngettext(
                "What the list shows: {count} article", "What the list shows: {count} articles", found.total
            ).format(count=number(found.total, lang))
            box.border_subtitle = _("Enter adds it to the filter · Esc to close")
            timeline = found.timeline
            if timeline.busiest is not None:
                day, most = timeline.busiest
                unit = {"day": _("by day"), "week": _("by week"), "month": _("by month")}[timeline.unit]
                busiest = ngettext(
                    "Timeline ({unit}): busiest {period}, {count} article",
                    "Timeline ({unit}): busiest {period}, {count} articles",
                    most,
                ).format(unit=unit, period=timeline.term(day).removeprefix("date:"), count=number(most, lang))
                yield Static(busiest, id="timeline-text", classes="dialog-label", markup=False)
                yield Sparkline([count for _day, count in timeline.points], id="timeline")
            options: list[Option | None] = []
            sections: list[tuple[str, str, Sequence[tuple[str | int, int]]]] = [
                ("source", _("Source"), found.sources[:MOST]),
                ("year", _("Year"), found.years[-MOST:]),
                ("month", _("Month"), sorted(found.months, key=lambda item: -item[1])[:MOST]),
                ("tag", _("Tag"), found.tags[:MOST]),
                ("place", _("Place"), found.places[:MOST]),
                ("acronym", _("Acronym"), found.acronyms[:MOST]),
            ]
            for kind, heading, values in sections:
                if not values:
                    continue
                if options:
                    options.append(None)
                for value, count in values:
                    label = Text.assemble((f"{heading}: ", "bold"), f"{visible_line(str(value))}  ")
                    label.append(f"({number(count, lang)})")
                    options.append(Option(label, id=term_for(kind, value)))
            if not options:
                yield Static(_("Nothing to count: the list is empty."), classes="dialog-label")
            yield Options(*options, id="facet-options")


class ArticlesScreen(OptionDialog[int]):
    """A few articles (copies, related ones) with their source, date and length; Enter reads one."""

    BINDINGS = [Binding("escape,q", "cancel", _("Close"), id="articles_dialog.close")]

    def __init__(self, title: str, rows: Sequence[Row], empty: str) -> None:
        super().__init__()
        self.heading = title
        self.rows = rows
        self.empty = empty

    def compose(self) -> ComposeResult:
        lang = current_language()
        with Vertical(id="articles-box", classes="dialog-box list-box") as box:
            box.border_title = self.heading
            box.border_subtitle = _("Enter reads it · Esc to close")
            options = []
            for row in self.rows:
                details = " · ".join(
                    part
                    for part in (
                        visible_line(row.source or ""),
                        short_date(row.date, lang),
                        ngettext("{count} word", "{count} words", row.words).format(
                            count=count_words(row.words)
                        ),
                    )
                    if part
                )
                options.append(Option(Text(f"{visible_line(row.title)}\n  {details}"), id=str(row.key)))
            if not options:
                yield Static(self.empty, classes="dialog-label", markup=False)
            yield Options(*options, id="article-options")

    def choice(self, option_id: str | None) -> int | None:
        return int(option_id) if option_id else None
