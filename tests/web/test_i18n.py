"""Both catalogs hold every interface string; the language is chosen as documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import LANGUAGES, LOCALE_DIR, choose_language, load_catalogs

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _template_messages() -> set[str]:
    found = extract_from_dir(
        str(TEMPLATES),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    )
    return {
        message if isinstance(message, str) else message[0] for _f, _l, message, _c, _x in found
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_string_is_translated(language: str) -> None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id and message.string
    }
    assert _template_messages() - translated == set()


def test_catalogs_compile_in_memory() -> None:
    catalogs = load_catalogs()
    assert catalogs["sv"].gettext("Rankings") == "Listorna"
    assert catalogs["en"].gettext("Rankings") == "Rankings"
    assert (
        catalogs["sv"].ngettext("%(num)s measurement", "%(num)s measurements", 3)
        == "%(num)s mätningar"
    )


@pytest.mark.parametrize(
    ("param", "header", "expected"),
    [
        (None, None, "sv"),
        ("en", None, "en"),
        ("en", "sv-SE", "en"),
        ("sv", "en-US", "sv"),
        ("de", "en-US,en;q=0.9", "en"),
        (None, "de-DE,en;q=0.7,sv;q=0.8", "sv"),
        (None, "de-DE,fr;q=0.5", "sv"),
        (None, "en;q=0", "sv"),
        (None, "en;q=nonsense", "sv"),
    ],
)
def test_choose_language(param: str | None, header: str | None, expected: str) -> None:
    assert choose_language(param, header) == expected
