"""Textual's own command-palette entries, translated by their English text."""

from __future__ import annotations

from tui.i18n import _


def textual_words() -> dict[str, str]:
    """Textual's own palette entries, translated by their English text (any added later stay English)."""
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
