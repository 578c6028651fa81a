"""The dialogs' common ground: the keys typed right after the key that opened one reach it, in order."""

from __future__ import annotations

import asyncio
import contextlib
from typing import ClassVar

from textual import events
from textual.screen import ModalScreen, ScreenResultType
from textual.widget import Widget

KEY_WAIT_SECONDS = 0.5  # at most, for a key kept to be taken (a widget gone never answers)


class Dialog(ModalScreen[ScreenResultType]):
    """A modal screen that keeps the keys that come before it is ready, and then takes them in order.

    The app hands a key to the focused widget, or to the screen when none is: keys typed in one
    burst after `t` ("t banjir Enter") reached the new screen before its input had focus, and
    were lost, while its own priority keys (Ctrl+S, Esc) acted before the keys typed ahead of them.
    Until the app has run `_ready` (a callback queued behind the keys already on their way), every
    key is kept; then `FOCUS` takes the focus, and the keys kept go through the app as if typed now.
    """

    FOCUS: ClassVar[str | None] = None  # the selector of the widget that takes the keys
    AUTO_FOCUS = ""  # focused by `_ready`, not before: a key must not get ahead of those kept

    _taking_keys = False
    _early: tuple[events.Key, ...] = ()  # keys that came before

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._taking_keys  # not yet: the key is kept with the others (see _forward_event)

    def _forward_event(self, event: events.Event) -> None:
        # The app forwards a key to the screen when nothing on it has focus (App.on_event).
        if isinstance(event, events.Key) and not self._taking_keys:
            self._early += (events.Key(event.key, event.character),)
            return
        super()._forward_event(event)

    def on_mount(self) -> None:
        self.app.call_later(self._ready)

    async def _ready(self) -> None:
        target: Widget = self
        if self.FOCUS is not None:
            target = self.query_one(self.FOCUS)
            self.set_focus(target)
        self._taking_keys = True
        early, self._early = self._early, ()
        for key in early:
            if not self.is_current:
                break  # a key kept closed it: the rest were typed for the screen below
            await self.app.on_event(key)
            # The widget has taken the key before the next one goes (Ctrl+S must find the text).
            taken = asyncio.Event()
            target.call_later(taken.set)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(taken.wait(), KEY_WAIT_SECONDS)
