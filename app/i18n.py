"""Interface languages: Swedish (the default) and English, from gettext catalogs.

The ``.po`` files under ``app/locale`` are compiled in memory at start-up, so
there are no ``.mo`` files to keep in step with them.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LOCALE_DIR = Path(__file__).parent / "locale"


def load_catalog(language: str, locale_dir: Path = LOCALE_DIR) -> gettext.GNUTranslations:
    """The compiled catalog of one language."""
    path = locale_dir / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def load_catalogs(locale_dir: Path = LOCALE_DIR) -> dict[str, gettext.GNUTranslations]:
    return {language: load_catalog(language, locale_dir) for language in LANGUAGES}


def _accepted(header: str) -> list[tuple[float, str]]:
    """(quality, primary language) pairs of an Accept-Language header."""
    accepted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary:
            # Earlier entries win ties: subtract a little for the position.
            accepted.append((quality - position * 1e-6, primary))
    return sorted(accepted, reverse=True)


def choose_language(lang_param: str | None, accept_language: str | None) -> str:
    """``?lang=`` when it names a language we have, else the browser's choice, else Swedish."""
    if lang_param in LANGUAGES:
        return lang_param
    for quality, primary in _accepted(accept_language or ""):
        if quality > 0 and primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE
