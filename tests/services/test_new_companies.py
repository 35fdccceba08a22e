"""A run of new companies written together leaves what the row-by-row way leaves."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.db import Database
from app.services.ingest import new_companies
from tests.helpers import csv_body, post_csv

# New companies, spellings of each other, aliases claimed by later rows, org numbers met
# twice, sectors named late, slugs alike, and a name that goes by its own alias.
FILE = csv_body(
    "name,org_number,sector,sector_name,website,aliases",
    "Nordvik Energi AB,556016-0680,energi,,https://example.org,Nordvik|NVE",
    "NVE,,,,,",
    "Söderby Tele AB,,telekom,,,",
    "SÖDERBY  tele ab,,,,,",
    "Söderby-Tele AB,,telekom,Telekom och bredband,,",
    "Västby Vatten AB,556036-0793,vatten,Vatten,,Västby Vatten AB|VVAB",
    "Västby Vatten Norr AB,556036-0793,,,,",
    "Österby Bank AB,,bank,,,Österby",
    "Österby,,,,,Österby Sparbank",
    "Fjällby Försäkring AB,,forsakring,,,",
)
_TABLES = {
    "companies": "SELECT c.slug, c.name, c.normalized_name, c.org_number, c.verified,"
    " s.slug, c.website FROM companies c LEFT JOIN sectors s ON s.id = c.sector_id",
    # In the order a company took them: its own name first (aliases_of).
    "aliases": "SELECT c.slug, a.alias, a.normalized FROM company_aliases a"
    " JOIN companies c ON c.id = a.company_id ORDER BY c.slug, a.id",
    "terms": "SELECT c.slug, t.term, t.matched, t.is_start FROM search_terms t"
    " JOIN companies c ON c.id = t.company_id",
    "sectors": "SELECT slug, name FROM sectors",
}


def _snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    with database.read() as session:
        found = {
            name: [tuple(row) for row in session.execute(text(sql))]
            for name, sql in _TABLES.items()
        }
        return {
            name: rows if "ORDER BY" in _TABLES[name] else sorted(rows)
            for name, rows in found.items()
        }


def _forget_companies(database: Database) -> None:
    with database.write() as session:
        for table in ("search_terms", "company_aliases", "companies", "sectors"):
            session.execute(text(f"DELETE FROM {table}"))


def _report(response: Any) -> tuple[Any, ...]:
    report = response.json()
    created = sorted(
        (c["slug"], c["org_number"], c["verified"]) for c in report["companies_created"]
    )
    return report["inserted"], report["updated"], report["unchanged"], created


def test_new_companies_written_together_match_the_row_by_row_way(
    client: TestClient, auth: dict[str, str], database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(new_companies.NewCompanies, "take", lambda *_args: False)
        one_by_one = post_csv(client, "companies", FILE, auth)
    assert one_by_one.status_code == 201, one_by_one.text
    expected = _snapshot(database)
    _forget_companies(database)
    together = post_csv(client, "companies", FILE, auth)
    assert together.status_code == 201, together.text
    assert _snapshot(database) == expected
    assert _report(together) == _report(one_by_one)
    assert len(expected["companies"]) == 6
