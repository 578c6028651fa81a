"""Settings that last: a small TOML file in the platform's config folder, read forgivingly.

Reading never fails: a file that cannot be read or parsed gives the defaults, and a bad value
resets only its own key; either way the message says which file and which line, so the user can
fix it. Writing changes only the keys the app changed, in the file as it is on disk then (the
user's comments and edits stay), never writes over a file that did not parse, and is atomic
(temporary file, fsync, rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import re
import secrets
import stat
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TextIO

import platformdirs
import tomlkit
import tomlkit.exceptions
import tomlkit.items

from tui.i18n import _

SORTS = ("relevance", "date", "title", "source", "words")  # the same as tui.library.SORTS (a test checks)
LANGS = ("en", "id")
READ_WHEN = ("opened", "rested")  # opened: Enter, [ ] and reading; rested: also 2 s on it in the list
CITE = ("plain", "markdown")  # how the cite key copies an article: a line of text, or a Markdown link
MEASURE_MIN = 40
MEASURE_MAX = 200


@dataclass
class Settings:
    """What a user chose last time, so the app opens the way they left it."""

    theme: str | None = None  # a Textual theme name, e.g. "textual-dark"; None = Textual's default
    sort: str = "relevance"  # one of SORTS
    reverse: bool = False
    measure: int = 80  # reading width in columns, MEASURE_MIN..MEASURE_MAX
    lang: str | None = None  # one of LANGS; None = from the locale
    keymap: dict[str, str] = field(default_factory=dict)  # Textual keymap: binding id -> keys
    read_when: str = "opened"  # one of READ_WHEN: when an article counts as read
    cite: str = "plain"  # one of CITE
    last: str | None = None  # the content digest of the article read last, reopened at start
    library: str | None = None  # a team library (postgresql://host/db) to open instead of folders


def default_config_path() -> Path:
    """Where settings live, so they follow the platform's conventions (XDG config dir on Linux)."""
    return Path(platformdirs.user_config_dir("kliping", appauthor=False)) / "config.toml"


# --- reading -----------------------------------------------------------------------------

_Problem = tuple[int | None, str]  # (line, what is wrong)
_PASSWORD = re.compile(r"://[^/?#@]*:[^/?#@]*@|password\s*=", re.IGNORECASE)

_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")
_HEADER = re.compile(r"^\s*\[\[?\s*(.*?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*="""
)
_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'""")


def _key_parts(text: str) -> tuple[str, ...]:
    parts: list[str] = []
    for part in _KEY_PART.findall(text):
        if part.startswith('"'):
            try:
                part = tomllib.loads(f"x = {part}")["x"]
            except tomllib.TOMLDecodeError:
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line each key is set on, found by a light scan, because tomllib does not say."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header and not _ASSIGN.match(line):
            table = _key_parts(header.group(1))
            for depth in range(1, len(table) + 1):
                lines.setdefault(table[:depth], number)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            key = table + _key_parts(assign.group(1))
            for depth in range(1, len(key) + 1):
                lines.setdefault(key[:depth], number)
    return lines


def _show(value: object) -> str:
    """A value as the user wrote it, short, so a message can quote it."""
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, str):
        shown = toml_string(value)
    elif isinstance(value, dict):
        shown = _("a table")
    elif isinstance(value, list):
        shown = _("a list")
    else:
        shown = str(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _flatten(table: dict[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    """Keymap entries with dotted ids, since `app.quit = "q"` unquoted is a nested table in TOML."""
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


def _line(line: int) -> str:
    return _("line {number}").format(number=line)


def _message(path: Path, problems: list[_Problem]) -> str:
    parts: list[str] = []
    for index, (line, what) in enumerate(problems):
        where = str(path) if index == 0 else ""
        if line is not None:
            where = f"{where} {_line(line)}".strip()
        parts.append(f"{where}: {what}" if where else what)
    return "; ".join(parts)


def _read(path: Path, data: dict[str, object], text: str) -> tuple[Settings, list[_Problem]]:
    """Take each known key that has a usable value; every other key keeps its default."""
    settings = Settings()
    lines = _key_lines(text)
    problems: list[_Problem] = []

    def bad(key: str, what: str, *sub: str) -> None:
        problems.append((lines.get((key, *sub)) or lines.get((key,)), what))

    for key, value in data.items():
        if key == "theme":
            if isinstance(value, str):
                settings.theme = value.strip() or None
            else:
                bad(
                    key,
                    _("theme must be a theme name in quotes, not {value} (using the default theme)").format(
                        value=_show(value)
                    ),
                )
        elif key == "sort":
            if isinstance(value, str) and value.strip().lower() in SORTS:
                settings.sort = value.strip().lower()
            else:
                bad(
                    key,
                    _("sort must be one of {sorts}, not {value} (using {default})").format(
                        sorts=", ".join(SORTS), value=_show(value), default=settings.sort
                    ),
                )
        elif key == "reverse":
            if isinstance(value, bool):
                settings.reverse = value
            else:
                bad(
                    key,
                    _("reverse must be true or false, not {value} (using false)").format(value=_show(value)),
                )
        elif key == "measure":
            if isinstance(value, int) and not isinstance(value, bool):
                settings.measure = min(MEASURE_MAX, max(MEASURE_MIN, value))
                if settings.measure != value:
                    bad(
                        key,
                        _("measure must be {low} to {high} columns (using {measure})").format(
                            low=MEASURE_MIN, high=MEASURE_MAX, measure=settings.measure
                        ),
                    )
            else:
                bad(
                    key,
                    _(
                        "measure must be a whole number of columns ({low} to {high}), "
                        "not {value} (using {measure})"
                    ).format(low=MEASURE_MIN, high=MEASURE_MAX, value=_show(value), measure=settings.measure),
                )
        elif key == "lang":
            if isinstance(value, str) and value.strip().lower() in LANGS:
                settings.lang = value.strip().lower()
            else:
                bad(
                    key,
                    _('lang must be "en" or "id", not {value} (using the system language)').format(
                        value=_show(value)
                    ),
                )
        elif key == "read_when":
            if isinstance(value, str) and value.strip().lower() in READ_WHEN:
                settings.read_when = value.strip().lower()
            else:
                bad(
                    key,
                    _("read_when must be one of {choices}, not {value} (using {default})").format(
                        choices=", ".join(READ_WHEN), value=_show(value), default=settings.read_when
                    ),
                )
        elif key == "last":
            if isinstance(value, str):
                settings.last = value.strip() or None  # kept by kliping: not worth a message if odd
        elif key == "cite":
            if isinstance(value, str) and value.strip().lower() in CITE:
                settings.cite = value.strip().lower()
            else:
                bad(
                    key,
                    _("cite must be one of {choices}, not {value} (using {default})").format(
                        choices=", ".join(CITE), value=_show(value), default=settings.cite
                    ),
                )
        elif key == "library":
            if isinstance(value, str) and not _PASSWORD.search(value):
                settings.library = value.strip() or None
            else:  # a password belongs in ~/.pgpass or PGPASSWORD, never in this file
                bad(key, _('library must be a URL in quotes without a password, e.g. "postgresql://host/db"'))
        elif key == "keymap":
            if not isinstance(value, dict):
                bad(
                    key,
                    _("keymap must be a table of binding ids and keys, not {value} (ignored)").format(
                        value=_show(value)
                    ),
                )
                continue
            for binding, keys in _flatten(value):
                if isinstance(keys, list) and keys and all(isinstance(k, str) for k in keys):
                    keys = ",".join(keys)
                if isinstance(keys, str) and keys.strip():
                    settings.keymap[binding] = keys.strip()
                else:
                    sub = tuple(binding.split("."))
                    line = lines.get((key, binding)) or lines.get((key, *sub)) or lines.get((key,))
                    problems.append(
                        (
                            line,
                            _(
                                'keymap "{binding}" must be keys in quotes such as "q,ctrl+q", '
                                "not {value} (ignored)"
                            ).format(binding=binding, value=_show(keys)),
                        )
                    )
        else:
            known = [
                "theme",
                "sort",
                "reverse",
                "measure",
                "lang",
                "read_when",
                "cite",
                "last",
                "library",
                "keymap",
            ]
            guess = difflib.get_close_matches(key, known, n=1)
            if guess:
                bad(
                    key,
                    _("unknown setting {key} ignored (did you mean {guess}?)").format(
                        key=repr(key), guess=guess[0]
                    ),
                )
            else:
                bad(key, _("unknown setting {key} ignored").format(key=repr(key)))
    return settings, problems


def load_settings(path: str | os.PathLike[str] | None = None) -> tuple[Settings, str | None]:
    """The saved settings and, when something in the file was wrong, one message saying what and where."""
    target = default_config_path() if path is None else Path(path)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        return Settings(), None
    except OSError as error:
        return Settings(), _using_defaults(_unreadable(target, error))
    parsed = _parse(target, raw)
    if isinstance(parsed, str):
        return Settings(), _using_defaults(parsed)
    data, text = parsed
    settings, problems = _read(target, data, text)
    return settings, (_message(target, problems) if problems else None)


def reload_settings(path: str | os.PathLike[str], current: Settings) -> tuple[Settings, str | None]:
    """The settings after the user edited the file while the app runs: a file that cannot be read
    or parsed keeps `current` (its defaults would undo every choice), a bad value only its key."""
    target = Path(path)
    try:
        parsed = _parse(target, target.read_bytes())
    except FileNotFoundError:
        return current, None
    except OSError as error:
        return current, _kept(_unreadable(target, error))
    if isinstance(parsed, str):
        return current, _kept(parsed)
    settings, problems = _read(target, *parsed)
    return settings, (_message(target, problems) if problems else None)


def file_stamp(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """When and how big the file was last written, to see an edit made while the app runs."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def _using_defaults(problem: str) -> str:
    return _("{problem}; using defaults").format(problem=problem)


def _kept(problem: str) -> str:
    return _("{problem}; the settings stay as they were").format(problem=problem)


def _unreadable(target: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    if isinstance(error, IsADirectoryError):
        reason = _("it is a folder, not a file")
    return _("{path}: could not read it ({reason})").format(path=target, reason=reason)


def _parse(target: Path, raw: bytes) -> tuple[dict[str, object], str] | str:
    """The file's TOML and its text, or what is wrong with it and where."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return _("{path} line {line}: not UTF-8 text").format(path=target, line=line)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        what = str(error)
        where = _TOML_WHERE.search(what)
        if where:
            line, column = int(where.group(1)), int(where.group(2))
            what = _TOML_WHERE.sub("", what)
            place = _("line {line}, column {column}").format(line=line, column=column)
        else:
            line = max(1, len(text.splitlines()))
            what = _TOML_END.sub("", what)
            place = _("line {line} (end of file)").format(line=line)
        what = what[:1].lower() + what[1:]
        return _("{path} {place}: {error}").format(path=target, place=place, error=what)
    except (ValueError, RecursionError) as error:  # pragma: no cover - tomllib raises only the above
        return _("{path}: could not read it ({reason})").format(path=target, reason=error)
    return data, text


# --- writing -----------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(value: str) -> str:
    """A TOML basic string, escaping what TOML forbids raw (quotes, backslashes, control characters)."""
    out: list[str] = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def dump_settings(settings: Settings) -> str:
    """The settings as TOML, with comments that tell a user editing by hand what each key takes."""
    lines = ["# kliping settings. Edit freely; a wrong value is reported and its default used.", ""]
    if settings.theme is None:
        lines.append('# theme = "textual-dark"        # any Textual theme name')
    else:
        lines.append(f"theme = {toml_string(settings.theme)}")
    lines.append(f"sort = {toml_string(settings.sort)}  # {', '.join(SORTS)}")
    lines.append(f"reverse = {'true' if settings.reverse else 'false'}")
    lines.append(
        f"measure = {int(settings.measure)}  # reading width, {MEASURE_MIN} to {MEASURE_MAX} columns"
    )
    if settings.lang is None:
        lines.append('# lang = "en"                   # "en" or "id"; unset = from the system locale')
    else:
        lines.append(f"lang = {toml_string(settings.lang)}")
    lines.append(
        f"read_when = {toml_string(settings.read_when)}  # opened (Enter, [ ], reading), or rested "
        "(also 2 s on it in the list)"
    )
    lines.append(
        f"cite = {toml_string(settings.cite)}  # what c copies: plain (a line of text) or markdown (a link)"
    )
    if settings.last:
        lines.append(f"last = {toml_string(settings.last)}  # the article read last (kliping keeps this)")
    if settings.library:
        lines.append(f"library = {toml_string(settings.library)}  # a team library on PostgreSQL")
    lines += [
        "",
        '# Binding id = keys, e.g. "app.quit" = "q,ctrl+q" (the help panel shows the ids).',
        "[keymap]",
    ]
    lines += [f"{toml_string(binding)} = {toml_string(keys)}" for binding, keys in settings.keymap.items()]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def write_atomically(
    path: str | os.PathLike[str], newline: str | None = None, errors: str = "strict", make_folder: bool = True
) -> Iterator[TextIO]:
    """A text file that appears at `path` whole or not at all, so a crash or error never leaves half of one.

    Writes to a temporary file in the same folder, fsyncs it and renames it over the target; on any
    error the temporary file is removed, the target is untouched and the error propagates. A new
    file takes the user's umask (0644 under umask 022), an existing one keeps its permissions.
    A path that is not a regular file (a device such as /dev/null, /dev/stdout, a FIFO) is written
    through, not replaced; a symlink keeps pointing where it did and its target is what changes.
    `make_folder`: create the missing folders (the config's), else a missing one is an error.
    """
    if written_through(path):
        with open(path, "w", encoding="utf-8", newline=newline, errors=errors) as out:
            yield out
        return
    target = Path(os.path.realpath(path))  # a symlink stays: the file it names is replaced
    if make_folder:
        target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = _temporary_beside(target)
    try:
        with open(handle, "w", encoding="utf-8", newline=newline, errors=errors) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temp, target.stat().st_mode & 0o7777)  # keep the old file's permissions
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the platform allows
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def written_through(path: str | os.PathLike[str]) -> bool:
    """True for what a rename would wrongly replace: a device, a FIFO, a socket, /dev/stdout."""
    if os.path.abspath(path).startswith(("/dev/", "/proc/")):
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)  # follows symlinks: it is the target that counts
    except OSError:
        return False  # a new path (or a dangling symlink): created atomically


def _temporary_beside(target: Path) -> tuple[int, Path]:
    """A new temporary file next to `target`, opened with mode 0666 so the umask decides, as for any file.

    tempfile.mkstemp would make it 0600, and the rename would hand that on to a file meant to be shared.
    """
    for _attempt in range(100):
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(
                temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
            ), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


class SettingsNotSaved(Exception):
    """The config file is there but is not TOML kliping can read: it is never written over."""


def save_settings(
    settings: Settings, path: str | os.PathLike[str] | None = None, changed: Iterable[str] | None = None
) -> None:
    """Write the settings named in `changed` (all of them when None) into the file as it is on disk now.

    Only those keys change: the user's comments, their other keys and what they edited while the app
    ran all stay (tomlkit keeps the rest of the text as it was). A file that does not parse is never
    written over (SettingsNotSaved says where it is wrong): one syntax error used to lose them all.
    A new file gets every setting with comments saying what each takes. Written atomically.
    """
    target = default_config_path() if path is None else Path(path)
    names = [item.name for item in fields(Settings)] if changed is None else list(changed)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        text = dump_settings(settings)
    except OSError as error:
        raise SettingsNotSaved(_unreadable(target, error)) from error
    else:
        parsed = _parse(target, raw)
        if isinstance(parsed, str):
            raise SettingsNotSaved(parsed)
        try:
            document = tomlkit.parse(parsed[1])
        except tomlkit.exceptions.ParseError as error:  # what tomllib reads, tomlkit does: a safeguard
            raise SettingsNotSaved(f"{target}: {error}") from error
        for name in names:
            value = getattr(settings, name)
            if value is None:
                document.pop(name, None)
            elif name == "keymap":
                table = tomlkit.table()
                table.update(value)
                document[name] = table
            else:
                _set(document, name, value)
        text = tomlkit.dumps(document)
    with write_atomically(target) as out:
        out.write(text)


def _set(document: tomlkit.TOMLDocument, name: str, value: object) -> None:
    """Set a top-level key; a new one goes after the last top-level key, not below the comment that
    opens the first table (where tomlkit would put it)."""
    if name in document:
        document[name] = value
        return
    plain = [n for n, (key, item) in enumerate(document.body) if key is not None and not _is_table(item)]
    insert = getattr(document, "_insert_at", None)  # tomlkit's own, not public: kept for that reason
    if plain and insert is not None:
        insert(plain[-1] + 1, name, value)
    else:
        document[name] = value


def _is_table(item: object) -> bool:
    return isinstance(item, (tomlkit.items.Table, tomlkit.items.AoT))
