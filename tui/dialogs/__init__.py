"""The app's dialogs (modal screens): help, problems, export, messages, tags, notes, saved searches,
bulk actions and questions. They are given what they show and hand back what was chosen; none
imports a screen or the app."""
