"""How a file's path is stored: absolute, so `c2k` and `/home/me/c2k` share one cache, and given
back as the user typed it this run, so lists and messages read as they always did."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

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
        # (absolute root, the same with a separator, as typed with one or "" for ".")
        self._roots: list[tuple[str, str, str]] = []

    def typed_as(self, roots: Iterable[str | os.PathLike[str]]) -> None:
        """Give paths under these files and folders back in the form the loader gives them.

        The loader's paths are pathlib's (`./c2k/` walks as `c2k/...`), and what follows the root
        in a stored path is already normal (no `.`, no `//`), so joining the two is plain text.
        """
        self._roots = []
        for root in roots:
            typed = str(Path(root))
            absolute = os.path.abspath(typed)
            if absolute != typed:
                prefix = absolute if absolute.endswith(os.sep) else absolute + os.sep
                joined = "" if typed == "." else typed if typed.endswith(os.sep) else typed + os.sep
                self._roots.append((absolute, prefix, joined))

    def stored(self, path: str) -> str:
        return _escape(os.path.abspath(path))

    def shown(self, stored: str) -> str:
        """The path as the loader gives it this run."""
        path = _unescape(stored) if stored.startswith(_ESCAPED) else stored  # (100k at a warm start)
        for absolute, prefix, joined in self._roots:
            if path.startswith(prefix):
                return joined + path[len(prefix) :]
            if path == absolute:
                return joined.rstrip(os.sep) or "."
        return path
