"""Modal screens for what the user adds to articles: tags, a note, a name, the list of tags and the
saved searches. None of them touches the state: each gives its answer back to the main screen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tui.article import tag_name
from tui.dialogs.modal import Dialog
from tui.formatting import number, plain_line, visible_line
from tui.i18n import _, current_language, ngettext
from tui.widgets.plain_input import PlainInput, PlainTextArea

ChoiceT = TypeVar("ChoiceT")


def split_tags(text: str) -> list[str]:
    """Tags typed in one line, separated by commas: "banjir, Jawa Tengah" is two."""
    found: list[str] = []
    for part in text.split(","):
        name = tag_name(part)
        if name and name not in found:
            found.append(name)
    return found


class TagSuggester(Suggester):
    """Completes the tag being typed (after the last comma) from the tags already in use."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = list(tags)

    async def get_suggestion(self, value: str) -> str | None:
        return self.suggestion(value)

    def suggestion(self, value: str) -> str | None:
        """The value with the tag being typed completed; Tab asks at once, behind the keys before it
        (the input's own suggestion comes a moment after each key)."""
        head, _comma, last = value.rpartition(",")
        typed = last.lstrip().lower()
        if not typed:
            return None
        taken = set(split_tags(head))
        for tag in self.tags:
            if tag.startswith(typed) and tag != typed and tag not in taken:
                return value + tag[len(typed) :]
        return None


class TagsScreen(Dialog[list[str] | None]):
    """The article's tags as one line to edit: add by typing, remove by deleting, Tab completes."""

    FOCUS = "#tags-input"

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="tags.cancel"),
        Binding("tab", "complete", _("Complete the tag"), show=False, priority=True, id="tags.complete"),
    ]

    def __init__(self, title: str, tags: Sequence[str], known: Sequence[str]) -> None:
        super().__init__()
        self.article_title = title
        # Tags from files and older runs may hold escape sequences; an input draws its value as it is.
        self.tags = [plain_line(tag) for tag in tags]
        self.known = [plain_line(tag) for tag in known]

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box", classes="dialog-box") as box:
            box.border_title = _("Tags")
            box.border_subtitle = _("Enter to keep · Tab completes · Esc to cancel")
            yield Static(Text(visible_line(self.article_title), no_wrap=True, overflow="ellipsis"))
            yield Static(_("Tags, separated by commas:"), classes="dialog-label")
            value = ", ".join(self.tags) + (", " if self.tags else "")
            suggester = TagSuggester(self.known)
            yield PlainInput(value, id="tags-input", suggester=suggester, select_on_focus=False)
            known = ", ".join(self.known[:12]) + (" …" if len(self.known) > 12 else "")
            if known:
                yield Static(Text(_("In use: {tags}").format(tags=known)), classes="dialog-hint")

    def action_complete(self) -> None:
        field = self.query_one(Input)
        self.after_typed(field, self._complete)

    def _complete(self) -> None:
        field = self.query_one(Input)
        suggestion = TagSuggester(self.known).suggestion(field.value)
        if suggestion and suggestion != field.value:
            field.value = suggestion + ", "
            field.cursor_position = len(field.value)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(split_tags(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteArea(PlainTextArea):
    """Where a note is written; its help (the palette's Keys panel) in the interface's language."""

    HELP = _("## Note\n\nYour note on this article, kept by kliping: the file is never touched.")


class NoteScreen(Dialog[str | None]):
    """The user's note on an article, kept in the reading state: the file is never touched."""

    FOCUS = "#note-text"

    BINDINGS = [
        Binding("ctrl+s", "keep", _("Keep the note"), priority=True, id="note.keep"),
        # The text area would take Esc for itself (leaving it); here it leaves the note unchanged.
        Binding("escape", "cancel", _("Cancel"), priority=True, id="note.cancel"),
    ]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.article_title = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="dialog-box") as box:
            box.border_title = _("Note")
            box.border_subtitle = _("Ctrl+S to keep · Esc to cancel · an empty note is deleted")
            yield Static(Text(visible_line(self.article_title), no_wrap=True, overflow="ellipsis"))
            yield NoteArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.move_cursor(area.document.end)

    def action_keep(self) -> None:
        area = self.query_one(TextArea)
        self.after_typed(area, lambda: self.dismiss(area.text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NameScreen(Dialog[str | None]):
    """Ask for a name (a saved search's), with a sentence saying what it names."""

    FOCUS = "#name-input"

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="name.cancel")]

    def __init__(self, title: str, what: str, name: str = "", suggester: Suggester | None = None) -> None:
        super().__init__()
        self.box_title = title
        self.what = what
        self.name_value = name
        self.suggester = suggester

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box", classes="dialog-box") as box:
            box.border_title = self.box_title
            box.border_subtitle = _("Enter to keep · Esc to cancel")
            yield Static(Text(self.what), classes="dialog-label")
            yield PlainInput(self.name_value, id="name-input", suggester=self.suggester)
            yield Static("", id="name-error")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = " ".join(event.value.split())
        if not name:
            self.query_one("#name-error", Static).update(_("Type a name."))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Options(OptionList):
    """An option list that moves with j and k too, as the article list does."""

    BINDINGS = [
        Binding("j", "cursor_down", _("Down"), show=False, id="options.down"),
        Binding("k", "cursor_up", _("Up"), show=False, id="options.up"),
    ]


class OptionDialog(Dialog[ChoiceT | None]):
    """A list of options in a dialog: Enter chooses one (what `choice` makes of its id), Esc closes
    with nothing."""

    FOCUS = "OptionList"

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0

    def choice(self, option_id: str | None) -> ChoiceT | None:
        raise NotImplementedError

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choice(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


class OptionChoice(OptionDialog[str]):
    """A list of options in a dialog: Enter chooses one (its id), Esc closes with nothing."""

    def choice(self, option_id: str | None) -> str | None:
        return option_id


class TagListScreen(OptionChoice):
    """Every tag in use with how many articles have it; choosing one filters by it."""

    BINDINGS = [Binding("escape,q", "cancel", _("Close"), id="tag_list.close")]

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__()
        self.counts = counts

    def compose(self) -> ComposeResult:
        lang = current_language()
        with Vertical(id="tag-list-box", classes="dialog-box list-box") as box:
            count = len(self.counts)
            box.border_title = ngettext("{count} tag", "{count} tags", count).format(
                count=number(count, lang)
            )
            box.border_subtitle = _("Enter filters by the tag · Esc to close")
            options = [
                Option(Text(f"{visible_line(tag)}  ({number(n, lang)})"), id=tag)
                for tag, n in self.counts.items()
            ]
            if not options:
                yield Static(_("No tags yet: press t on an article to tag it."), classes="dialog-label")
            yield Options(*options, id="tag-options")


class LinksScreen(OptionChoice):
    """An article's links by their numbers in the text; choosing one opens it in the browser."""

    BINDINGS = [Binding("escape,q", "cancel", _("Close"), id="links.close")]

    def __init__(self, links: Sequence[str]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        lang = current_language()
        with Vertical(id="links-box", classes="dialog-box list-box") as box:
            count = len(self.links)
            box.border_title = ngettext("{count} link", "{count} links", count).format(
                count=number(count, lang)
            )
            box.border_subtitle = _("Enter opens the link in the browser · Esc to close")
            yield Options(
                *[
                    Option(Text(f"[{index}] {visible_line(url)}"), id=str(index))
                    for index, url in enumerate(self.links, start=1)
                ],
                id="links-options",
            )


@dataclass(frozen=True)
class SearchChoice:
    """What the user did in the saved searches: apply, save, rename or delete one."""

    action: str  # "apply", "save", "rename", "delete"
    name: str = ""
    query: str = ""


class SavedSearchesScreen(Dialog[SearchChoice | None]):
    """The saved searches with their counts (filled in as they come); Enter applies one."""

    FOCUS = "OptionList"

    BINDINGS = [
        Binding("escape,q", "cancel", _("Close"), id="searches.close"),
        Binding("a", "save", _("Save the current filter"), id="searches.save"),
        Binding("r", "rename", _("Rename"), id="searches.rename"),
        Binding("d,delete", "delete", _("Delete"), id="searches.delete"),
    ]

    def __init__(self, searches: Sequence[tuple[str, str]], current: str) -> None:
        super().__init__()
        self.searches = list(searches)
        self.current = current
        self.counts: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="searches-box", classes="dialog-box list-box") as box:
            box.border_title = _("Saved searches")
            box.border_subtitle = _("Enter applies · a saves the filter · r renames · d deletes · Esc")
            if not self.searches:
                yield Static(
                    _("No saved searches yet: press a to save the current filter."), classes="dialog-label"
                )
            yield Options(*[self._option(name, query) for name, query in self.searches], id="search-options")

    def _option(self, name: str, query: str) -> Option:
        count = self.counts.get(name)
        shown = "…" if count is None else number(count, current_language())
        text = Text(f"{visible_line(name)}  ({shown})  ")
        text.append(visible_line(query), style="italic")
        return Option(text, id=name)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0  # j and k move from the first, which shows where the cursor is

    def show_counts(self, counts: dict[str, int]) -> None:
        """The live counts, found by the main screen in a thread."""
        self.counts.update(counts)
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([self._option(name, query) for name, query in self.searches])
        if highlighted is not None and self.searches:
            options.highlighted = min(highlighted, len(self.searches) - 1)

    def _selected(self) -> tuple[str, str] | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.searches):
            return None
        return self.searches[index]

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name, query = self.searches[event.option_index]
        self.dismiss(SearchChoice("apply", name, query))

    def action_save(self) -> None:
        self.dismiss(SearchChoice("save", query=self.current))

    def action_rename(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.dismiss(SearchChoice("rename", *selected))

    def action_delete(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.dismiss(SearchChoice("delete", *selected))

    def action_cancel(self) -> None:
        self.dismiss(None)


class BulkScreen(OptionChoice):
    """What to do to every article the filter shows; the next step says how many and asks."""

    BINDINGS = [Binding("escape,q", "cancel", _("Cancel"), id="bulk.cancel")]

    def __init__(self, actions: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.actions = list(actions)

    def compose(self) -> ComposeResult:
        with Vertical(id="bulk-box", classes="dialog-box") as box:
            box.border_title = _("Act on every article shown")
            box.border_subtitle = _("Enter chooses · Esc to cancel")
            yield Options(
                *[Option(Text(label), id=action) for action, label in self.actions], id="bulk-options"
            )


class ConfirmScreen(Dialog[bool]):
    """Ask before acting on many articles: y or Enter goes ahead, n or Esc does not."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", _("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", _("No"), id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog-box") as box:
            box.border_title = _("Are you sure?")
            box.border_subtitle = _("y / Enter: yes · n / Esc: no")
            yield Static(Text(self.question))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
