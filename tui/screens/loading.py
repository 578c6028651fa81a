"""Loading: the folders read into the session, read again when they change, and failures told.

The main screen builds on this; the rules of what the list shows are the session's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.widgets import ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from tui.i18n import _
from tui.library import Row
from tui.reading import Fetcher
from tui.screens.actions import ArticleActions
from tui.search import KNOWN_MOST, learn_stems, warm_up
from tui.sync import Update, sync
from tui.watcher import Watcher


class LoadingScreen(ArticleActions):
    """Reads the folders into the session and keeps it up to date with the disk."""

    paths: list[str]
    processes: int | None
    search_again: Callable[[], None]  # the main screen searches
    _reloading = False  # the folders are being read again
    _reload_pending = False  # a change came while they were: read them once more after
    watcher: Watcher  # the main screen's: the folders, watched off the event loop
    fetcher: Fetcher  # the main screen's: what the reader shows, with each source's chrome
    _reopen: int | None = None  # the article read last time, to put the cursor on once shown
    _reopened = False  # its row has come in (the cursor goes there once, at the first load)
    _asked = False  # the user asked for this reload (Ctrl+R): say what it found, even nothing
    # The cursor's article, whose file changed: its key until its new row comes, then the new key
    # until the list shows it. Meanwhile the reader keeps it and the cursor does not move.
    _following: int | None = None

    # -- loading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        worker = get_current_worker()
        warm_up()  # the stemmer, before the first filter is typed
        listing, self.kliping.listing = self.kliping.listing, None  # listed since launch: the first load's
        for update in sync(
            self.library,
            self.paths,
            processes=self.processes,
            should_stop=lambda: worker.is_cancelled,
            listing=listing,
        ):
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._take_update, update)
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

    @dataclass
    class Changed(Message):
        """The folders (or a shared library) changed: posted by the watcher's thread."""

    @on(Changed)
    def changed_outside(self, event: Changed) -> None:
        event.stop()
        self.reload()

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
        progress = self.query_one(ProgressBar)
        if not self._reloading:
            progress.update(total=max(1, update.total), progress=update.done)
        if applied.finished:
            if self._following is not None and self._following not in self.session.rows:
                self._stop_following()  # it did not come back (it cannot be read now, say)
            self.kliping.loaded()
            articles.groups = self.library.group_sizes()  # the faces' `×3` (tui.library.duplicates)
            articles.refresh_rows()
            progress.display = False
            self.watcher.resume()
            if self._reloading:
                self._reloaded()
        if applied.first_rows:
            articles.show(self.session.rows, applied.first_rows)
        if not self._reloading:
            self._reopen_last(update.rows)
        self._refresh_if_due()
        self._update_status()

    def _reopen_last(self, rows: Sequence[Row]) -> None:
        """The article read last time comes back under the cursor as soon as its row is in (at a
        warm start often with the first screenful), unless the user has moved on or filters.

        It used to wait for the end of the load: at 100k the cursor and the reader then moved
        once more, the last change on the screen of a warm start.
        """
        last, articles = self.kliping.settings.last, self.articles
        if self._reopened or not last or articles.moved or not self.session.query.is_empty:
            return
        key = next((row.key for row in rows if row.digest == last), None)
        if key is not None:
            self._reopened = True
            self._reopen = key  # if not shown yet, the main screen puts the cursor there when it is
            self._put_cursor_back()

    def _put_cursor_back(self) -> None:
        articles, key = self.articles, self._reopen
        if key is not None and not articles.moved and key in articles.keys:
            self._reopen = None
            articles.moved = True  # from here on the list keeps it, as if the user had gone there
            articles.cursor = articles.keys.index(key)

    def _keep_following(self, keys: Sequence[int], complete: bool) -> int | None:
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
        if added or gone:
            message = _("Updated from disk: {added} new or changed, {gone} gone.")
            self.notify(message.format(added=added, gone=gone), timeout=4, markup=False)
        elif self._asked:
            self.notify(_("The folders were read again: nothing changed."), timeout=3, markup=False)
        self._asked = False
        if self._reload_pending:
            self.reload()

    def _refresh_if_due(self) -> None:
        if self.session.refresh_due():
            self.search_again()

    def action_reload(self) -> None:
        self._asked = True
        self.notify(_("Reading the folders again…"), timeout=2, markup=False)
        self.reload()

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """A failure in the background is told in plain words; the app and what it loaded stay."""
        if event.state != WorkerState.ERROR:
            return
        what = {"load": _("Loading stopped")}.get(event.worker.name, _("A background task failed"))
        self.notify(f"{what}: {event.worker.error}", severity="error", timeout=15, markup=False)
        if event.worker.name == "load":
            self.session.stopped_loading()
            self.watcher.resume(catch_up=False)
            self.query_one(ProgressBar).display = False
            self._refresh_if_due()
            self._update_status()
