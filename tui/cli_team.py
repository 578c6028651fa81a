"""The team library on the command line: `kliping sync --library URL PATH...`, and opening one.

The sync runs the same loader as the app (`tui.sync.sync`: the same parsing, parse processes
from 1,500 files on, batches bounded by count and bytes) into a `PgLibrary`, which writes each
batch in one transaction: a kill loses nothing committed, and the next sync skips what is there.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.config import LANGS
from tui.formatting import display_path, visible_line
from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from tui.library.pg import PgLibrary


def library_url(given: str | None) -> str | None:
    """The library asked for: --library, else `library = "postgresql://..."` in the config."""
    if given:
        return given
    from tui.config import load_settings

    return load_settings()[0].library


def open_team_library(url: str, *, syncing: bool = False) -> PgLibrary | None:
    """The library at `url`, or None after saying on stderr why not (never with its password)."""
    try:
        from tui.library.pg import LibraryError, PgLibrary
    except ImportError:
        message = _("a team library needs psycopg: pip install 'kliping[postgres]'")
        print("kliping: " + message, file=sys.stderr)
        return None
    try:
        return PgLibrary(url, syncing=syncing)
    except LibraryError as error:
        print(f"kliping: {error}", file=sys.stderr)
        return None


def sync_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kliping sync",
        description=_(
            "Bring folders and exports into a team library on PostgreSQL: only files new or changed "
            "since the last sync are read, in batches; a sync cut short goes on where it stopped."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help=_("folders or files to bring in"))
    parser.add_argument("--lang", choices=LANGS, help=argparse.SUPPRESS)  # read before parsing (cli._lang_in)
    parser.add_argument(
        "--library",
        metavar="URL",
        help=_("the library, e.g. postgresql://host/db (default: library in the config)"),
    )
    return parser


def sync_command(argv: Sequence[str]) -> int:
    """`kliping sync --library URL PATH...`: exit 0 when done, 2 when it could not start."""
    from tui.library.pg_carry import carry_local_marks
    from tui.sync import sync

    parser = sync_parser()
    args = parser.parse_args(list(argv))
    url = library_url(args.library)
    if not url:
        parser.error(_("say which library: --library postgresql://host/db, or library = ... in the config"))
    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        parser.error(_("no such file or folder: {path}").format(path=missing[0]))
    library = open_team_library(url, syncing=True)
    if library is None:
        return 2
    started = time.perf_counter()
    problems = 0
    total = 0
    articles = 0
    try:
        with _Progress() as progress:
            steps = {
                "common": _("noting the common words, once"),
                "mentions": _("finding the places and acronyms, once"),
            }
            library.telling = lambda step, done, of: progress.stage(steps[step], done, of)
            bulk = False
            for update in sync(library, args.paths):
                for notice in update.notices:
                    progress.say(f"kliping: {notice}")
                for problem in update.problems:
                    problems += 1
                    progress.say(f"kliping: {display_path(problem.path)}: {visible_line(problem.reason)}")
                total = update.total or total
                progress.show(update.done, update.total)
                bulk = bulk or update.bulk
                if bulk and not update.finished and update.total and update.done >= update.total:
                    # A first sync's last batch: the word indexes are built and the near-copies
                    # grouped before the next update (minutes at a million articles).
                    progress.step(_("building the word indexes and finding the near-copies"))
                    bulk = False
        articles = library.article_count()
        carried = carry_local_marks(library)  # after the batches: one's own marks, once (pg_carry)
    except Exception as error:  # the server went away, refused a write...: said in one line
        import psycopg

        from tui.library.pg import LibraryError

        if not isinstance(error, LibraryError | psycopg.Error):
            raise
        print(
            "kliping: " + _("the sync stopped: {reason}").format(reason=_first_line(error)), file=sys.stderr
        )
        print("kliping: " + _("what was written stays; run the same sync again to go on"), file=sys.stderr)
        return 1
    finally:
        library.close()
    written = library.written
    summary = ngettext(
        "{total} file: {read} read ({same} of them the same inside), {skipped} unchanged, {gone} gone, "
        "{problems}; the library holds {articles} articles ({seconds:.1f} s)",
        "{total} files: {read} read ({same} of them the same inside), {skipped} unchanged, {gone} gone, "
        "{problems}; the library holds {articles} articles ({seconds:.1f} s)",
        total,
    ).format(
        total=total,
        read=written["files"],
        same=written["unchanged"],
        skipped=max(0, total - written["files"]),
        gone=written["forgotten"],
        problems=ngettext("{count} problem", "{count} problems", problems).format(count=problems),
        articles=articles,
        seconds=time.perf_counter() - started,
    )
    print("kliping: " + summary, file=sys.stderr)
    for line in carried.lines():
        print("kliping: " + line, file=sys.stderr)
    return 0


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class _Progress:
    """A progress bar on a terminal (Rich's), nothing on a pipe; messages print above it."""

    def __init__(self) -> None:
        self._bar: object = None
        self._task: object = None
        self._stage = ""  # the step stage() tells of
        self._staged: int | None = None  # its task on the bar

    def __enter__(self) -> _Progress:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            bar = Progress(
                TextColumn("kliping sync {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            bar.start()
            self._bar, self._task = bar, bar.add_task("", total=None)
        return self

    def show(self, done: int, total: int) -> None:
        from rich.progress import Progress

        if isinstance(self._bar, Progress):
            self._bar.update(self._task, completed=done, total=total or None)  # type: ignore[arg-type]

    def step(self, what: str) -> None:
        """A step after the files are in: the bar's label on a terminal, a line on a pipe."""
        from rich.progress import Progress

        if isinstance(self._bar, Progress):
            self._bar.update(self._task, description=what)  # type: ignore[arg-type]
        else:
            print(f"kliping: {what}", file=sys.stderr)

    def stage(self, what: str, done: int, total: int) -> None:
        """A step after the files are in that counts its own work: a bar of its own on a terminal
        (the files' bar again once it is done), a line said once on a pipe."""
        from rich.progress import Progress, TaskID

        bar = self._bar
        if not isinstance(bar, Progress):
            if what != self._stage:
                print(f"kliping: {what}", file=sys.stderr)
        elif what != self._stage:  # (its own task: the files' time left would be reckoned from theirs)
            if isinstance(self._staged, int):
                bar.remove_task(TaskID(self._staged))
            bar.update(self._task, visible=False)  # type: ignore[arg-type]
            self._staged = bar.add_task(what, total=total, completed=done)
        elif isinstance(self._staged, int):
            bar.update(TaskID(self._staged), completed=done, total=total)
        self._stage = what
        if isinstance(bar, Progress) and done >= total and isinstance(self._staged, int):
            bar.remove_task(TaskID(self._staged))
            bar.update(self._task, visible=True)  # type: ignore[arg-type]
            self._staged, self._stage = None, ""

    def say(self, line: str) -> None:
        from rich.progress import Progress

        if isinstance(self._bar, Progress):
            self._bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=sys.stderr)

    def __exit__(self, *exc: object) -> None:
        from rich.progress import Progress

        if isinstance(self._bar, Progress):
            self._bar.stop()
