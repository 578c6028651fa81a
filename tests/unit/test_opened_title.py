"""The list's title names what was opened, in words that are not the place: filter's."""

from __future__ import annotations

from tui.formatting import opened_title
from tui.i18n import set_language


def test_several_paths_are_not_called_places() -> None:
    """With place:"Jawa Tengah" typed, "Articles · 2 places" read as two places found."""
    assert opened_title(["/a", "/b"]) == "Articles · 2 folders and files"
    set_language("id")
    try:
        assert opened_title(["/a", "/b"]) == "Artikel · 2 folder dan berkas"
    finally:
        set_language("en")
