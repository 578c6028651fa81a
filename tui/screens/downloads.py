"""Exports offered to the browser as downloads, when the app is served (`kliping serve`)."""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App

from tui.article import Article
from tui.export import Annotate, write_articles

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MIME_TYPES = {"jsonl": "application/jsonl", "csv": "text/csv", "md": "text/markdown"}


def download_name(path: str, fmt: str) -> str:
    """A name the browser saves under: the last part of what was typed, in characters any system takes."""
    name = _UNSAFE_NAME.sub("_", Path(path).name).strip("._") or "kliping-export"
    return name if "." in name else f"{name}.{fmt}"


def deliver_export(
    app: App[Any], articles: Iterable[Article], path: str, fmt: str, annotate: Annotate
) -> tuple[int, str]:
    """Write the export to a nameless temporary file and hand it to the page as a download.

    The file is unlinked at once; the driver reads it in chunks as the browser asks and closes it.
    """
    name = download_name(path, fmt)
    handle = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 (the driver closes it once delivered)
    try:
        out = io.TextIOWrapper(handle, encoding="utf-8", newline="", errors="backslashreplace")
        count = write_articles(articles, out, fmt, annotate)
        out.flush()
        out.detach()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    app.call_from_thread(
        app.deliver_binary, handle, save_filename=name, mime_type=MIME_TYPES.get(fmt, "text/plain")
    )
    return count, name
