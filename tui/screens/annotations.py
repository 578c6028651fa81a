"""What the keys for tags, notes, saved searches, citing and opening a URL do: a plain object the main
screen holds (its bindings are the screen's); the state is written through the app's queue."""

from __future__ import annotations

import os
import webbrowser
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.worker import get_current_worker

from tui import opening
from tui.article import Article
from tui.dialogs.annotations import (
    LinksScreen,
    NameScreen,
    NoteScreen,
    SavedSearchesScreen,
    SearchChoice,
    TagListScreen,
    TagsScreen,
)
from tui.export import citation
from tui.formatting import clipped, plain_line, visible_line
from tui.i18n import _
from tui.library import Row
from tui.library.interface import LibraryLike
from tui.opening import is_web_address
from tui.query import parse
from tui.session import Session

if TYPE_CHECKING:
    from tui.app import KlipingApp


class Annotations:
    """Tags, notes and saved searches of the main screen, and citing or opening the article's URL.

    Given the app, the session, the library and what it reads of the screen (the cursor's key, the
    reader's article); it hands a filter back with `apply_filter` and says that tags or a note
    changed with `changed` (the screen posts itself a message).
    """

    BINDINGS = [
        Binding(
            "t", "edit_tags", _("Tags"), show=False, priority=True, id="app.tags"
        ),  # the footer keeps ? Help at 80
        Binding("T", "tag_list", _("All tags, with counts"), show=False, priority=True, id="app.tag_list"),
        Binding("a", "edit_note", _("Note"), show=False, priority=True, id="app.note"),
        Binding("v", "saved_searches", _("Saved searches"), show=False, priority=True, id="app.searches"),
        Binding("c", "cite", _("Copy a citation"), show=False, id="app.cite"),
        Binding("w", "open_url", _("Open the URL in the browser"), show=False, id="app.browser"),
        Binding("l", "links", _("The article's links: open one"), show=False, id="app.links"),
    ]

    def __init__(
        self,
        app: KlipingApp,
        session: Session,
        library: LibraryLike,
        current_key: Callable[[], int | None],
        reading: Callable[[], Article | None],
        apply_filter: Callable[[str], None],
        changed: Callable[[], object],
    ) -> None:
        self.app = app
        self.session = session
        self.library = library
        self.current_key = current_key
        self.reading = reading
        self.apply_filter = apply_filter
        self.changed = changed
        self._searches: list[tuple[str, str]] | None = None

    def notify(self, message: str, **kwargs: Any) -> None:
        self.app.notify(message, **kwargs)

    def _current_row(self) -> Row | None:
        key = self.current_key()
        row = self.session.rows.get(key) if key is not None else None
        if row is None:
            self.notify(_("No article under the cursor."), severity="warning", markup=False)
        return row

    # -- tags ---------------------------------------------------------------------------------

    def edit_tags(self) -> None:
        row = self._current_row()
        if row is None:
            return
        marks = self.session.marks
        before = marks.tags_of(row)
        known = sorted(marks.tag_counts(), key=lambda tag: -marks.tag_counts()[tag])

        def chosen(tags: list[str] | None) -> None:
            if tags is None:
                return
            current = self.session.rows.get(row.key, row)
            for tag in before:
                if tag not in tags:
                    marks.set_tag(current, tag, False)
            for tag in tags:
                marks.set_tag(current, tag, True)
            self.changed()
            after = marks.tags_of(current)
            shown = ", ".join(after) if after else _("none")
            self.notify(_("Tags: {tags}").format(tags=visible_line(shown)), timeout=3, markup=False)

        self.app.push_screen(TagsScreen(row.title, before, known), chosen)

    def tag_list(self) -> None:
        def chosen(tag: str | None) -> None:
            if tag:
                words = tag.split()
                text = f'tag:"{tag}"' if len(words) > 1 else f"tag:{tag}"
                self.apply_filter(text)

        self.app.push_screen(TagListScreen(self.session.marks.tag_counts()), chosen)

    # -- notes --------------------------------------------------------------------------------

    def edit_note(self) -> None:
        row = self._current_row()
        if row is None:
            return
        marks = self.session.marks

        def chosen(note: str | None) -> None:
            if note is None:
                return
            marks.set_note(self.session.rows.get(row.key, row), note)
            self.changed()
            said = _("Note kept.") if note.strip() else _("Note deleted.")
            self.notify(said, timeout=2, markup=False)

        self.app.push_screen(NoteScreen(row.title, marks.note(row.digest)), chosen)

    # -- saved searches -----------------------------------------------------------------------

    @property
    def searches(self) -> list[tuple[str, str]]:
        """The saved searches, read once; changes are made here and written through the queue."""
        if self._searches is None:
            self._searches = self.app.state.searches()
        return self._searches

    def take_searches(self, searches: list[tuple[str, str]]) -> None:
        """The team's saved searches as its library has them now (another person changed them)."""
        self._searches = searches

    def saved_searches(self) -> None:
        screen = SavedSearchesScreen(self.searches, self.session.query_text.strip())
        self.app.push_screen(screen, self._search_chosen)
        count = partial(self._count_searches, screen, list(self.searches))
        self.app.run_worker(count, group="search-counts", thread=True, exclusive=True, exit_on_error=False)

    def _count_searches(self, screen: SavedSearchesScreen, searches: list[tuple[str, str]]) -> None:
        worker = get_current_worker()
        session = self.session
        counts: dict[str, int] = {}
        for name, text in searches:
            query = parse(text)
            flags = session.marks.flags(query) if query.uses_marks else None
            rows = session.rows
            counts[name] = sum(1 for key in self.library.search(query, flags=flags).keys if key in rows)
            if worker.is_cancelled:
                return
            self.app.call_from_thread(screen.show_counts, dict(counts))

    def _search_chosen(self, choice: SearchChoice | None) -> None:
        if choice is None:
            return
        state = self.app.state
        if choice.action == "apply":
            self.apply_filter(choice.query)
        elif choice.action == "save":
            self.save_search()
        elif choice.action == "rename":

            def renamed(name: str | None) -> None:
                if name and name != choice.name:
                    self._searches = [(n, q) for n, q in self.searches if n != name]
                    self._searches = [(name if n == choice.name else n, q) for n, q in self._searches]
                    self.app.writes(lambda: state.rename_search(choice.name, name))
                    self.notify(_("Renamed to {name}.").format(name=name), timeout=2, markup=False)
                self.app.call_after_refresh(self.saved_searches)

            what = _("A new name for the search {query}:").format(query=visible_line(choice.query))
            self.app.push_screen(NameScreen(_("Rename"), what, choice.name), renamed)
        elif choice.action == "delete":
            self._searches = [(n, q) for n, q in self.searches if n != choice.name]
            self.app.writes(lambda: state.delete_search(choice.name))
            deleted = _("Deleted the saved search {name}.").format(name=visible_line(choice.name))
            self.notify(deleted, timeout=3, markup=False)
            self.app.call_after_refresh(self.saved_searches)

    def save_search(self) -> None:
        text = self.session.query_text.strip()
        if not text:
            self.notify(_("Type a filter first: there is nothing to save."), severity="warning", markup=False)
            return
        state = self.app.state

        def named(name: str | None) -> None:
            if not name:
                return
            kept = dict(self.searches)
            kept[name] = text
            self._searches = list(kept.items())
            self.app.writes(lambda: state.save_search(name, text))
            self.notify(_("Saved the filter as {name}.").format(name=name), timeout=3, markup=False)

        what = _("A name for the filter {query}:").format(query=visible_line(text))
        self.app.push_screen(NameScreen(_("Save the filter"), what), named)

    # -- citing and opening -------------------------------------------------------------------

    def cite(self) -> None:
        article = self.reading()
        if article is None:
            self.notify(_("No article to cite."), severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(plain_line(citation(article, self.app.settings.cite)))
        title = clipped(visible_line(article.title), 40)
        self.notify(_("Copied a citation of “{title}”.").format(title=title), timeout=3, markup=False)

    def open_url(self) -> None:
        article = self.reading()
        if article is None:
            self.notify(_("No article to open."), severity="warning", markup=False)
            return
        if not article.url:
            self.notify(_("This article has no URL."), severity="warning", markup=False)
            return
        self.open_web_address(article.url)

    def links(self) -> None:
        article = self.reading()
        if article is None:
            self.notify(_("No article to open."), severity="warning", markup=False)
            return
        if not article.links:
            self.notify(_("This article has no links."), severity="warning", markup=False)
            return

        def chosen(number: str | None) -> None:
            if number:
                self.open_web_address(article.links[int(number) - 1])

        self.app.push_screen(LinksScreen(article.links), chosen)

    def open_web_address(self, url: str) -> None:
        """Open a URL in the browser (the reader's own tab when served on the web), only http(s)."""
        if not is_web_address(url):
            message = _("Not opened: {url} is not a web address (only http and https go to the browser).")
            shown = message.format(url=visible_line(url)[:200])
            self.notify(shown, severity="warning", timeout=8, markup=False)
            return
        if self.app.is_web:  # the reader's own browser, in a new tab; the server's would open unseen
            self.app.open_url(url)
            self._opened(url, True)
            return
        browser = opening.browser()
        if browser is None:
            self._opened(url, False)
        elif opening.wants_terminal(browser):
            try:
                with self.app.suspend():
                    opened = opening.open_address(browser, url)
            except SuspendNotSupported:
                opened = opening.open_address(browser, url)
            self.app.refresh()
            self._opened(url, opened)
        else:
            browse = partial(self._browse, browser, url)
            self.app.run_worker(browse, group="browser", thread=True, exit_on_error=False)

    def _browse(self, browser: webbrowser.BaseBrowser, url: str) -> None:
        """A graphical browser may take a while to start: never on the event loop."""
        opened = opening.open_address(browser, url)
        self.app.call_from_thread(self._opened, url, opened)

    def _opened(self, url: str, opened: bool) -> None:
        shown = visible_line(url)
        if opened:
            self.notify(_("Opened {url} in the browser.").format(url=shown), timeout=4, markup=False)
        elif os.environ.get("BROWSER"):
            message = _("$BROWSER could not open {url}").format(url=shown)
            self.notify(message, severity="warning", timeout=8, markup=False)
        else:
            message = _("No browser found: set $BROWSER. The URL is {url}").format(url=shown)
            self.notify(message, severity="warning", timeout=8, markup=False)

    def commands(self) -> list[SystemCommand]:
        """The palette's commands for tags, notes, searches, citing and opening."""
        return [
            SystemCommand(_("Tags: add or remove"), _("Tag the article under the cursor"), self.edit_tags),
            SystemCommand(
                _("Tags: list with counts"),
                _("Every tag in use; choose one to filter by it"),
                self.tag_list,
            ),
            SystemCommand(_("Note"), _("Write a note on the article under the cursor"), self.edit_note),
            SystemCommand(
                _("Saved searches"), _("Apply, rename or delete a saved filter"), self.saved_searches
            ),
            SystemCommand(_("Save the filter"), _("Name the current filter to use again"), self.save_search),
            SystemCommand(_("Cite"), _("Copy the article's title, source, date and URL"), self.cite),
            SystemCommand(_("Open the URL"), _("Open the article's URL in the browser"), self.open_url),
        ]
