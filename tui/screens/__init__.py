"""Screens: the main one (the list, the reader, the filter bar); the dialogs over it are in tui.dialogs."""
