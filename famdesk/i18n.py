"""gettext with English msgids; French is the default language.

`_`, `N_` and `ngettext` are imported everywhere (services included): they look the active
catalog up at call time. The catalogs live in ``resources/locale``; when the compiled ``.mo``
is missing (a source checkout that has not run the build), the ``.po`` is compiled in memory.
"""

from __future__ import annotations

import gettext
import io
import logging
from pathlib import Path

log = logging.getLogger(__name__)

DOMAIN = "famdesk"
DEFAULT_LANGUAGE = "fr"
LANGUAGES = ("fr", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "resources" / "locale"

_active: gettext.NullTranslations | None = None
_language: str = DEFAULT_LANGUAGE


def load_translations(language: str) -> gettext.NullTranslations:
    """The catalog of `language` (English msgids need none)."""
    if language == "en":
        return gettext.NullTranslations()
    messages = LOCALE_DIR / language / "LC_MESSAGES"
    mo = messages / f"{DOMAIN}.mo"
    po = messages / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    raise FileNotFoundError(f"no catalog for language {language!r} in {messages}")


def install(language: str = DEFAULT_LANGUAGE) -> None:
    """Make `language` the active catalog (falls back to English msgids if it is missing)."""
    global _active, _language
    try:
        _active = load_translations(language)
        _language = language
    except FileNotFoundError:
        log.warning("no catalog for %s, using English", language)
        _active = gettext.NullTranslations()
        _language = "en"


def language() -> str:
    _catalog()
    return _language


def _catalog() -> gettext.NullTranslations:
    if _active is None:
        install(DEFAULT_LANGUAGE)
    assert _active is not None
    return _active


def _(message: str) -> str:
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction; translated later, where it is shown."""
    return message
