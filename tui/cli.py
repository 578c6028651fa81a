"""Command line: open the app, or list matching articles for pipes and scripts."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import hashlib
import json
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tui.article import Problem, as_written, utf8_size
from tui.config import LANGS, load_settings
from tui.export import (
    FORMATS,
    Annotate,
    annotations_from,
    export_articles,
    file_annotations,
    format_for,
    with_groups,
    write_articles,
)
from tui.facets import as_record, as_text, facets
from tui.formatting import VisibleWriter, display_path, long_date, short_date, size, visible_line
from tui.i18n import _, current_language, ngettext, set_language
from tui.library import Library, Row
from tui.library.interface import LibraryLike
from tui.listing import Listing
from tui.marks import Marks
from tui.query import parse
from tui.state import ReadingState, default_state_path
from tui.sync import bundled_seeds, sync
from tui.web import add_library_option, served_child

if TYPE_CHECKING:
    from tui.app import KlipingApp

CRASHED = 70  # EX_SOFTWARE: an internal error, as sysexits.h has it
EXIT_GRACE_SECONDS = 3.0  # after SIGTERM or SIGHUP, the app's time to quit before the process ends anyway
_ENDING_THREAD = "kliping-end-anyway"


def package_version() -> str:
    try:
        return version("kliping")
    except PackageNotFoundError:
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the language of this run (set it first, with argparse's own words)."""
    parser = argparse.ArgumentParser(
        prog="kliping",
        description=_(
            "Browse, filter and read saved articles (.txt .md .html .jsonl .json) "
            "from the keyboard. With no PATH, opens the bundled sample collection."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=_("folders or files to open"))
    parser.add_argument("--filter", metavar="QUERY", default="", help=_("start with this filter"))
    parser.add_argument("--list", action="store_true", help=_("print the matching articles and exit (no UI)"))
    parser.add_argument(
        "--json", action="store_true", help=_("with --list: print JSON Lines (= --format jsonl)")
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help=_("with --list: write the articles as JSON Lines, CSV or Markdown"),
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=_("with --list: write to FILE (atomically) instead of stdout"),
    )
    parser.add_argument(
        "--stats",
        action="store_true",
        help=_("with --list: count what the filter shows (sources, years, months, tags, a timeline)"),
    )
    parser.add_argument(
        "--dedupe",
        action="store_true",
        help=_("with --list: one article of each group of near-duplicates (the filter's -is:dup)"),
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help=_("with --list: print each article as plain text (title, details, body), for screen readers"),
    )
    parser.add_argument(
        "--lang", choices=LANGS, help=_("language of the interface (default: from the locale)")
    )
    parser.add_argument("--no-cache", action="store_true", help=_("do not read or write the on-disk cache"))
    add_library_option(parser)
    parser.add_argument(
        "--version",
        action="version",
        version=f"kliping {package_version()}",
        help=_("show the version and exit"),
    )
    return parser


def _argparse_messages() -> dict[str, str]:
    """argparse's own words that a user of kliping can meet, in the language of this run."""
    return {
        "usage: ": _("usage: "),
        "positional arguments": _("positional arguments"),
        "options": _("options"),
        "show this help message and exit": _("show this help message and exit"),
        "%(prog)s: error: %(message)s\n": _("%(prog)s: error: %(message)s\n"),
        "argument %(argument_name)s: %(message)s": _("argument %(argument_name)s: %(message)s"),
        "unrecognized arguments: %s": _("unrecognized arguments: %s"),
        "the following arguments are required: %s": _("the following arguments are required: %s"),
        "expected one argument": _("expected one argument"),
        "ambiguous option: %(option)s could match %(matches)s": _(
            "ambiguous option: %(option)s could match %(matches)s"
        ),
        "ignored explicit argument %r": _("ignored explicit argument %r"),
        "invalid choice: %(value)r (choose from %(choices)s)": _(
            "invalid choice: %(value)r (choose from %(choices)s)"
        ),
        "invalid %(type)s value: %(value)r": _("invalid %(type)s value: %(value)r"),
    }


@contextlib.contextmanager
def _argparse_translated() -> Iterator[None]:
    """argparse asks gettext's default domain, which kliping does not use: point it at ours meanwhile."""
    table = _argparse_messages()
    saved = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda message: table.get(message, message)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = saved  # type: ignore[attr-defined]


def _lang_in(argv: Sequence[str]) -> str | None:
    """The --lang asked for, read before parsing, so that the help and the errors are in it."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else arg.removeprefix("--lang=")
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGS:
            return value
    return None


def _without_lang(argv: list[str]) -> list[str]:
    """The arguments without a leading --lang (already applied), so `kliping --lang id sync` syncs."""
    if argv[:1] == ["--lang"] and len(argv) > 1:
        return argv[2:]
    if argv[:1] and argv[0].startswith("--lang="):
        return argv[1:]
    return argv


def cache_file(paths: Sequence[str]) -> Path:
    """One cache per set of opened paths, in the platform's cache folder."""
    from platformdirs import user_cache_dir

    key = "\n".join(sorted(os.path.abspath(p) for p in paths))
    digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    folder = Path(user_cache_dir("kliping", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"library-{digest}.sqlite3"


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Before tui.app is imported: its key bindings take their labels from the language at import time.
    set_language(_lang_in(argv) or load_settings()[0].lang)
    with _argparse_translated():
        command = _without_lang(argv)
        if command[:1] == ["sync"]:  # `kliping [--lang id] sync --library URL PATH...` (a folder: ./sync)
            from tui.cli_team import sync_command

            return sync_command(command[1:])
        return _run(argv)


def _run(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:  # a folder named "serve" opens as ./serve
        from tui.web import serve_main

        return serve_main(argv[1:], default_paths=[str(bundled_seeds())])
    parser = build_parser()
    args = parser.parse_args(argv)
    # argparse drops a value of exactly "--" (`--filter=--` gives []): take it as typed.
    for option in ("filter", "output"):
        if isinstance(getattr(args, option), list):
            setattr(args, option, "--")
    if (args.json or args.plain or args.format or args.output or args.dedupe or args.stats) and not args.list:
        parser.error(_("--json, --plain, --format, --output, --dedupe and --stats go with --list"))
    if sum(bool(x) for x in (args.json, args.plain, args.format)) > 1:
        parser.error(_("choose one of --json, --plain and --format"))
    if args.output and args.plain:
        message = _("--plain prints to the screen; write a file with --format or an --output name's ending")
        parser.error(message)
    named = format_for(args.output) if args.output else None
    asked = "jsonl" if args.json else args.format
    if named and asked and named != asked:  # `--json -o x.csv`: the two say different things
        parser.error(
            _("--output {path} names the {named} format but {asked} was asked; choose one").format(
                path=args.output, named=named, asked=asked
            )
        )
    if args.output and not (args.format or args.json):
        args.format = named
        if args.format is None:
            parser.error(_("say --format, or end the --output name with .jsonl, .csv or .md"))
    from tui.cli_team import library_url, open_team_library

    url = library_url(args.library)
    if url and args.paths:
        parser.error(
            _("--library opens the team library alone; bring PATH into it with kliping sync --library")
        )
    paths = [] if url else [str(p) for p in args.paths] or [str(bundled_seeds())]
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        parser.error(_("no such file or folder: {path}").format(path=missing[0]))
    terminal = _is_terminal(sys.stdin) and _is_terminal(sys.stdout)
    if not args.list and not terminal and not served_child():
        # The app reads keys from a terminal and draws on one: on a pipe it would wait unseen.
        message = _("the app needs a terminal on stdin and stdout; for pipes and scripts use --list")
        print("kliping: " + message, file=sys.stderr)
        return 2
    team: LibraryLike | None = None
    if url:
        team = open_team_library(url)
        if team is None:
            return 2
    cache = None if args.no_cache or team is not None else _usable_cache(paths)
    if args.list:
        style = "jsonl" if args.json else args.format or ("plain" if args.plain else "lines")
        for stream in (sys.stdout, sys.stderr):
            # A terminal or pipe that cannot show a character gets a replacement, not a traceback.
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="replace")
        try:
            return list_articles(
                paths,
                args.filter,
                style=style,
                cache=cache,
                output=args.output,
                library=team,
                dedupe=args.dedupe,
                stats=args.stats,
            )
        except KeyboardInterrupt:  # Ctrl+C: stop quietly, with the shell's status for it
            return 128 + signal.SIGINT
        except BrokenPipeError:
            # The reader of the pipe (head, less) has gone: stop quietly, as other tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
    # A higher frame rate cuts the keystroke-to-screen floor from ~40 ms to ~15 ms (docs/ARCHITECTURE.md).
    os.environ.setdefault("TEXTUAL_FPS", "240")
    # The folders are listed on the other core while Textual is imported and the cache read.
    listing = Listing.start(paths) if team is None else None
    try:
        from tui.app import KlipingApp

        crash_dir = (cache.parent if cache is not None else Path(tempfile.gettempdir())) / "crashes"
        app = KlipingApp(
            paths,
            filter_text=args.filter,
            cache=cache,
            tune_gc=True,
            crash_dir=crash_dir,
            watch_files=True,  # folders, or a team library's changes (LISTEN/NOTIFY)
            listing=listing,
            library=team,
        )
        _exit_cleanly_on_signals(app)
        app.run()
    finally:
        if listing is not None:
            listing.close()  # taken by the first load, or not wanted: the child is gone either way
    if app.crash_log is not None:
        # The terminal is restored by now; the traceback is in the log, not over the user's screen.
        if not served_child():  # served, the app said it at once (KlipingApp._handle_exception)
            print("kliping: " + app.crash_notice(), file=sys.stderr)
        return CRASHED
    return app.return_code or 0


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def _exit_cleanly_on_signals(app: KlipingApp) -> None:
    """SIGTERM or SIGHUP asks the app to quit as `q` does, so the terminal is handed back restored.

    Python runs the handler on the main thread between bytecodes, where the app's event loop
    runs: `call_soon_threadsafe` wakes the loop, which then exits the app in the ordinary way.
    """

    def handler(signum: int, _frame: object) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not started yet, or gone: nothing on the screen to restore
            raise SystemExit(128 + signum) from None
        loop.call_soon_threadsafe(partial(app.exit, return_code=128 + signum))
        _end_anyway_after(EXIT_GRACE_SECONDS, 128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)


def _end_anyway_after(seconds: float, status: int) -> None:
    """End the process if the app has not quit by then.

    With its terminal gone (a closed window: SIGHUP), quitting could hang for good: Textual's
    last writes, which restore the terminal's modes, waited on an output thread that had
    stopped. The process stayed, its listing child too. What kliping keeps (the cache, the
    reading state) is written in SQLite transactions, so ending here loses nothing written.
    """
    if any(thread.name == _ENDING_THREAD for thread in threading.enumerate()):
        return  # a second signal: the first one's timer is running
    timer = threading.Timer(seconds, os._exit, args=(status,))
    timer.name = _ENDING_THREAD
    timer.daemon = True
    timer.start()


def _usable_cache(paths: Sequence[str]) -> Path | None:
    try:
        return cache_file(paths)
    except OSError as error:
        print("kliping: " + _("cache disabled: {reason}").format(reason=error), file=sys.stderr)
        return None


def list_articles(
    paths: Sequence[str],
    filter_text: str,
    *,
    style: str,
    cache: Path | None,
    output: str | None = None,
    library: LibraryLike | None = None,
    dedupe: bool = False,
    stats: bool = False,
) -> int:
    """`--list`: the articles of the folders (through the cache), or of a team library when given;
    with `dedupe`, one of each group of near-duplicates (as the filter's -is:dup)."""
    if library is None:
        library = Library(cache, duplicates_at=load_settings()[0].duplicates)
    if library.notice:
        print(f"kliping: {library.notice}", file=sys.stderr)
    problems: list[Problem] = []
    for update in [] if library.shared else sync(library, paths):
        for notice in update.notices:  # said at once: e.g. the cache could not be written
            print(f"kliping: {notice}", file=sys.stderr)
        if update.removed:
            problems = [p for p in problems if p.path not in update.removed]
        problems.extend(update.problems)
    for problem in problems:
        print(f"kliping: {display_path(problem.path)}: {visible_line(problem.reason)}", file=sys.stderr)
    query = parse(filter_text)
    if dedupe:
        query = dataclasses.replace(query, without=query.without | {"dup"})
    if query.hint:
        print("kliping: " + _("filter: {hint}").format(hint=query.hint), file=sys.stderr)
    marks = _marks(library, create=query.uses_marks)
    flags = marks.flags(query) if query.uses_marks and marks is not None else None
    keys = library.search(query, flags=flags).keys
    for notice in library.take_notices():  # e.g. a team library keeps no near-duplicate groups
        print(f"kliping: {notice}", file=sys.stderr)
    if stats:
        every = {row.key: row for row in library.rows()}
        found = facets(keys, every, marks.tag_keys if marks is not None else None)
        if style == "jsonl":
            print(json.dumps(as_record(found), ensure_ascii=False))
        else:
            VisibleWriter(sys.stdout).write(as_text(found))
        library.close()
        return 0 if keys else 1
    annotate = annotations_from(marks) if marks is not None else file_annotations
    if style in FORMATS:
        annotate = with_groups(annotate, library.group_ids())
    # Text that reaches a terminal shows a file's control characters as escapes; JSON escapes them itself.
    out: TextIO = sys.stdout if style == "jsonl" else VisibleWriter(sys.stdout)  # type: ignore[assignment]
    if style in FORMATS:
        articles = (a for a in map(library.article, keys) if a is not None)
        if output is None:
            write_articles(articles, out, style, annotate)
        else:
            try:
                count = export_articles(articles, output, style, annotate)
            except OSError as error:
                print(f"kliping: {display_path(output)}: {error.strerror or error}", file=sys.stderr)
                return 2
            wrote = ngettext("wrote {count} article to {path}", "wrote {count} articles to {path}", count)
            print("kliping: " + wrote.format(count=count, path=display_path(output)), file=sys.stderr)
        library.close()
        return 0 if keys else 1
    rows = {row.key: row for row in library.rows()} if style == "lines" else {}
    for key in keys:
        if style == "plain":
            _print_plain(library, key, out, annotate)
        elif key in rows:
            _print_line(rows[key], out)
    library.close()
    return 0 if keys else 1


def _print_line(row: Row, out: TextIO) -> None:
    date = short_date(row.date, current_language()) or "-"
    source = visible_line(row.source or "-")
    out.write(f"{date:<11}  {source[:16]:<16}  {row.words:>6}  {visible_line(row.title)}\n")


def _print_plain(library: LibraryLike, key: int, out: TextIO, annotate: Annotate = file_annotations) -> None:
    """One article as linear text: no columns or boxes, so a screen reader reads it in order."""
    article = library.article(key)
    if article is None:
        return
    marks = annotate(article)
    lang = current_language()
    words = ngettext("{count} word", "{count} words", article.words).format(count=article.words)
    minutes = article.reading_minutes
    reading = ngettext("{count} min read", "{count} min read", minutes).format(count=minutes)
    details = [
        _("Date: {date}").format(date=long_date(article.date, lang)) if article.date else "",
        _("Source: {source}").format(source=article.source) if article.source else "",
        _("Place: {place}").format(place=article.place) if article.place else "",
        f"{words}, {reading}",
        _("Tags: {tags}").format(tags=", ".join(marks.tags)) if marks.tags else "",
        _("Starred") if marks.starred else "",
        _("Marked read") if marks.read else "",
    ]
    out.write(f"{visible_line(article.title)}\n")
    out.write(". ".join(part for part in details if part) + ".\n")
    out.write(_("File: {path}").format(path=display_path(article.path)) + "\n\n")
    out.write(as_written(article.text) + "\n\n")
    if article.links:  # what its "[N]" markers point to, listed as the reader lists them
        listed = "\n".join(f"[{n}] {visible_line(url)}" for n, url in enumerate(article.links, 1))
        out.write(_("Links") + "\n\n" + listed + "\n\n")
    if marks.note:
        out.write(_("Note") + "\n\n" + marks.note + "\n\n")
    if article.whole_bytes:
        cut = _("Only the first {kept} of this {whole} article is kept; the whole text is in {path}.")
        kept, whole = size(utf8_size(article.text), lang), size(article.whole_bytes, lang)
        out.write(cut.format(kept=kept, whole=whole, path=display_path(article.path)) + "\n\n")
    out.write("\n")


def _marks(library: LibraryLike, *, create: bool) -> Marks | None:
    """The reading state by key, for is:, tag:, note: on the command line and for what exports carry;
    None when there is no state file and the filter does not need one (nothing is created then)."""
    path = default_state_path()
    if not create and not path.exists() and not library.shared:
        return None
    state = library.reading_state(ReadingState(path if create or path.exists() else None))
    marks = Marks(state)
    marks.add_rows(library.rows())
    state.close()
    for notice in (state.notice, *state.take_notices()):  # said as the app says them: nothing silent
        if notice:
            print(f"kliping: {notice}", file=sys.stderr)
    return marks


if __name__ == "__main__":
    raise SystemExit(main())
