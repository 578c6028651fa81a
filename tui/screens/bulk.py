"""Acting on every article the filter shows: read, unread, star, unstar, add or remove a tag, after
a question that says how many, and undo for the last UNDO_STEPS of these, newest first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding

from tui.dialogs.annotations import BulkScreen, ConfirmScreen, NameScreen, TagSuggester
from tui.formatting import number, visible_line
from tui.i18n import _, current_language, ngettext
from tui.library import Row, Stopped
from tui.library.interface import LibraryLike
from tui.query import parse
from tui.session import Session

UNDO_STEPS = 10  # bulk actions kept to undo, one z each


@dataclass(frozen=True)
class BulkAction:
    """One bulk action as done, so it can be undone: what, the value set, and the rows it changed."""

    what: str  # "read", "starred" or "tag"
    value: bool
    rows: list[Row]
    tag: str = ""


class Bulk:
    """The main screen's bulk actions and their undo: a plain object the screen holds, given what it
    works with. It tells the screen that marks or tags changed through `changed` (a message)."""

    BINDINGS = [
        Binding("B", "bulk", _("Act on every article shown"), show=False, priority=True, id="app.bulk"),
        Binding(
            "z", "undo_bulk", _("Undo the last action on every article shown"), show=False, id="app.undo"
        ),
    ]

    def __init__(
        self,
        app: App[object],
        session: Session,
        library: LibraryLike,
        shown: Callable[[], Sequence[int]],
        changed: Callable[[], object],
    ) -> None:
        self.app = app
        self.session = session
        self.library = library
        self.shown = shown  # the keys the list shows
        self.changed = changed
        self._done: tuple[BulkAction, ...] = ()  # the bulk actions to undo, oldest first

    def notify(self, message: str, **kwargs: Any) -> None:
        self.app.notify(message, **kwargs)

    def start(self) -> None:
        """Ask what to do to every article shown."""
        if not self.shown():
            self.notify(_("No articles shown."), severity="warning", markup=False)
            return
        actions = [
            ("read", _("Mark all read")),
            ("unread", _("Mark all unread")),
            ("star", _("Star all")),
            ("unstar", _("Unstar all")),
            ("tag", _("Add a tag to all…")),
            ("untag", _("Remove a tag from all…")),
        ]
        self.app.push_screen(BulkScreen(actions), self._bulk_chosen)

    def _bulk_chosen(self, choice: str | None) -> None:
        if choice is None:
            return
        if choice in ("tag", "untag"):
            known = list(self.session.marks.tag_counts())

            def named(tag: str | None) -> None:
                if tag:
                    self._bulk_keys(choice, tag)

            what = (
                _("The tag to add to every article shown:")
                if choice == "tag"
                else _("The tag to remove from every article shown:")
            )
            self.app.push_screen(NameScreen(_("Tag"), what, suggester=TagSuggester(known)), named)
        else:
            self._bulk_keys(choice, "")

    def _bulk_keys(self, choice: str, tag: str) -> None:
        work = partial(self._find_keys, choice, tag)
        self.app.run_worker(work, name="bulk", group="bulk", thread=True, exclusive=True, exit_on_error=False)

    def _find_keys(self, choice: str, tag: str) -> None:
        """The whole answer of the filter shown, even when the list has its first page only."""
        session = self.session
        text = session.query_text
        query = parse(text)
        flags = session.marks.flags(query) if query.uses_marks else None
        try:
            keys = self.library.search(query, session.sort, session.reverse, flags).keys
        except Stopped:
            return
        self.app.call_from_thread(self._confirm_bulk, choice, tag, text, keys)

    def _confirm_bulk(self, choice: str, tag: str, text: str, keys: list[int]) -> None:
        if text != self.session.query_text:
            return  # the filter changed meanwhile: what was asked about is no longer shown
        rows = [self.session.rows[key] for key in keys if key in self.session.rows]
        count = len(rows)
        shown = number(count, current_language())
        questions = {
            "read": ngettext("Mark {count} article read?", "Mark {count} articles read?", count),
            "unread": ngettext("Mark {count} article unread?", "Mark {count} articles unread?", count),
            "star": ngettext("Star {count} article?", "Star {count} articles?", count),
            "unstar": ngettext("Unstar {count} article?", "Unstar {count} articles?", count),
            "tag": ngettext("Tag {count} article {tag}?", "Tag {count} articles {tag}?", count),
            "untag": ngettext(
                "Remove the tag {tag} from {count} article?",
                "Remove the tag {tag} from {count} articles?",
                count,
            ),
        }
        question = questions[choice].format(count=shown, tag=visible_line(tag))

        def answered(yes: bool | None) -> None:
            if yes:
                self._do_bulk(choice, tag, rows)

        self.app.push_screen(ConfirmScreen(question), answered)

    def _do_bulk(self, choice: str, tag: str, rows: list[Row]) -> None:
        marks = self.session.marks
        if choice in ("tag", "untag"):
            value = choice == "tag"
            done = BulkAction("tag", value, marks.set_tag_many(rows, tag, value), tag)
        else:
            what = "read" if choice in ("read", "unread") else "starred"
            value = choice in ("read", "star")
            done = BulkAction(what, value, marks.put_many(what, rows, value))  # type: ignore[arg-type]
        self._done = (*self._done, done)[-UNDO_STEPS:]
        self._after_bulk()
        count = len(done.rows)
        message = ngettext(
            "Changed {count} article. z undoes it.", "Changed {count} articles. z undoes it.", count
        )
        self.notify(message.format(count=number(count, current_language())), timeout=5, markup=False)

    def undo(self) -> None:
        """Undo the last bulk action not undone yet."""
        if not self._done:
            self.notify(_("Nothing to undo."), severity="warning", markup=False)
            return
        *rest, done = self._done
        self._done = tuple(rest)
        marks = self.session.marks
        if done.what == "tag":
            marks.set_tag_many(done.rows, done.tag, not done.value)
        else:
            marks.put_many(done.what, done.rows, not done.value)  # type: ignore[arg-type]
        self._after_bulk()
        count = len(done.rows)
        message = ngettext("Undone for {count} article.", "Undone for {count} articles.", count)
        self.notify(message.format(count=number(count, current_language())), timeout=4, markup=False)

    def _after_bulk(self) -> None:
        self.changed()

    def commands(self) -> list[SystemCommand]:
        """The palette's commands for the bulk actions."""
        return [
            SystemCommand(
                _("Act on every article shown"),
                _("Mark read or unread, star, tag or untag everything the filter shows"),
                self.start,
            ),
            SystemCommand(_("Undo"), _("Undo the last action on every article shown"), self.undo),
        ]
