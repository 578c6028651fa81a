"""Screens: the main one (list, reader, filter) and the dialogs over it."""
