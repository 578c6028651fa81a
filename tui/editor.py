"""Which program opens a file for the user: their editor, else their pager."""

from __future__ import annotations

import os
import shlex
import shutil


def editor_command(path: str) -> list[str] | None:
    """The user's editor (or pager) with the file, split as a shell would split the variable."""
    for variable in ("VISUAL", "EDITOR", "PAGER"):
        value = os.environ.get(variable, "").strip()
        if value:
            try:
                return [*shlex.split(value), path]
            except ValueError:
                return [value, path]
    for fallback in ("less", "more"):
        found = shutil.which(fallback)
        if found:
            return [found, path]
    return None
