"""Acting on every article the filter shows: read, unread, star, unstar, add or remove a tag, after
a question that says how many, and undo for the last UNDO_STEPS of these, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding

from tui.dialogs.annotations import BulkScreen, ConfirmScreen, NameScreen, TagSuggester
from tui.formatting import number, visible_line
from tui.i18n import _, current_language, ngettext
from tui.library import Row, Stopped
from tui.query import parse
from tui.screens.annotations import AnnotationActions

UNDO_STEPS = 10  # bulk actions kept to undo, one z each


@dataclass(frozen=True)
class BulkAction:
    """One bulk action as done, so it can be undone: what, the value set, and the rows it changed."""

    what: str  # "read", "starred" or "tag"
    value: bool
    rows: list[Row]
    tag: str = ""


class BulkActions(AnnotationActions):
    """The bulk actions of the main screen, inherited with their bindings."""

    BINDINGS = [
        Binding("B", "bulk", _("Act on every article shown"), show=False, priority=True, id="app.bulk"),
        Binding(
            "z", "undo_bulk", _("Undo the last action on every article shown"), show=False, id="app.undo"
        ),
    ]

    _done: tuple[BulkAction, ...] = ()  # the bulk actions to undo, oldest first

    def action_bulk(self) -> None:
        if not self.articles.keys:
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

    @work(thread=True, exclusive=True, group="bulk", exit_on_error=False)
    def _bulk_keys(self, choice: str, tag: str) -> None:
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

    def action_undo_bulk(self) -> None:
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
        self.articles.refresh_rows()
        self.reader.refresh_annotations()
        self._update_status()

    def commands(self) -> list[SystemCommand]:
        """The palette's commands, with the tags, notes, searches and bulk actions."""
        return [
            *super().commands(),
            SystemCommand(
                _("Tags: add or remove"), _("Tag the article under the cursor"), self.action_edit_tags
            ),
            SystemCommand(
                _("Tags: list with counts"),
                _("Every tag in use; choose one to filter by it"),
                self.action_tag_list,
            ),
            SystemCommand(
                _("Note"), _("Write a note on the article under the cursor"), self.action_edit_note
            ),
            SystemCommand(
                _("Saved searches"), _("Apply, rename or delete a saved filter"), self.action_saved_searches
            ),
            SystemCommand(
                _("Save the filter"), _("Name the current filter to use again"), self.action_save_search
            ),
            SystemCommand(_("Cite"), _("Copy the article's title, source, date and URL"), self.action_cite),
            SystemCommand(
                _("Open the URL"), _("Open the article's URL in the browser"), self.action_open_url
            ),
            SystemCommand(
                _("Act on every article shown"),
                _("Mark read or unread, star, tag or untag everything the filter shows"),
                self.action_bulk,
            ),
            SystemCommand(_("Undo"), _("Undo the last action on every article shown"), self.action_undo_bulk),
        ]
