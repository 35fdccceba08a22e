from __future__ import annotations

import pytest

from app.names import normalize_company_name, parse_org_number, slugify


@pytest.mark.parametrize(
    ("spelling", "normalized"),
    [
        ("Exempeltele AB (publ)", "exempeltele"),
        ("EXEMPELTELE", "exempeltele"),
        ("  exempeltele   ab ", "exempeltele"),
        ("Exempeltele Aktiebolag", "exempeltele"),
        ("Exempeltele AB(publ)", "exempeltele"),
        ("Konsumbutiken Ek. för.", "konsumbutiken"),
        ("Konsumbutiken ekonomisk förening", "konsumbutiken"),
        ("Handelsbolaget Öst HB", "handelsbolaget öst"),
        ("Komman KB", "komman"),
        ("A\u030ahus El AB", "åhus el"),  # a decomposed å
        ("Zero\u200bWidth AB", "zerowidth"),
        ("AB", "ab"),
    ],
)
def test_normalisation_matches_the_contract(spelling: str, normalized: str) -> None:
    assert normalize_company_name(spelling) == normalized


@pytest.mark.parametrize("raw", ["556016-0680", "5560160680", "165560160680", "16556016-0680"])
def test_valid_org_numbers_normalise(raw: str) -> None:
    assert parse_org_number(raw) == "556016-0680"


@pytest.mark.parametrize(
    "raw", ["556016-0681", "550016-0680", "175560160680", "556016 0680", "12345", "556O16-0680"]
)
def test_invalid_org_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="org_number"):
        parse_org_number(raw)


def test_slugs_are_ascii() -> None:
    assert slugify("Åhlén & Öberg") == "ahlen-oberg"
    assert slugify("===") == "company"
