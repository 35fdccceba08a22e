"""Company search from the search_terms index: folding, ranking, write paths, query plans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, select, text

from app import migrate
from app.db import Database
from app.models import SearchTerm
from app.names import fold_for_search, search_terms
from app.services.companies import create_company, get_or_create_sector
from app.services.merge import merge_companies
from app.services.search import search_companies
from tests.conftest import POSTGRES_URL, scratch_postgres_database
from tests.helpers import csv_body, post_csv

BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Drömnätet Fiber AB", "dromnatet fiber"),
        ("ÅSKVÄGG Försäkring", "askvagg forsakring"),
        ("Ærø-Skær Café (publ)", "aero skaer cafe"),
        ("Kund__Tjänst 100% Öst", "kund tjanst 100 ost"),
        ("%_\\", ""),
    ],
)
def test_folding_drops_case_legal_form_diacritics_and_punctuation(name: str, folded: str) -> None:
    assert fold_for_search(name) == folded


def test_terms_run_from_each_word_to_the_end_and_a_beginning_wins() -> None:
    assert search_terms(["Drömnätet Fiber AB", "Fiber Norr"]) == {
        "dromnatetfiber": ("Drömnätet Fiber AB", True),
        "fiber": ("Drömnätet Fiber AB", False),
        "fibernorr": ("Fiber Norr", True),
        "norr": ("Fiber Norr", False),
    }
    assert search_terms(["Norra Fiber", "Fiber"])["fiber"] == ("Fiber", True)


def _names(database: Database, q: str) -> list[str]:
    with database.read() as session:
        return [hit.name for hit in search_companies(session, q)]


@pytest.fixture
def companies(database: Database) -> Database:
    with database.write() as session:
        sector = get_or_create_sector(session, "bredband")
        for name, org_number in (
            ("Drömnätet Fiber AB", "559912-3451"),
            ("Åskvägg Försäkring AB", None),
            ("Ask AB", None),
            ("Askvik El AB", None),
            ("Åsk Energi AB", None),
            ("Norra Ask Kraft AB", "559988-7766"),
        ):
            company = create_company(session, name=name, org_number=org_number, verified=False)
            company.sector_id = sector.id
    return database


def test_swedish_letters_fold_in_queries_and_names(companies: Database) -> None:
    for q in ("dromnatet", "Drömnätet", "DRÖMNÄTET fib", "drömnätetfiber", "fiber"):
        assert _names(companies, q) == ["Drömnätet Fiber AB"], q
    for q in ("åsk", "ask", "ÅSK", "askvägg"):
        assert "Åskvägg Försäkring AB" in _names(companies, q), q
    assert _names(companies, "natet") == []  # the middle of a word is not searched


def test_org_numbers_with_or_without_dash_and_their_beginnings(companies: Database) -> None:
    for q in ("559912-3451", "5599123451", "165599123451", "559912-34", "5599123"):
        assert _names(companies, q) == ["Drömnätet Fiber AB"], q
    assert _names(companies, "5599") == ["Drömnätet Fiber AB", "Norra Ask Kraft AB"]
    assert _names(companies, "559913") == []
    assert _names(companies, "012") == []


def test_exact_before_prefix_before_later_word_ties_in_swedish_order(companies: Database) -> None:
    assert _names(companies, "ask") == [
        "Ask AB",
        "Askvik El AB",
        "Åsk Energi AB",
        "Åskvägg Försäkring AB",
        "Norra Ask Kraft AB",
    ]
    with companies.read() as session:
        hits = search_companies(session, "ask kraft", limit=1)
    assert [(hit.name, hit.matched, hit.sector) for hit in hits] == [
        ("Norra Ask Kraft AB", "Norra Ask Kraft AB", "bredband")
    ]


def test_blank_and_wildcard_queries_find_nothing(companies: Database) -> None:
    for q in ("", "   ", "%", "_", "\\", "%%"):
        assert _names(companies, q) == [], q


def test_a_name_two_companies_share_finds_both(database: Database) -> None:
    with database.write() as session:
        create_company(session, name="Tvilling Tele AB", org_number="559912-3451", verified=True)
        create_company(session, name="Tvilling Tele AB", org_number="559988-7766", verified=True)
    assert _names(database, "tvilling") == ["Tvilling Tele AB", "Tvilling Tele AB"]


def test_an_alias_from_a_companies_import_is_found(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = csv_body("name,aliases", "Åskvägg Försäkring AB,Blixtskydd Norr")
    assert post_csv(client, "companies", body, auth).status_code == 201
    later = csv_body("name,aliases", "Åskvägg Försäkring AB,Ovädersbolaget")
    assert post_csv(client, "companies", later, auth).status_code == 201
    for q, matched in (("blixt", "Blixtskydd Norr"), ("ovader", "Ovädersbolaget")):
        hits = client.get("/api/v1/search", params={"q": q}).json()
        assert [(hit["slug"], hit["matched"]) for hit in hits] == [("askvagg-forsakring", matched)]


def test_a_merged_company_is_found_by_its_names_under_the_target(database: Database) -> None:
    with database.write() as session:
        source = create_company(session, name="Drömnätet Fiber AB", org_number=None, verified=False)
        create_company(session, name="Åskvägg Försäkring AB", org_number=None, verified=False)
        source_id = source.id
    with database.write() as session:
        merge_companies(session, from_slug="dromnatet-fiber", into_slug="askvagg-forsakring")
    with database.read() as session:
        hits = search_companies(session, "dromnatet")
        left = session.scalars(select(SearchTerm).where(SearchTerm.company_id == source_id))
        assert list(left) == []
    assert [(hit.slug, hit.matched) for hit in hits] == [
        ("askvagg-forsakring", "Drömnätet Fiber AB")
    ]
    assert _names(database, "åsk") == ["Åskvägg Försäkring AB"]


def _plans(database: Database, q: str, *, is_postgres: bool) -> list[str]:
    """The query plans of the statements ``search_companies(q)`` runs."""
    statements: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    with database.read() as session:
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", remember)
        search_companies(session, q)
        event.remove(connection, "before_cursor_execute", remember)
        if is_postgres:  # a table of a few rows is read whole unless told not to
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        explain = "EXPLAIN " if is_postgres else "EXPLAIN QUERY PLAN "
        return [
            "\n".join(
                str(row[-1]) for row in connection.exec_driver_sql(explain + statement, parameters)
            )
            for statement, parameters in statements
        ]


def test_the_queries_read_indexes_not_whole_tables(companies: Database, is_postgres: bool) -> None:
    plans = _plans(companies, "ask", is_postgres=is_postgres)  # beginnings, then later words
    assert len(plans) == 2
    assert all("ix_search_terms_is_start_term" in plan for plan in plans), plans
    plans = _plans(companies, "559912", is_postgres=is_postgres)  # org numbers, then names
    assert len(plans) == 3
    # SQLite names the index of an inline UNIQUE constraint itself.
    org_index = "uq_companies_org_number" if is_postgres else "(org_number>? AND org_number<?)"
    assert org_index in plans[0], plans[0]
    for plan in plans:
        assert "SCAN companies" not in plan, plan
        assert "Seq Scan" not in plan, plan
        assert "SCAN search_terms" not in plan, plan


@pytest.fixture(params=BACKENDS)
def scratch_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'search.db'}"
        return
    with scratch_postgres_database("search") as url:
        yield url


def _insert_company(connection: Connection, company_id: int, name: str, *aliases: str) -> None:
    connection.execute(
        text(
            "INSERT INTO companies (id, slug, name, normalized_name, verified, created_at)"
            " VALUES (:id, :slug, :name, :name, false, '2025-01-01 00:00:00')"
        ),
        {"id": company_id, "slug": f"c{company_id}", "name": name},
    )
    for alias in aliases:
        connection.execute(
            text(
                "INSERT INTO company_aliases (company_id, alias, normalized)"
                " VALUES (:id, :alias, :alias)"
            ),
            {"id": company_id, "alias": alias},
        )


def test_the_migration_backfills_terms_of_existing_names_and_aliases(scratch_url: str) -> None:
    database = Database.from_url(scratch_url)
    try:
        migrate.upgrade(database.engine, "9a3f61c2b8e0")  # before search_terms
        with database.engine.begin() as connection:
            _insert_company(connection, 1, "Drömnätet Fiber AB", "Drömnätet Fiber AB", "Nätis")
            _insert_company(connection, 2, "Åskvägg Försäkring AB")
        migrate.upgrade(database.engine)
        assert _names(database, "natis") == ["Drömnätet Fiber AB"]
        assert _names(database, "fiber") == ["Drömnätet Fiber AB"]
        assert _names(database, "ask") == ["Åskvägg Försäkring AB"]
        with database.read() as session:
            assert len(list(session.scalars(select(SearchTerm)))) == 5
    finally:
        database.dispose()
