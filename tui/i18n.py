"""Interface language (English or Bahasa Indonesia) through the standard gettext catalogues in tui/locale."""

from __future__ import annotations

import gettext
import io
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

DOMAIN = "kliping"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "id")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def language_from_locale(environ: Mapping[str, str] | None = None) -> str:
    """The language the user's locale asks for, if we have it: LANGUAGE's list first, then the locale.

    The locale is the first of LC_ALL, LC_MESSAGES and LANG that is set, as POSIX has it, so
    LC_ALL=C.UTF-8 means English even when LANG names Indonesian.
    """
    env = os.environ if environ is None else environ
    for part in env.get("LANGUAGE", "").split(":"):
        if _code(part) in LANGUAGES:
            return _code(part)
    locale = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), "")
    return _code(locale) if _code(locale) in LANGUAGES else "en"


def _code(locale: str) -> str:
    """The language code of a locale name: id_ID.UTF-8 -> id (and the old "in" and "ind" -> id)."""
    code = locale.split(".")[0].split("@")[0].split("_")[0].lower()
    return "id" if code in ("in", "ind") else code


def set_language(language: str | None) -> str:
    """Choose the interface language for this process; returns the one in effect.

    Worker processes need not know it: what they find is kept as messages (`Said`) and put
    into words here, where it is shown.
    """
    global _translation, _language
    chosen = language if language in LANGUAGES else language_from_locale()
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen], fallback=True)
    _language = chosen
    return chosen


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate a message; unknown messages stay in English rather than fail."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translation.ngettext(singular, plural, count)


Param = Union[str, int, "Said"]


@dataclass(frozen=True, slots=True)
class Said:
    """A message to be translated where it is shown, not where it was made.

    The loader runs in worker processes and its problems are kept in the cache: both keep the
    English message and its parameters, so a problem reads in the language of the run that
    shows it (the list, the problems screen, `--list`'s stderr), whichever run found it.
    """

    text: str  # the English message, the catalogue's msgid
    params: tuple[tuple[str, Param], ...] = ()

    def __str__(self) -> str:
        values = {name: str(value) for name, value in self.params}
        words = _translation.gettext(self.text)
        return words.format(**values) if values else words

    def encode(self) -> str:
        """The message as JSON text, for the cache."""
        return _MARK + json.dumps(_plain(self), ensure_ascii=False)


def said(text: str, **params: Param) -> Said:
    """Mark a message for translation when shown; its literal goes into the catalogues."""
    return Said(text, tuple(params.items()))


_MARK = "\x00said:"  # no reason a loader writes starts with NUL


def _plain(message: Said) -> list[object]:
    return [message.text, [[k, _plain(v) if isinstance(v, Said) else v] for k, v in message.params]]


def _from_plain(data: list[Any]) -> Said:
    text, params = data
    return Said(text, tuple((k, _from_plain(v) if isinstance(v, list) else v) for k, v in params))


def decode(stored: str) -> Said | str:
    """A reason as the cache keeps it: a message to translate, or (from an older cache) words."""
    if not stored.startswith(_MARK):
        return stored
    try:
        return _from_plain(json.loads(stored[len(_MARK) :]))
    except (ValueError, TypeError):
        return stored


def encode(reason: Said | str) -> str:
    return reason.encode() if isinstance(reason, Said) else reason


def catalogue_paths(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compiled(po_path: Path) -> bytes:
    """The .mo bytes for a .po file, built with Babel (a development tool: the app only reads .mo)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=po_path.parent.parent.name, domain=DOMAIN)
    for message, errors in catalog.check():
        for error in errors:
            raise ValueError(f"{po_path}: {message.id!r}: {error}")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def messages(mo_data: bytes) -> dict[object, str]:
    """What a .mo file says: its translations and plural rule, not the header's tool stamp.

    The header carries `Generated-By: Babel x.y`, so two builds of the same catalogue by two
    Babel releases differ in bytes while saying the same thing.
    """
    translation = gettext.GNUTranslations(io.BytesIO(mo_data))
    catalog: dict[object, str] = dict(translation._catalog)  # type: ignore[attr-defined]
    header = catalog.pop("", "")
    plural_rule = [line for line in header.splitlines() if line.lower().startswith("plural-forms:")]
    catalog[("", "Plural-Forms")] = "\n".join(plural_rule)
    return catalog


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Rebuild every .mo file whose messages differ from its .po file; returns the ones written."""
    changed = []
    for po_path in catalogue_paths(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if not mo_path.exists() or messages(mo_path.read_bytes()) != messages(data):
            mo_path.write_bytes(data)
            changed.append(mo_path)
    return changed


if __name__ == "__main__":
    if sys.argv[1:] != ["compile"]:
        raise SystemExit("usage: python -m tui.i18n compile")
    for path in compile_catalogues():
        print(f"wrote {path}")
