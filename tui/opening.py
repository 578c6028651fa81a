"""Opening things outside kliping: a file in the user's editor (else their pager), an address in
their browser. The screens only hand the terminal over (Textual's suspend) around what is here."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import webbrowser
from urllib.parse import urlsplit

# Programs known to read "--" as the end of their options (getopt, Go's flag, their own parsers:
# vim and vi, nano, emacs, less, util-linux more, micro). Any other might open a file named "--",
# so it gets the absolute path alone, which already never reads as an option ("-") or, in vi and
# emacs, as a command ("+").
ENDS_OPTIONS = frozenset(
    {"vi", "vim", "nvim", "view", "gvim", "nano", "rnano", "emacs", "emacsclient", "less", "more", "micro"}
)


def editor_command(path: str) -> list[str] | None:
    """The user's editor (or pager) with the file, split as a shell would split the variable.

    The file is given by its absolute path, after "--" where the program takes it: a file named
    `+:!touch x` ran a command in vim, and one named `-V` was an option to less.
    """
    target = os.path.abspath(path)
    for variable in ("VISUAL", "EDITOR", "PAGER"):
        value = os.environ.get(variable, "").strip()
        if value:
            try:
                program = shlex.split(value) or [value]
            except ValueError:
                program = [value]
            return [*program, *_end_of_options(program[0]), target]
    for fallback in ("less", "more"):
        found = shutil.which(fallback)
        if found:
            return [found, "--", target]
    return None


def _end_of_options(program: str) -> list[str]:
    name = os.path.basename(program).split(".")[0]  # vim.basic, vim.tiny: Debian's names for vim
    return ["--"] if name in ENDS_OPTIONS else []


def can_start(command: list[str]) -> bool:
    """Whether the command's program exists and may be run: checked before the terminal is handed
    over, since a program that cannot start left the app suspended on a blank screen."""
    return shutil.which(command[0]) is not None


def is_web_address(url: str) -> bool:
    """Whether the browser may be given this address: http(s) only, since `javascript:`, `data:` and
    `file:` ones run or read things, and one starting with "-" is an option to the browser program."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed address ("http://[::1")
        return False
    web = parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
    return web and not any(char.isspace() for char in url)


def run(command: list[str]) -> Exception | None:
    """Run the editor on the terminal (the app has handed it over); what stopped it from running."""
    try:
        subprocess.run(command, check=False)
    except (OSError, ValueError) as error:
        return error
    return None


def browser() -> webbrowser.BaseBrowser | None:
    """The user's browser ($BROWSER, else what the platform has), or None when there is none."""
    try:
        return webbrowser.get()
    except webbrowser.Error:
        return None


def wants_terminal(found: webbrowser.BaseBrowser) -> bool:
    """A program from $BROWSER or a text browser (lynx, w3m) may want the terminal: it is handed over.
    A graphical one may take a while to start: it is started off the event loop."""
    return type(found) is webbrowser.GenericBrowser


def open_address(found: webbrowser.BaseBrowser, url: str) -> bool:
    """Give the browser the address (checked with is_web_address first); whether it took it."""
    try:
        return bool(found.open(url))
    except (webbrowser.Error, OSError):
        return False
