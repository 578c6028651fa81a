"""Interface language (English or Bahasa Indonesia) through the standard gettext catalogues in tui/locale."""

from __future__ import annotations

import gettext
import io
import os
import sys
from pathlib import Path

DOMAIN = "kliping"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "id")
ENVIRONMENT = "KLIPING_LANG"  # carries the choice into worker processes

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def language_from_locale(environ: dict[str, str] | None = None) -> str:
    """The language the user's locale asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), if we have it."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for part in env.get(variable, "").split(":"):
            code = part.split(".")[0].split("_")[0].split("@")[0].lower()
            if code in LANGUAGES:
                return code
            if code in ("in", "ind"):  # old and three-letter codes for Indonesian
                return "id"
    return "en"


def set_language(language: str | None) -> str:
    """Choose the interface language for this process (and its workers); returns the one in effect."""
    global _translation, _language
    chosen = language if language in LANGUAGES else language_from_locale()
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen], fallback=True)
    _language = chosen
    os.environ[ENVIRONMENT] = chosen
    return chosen


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate a message; unknown messages stay in English rather than fail."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translation.ngettext(singular, plural, count)


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


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Rebuild every .mo file next to its .po file; returns the ones that changed."""
    changed = []
    for po_path in catalogue_paths(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            changed.append(mo_path)
    return changed


if __name__ == "__main__":
    if sys.argv[1:] != ["compile"]:
        raise SystemExit("usage: python -m tui.i18n compile")
    for path in compile_catalogues():
        print(f"wrote {path}")
elif ENVIRONMENT in os.environ:
    set_language(os.environ[ENVIRONMENT])
