"""How a file's path is stored: absolute, so `c2k` and `/home/me/c2k` share one cache, and given
back as the user typed it this run, so lists and messages read as they always did."""

from __future__ import annotations

import os
from collections.abc import Iterable

_ESCAPED = "\ufffe"  # marks a path stored with its undecodable bytes spelled out


def _escape(path: str) -> str:
    """A path as SQLite can store it: file names may hold bytes that are not UTF-8 (surrogates)."""
    if path.isascii():
        return path
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return _ESCAPED + path.encode("utf-8", "surrogateescape").decode("latin-1")
    return path


def _unescape(stored: str) -> str:
    if stored.startswith(_ESCAPED):
        return stored[1:].encode("latin-1").decode("utf-8", "surrogateescape")
    return stored


class Paths:
    """Stored paths are absolute; shown paths start the way this run's folders were typed."""

    def __init__(self) -> None:
        self._roots: list[tuple[str, str, str]] = []  # (absolute root, its prefix with a separator, as typed)

    def typed_as(self, roots: Iterable[str | os.PathLike[str]]) -> None:
        """Give paths under these files and folders back in the form they were typed in."""
        self._roots = []
        for root in roots:
            typed = os.fspath(root)
            absolute = os.path.abspath(typed)
            if absolute != typed:
                prefix = absolute if absolute.endswith(os.sep) else absolute + os.sep
                self._roots.append((absolute, prefix, typed))

    def stored(self, path: str) -> str:
        return _escape(os.path.abspath(path))

    def shown(self, stored: str) -> str:
        """The path as the loader gives it this run (joined to its root as a folder walk joins it)."""
        path = _unescape(stored)
        for absolute, prefix, typed in self._roots:
            if path == absolute:
                return typed
            if path.startswith(prefix):
                return os.path.join(typed, path[len(prefix) :])
        return path
