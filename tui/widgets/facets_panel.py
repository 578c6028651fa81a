"""The facets panel beside the list (F): what the list shows counted by source, date, tag and
whatever else tui.facets counts, and its timeline with the busiest period named; Enter on a value
adds it to the filter. Counted on a thread after each answer (tui.screens.collection), so a
keystroke never waits for it; the counts and the timeline are text too, for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from tui.facets import Facets, term_for
from tui.formatting import number, visible_line
from tui.i18n import _, current_language, ngettext

MOST = 8  # values of each facet listed


def headings() -> dict[str, str]:
    """Each kind's heading; a kind tui.facets adds later shows under its own name until named here."""
    return {
        "source": _("Source"),
        "year": _("Year"),
        "month": _("Month"),
        "tag": _("Tag"),
        "place": _("Place"),
        "acronym": _("Acronym"),
    }


def kinds(found: Facets) -> list[tuple[str, Sequence[tuple[str | int, int]]]]:
    """Every kind of value the counts have (sources, years, ...: each list field of `Facets`), the
    commonest values first (years in time order)."""
    found_kinds: list[tuple[str, Sequence[tuple[str | int, int]]]] = []
    for field in fields(found):
        values = getattr(found, field.name)
        if not isinstance(values, list) or not values:
            continue
        kind = field.name.removesuffix("s")
        values = values[-MOST:] if kind == "year" else sorted(values, key=lambda item: -item[1])[:MOST]
        found_kinds.append((kind, values))
    return found_kinds


def busiest_text(found: Facets) -> str:
    """The timeline in words: its unit and its busiest period."""
    timeline = found.timeline
    if timeline.busiest is None:
        return _("No dates to draw a timeline.")
    day, most = timeline.busiest
    unit = {"day": _("by day"), "week": _("by week"), "month": _("by month")}[timeline.unit]
    return ngettext(
        "Timeline ({unit}): busiest {period}, {count} article",
        "Timeline ({unit}): busiest {period}, {count} articles",
        most,
    ).format(
        unit=unit, period=timeline.term(day).removeprefix("date:"), count=number(most, current_language())
    )


class FacetsPanel(Vertical, can_focus=False):
    """Counts and the timeline of what the list shows; Enter on a value filters by it."""

    BINDINGS = [Binding("escape", "leave", _("Back to the list"), show=False, id="facets.leave")]

    DEFAULT_CSS = """
    FacetsPanel {
        display: none;  /* F shows it */
        dock: right;
        width: 34;
        height: 1fr;
        border: round $border-blurred;
        border-title-color: $text-muted;
        background: $surface;
        &:focus-within { border: heavy $border; }
        & > #facets-summary { color: $text-muted; padding: 0 1; }
        & > Sparkline { height: 2; margin: 0 1; }
        & > OptionList, & > OptionList:focus { height: 1fr; border: none; padding: 0; background: $surface; }
    }
    """

    @dataclass
    class Chosen(Message):
        """A value was chosen: its filter term (source:kompas, date:2024-03)."""

        term: str

    @dataclass
    class Left(Message):
        """Esc in the panel: back to the list."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.found: Facets | None = None
        self.border_title = _("Facets")

    def compose(self) -> ComposeResult:
        yield Static(_("Counting…"), id="facets-summary", markup=False)
        yield Sparkline([], id="facets-timeline")
        yield OptionList(id="facets-options")

    def counting(self) -> None:
        """A newer answer is being counted: the counts shown are the last answer's."""
        self.border_subtitle = _("counting…")

    def show(self, found: Facets) -> None:
        """The counts of the answer the list shows now."""
        self.found = found
        self.border_subtitle = ""
        lang = current_language()
        total = ngettext("{count} article", "{count} articles", found.total)
        summary = f"{total.format(count=number(found.total, lang))}\n{busiest_text(found)}"
        self.query_one("#facets-summary", Static).update(summary)
        timeline = self.query_one("#facets-timeline", Sparkline)
        timeline.data = [count for _day, count in found.timeline.points]
        timeline.display = bool(found.timeline.points)
        options = self.query_one("#facets-options", OptionList)
        highlighted = options.highlighted
        listed: list[Option | None] = []
        names = headings()
        for kind, values in kinds(found):
            if listed:
                listed.append(None)
            heading = names.get(kind, kind.capitalize())
            for value, count in values:
                try:
                    term: str | None = term_for(kind, value)
                except KeyError:  # a kind the filter language cannot ask for: shown, not chosen
                    term = None
                label = Text.assemble((f"{heading}: ", "bold"), visible_line(str(value)))
                label.append(f" ({number(count, lang)})")
                listed.append(Option(label, id=term, disabled=term is None))
        options.set_options(listed)
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    @property
    def text(self) -> str:
        """What the panel says, as plain text (the summary, the timeline in words, every count)."""
        if self.found is None:
            return ""
        lines = [str(self.query_one("#facets-summary", Static).render())]
        options = self.query_one("#facets-options", OptionList)
        lines += [str(options.get_option_at_index(index).prompt) for index in range(options.option_count)]
        return "\n".join(lines)

    @on(OptionList.OptionSelected, "#facets-options")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def action_leave(self) -> None:
        self.post_message(self.Left())
