"""The status line under the list: how many articles are shown, unread, starred, and in what order."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from tui.formatting import number
from tui.i18n import _, current_language, ngettext
from tui.session import Status


def sort_names() -> dict[str, str]:
    """The sort orders as the status line and notices name them."""
    return {
        "relevance": _("relevance"),
        "date": _("date"),
        "title": _("title"),
        "source": _("source"),
        "words": _("words"),
    }


def sort_label(sort: str, reverse: bool, no_query: bool) -> str:
    """The order as the user sees it: relevance means date while nothing is typed."""
    name = "date" if sort == "relevance" and no_query else sort
    label = sort_names()[name]
    return _("{order} (reversed)").format(order=label) if reverse else label


class StatusLine(Static):
    """Counts and the sort order in one line, and a second line for a filter hint."""

    status: reactive[Status] = reactive(Status, always_update=False, layout=False, repaint=False)
    _lines = 0

    def watch_status(self, status: Status) -> None:
        language = current_language()

        def n(count: int) -> str:
            return number(count, language)

        articles = ngettext("{shown} of {total} article", "{shown} of {total} articles", status.loaded)
        # While the rest of an answer is being counted, its first page shows as "200+".
        parts = [
            articles.format(shown=n(status.shown) + ("+" if status.more else ""), total=n(status.loaded)),
            _("{count} unread").format(count=n(status.unread)),
        ]
        if status.folded:
            folded = ngettext("{count} near-copy folded (m)", "{count} near-copies folded (m)", status.folded)
            parts.append(folded.format(count=n(status.folded)))
        if status.starred:
            parts.append(_("{count} starred").format(count=n(status.starred)))
        if status.loading:
            parts.append(_("loading…"))
        if status.problems:
            problems = ngettext("{count} problem (p)", "{count} problems (p)", status.problems)
            parts.append(problems.format(count=n(status.problems)))
        order = sort_label(status.sort, status.reverse, status.no_query)
        parts.append(_("sort: {order}").format(order=order))
        # One line, cut with an ellipsis rather than wrapped: a count growing by a digit must not
        # push the list up a row (it did at 100k), nor push the filter's hint out of sight. The
        # stylesheet does it (text-wrap: nowrap): Static would drop a Text's own no_wrap.
        line = Text(" · ".join(parts))
        if status.hint:
            line.append(f"\n{status.hint}", style="italic")
        lines = 2 if status.hint else 1
        self.update(line, layout=lines != self._lines)
        self._lines = lines
