"""The main screen holds its action groups and gathers their keys: none is left out of the screen's
bindings (the footer, the help and the keymap), and each key's action is one the screen has."""

from __future__ import annotations

from textual.binding import Binding

from tui.screens.actions import ArticleActions
from tui.screens.annotations import Annotations
from tui.screens.bulk import Bulk
from tui.screens.collection import CollectionKeys
from tui.screens.following import Following
from tui.screens.loading import Loading
from tui.screens.main import MainScreen
from tui.screens.panes import Panes


def test_every_collaborator_key_is_the_screens() -> None:
    screen_ids = [b.id for b in MainScreen.BINDINGS if isinstance(b, Binding)]
    assert len(screen_ids) == len(set(screen_ids))
    for held in (ArticleActions, Loading, Annotations, Bulk, CollectionKeys, Following, Panes):
        for binding in held.BINDINGS:
            assert binding.id in screen_ids, binding.id
            action = binding.action.split("(")[0]
            assert callable(getattr(MainScreen, f"action_{action}", None)), action
