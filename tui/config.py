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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TextIO

import platformdirs
import tomlkit
import tomlkit.exceptions
import tomlkit.items

from tui.i18n import _
from tui.library import SORTS  # the orders an answer can take: the library's list

LANGS = ("en", "id")
READ_WHEN = ("opened", "rested")  # opened: Enter, [ ] and reading; rested: also 2 s on it in the list
CITE = ("plain", "markdown")  # how the cite key copies an article: a line of text, or a Markdown link
MEASURE_MIN = 40
MEASURE_MAX = 200
DUPLICATES_MIN, DUPLICATES_MAX = 0.5, 0.95  # how close near-copies must be (tui.library.duplicates)
SPLIT_MIN = 20  # the list's share of the screen, in percent (its width, or its height when stacked)
SPLIT_MAX = 80


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
    # Near-copies from this share of the shorter's word runs (DUPLICATES_MIN..MAX). 0.7 measured on
    # real syndicated Indonesian news (benchmarks/bench_real_duplicates.py): from 0.75 up copies
    # with a word changed every dozen are missed, at 0.6 and below a rewrite around the same quotes
    # is taken for a copy now and then; 0.65-0.7 keep recall 0.98-1.0 and precision 1.0.
    duplicates: float = 0.7
    split: int | None = None  # the list's share of the screen, SPLIT_MIN..SPLIT_MAX; None = as designed
    fold_copies: bool = True  # a group of near-copies is one row in the list (X switches)


@dataclass(frozen=True)
class Setting:
    """One key of the config file, declared once: how it is read, checked, told and written."""

    name: str
    kind: type  # str, bool, int or float (the keymap, a table, is read apart)
    help: str = ""  # the comment written beside it (and, for an unset key, the line written instead)
    choices: tuple[str, ...] = ()  # a str must be one of these, whatever its case
    low: float = 0
    high: float = 0  # a number is kept within low..high, and told when it was not
    wrong: Callable[[], str] | None = None  # what a bad value is told; None: kliping's own, ignored quietly
    clamped: Callable[[], str] | None = None  # what an int out of range is told
    allowed: Callable[[str], bool] = lambda _value: True  # a further check of a str
    unset: str = ""  # written, commented out, when the value is None
    clamp: bool = True  # a number out of range is brought within it (else it is wrong)
    write_default: bool = True  # written to a new file even when it is the default

    def take(self, value: object, default: object) -> tuple[object, str | None]:
        """The value to use for what the file says, and what to tell the user about it (or None)."""
        if self.kind is str and isinstance(value, str) and self.allowed(value):
            text = value.strip().lower() if self.choices else value.strip()
            if not self.choices or text in self.choices:
                return (text or None) if default is None else text, None
        elif self.kind is bool and isinstance(value, bool):
            return value, None
        elif isinstance(value, int | float) and self._number(value):
            number = float(value) if self.kind is float else int(value)
            kept = min(self.high, max(self.low, number))
            if kept == number:
                return number, None
            if self.clamp:
                return kept, self._tell(self.clamped, kept, kept)
        return default, self._tell(self.wrong, value, default)

    def _number(self, value: object) -> bool:
        if isinstance(value, bool):
            return False
        return (
            isinstance(value, int)
            if self.kind is int
            else self.kind is float and isinstance(value, int | float)
        )

    def _tell(self, message: Callable[[], str] | None, value: object, using: object) -> str | None:
        if message is None:
            return None
        choices = ", ".join(self.choices)
        return message().format(
            value=_show(value),
            default=using,
            measure=using,
            choices=choices,
            sorts=choices,
            low=self.low,
            high=self.high,
        )


def _no_password(url: str) -> bool:
    return not _PASSWORD.search(url)  # a password belongs in ~/.pgpass or PGPASSWORD, never here


SETTINGS = (
    Setting(
        "theme",
        str,
        "any Textual theme name",
        wrong=lambda: _("theme must be a theme name in quotes, not {value} (using the default theme)"),
        unset='# theme = "textual-dark"        # any Textual theme name',
    ),
    Setting(
        "sort",
        str,
        ", ".join(SORTS),
        choices=SORTS,
        wrong=lambda: _("sort must be one of {sorts}, not {value} (using {default})"),
    ),
    Setting("reverse", bool, wrong=lambda: _("reverse must be true or false, not {value} (using false)")),
    Setting(
        "measure",
        int,
        f"reading width, {MEASURE_MIN} to {MEASURE_MAX} columns",
        low=MEASURE_MIN,
        high=MEASURE_MAX,
        wrong=lambda: _(
            "measure must be a whole number of columns ({low} to {high}), not {value} (using {measure})"
        ),
        clamped=lambda: _("measure must be {low} to {high} columns (using {measure})"),
    ),
    Setting(
        "lang",
        str,
        '"en" or "id"',
        choices=LANGS,
        wrong=lambda: _('lang must be "en" or "id", not {value} (using the system language)'),
        unset='# lang = "en"                   # "en" or "id"; unset = from the system locale',
    ),
    Setting(
        "read_when",
        str,
        "opened (Enter, [ ], reading), or rested (also 2 s on it in the list)",
        choices=READ_WHEN,
        wrong=lambda: _("read_when must be one of {choices}, not {value} (using {default})"),
    ),
    Setting(
        "cite",
        str,
        "what c copies: plain (a line of text) or markdown (a link)",
        choices=CITE,
        wrong=lambda: _("cite must be one of {choices}, not {value} (using {default})"),
    ),
    Setting(
        "split",
        int,
        f"the list's share of the screen, {SPLIT_MIN} to {SPLIT_MAX} percent",
        low=SPLIT_MIN,
        high=SPLIT_MAX,
        clamp=False,
        wrong=lambda: _("split must be a whole number from {low} to {high}, not {value} (ignored)"),
    ),
    Setting(
        "fold_copies",
        bool,
        "near-copies in one row (m shows a group's copies)",
        wrong=lambda: _("fold_copies must be true or false, not {value} (using true)"),
        write_default=False,
    ),
    Setting("last", str, "the article read last (kliping keeps this)"),
    Setting(
        "library",
        str,
        "a team library on PostgreSQL",
        wrong=lambda: _('library must be a URL in quotes without a password, e.g. "postgresql://host/db"'),
        allowed=_no_password,
    ),
    Setting(
        "duplicates",
        float,
        f"near-copies, {DUPLICATES_MIN} (loose) to {DUPLICATES_MAX}",
        low=DUPLICATES_MIN,
        high=DUPLICATES_MAX,
        wrong=lambda: _("duplicates must be a number from {low} to {high}, not {value} (using {default})"),
        clamped=lambda: _("duplicates must be {low} to {high} (using {value})"),
        write_default=False,
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


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
    settings, defaults = Settings(), Settings()
    lines = _key_lines(text)
    problems: list[_Problem] = []
    for key, value in data.items():
        setting = BY_NAME.get(key)
        if setting is not None:
            taken, told = setting.take(value, getattr(defaults, key))
            setattr(settings, key, taken)
            if told:
                problems.append((lines.get((key,)), told))
        elif key == "keymap":
            problems += _keymap(settings.keymap, value, lines)
        else:
            guess = difflib.get_close_matches(key, [*BY_NAME, "keymap"], n=1)
            told = (
                _("unknown setting {key} ignored (did you mean {guess}?)").format(
                    key=repr(key), guess=guess[0]
                )
                if guess
                else _("unknown setting {key} ignored").format(key=repr(key))
            )
            problems.append((lines.get((key,)), told))
    return settings, problems


def _keymap(keymap: dict[str, str], value: object, lines: dict[tuple[str, ...], int]) -> list[_Problem]:
    """The [keymap] table's binding ids and keys, into `keymap`; what is wrong in it."""
    if not isinstance(value, dict):
        told = _("keymap must be a table of binding ids and keys, not {value} (ignored)")
        return [(lines.get(("keymap",)), told.format(value=_show(value)))]
    problems: list[_Problem] = []
    for binding, keys in _flatten(value):
        if isinstance(keys, list) and keys and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if isinstance(keys, str) and keys.strip():
            keymap[binding] = keys.strip()
            continue
        sub = tuple(binding.split("."))
        line = lines.get(("keymap", binding)) or lines.get(("keymap", *sub)) or lines.get(("keymap",))
        told = _('keymap "{binding}" must be keys in quotes such as "q,ctrl+q", not {value} (ignored)')
        problems.append((line, told.format(binding=binding, value=_show(keys))))
    return problems


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
    for setting in SETTINGS:
        value = getattr(settings, setting.name)
        if value is None:
            if setting.unset:
                lines.append(setting.unset)
            continue
        if not setting.write_default and value == getattr(Settings(), setting.name):
            continue
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, int | float):
            shown = str(value)
        else:
            shown = toml_string(str(value))
        lines.append(f"{setting.name} = {shown}" + (f"  # {setting.help}" if setting.help else ""))
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
        try:
            insert(plain[-1] + 1, name, value)
            return
        except ValueError:  # tomlkit refuses some places (before a table's own comment): at the end then
            pass
    document[name] = value


def _is_table(item: object) -> bool:
    return isinstance(item, (tomlkit.items.Table, tomlkit.items.AoT))
