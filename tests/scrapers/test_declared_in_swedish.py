"""Every source says its terms and how often it publishes in Swedish too: the Swedish
/sources page shows them (the English stays for the English page and the command line)."""

from __future__ import annotations

import pytest

from scrapers.registry import SOURCE_SLUGS, load_source


@pytest.mark.parametrize("slug", SOURCE_SLUGS)
def test_a_source_declares_its_terms_and_cadence_in_swedish(slug: str) -> None:
    info = load_source(slug).SOURCE
    assert info.terms_sv.strip()
    assert info.cadence_sv.strip()
    assert info.terms_sv != info.terms
    assert info.cadence_sv != info.cadence
