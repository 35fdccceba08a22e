"""A company's place in every yearly ranking, against the ranking service's own output."""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, event, select

from app.db import Database
from app.metrics import METRIC_SLUGS
from app.models import Company, Sector, YearRankValue
from app.periods import Period
from app.services import year_values
from app.services.company_places import (
    NOT_RANKED,
    RANKED,
    TOO_FEW,
    Place,
    against_sector,
    places_over_time,
)
from app.services.merge import merge_companies
from app.services.rankings import RankingQuery, build_ranking
from app.services.series import load_company_figures
from app.services.year_values import refresh_all_year_values
from tests.helpers import csv_body, post_csv

YEARS = (2024, 2025)
SECTORS = ("telekom", "energi", "")


def _import(client: TestClient, auth: dict[str, str], kind: str, lines: list[str]) -> None:
    response = post_csv(client, kind, csv_body(*lines), auth)
    assert response.status_code == 201, response.text


def _generated(client: TestClient, auth: dict[str, str], companies: int, seed: int) -> None:
    """Fictional companies whose small figures often tie, are 0 or have too few contacts."""
    rng = random.Random(seed)
    names = [f"Provbolag {n:02d} AB" for n in range(companies)]
    lines = ["name,sector"] + [f"{name},{SECTORS[n % 3]}" for n, name in enumerate(names)]
    _import(client, auth, "companies", lines)
    complaints, customers = ["company,metric,period,value"], ["company,year,customers"]
    waits = ["company,measured_at,channel,wait_seconds,outcome,external_id"]
    for n, name in enumerate(names):
        for year in YEARS:
            for metric in ("complaints", "arn_cases"):
                complaints.append(f"{name},{metric},{year},{rng.choice([0, 1, 2, 2, 3, 5])}")
            if n % 5:  # some companies have no customer count, so no rate
                customers.append(f"{name},{year},{rng.choice([1000, 2000, 3000])}")
            outcome_pool = ["answered"] * 3 + ["abandoned", "announced"]
            for k in range(rng.choice([0, 4, 10, 12, 14])):
                wait, outcome = rng.choice([30, 60, 200, 240]), rng.choice(outcome_pool)
                stamp = f"{year}-0{1 + k % 9}-{1 + k % 27:02d}T10:00:00+01:00"
                waits.append(f"{name},{stamp},phone,{wait},{outcome},g{seed}-{n}-{year}-{k}")
    _import(client, auth, "complaints", complaints)
    _import(client, auth, "customers", customers)
    _import(client, auth, "waits", waits)


def _places(database: Database) -> dict[str, list[Place]]:
    """Every company's places, by slug, flattened over its metrics."""
    found = {}
    with database.read() as session:
        for company in session.scalars(select(Company)):
            figures = load_company_figures(session, company.id)
            places = places_over_time(session, figures, company.sector_id)
            found[company.slug] = [place for metric in places for place in metric.places]
    return found


@pytest.mark.parametrize("seed", [1, 2])
def test_a_place_is_the_ranking_pages_place_for_every_metric_and_year(
    client: TestClient, auth: dict[str, str], database: Database, seed: int
) -> None:
    _generated(client, auth, companies=18, seed=seed)
    places = _places(database)
    by_key = {(slug, p.metric, p.period): p for slug, found in places.items() for p in found}
    statuses = set()
    with database.read() as session:
        for metric in METRIC_SLUGS:
            for year in YEARS:
                period = Period(year, "year")
                ranking = build_ranking(session, RankingQuery(metric=metric, period=period))
                ranked = {row.slug: row.rank for row in ranking.rows}
                too_few = {item.slug for item in ranking.too_few}
                for (slug, place_metric, place_period), place in by_key.items():
                    if (place_metric, place_period) != (metric, period):
                        continue
                    statuses.add(place.status)
                    assert place.ranked == len(ranking.rows)
                    assert place.rank == ranked.get(slug), (metric, year, slug)
                    expected = RANKED if slug in ranked else TOO_FEW if slug in too_few else None
                    assert place.status == (expected or NOT_RANKED), (metric, year, slug)
                # Every company the ranking lists has its place; none is left out.
                for slug in ranked:
                    assert (slug, metric, period) in by_key, (metric, year, slug)
    assert statuses == {RANKED, TOO_FEW, NOT_RANKED}


def test_a_sectors_ranking_counts_the_same_companies_as_the_sector_percentile(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    _generated(client, auth, companies=18, seed=3)
    places = _places(database)
    with database.read() as session:
        sectors = dict(session.execute(select(Company.slug, Sector.slug).join(Sector)).all())
        for slug, found in places.items():
            for place in found:
                if place.status != RANKED or slug not in sectors:
                    continue
                query = RankingQuery(place.metric, place.period, sector=sectors[slug])
                rows = build_ranking(session, query).rows
                assert place.sector_ranked == len(rows)
                worse = sum(1 for row in rows if row.value > place.value)
                # Ranked alone in its sector, it has no one to be better than.
                assert place.sector_worse == (worse if len(rows) > 1 else None)


@pytest.mark.parametrize("sector", [None, "telekom", "energi"])
def test_a_yearly_rankings_previous_ranks_are_the_year_befores_ranks(
    client: TestClient, auth: dict[str, str], database: Database, sector: str | None
) -> None:
    """The rank a year before is read as kept, not computed again: it must be the rank
    the year before's own ranking gives, in the whole list and in a sector's part."""
    _generated(client, auth, companies=18, seed=4)
    compared = set()
    with database.read() as session:
        for metric in METRIC_SLUGS:
            before, after = (
                build_ranking(session, RankingQuery(metric, Period(year, "year"), sector=sector))
                for year in YEARS
            )
            ranks_before = {row.slug: row.rank for row in before.rows}
            previous = {row.slug: row.previous_rank for row in after.rows}
            assert previous == {slug: ranks_before.get(slug) for slug in previous}, metric
            if any(rank is not None for rank in previous.values()):
                compared.add(metric)
    assert len(compared) >= 3, compared


def test_sector_percentile_is_the_share_of_the_other_ranked_companies_with_a_worse_figure(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    _import(
        client,
        auth,
        "companies",
        ["name,sector", *(f"{n} AB,energi" for n in "ABCDE"), "Ensam AB,telekom"],
    )
    values = {"A": 50, "B": 40, "C": 40, "D": 10, "E": 0, "Ensam": 5}
    lines = [f"{name} AB,complaints,2025,{value}" for name, value in values.items()]
    _import(client, auth, "complaints", ["company,metric,period,value", *lines])
    found = {slug: places[0] for slug, places in _places(database).items()}
    got = {
        slug: (p.status, p.rank, p.ranked, p.sector_percentile, p.sector_worse, p.sector_ranked)
        for slug, p in found.items()
    }
    assert got == {
        # The worst of its sector: better than none of the other three ranked there.
        "a": (RANKED, 1, 5, 0, 0, 4),
        # A tie is not worse: each of the two 40s is better than A alone, 1 of 3.
        "b": (RANKED, 2, 5, 33, 1, 4),
        "c": (RANKED, 2, 5, 33, 1, 4),
        "d": (RANKED, 4, 5, 100, 3, 4),
        # 0 is not ranked, in the list or in its sector.
        "e": (NOT_RANKED, None, 5, None, None, None),
        # Ranked alone in its sector: no one to be better than.
        "ensam": (RANKED, 5, 5, None, None, 1),
    }


def test_the_sector_median_is_the_middle_of_the_sectors_ranked_figures(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    """Read from the middle of the sector's part of the ranking: for an even number of
    ranked companies the mean of the middle two, a 0 (not ranked) left out."""
    sectors = {"energi": "ABCDE", "telekom": "FGH"}
    lines = [f"{name} AB,{sector}" for sector, names in sectors.items() for name in names]
    _import(client, auth, "companies", ["name,sector", *lines])
    values = {"A": 50, "B": 40, "C": 20, "D": 10, "E": 0, "F": 5, "G": 7, "H": 30}
    counts = [
        f"{name} AB,complaints,{year},{value}" for name, value in values.items() for year in YEARS
    ]
    _import(client, auth, "complaints", ["company,metric,period,value", *counts])
    with database.read() as session:
        medians = {}
        for company in session.scalars(select(Company)):
            figures = load_company_figures(session, company.id)
            places = places_over_time(session, figures, company.sector_id)
            found = [p for p in against_sector(places) if p.metric == "complaints"]
            medians[company.slug] = [(str(p.period), p.sector_median, p.companies) for p in found]
    latest = str(YEARS[-1])
    for slug in "abcd":
        assert medians[slug] == [(latest, Decimal(30), 4)], slug
    for slug in "fgh":
        assert medians[slug] == [(latest, Decimal(7), 3)], slug
    assert medians["e"] == []


def test_a_year_with_too_few_measurements_has_no_place_but_says_how_many(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    rows = ["company,measured_at,channel,wait_seconds,outcome"]
    rows += [f"Glesbolaget AB,2025-03-0{d}T10:00:00+01:00,phone,{60 * d},answered" for d in (1, 2)]
    rows += [
        f"Glesbolaget AB,2024-04-{d:02d}T10:00:00+02:00,phone,60,answered" for d in range(1, 13)
    ]
    rows += [
        f"Tätbolaget AB,2025-04-{d:02d}T10:00:00+02:00,phone,90,answered" for d in range(1, 13)
    ]
    _import(client, auth, "waits", rows)
    found = _places(database)["glesbolaget"]
    medians = [
        (str(p.period), p.status, p.rank, p.sample_size) for p in found if p.metric == "wait_median"
    ]
    assert medians == [("2024", RANKED, 1, 12), ("2025", TOO_FEW, None, 2)]


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    yield seen
    event.remove(database.engine, "before_cursor_execute", count)


def test_a_companys_places_are_two_queries_whatever_the_companies(
    client: TestClient, auth: dict[str, str], database: Database, statements: list[str]
) -> None:
    _generated(client, auth, companies=9, seed=4)
    with database.read() as session:
        sectors = dict(session.execute(select(Company.id, Company.sector_id)).all())
        in_sector = next(cid for cid, sector in sectors.items() if sector is not None)
        figures = load_company_figures(session, in_sector)
        statements.clear()
        places = places_over_time(session, figures, sectors[in_sector])
        assert places
        assert len(statements) == 2  # the counts in every ranking, and the sector's values


def _kept_values(database: Database) -> list[tuple[object, ...]]:
    with database.read() as session:
        return sorted(tuple(row) for row in session.execute(select(*YearRankValue.__table__.c)))


def test_the_kept_values_are_what_computing_them_all_again_gives_after_every_kind_of_write(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    _generated(client, auth, companies=12, seed=6)
    # Changed counts, a customer count, a sector set, a measurement moved to another outcome and year,
    # new measurements, and a merge: each refreshes only what it touched.
    _import(
        client,
        auth,
        "complaints",
        [
            "company,metric,period,value",
            "Provbolag 01 AB,complaints,2024,40",
            "Provbolag 02 AB,complaints,2025-03,7",
        ],
    )
    _import(client, auth, "customers", ["company,year,customers", "Provbolag 03 AB,2025,10"])
    waits = ["company,measured_at,channel,wait_seconds,outcome,external_id"]
    waits += [
        f"Provbolag 04 AB,2025-05-{d:02d}T10:00:00+02:00,phone,900,abandoned,n{d}"
        for d in range(1, 14)
    ]
    _import(client, auth, "waits", waits)
    # A company without a sector given one: its kept values name the sector.
    _import(client, auth, "companies", ["name,sector", "Provbolag 02 AB,energi"])
    with database.write() as session:
        merge_companies(session, from_slug="provbolag-05", into_slug="provbolag-06")
    kept = _kept_values(database)
    assert kept
    with database.write() as session:
        session.execute(delete(YearRankValue))
        refresh_all_year_values(session)
    assert _kept_values(database) == kept


def test_a_batch_refreshes_every_pair_it_touched_read_back_a_page_at_a_time(
    client: TestClient, auth: dict[str, str], database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The (company, year) pairs a batch touched come back from the database five at a
    # time: a company's two years fall on two pages, and none may be left out.
    monkeypatch.setattr(year_values, "_TOUCHED_PAGE", 5)
    _generated(client, auth, companies=12, seed=3)
    kept = _kept_values(database)
    with database.read() as session:
        yrv = YearRankValue
        pairs = session.execute(select(yrv.company_id, yrv.year).distinct()).all()
    assert len(pairs) > 3 * 5  # kept over more than three pages
    with database.write() as session:
        session.execute(delete(YearRankValue))
        refresh_all_year_values(session)
    assert _kept_values(database) == kept
