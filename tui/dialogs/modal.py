"""The dialogs' common ground: the keys typed right after the key that opened one reach it, in order.

A key reaches the app, which hands it to the focused widget; that widget's bindings are looked up
when the key has bubbled back up to the app. In a burst ("j t banjir Enter", a fast typist or a
slow SSH link) the keys after `t` were handed to the list before `t` had opened its dialog, and
`t` acted before `j` had moved the cursor. So a dialog's key acts as it arrives (a priority
binding), the app holds every key that comes after it (`HeldKeys`), the dialog opens once the keys
before it have been handled (`opens_dialog`), and the dialog takes the held keys once its widget
has focus (`Dialog`), each handled before the next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, ClassVar, TypeVar

from textual import events
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, ScreenResultType
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tui.i18n import _

STEP_SECONDS = 0.5  # a key replayed whose AfterKeys never comes back (its widget went): go on
OPENING_SECONDS = 3.0  # a dialog that never says it is open: the keys held go on after this


class AfterKeys(Message):
    """Sent to the focused widget, it bubbles up to the app behind the keys handed to that widget
    before it, so the app runs `then` once those keys have found their bindings."""

    def __init__(self, then: Callable[[], object]) -> None:
        super().__init__()
        self.then = then


class HeldKeys:
    """The keys the app holds while a dialog is on its way, handed on one by one once it is open."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._keys: list[events.Key] | None = None  # None: not holding
        self._opening = False  # a dialog is on its way: nothing is handed on until it is open
        self._step = 0  # counts the steps of handing on, so a late AfterKeys or timer is ignored

    def start(self) -> None:
        """A dialog's key has come: hold the keys after it (also those being handed on)."""
        self._opening = True
        if self._keys is None:
            self._keys = []
        step = self._step
        self.app.set_timer(OPENING_SECONDS, lambda: self._give_up(step))

    def _give_up(self, step: int) -> None:
        if self._opening and step == self._step:
            self.release()

    def hold(self, event: events.Event) -> bool:
        """Keep a key that has just reached the app, if holding (a key bubbling back up goes on)."""
        if self._keys is None or not isinstance(event, events.Key) or event.is_forwarded:
            return False
        self._keys.append(events.Key(event.key, event.character))
        return True

    def after_keys(self, then: Callable[[], object]) -> None:
        """Run `then` on the app once the keys already handed to the focused widget have been handled."""
        app = self.app
        (app.focused or app.screen).post_message(AfterKeys(then))

    def release(self, first: Sequence[events.Key] = ()) -> None:
        """The dialog is open (or did not open): hand the keys held on, `first` first, each binding
        key once the keys before it have been handled; keys typed meanwhile wait their turn."""
        self._opening = False
        if self._keys is None:
            self._keys = []
        self._keys[:0] = first
        self._step += 1
        self.app.call_later(self._next, self._step)

    async def _next(self, step: int) -> None:
        keys, app = self._keys, self.app
        if step != self._step or self._opening or keys is None:
            return  # gone on already, or a key opened another dialog, which will release them
        typing = isinstance(app.focused, (Input, TextArea))
        while typing and keys and keys[0].is_printable:  # text: into the widget's queue, in order
            await App.on_event(app, keys.pop(0))  # as if typed now, past the holding
            if self._opening:
                return  # that key opened a dialog (t, a, v...): the rest go to it once it is open
        if not keys:
            self._keys = None
            return
        # A key with a binding (Enter, Esc, Ctrl+S, Tab) waits for the keys before it.
        self._step += 1
        step = self._step
        self.after_keys(lambda: self._bound_key(step))
        app.set_timer(STEP_SECONDS, lambda: self._bound_key(step))

    async def _bound_key(self, step: int) -> None:
        keys = self._keys
        if step != self._step or self._opening or not keys:
            return  # already handed on (by its AfterKeys, or its timer)
        self._step += 1
        step = self._step
        await App.on_event(self.app, keys.pop(0))
        # What its binding posted (an input's Submitted, which closes the dialog) is handled before
        # the next key goes: two rounds, the second from the widget focused after the first.
        self.after_keys(lambda: self.after_keys(lambda: self._next(step)))
        self.app.set_timer(STEP_SECONDS, lambda: self._next(step))


def held_keys(app: App[Any]) -> HeldKeys | None:
    found = getattr(app, "held_keys", None)
    return found if isinstance(found, HeldKeys) else None


Action = TypeVar("Action", bound=Callable[..., None])


def opens_dialog(action: Action) -> Action:
    """An action that opens a dialog: the keys after its key are held, and it opens once the keys
    before it (already handed to the focused widget) have been handled."""

    @wraps(action)
    def run(self: Widget, *args: object) -> None:
        held = held_keys(self.app)
        if held is None:
            action(self, *args)
            return
        held.start()

        def open_it() -> None:
            try:
                action(self, *args)
            finally:
                if not isinstance(self.app.screen, Dialog):  # it said why not: the keys go on
                    held.release()

        held.after_keys(open_it)

    return run  # type: ignore[return-value]


class Dialog(ModalScreen[ScreenResultType]):
    """A modal screen that keeps the keys that come before it is ready, and then takes them in order.

    Until the app has run `_ready` (a callback queued behind the keys already on their way), every
    key is kept (and the dialog's own bindings wait too: Esc must not close it before the keys
    typed ahead of it); then `FOCUS` takes the focus, and the keys kept go through the app.
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

    _dismissed = False

    def after_typed(self, widget: Widget, then: Callable[[], object]) -> None:
        """Run `then`, a priority key's action that reads what was typed, once the keys typed before
        that key have reached `widget`: the key acts as it reaches the app, ahead of the letters still
        on their way ("catatan" then Ctrl+S in one burst kept "cat"). The keys after it wait."""
        held = held_keys(self.app)
        if held is not None:
            held.start()

        def run() -> None:
            try:
                then()
            finally:
                if held is not None and not self._dismissed:  # a dismissal hands them on itself
                    held.release()

        widget.call_later(run)

    def dismiss(self, result: ScreenResultType | None = None) -> AwaitComplete:
        """Keys after the one that closes a dialog wait until what its answer does is done: it may
        open another dialog (a saved search's name), which takes them."""
        self._dismissed = True
        held = held_keys(self.app)
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if held is not None and below is not None and self.is_current:
            held.start()

            def after() -> None:
                screen = self.app.screen
                if not (isinstance(screen, Dialog) and not screen._taking_keys):
                    held.release()  # no dialog on its way

            below.call_after_refresh(after)
        return super().dismiss(result)

    async def _ready(self) -> None:
        target: Widget = self
        if self.FOCUS is not None:
            target = self.query_one(self.FOCUS)
            self.set_focus(target)
        self._taking_keys = True
        early, self._early = self._early, ()
        held = held_keys(self.app)
        if held is not None:
            held.release(early)
        else:
            for key in early:
                await self.app.on_event(key)


def scroll_bindings(name: str) -> list[Binding]:
    """j and k scroll a `ScrollingDialog`, as the binding ids `name.down` and `name.up`."""
    return [
        Binding("j", "scroll('down')", _("Down"), show=False, id=f"{name}.down"),
        Binding("k", "scroll('up')", _("Up"), show=False, id=f"{name}.up"),
    ]


class ScrollingDialog(Dialog[None]):
    """A dialog that is one scrollable box (its `FOCUS`, a VerticalScroll) to read and close."""

    def action_scroll(self, direction: str) -> None:
        assert self.FOCUS is not None
        box = self.query_one(self.FOCUS, VerticalScroll)
        if direction == "down":
            box.scroll_down(animate=False)
        else:
            box.scroll_up(animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
