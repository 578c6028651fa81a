"""A scroll view's virtual size, changed without a layout of the whole screen.

Textual's `virtual_size` reactive asks for a layout, and a layout of this screen re-renders every
widget on it: 10-15 ms at 120x40, on every keystroke (the list's answer changes its length, the
filter's text its width). For a widget whose own size does not change, the new virtual size
only moves its scrollbars; when a scrollbar appears or goes, Textual still lays the screen out.
The widget itself is not repainted: its callers do that when what it shows has changed.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget


def set_virtual_size(widget: Widget, size: Size) -> None:
    if size == widget.virtual_size:
        return
    widget.set_reactive(Widget.virtual_size, size)
    widget._scroll_update(size)  # scrollbars shown or hidden, sized, the scroll kept in range
