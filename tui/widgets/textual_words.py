"""Textual's own words (palette entries, key descriptions, toasts), translated by their English text.

Textual writes them in English; kliping shows them in the interface's language. A word Textual
adds later, or changes, stays in English rather than fail (a test lists the ones we know).
"""

from __future__ import annotations

import re

from textual.markup import escape

from tui.i18n import _


def palette_words() -> dict[str, str]:
    """Textual's own palette entries."""
    return {
        "Theme": _("Theme"),
        "Change the current theme": _("Change the current theme"),
        "Quit": _("Quit"),
        "Quit the application as soon as possible": _("Quit the application as soon as possible"),
        "Keys": _("Keys"),
        "Hide the keys and widget help panel": _("Hide the keys and widget help panel"),
        "Show help for the focused widget and a summary of available keys": _(
            "Show help for the focused widget and a summary of available keys"
        ),
        "Minimize": _("Minimize"),
        "Minimize the widget and restore to normal size": _("Minimize the widget and restore to normal size"),
        "Maximize": _("Maximize"),
        "Maximize the focused widget": _("Maximize the focused widget"),
        "Screenshot": _("Screenshot"),
        "Save an SVG 'screenshot' of the current screen": _("Save an SVG 'screenshot' of the current screen"),
    }


def binding_words() -> dict[str, str]:
    """The descriptions of Textual's own key bindings, as its Keys panel shows them."""
    return {
        "Quit": _("Quit"),
        "Focus Next": _("Next pane"),
        "Focus Previous": _("Previous pane"),
        "Copy selected text": _("Copy the selected text"),
        "Scroll Up": _("Scroll up"),
        "Scroll Down": _("Scroll down"),
        "Scroll Left": _("Scroll left"),
        "Scroll Right": _("Scroll right"),
        "Scroll Home": _("Scroll to the top"),
        "Scroll End": _("Scroll to the end"),
        "Page Up": _("Page up"),
        "Page Down": _("Page down"),
        "Page Left": _("Page left"),
        "Page Right": _("Page right"),
        "Up": _("Up"),
        "Down": _("Down"),
        "First": _("First"),
        "Last": _("Last"),
        "Select": _("Select"),
        "Submit": _("Submit"),
        # the filter bar (an Input)
        "Move cursor left": _("Cursor left"),
        "Move cursor right or accept the completion suggestion": _("Cursor right"),
        "Go to start": _("Cursor to the start"),
        "Go to end": _("Cursor to the end"),
        "Move cursor left and select": _("Select left"),
        "Move cursor right and select": _("Select right"),
        "Move cursor left a word": _("Cursor a word left"),
        "Move cursor right a word": _("Cursor a word right"),
        "Move cursor left a word and select": _("Select a word left"),
        "Move cursor right a word and select": _("Select a word right"),
        "Select all": _("Select all"),
        "Select line start": _("Select to the start"),
        "Select line end": _("Select to the end"),
        "Delete character left": _("Delete the character left"),
        "Delete character right": _("Delete the character right"),
        "Delete left to start of word": _("Delete the word left"),
        "Delete right to start of word": _("Delete the word right"),
        "Delete all to the left": _("Delete all to the left"),
        "Delete all to the right": _("Delete all to the right"),
        "Cut selected text": _("Cut the selected text"),
        "Paste text from the clipboard": _("Paste"),
        # the note editor (a TextArea)
        "Cursor up": _("Cursor up"),
        "Cursor down": _("Cursor down"),
        "Cursor left": _("Cursor left"),
        "Cursor right": _("Cursor right"),
        "Cursor line start": _("Cursor to the start"),
        "Cursor line end": _("Cursor to the end"),
        "Cursor page up": _("Page up"),
        "Cursor page down": _("Page down"),
        "Cursor word left": _("Cursor a word left"),
        "Cursor word right": _("Cursor a word right"),
        "Cursor left word select": _("Select a word left"),
        "Cursor right word select": _("Select a word right"),
        "Cursor line start select": _("Select to the start"),
        "Cursor line end select": _("Select to the end"),
        "Cursor up select": _("Select up"),
        "Cursor down select": _("Select down"),
        "Cursor left select": _("Select left"),
        "Cursor right select": _("Select right"),
        "Select line": _("Select the line"),
        "Cut": _("Cut the selected text"),
        "Copy": _("Copy the selected text"),
        "Paste": _("Paste"),
        "Delete to line start": _("Delete to the start of the line"),
        "Delete to line end": _("Delete to the end of the line"),
        "Delete line": _("Delete the line"),
        "Undo": _("Undo"),
        "Redo": _("Redo"),
    }


_SAVED_TO = re.compile(r"Saved screenshot to \[\$text-success\](?P<path>.*)", re.DOTALL)
_PRESS_TO_QUIT = re.compile(r"Press \[b\](?P<key>[^\[]*)\[/b\] to quit the app")


def toast(message: str, title: str) -> tuple[str, str]:
    """Textual's own notifications (the screenshot, how to quit) in the interface's language.

    Textual's messages are markup; the words that come from outside (a path, a key) are kept
    as they are, the rest is ours. Any other message is returned untouched.
    """
    titles = {
        "Screenshot": _("Screenshot"),
        "Do you want to quit?": _("Do you want to quit?"),
    }
    if message == "Saved screenshot":
        return _("Saved the screenshot"), titles.get(title, title)
    if message == "Failed to save screenshot":
        return _("Could not save the screenshot"), titles.get(title, title)
    if found := _SAVED_TO.fullmatch(message):
        words = _("Saved the screenshot to {path}").format(path="[$text-success]" + escape(found["path"]))
        return words, titles.get(title, title)
    if found := _PRESS_TO_QUIT.fullmatch(message):
        return _("Press {key} to quit").format(key=f"[b]{found['key']}[/b]"), titles.get(title, title)
    return message, title
