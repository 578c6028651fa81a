"""What the reader is given, found off the event loop and without Textual: the article under the
cursor, cleaned of its source's chrome, its raw file text when the raw view is on, where the reader
left it last time, and the words around its match for the match line.

The chrome of a source is learned once a run from up to 200 of its articles (tens of milliseconds,
once per source) and forgotten when the folders are read again: what repeats may have changed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from tui import chrome
from tui.article import Article
from tui.library.interface import LibraryLike
from tui.loader import raw_text
from tui.searching import Match, Searcher, match_of
from tui.session import Session
from tui.state import StateLike


@dataclass(frozen=True)
class Fetched:
    """An article as the reader shows it, and what goes with it."""

    article: Article | None
    raw: str | None  # the file's text, when the raw view is on
    raw_whole: int  # the file's whole size when only its first part is in `raw`
    position: float | None  # how far into it the reader got last time
    match: Match | None  # the words around its match, for the match line


class Fetcher:
    """Fetches what the reader shows, in any thread: one article at a time, its chrome learned once."""

    def __init__(self, library: LibraryLike, state: StateLike, session: Session, searcher: Searcher) -> None:
        self.library = library
        self.state = state
        self.session = session
        self.searcher = searcher
        self._chrome: dict[str, frozenset[str]] = {}  # learned page chrome by source, this run
        self._lock = threading.Lock()

    def fetch(self, key: int, raw: bool) -> Fetched:
        """The article under `key` (the answer's top one was fetched for its snippet already), its
        snippet (computed here once, never on the event loop: 84 ms for 512 KB), its raw text."""
        article = self.searcher.article(key)
        match = None
        if article is not None:
            text, query = self.session.query_text, self.session.query
            match = self.searcher.match_for(key, text) or match_of(
                article, query, text, key, self.searcher.snippet_width
            )
            article = chrome.cleaned(article, self.chrome_of(article))
        source, whole = raw_text(article) if article is not None and raw else (None, 0)
        position = self.state.position(article.digest) if article is not None else None
        return Fetched(article, source, whole, position, match)

    def chrome_of(self, article: Article) -> frozenset[str]:
        """What repeats across this article's source, learned once a run."""
        key = chrome.source_key(article.source, article.path)
        with self._lock:
            found = self._chrome.get(key)
        if found is None:
            found = chrome.learned(self.library.neighbours(article, longest=chrome.MAX_LENGTH))
            with self._lock:
                self._chrome[key] = found
        return found

    def forget(self) -> None:
        """The folders are read again: what repeats may have changed with the files."""
        with self._lock:
            self._chrome.clear()
