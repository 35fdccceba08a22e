"""Company names, slugs and Swedish organisation numbers: pure functions, no database."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Legal-form words that say nothing about which company is meant. Matched at the
# end of a case-folded name, repeatedly ("Foo AB (publ)" -> "foo").
_LEGAL_FORM_SUFFIX = re.compile(
    r"(?:^|[\s,]+|(?=\())"
    r"(?:ab|\(publ\)|aktiebolag|hb|kb|ek\.?\s*för\.?|ekonomisk\s+förening)"
    r"[\s,.]*$"
)
_WHITESPACE = re.compile(r"\s+")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_ORG_NUMBER = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
# Letters that NFKD leaves whole but a searcher types without their stroke or as two.
_UNDECOMPOSABLE = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l"})
SEARCH_TERM_MAX_LENGTH = 300


@lru_cache(maxsize=65_536)
def clean_display_name(name: str) -> str:
    """The name as people should see it: NFC, invisible characters gone, spaces collapsed.

    Cached: an import names the same few thousand companies on a million rows.
    """
    spaced = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", name))
    visible = "".join(ch for ch in spaced if unicodedata.category(ch) not in ("Cf", "Cc"))
    return visible.strip()


def normalize_company_name(name: str) -> str:
    """The key names are matched by: case-folded, spaces collapsed, legal form removed."""
    folded = unicodedata.normalize("NFKC", clean_display_name(name)).casefold()
    folded = unicodedata.normalize("NFC", _WHITESPACE.sub(" ", folded)).strip()
    while True:
        stripped = _LEGAL_FORM_SUFFIX.sub("", folded).strip(" ,")
        if stripped == folded or not stripped:
            return folded
        folded = stripped


def fold_for_search(text: str) -> str:
    """The form search compares: the normalised name without diacritics, one space between words.

    "Drömnätet Fiber AB" -> "dromnatet fiber"; "Åskvägg-Försäkring" -> "askvagg forsakring".
    """
    decomposed = unicodedata.normalize("NFKD", normalize_company_name(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALPHANUMERIC.sub(" ", bare.translate(_UNDECOMPOSABLE)).strip()


def search_terms(names: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """The search terms of a company's names: term -> (the name it came from, begins it).

    A term is a folded name from the start of one of its words to its end, spaces
    removed: "Drömnätet Fiber AB" gives "dromnatetfiber" (its beginning) and "fiber".
    A term that several names give is kept once, as a beginning if it begins any.
    """
    terms: dict[str, tuple[str, bool]] = {}
    for name in names:
        words = fold_for_search(name).split()
        for position in range(len(words)):
            term = "".join(words[position:])[:SEARCH_TERM_MAX_LENGTH]
            if term not in terms or (position == 0 and not terms[term][1]):
                terms[term] = (name, position == 0)
    return terms


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_JUNK.sub("-", ascii_name.lower()).strip("-")
    return slug[:80].strip("-") or "company"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def parse_org_number(raw: str) -> str:
    """A Swedish organisationsnummer as ``NNNNNN-NNNN``; ValueError says what is wrong."""
    text = raw.strip()
    match = _ORG_NUMBER.match(text)
    if match is None or (len(text.replace("-", "")) == 12 and not text.startswith("16")):
        raise ValueError(
            "org_number must be NNNNNN-NNNN or 10 digits (or 12 digits starting with 16)"
        )
    digits = match.group(1) + match.group(2)
    if int(digits[2]) < 2:
        raise ValueError("org_number's third digit must be at least 2")
    if not _luhn_ok(digits):
        raise ValueError("org_number's check digit is wrong")
    return f"{digits[:6]}-{digits[6:]}"


# After z, in the order a Swedish reader expects (the three characters that follow z).
_SWEDISH_LETTERS = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


@lru_cache(maxsize=65_536)
def swedish_sort_key(name: str) -> str:
    """Sorts names as a Swedish reader expects: case ignored, å ä ö after z, é as e.

    Cached: a ranking sorts thousands of names, the same ones every time.
    """
    letters = unicodedata.normalize("NFC", name.casefold()).translate(_SWEDISH_LETTERS)
    decomposed = unicodedata.normalize("NFKD", letters)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
