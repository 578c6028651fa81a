"""Loading: the folders read into the session, read again when they change, and failures told.

A plain object the main screen holds; the rules of what the list shows are the session's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.widgets import ProgressBar
from textual.worker import get_current_worker

from tui.folding import Groups
from tui.i18n import _
from tui.library import Row
from tui.library.interface import LibraryLike
from tui.reading import Fetcher
from tui.search import KNOWN_MOST, learn_stems, warm_up
from tui.session import Session
from tui.sync import Update, in_pieces, sync
from tui.watcher import Watcher
from tui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from tui.app import KlipingApp


class Loading:
    """Reads the folders into the session and keeps it up to date with the disk.

    Given the app, the library, the session, the folders, the screen's watcher and fetcher, the list and
    the progress bar (the screen's widgets), where to run the `load` worker (the screen, which tells its
    failures) and callbacks: `update_status` and `search_again` (the list is due for the rows that came
    in).
    """

    BINDINGS = [
        Binding(
            "ctrl+r", "reload", _("Read the folders (or the team library) again"), show=False, id="app.reload"
        )
    ]

    def __init__(
        self,
        app: KlipingApp,
        library: LibraryLike,
        session: Session,
        paths: list[str],
        processes: int | None,
        watcher: Watcher,
        fetcher: Fetcher,
        articles: ArticleList,
        progress: ProgressBar,
        run_worker: Callable[..., object],
        update_status: Callable[[], None],
        search_again: Callable[[], None],
    ) -> None:
        self.app = app
        self.library = library
        self.session = session
        self.paths = paths
        self.processes = processes
        self.watcher = watcher  # the folders, watched off the event loop
        self.fetcher = fetcher  # what the reader shows, with each source's chrome
        self.articles = articles
        self.progress = progress
        self.run_worker = run_worker
        self._update_status = update_status
        self.search_again = search_again
        self._reloading = False  # the folders are being read again
        self._reload_pending = False  # a change came while they were: read them once more after
        self._reopen: int | None = None  # the article read last time, to put the cursor on once shown
        self._reopened = False  # its row has come in (the cursor goes there once, at the first load)
        self._asked = False  # the user asked for this reload (Ctrl+R): say what it found, even nothing
        # The cursor's article, whose file changed: its key until its new row comes, then the new key
        # until the list shows it. Meanwhile the reader keeps it and the cursor does not move.
        self._following: int | None = None

    def notify(self, message: str, **kwargs: Any) -> None:
        self.app.notify(message, **kwargs)

    # -- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the folders in the screen's `load` worker."""
        self.run_worker(
            self._load, name="load", group="load", thread=True, exclusive=True, exit_on_error=False
        )

    def _load(self) -> None:
        worker = get_current_worker()
        warm_up()  # the stemmer, before the first filter is typed
        listing, self.app.listing = self.app.listing, None  # listed since launch: the first load's
        for update in sync(
            self.library,
            self.paths,
            processes=self.processes,
            should_stop=lambda: worker.is_cancelled,
            listing=listing,
            again=self._reloading,
        ):
            for piece in in_pieces(update):  # (keys typed meanwhile are seen between them)
                if worker.is_cancelled:
                    return
                self.app.call_from_thread(self._take_update, piece)
        # Highlighting then needs no stemmer for the words the index knows (in this thread).
        learn_stems(self.library.stems(KNOWN_MOST))

    def reload(self) -> None:
        """Read the folders again: files changed on disk, the editor returned, or the user asked."""
        if self.session.loading:
            self._reload_pending = True  # after the load under way, which may have missed it
            return
        self._reloading = True
        self._reload_pending = False
        self.fetcher.forget()  # what repeats may have changed with the files
        self.session.reloading()
        self.load()
        self._update_status()

    def _take_update(self, update: Update) -> None:
        articles = self.articles
        for notice in update.notices:  # said once: e.g. the cache could not be written
            self.notify(notice, severity="warning", timeout=12, markup=False)
        current = articles.current_key
        row = self.session.rows.get(current) if current is not None else None
        applied = self.session.apply(update, shown_any=bool(articles.keys))
        if update.bulk:
            self.watcher.pause()
        if applied.removed:
            # The cursor's article whose file is still there was changed, and comes back with
            # its new row: the reader keeps it meanwhile (it used to follow the row that took
            # its place, and mark that one read).
            edited = row is not None and row.key in applied.removed and os.path.exists(row.path)
            if edited and row is not None:
                self._following = row.key
            articles.forget(applied.removed, quiet=edited)  # rows and keys handed to the list always agree
        if self._following is not None and self._following in applied.replaced:
            self._following = applied.replaced[self._following]
        progress = self.progress
        if not self._reloading:
            progress.update(total=max(1, update.total), progress=update.done)
        if applied.finished:
            if self._following is not None and self._following not in self.session.rows:
                self._stop_following()  # it did not come back (it cannot be read now, say)
            self.app.loaded()
            # Near-duplicate groups (tui.library.duplicates): folded into one row by the next search.
            self.session.groups = articles.groups = Groups.of(self.library.group_faces())
            articles.refresh_rows()
            progress.display = False
            self.watcher.resume()
            if self._reloading:
                self._reloaded()
        if applied.first_rows:
            articles.show(self.session.rows, applied.first_rows)
        if not self._reloading:
            self._reopen_last(update.rows)
        self.refresh_if_due()
        self._update_status()

    def _reopen_last(self, rows: Sequence[Row]) -> None:
        """The article read last time comes back under the cursor as soon as its row is in (at a
        warm start often with the first screenful), unless the user has moved on or filters.

        It used to wait for the end of the load: at 100k the cursor and the reader then moved
        once more, the last change on the screen of a warm start.
        """
        last, articles = self.app.settings.last, self.articles
        if self._reopened or not last or articles.moved or not self.session.query.is_empty:
            return
        key = next((row.key for row in rows if row.digest == last), None)
        if key is not None:
            self._reopened = True
            self._reopen = key  # if not shown yet, the main screen puts the cursor there when it is
            self.put_cursor_back()

    def put_cursor_back(self) -> None:
        articles, key = self.articles, self._reopen
        if key is not None and not articles.moved and key in articles.keys:
            self._reopen = None
            articles.moved = True  # from here on the list keeps it, as if the user had gone there
            articles.cursor = articles.keys.index(key)

    def keep_following(self, keys: Sequence[int], complete: bool) -> int | None:
        """The key the cursor must stay on for an answer while an edited article is followed: its
        new key once the answer has it, else the article under the cursor now (None: not following)."""
        following = self._following
        if following is None:
            return None
        if following in self.session.rows:  # its new row has come
            if following in keys:
                self._following = None
                return following
            if complete:  # the filter no longer finds it: the reader goes with the cursor
                self._stop_following()
        return self.articles.current_key

    def _stop_following(self) -> None:
        self._following = None
        articles = self.articles
        articles.post_message(articles.Highlighted(articles.current_key))

    def _reloaded(self) -> None:
        self._reloading = False
        added, gone = self.session.added, self.session.taken_back
        team = self.library.shared  # a team library reads no folders: the server is asked again
        if added or gone:
            if team:
                message = _("Updated from the server: {added} new or changed, {gone} gone.")
            else:
                message = _("Updated from disk: {added} new or changed, {gone} gone.")
            self.notify(message.format(added=added, gone=gone), timeout=4, markup=False)
        elif self._asked:
            if team:
                message = _("The team library was read again from the server: nothing changed.")
            else:
                message = _("The folders were read again: nothing changed.")
            self.notify(message, timeout=3, markup=False)
        self._asked = False
        if self._reload_pending:
            self.reload()

    def refresh_if_due(self) -> None:
        if self.session.refresh_due():
            self.search_again()

    def moved_on(self) -> None:
        """The user moved the cursor: an edited article no longer holds it."""
        self._following = None

    def reload_asked(self) -> None:
        """Ctrl+R: read the folders again and say what was found, even nothing."""
        self._asked = True
        if self.library.shared:
            message = _("Reading the team library again from the server…")
        else:
            message = _("Reading the folders again…")
        self.notify(message, timeout=2, markup=False)
        self.reload()

    def stopped(self) -> None:
        """The load failed (the screen told why): what it loaded stays, and watching goes on."""
        self.session.stopped_loading()
        self.watcher.resume(catch_up=False)
        self.progress.display = False
        self.refresh_if_due()
        self._update_status()
