"""The ranking engine against the contract's words, figure by figure."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.services.wait_metrics import months_with_data
from tests.helpers import csv_body, post_csv


def _import(client: TestClient, auth: dict[str, str], kind: str, *lines: str) -> None:
    response = post_csv(client, kind, csv_body(*lines), auth)
    assert response.status_code == 201, response.text


def _ranking(client: TestClient, **query: str) -> dict[str, Any]:
    response = client.get("/api/v1/rankings", params=query)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _rows(ranking: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (r["rank"], r["slug"], r["value"], r["sample_size"], r["previous_rank"])
        for r in ranking["rows"]
    ]


@pytest.fixture
def counts(client: TestClient, auth: dict[str, str]) -> None:
    _import(
        client,
        auth,
        "companies",
        "name,sector",
        "Årsrad AB,telekom",
        "Månadsbolaget AB,telekom",
        "Kvartalsbolaget AB,bank",
        "Blandbolaget AB,bank",
    )
    _import(
        client,
        auth,
        "complaints",
        "company,metric,period,value",
        # A year row wins over the months inside it.
        "Årsrad,complaints,2025,100",
        "Årsrad,complaints,2025-01,30",
        "Årsrad,complaints,2025-02,20",
        # Months only.
        "Månadsbolaget,complaints,2025-01,10",
        "Månadsbolaget,complaints,2025-02,5",
        "Månadsbolaget,complaints,2025-04,3",
        # Quarters only.
        "Kvartalsbolaget,complaints,2025-Q1,7",
        "Kvartalsbolaget,complaints,2025-Q2,11",
        # Months and quarters: months win, never both.
        "Blandbolaget,complaints,2025-Q1,1000",
        "Blandbolaget,complaints,2025-03,2",
        "Blandbolaget,complaints,2025-05,4",
        # The year before.
        "Årsrad,complaints,2024,1",
        "Kvartalsbolaget,complaints,2024,9",
    )


@pytest.mark.usefixtures("counts")
def test_count_metric_takes_the_exact_row_else_the_finest_granularity(client: TestClient) -> None:
    ranking = _ranking(client, metric="complaints", period="2025")
    assert [(r["rank"], r["slug"], r["value"]) for r in ranking["rows"]] == [
        (1, "arsrad", 100),
        (2, "kvartalsbolaget", 18),
        (2, "manadsbolaget", 18),
        (4, "blandbolaget", 6),
    ]
    assert [r["previous_rank"] for r in ranking["rows"]] == [2, 1, None, None]


def test_a_later_batch_sums_its_months_with_the_years_earlier_ones_and_no_neighbours(
    client: TestClient, auth: dict[str, str]
) -> None:
    header = "company,metric,period,value"
    _import(client, auth, "complaints", header, "Gränsbolaget,arn_cases,2024-12,5")
    _import(client, auth, "complaints", header, "Gränsbolaget,arn_cases,2025-01,1")
    # A year's values are read back from its periods alone: "2025" up to, not with, "2026".
    later = ("Gränsbolaget,arn_cases,2025-02,2", "Gränsbolaget,arn_cases,2026,100")
    _import(client, auth, "complaints", header, *later)
    values = {
        period: _ranking(client, metric="arn_cases", period=period)["rows"][0]["value"]
        for period in ("2024", "2025", "2025-Q1", "2026")
    }
    assert values == {"2024": 5, "2025": 3, "2025-Q1": 3, "2026": 100}


@pytest.mark.usefixtures("counts")
def test_quarter_and_month_periods(client: TestClient) -> None:
    quarter = _ranking(client, metric="complaints", period="2025-Q1")
    # Årsrad has months in Q1 (30 + 20); Blandbolaget's Q1 row is exact and wins over its month.
    assert [(r["rank"], r["slug"], r["value"]) for r in quarter["rows"]] == [
        (1, "blandbolaget", 1000),
        (2, "arsrad", 50),
        (3, "manadsbolaget", 15),
        (4, "kvartalsbolaget", 7),
    ]
    month = _ranking(client, metric="complaints", period="2025-02")
    assert [(r["rank"], r["slug"], r["value"]) for r in month["rows"]] == [
        (1, "arsrad", 20),
        (2, "manadsbolaget", 5),
    ]


@pytest.mark.usefixtures("counts")
def test_default_period_is_the_latest_year_with_data_and_sector_filters(client: TestClient) -> None:
    assert _ranking(client)["period"] == "2025"
    bank = _ranking(client, metric="complaints", period="2025", sector="bank")
    assert [(r["rank"], r["slug"], r["previous_rank"]) for r in bank["rows"]] == [
        (1, "kvartalsbolaget", 1),
        (2, "blandbolaget", None),
    ]


def test_equal_values_share_a_rank_and_are_listed_in_swedish_order(
    client: TestClient, auth: dict[str, str]
) -> None:
    _import(
        client,
        auth,
        "complaints",
        "company,metric,period,value",
        "Örnen AB,arn_cases,2025,5",
        "Zeta AB,arn_cases,2025,5",
        "Ängen AB,arn_cases,2025,5",
        "alfa AB,arn_cases,2025,9",
        "Beta AB,arn_cases,2025,1",
    )
    ranking = _ranking(client, metric="arn_cases")
    assert [(r["rank"], r["company"]) for r in ranking["rows"]] == [
        (1, "alfa AB"),
        (2, "Zeta AB"),
        (2, "Ängen AB"),
        (2, "Örnen AB"),
        (5, "Beta AB"),
    ]


def test_complaints_per_100k_rounds_to_2_decimals_and_needs_customers(
    client: TestClient, auth: dict[str, str]
) -> None:
    _import(
        client,
        auth,
        "complaints",
        "company,metric,period,value",
        "Liten AB,complaints,2025,1",
        "Stor AB,complaints,2025,100",
        "Okänd AB,complaints,2025,500",
    )
    _import(
        client,
        auth,
        "customers",
        "company,year,customers",
        "Liten AB,2025,3",
        "Stor AB,2025,300000",
        "Okänd AB,2024,10",
    )
    ranking = _ranking(client, metric="complaints_per_100k", period="2025")
    assert [(r["slug"], r["value_text"]) for r in ranking["rows"]] == [
        ("liten", "33333.33"),
        ("stor", "33.33"),
    ]


def _waits(
    company: str, waits: list[tuple[int, str]], month: str = "2025-03", channel: str = "phone"
) -> list[str]:
    return [
        f"{company},{month}-{1 + i % 28:02d}T{8 + i // 28:02d}:00:00+01:00,{channel},{wait},{outcome}"
        for i, (wait, outcome) in enumerate(waits)
    ]


@pytest.fixture
def waits(client: TestClient, auth: dict[str, str]) -> None:
    header = "company,measured_at,channel,wait_seconds,outcome"
    # Ten answered (median of 100..1000 = 550), two abandoned, announced rows that must not count.
    kö = [(100 * n, "answered") for n in range(1, 11)] + [(30, "abandoned"), (2000, "abandoned")]
    kö += [(5000, "announced")] * 12
    # Eleven answered, all at 180 s (not over 3 minutes) or 181 s.
    snabb = [(180, "answered")] * 8 + [(181, "answered")] * 3
    # Only nine contacts: too few.
    få = [(60, "answered")] * 9
    # Chat only.
    chatt = [(900, "answered")] * 10
    _import(
        client,
        auth,
        "waits",
        header,
        *_waits("Kö AB", kö),
        *_waits("Snabb AB", snabb),
        *_waits("Få AB", få),
        *_waits("Chatt AB", chatt, channel="chat"),
    )


@pytest.mark.usefixtures("waits")
def test_wait_median_uses_answered_contacts_and_lists_too_few(client: TestClient) -> None:
    ranking = _ranking(client, metric="wait_median", period="2025-03")
    assert _rows(ranking) == [(1, "ko", 550, 10, None), (2, "snabb", 180, 11, None)]
    assert ranking["too_few"] == [{"company": "Få AB", "slug": "fa", "sample_size": 9}]
    chat = _ranking(client, metric="wait_median", period="2025", channel="chat")
    assert _rows(chat) == [(1, "chatt", 900, 10, None)]


@pytest.mark.usefixtures("waits")
def test_shares_count_contacts_and_round_to_4_decimals(client: TestClient) -> None:
    abandoned = _ranking(client, metric="abandoned_share", period="2025-Q1")
    assert [(r["slug"], r["value_text"], r["sample_size"]) for r in abandoned["rows"]] == [
        ("ko", "0.1667", 12),
        ("snabb", "0.0000", 11),
    ]
    slow = _ranking(client, metric="over_3min_share", period="2025")
    # Kö: answered after 200..1000 s (9) + 2 abandoned = 11 of 12; Snabb: 3 of 11.
    assert [(r["slug"], r["value_text"]) for r in slow["rows"]] == [
        ("ko", "0.9167"),
        ("snabb", "0.2727"),
    ]


@pytest.mark.usefixtures("waits")
def test_announced_waits_rank_apart(client: TestClient) -> None:
    announced = _ranking(client, metric="announced_wait_median", period="2025-03")
    assert _rows(announced) == [(1, "ko", 5000, 12, None)]


def test_even_number_of_waits_takes_the_mean_of_the_middle_two(
    client: TestClient, auth: dict[str, str]
) -> None:
    rows = _waits("Jämn AB", [(n, "answered") for n in (10, 20, 30, 40, 50, 61, 70, 80, 90, 100)])
    _import(client, auth, "waits", "company,measured_at,channel,wait_seconds,outcome", *rows)
    ranking = _ranking(client, metric="wait_median", period="2025-03")
    assert ranking["rows"][0]["value"] == 55.5
    assert ranking["rows"][0]["value_text"] == "55.5"


def test_a_wait_belongs_to_its_month_in_swedish_time(
    client: TestClient, auth: dict[str, str]
) -> None:
    lines = [f"Nyår AB,2024-12-31T23:{10 + n:02d}:00Z,phone,{100 + n},answered" for n in range(10)]
    _import(client, auth, "waits", "company,measured_at,channel,wait_seconds,outcome", *lines)
    assert _ranking(client, metric="wait_median", period="2025-01")["rows"][0]["slug"] == "nyar"
    assert _ranking(client, metric="wait_median", period="2024-12")["rows"] == []
    assert _ranking(client, metric="wait_median")["period"] == "2025"


@pytest.mark.parametrize(
    "query",
    [
        {"metric": "worst"},
        {"period": "2025-13"},
        {"channel": "fax"},
        {"period": "x"},
    ],
)
def test_bad_ranking_queries_get_422(client: TestClient, query: dict[str, str]) -> None:
    assert client.get("/api/v1/rankings", params=query).status_code == 422


def test_a_sector_nobody_is_in_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/rankings", params={"sector": "okand"}).status_code == 404


def test_an_empty_database_gives_an_empty_ranking(client: TestClient) -> None:
    ranking = _ranking(client)
    assert (ranking["period"], ranking["rows"]) == (None, [])


def test_a_count_or_rate_of_zero_is_not_ranked_and_is_counted(
    client: TestClient, auth: dict[str, str]
) -> None:
    """Contract v2: a shame list names no one for nothing."""
    _import(
        client,
        auth,
        "complaints",
        "company,metric,period,value",
        "Nollbolaget AB,arn_unfollowed,2024,0",
        "Nollbolaget AB,arn_unfollowed,2025,0",
        "Tvåbolaget AB,arn_unfollowed,2024,2",
        "Tvåbolaget AB,arn_unfollowed,2025,2",
        "Ettbolaget AB,arn_unfollowed,2024,0",
        "Ettbolaget AB,arn_unfollowed,2025,1",
        "Nollbolaget AB,complaints,2025,0",
        "Tvåbolaget AB,complaints,2025,5",
    )
    _import(client, auth, "customers", "company,year,customers", "Nollbolaget AB,2025,1000")
    ranking = _ranking(client, metric="arn_unfollowed", period="2025")
    # Ettbolaget had 0 the year before: no previous place, so no "up" arrow.
    assert _rows(ranking) == [(1, "tvabolaget", 2, None, 1), (2, "ettbolaget", 1, None, None)]
    assert ranking["companies_with_none"] == 1
    assert _ranking(client, metric="complaints_per_100k", period="2025")["rows"] == []
    # The company pages count places as the ranking does: 0 has none, and is not counted.
    zero = client.get("/api/v1/companies/nollbolaget").json()["complaint_ranks"]
    assert zero == [{"period": "2025", "rank": None, "ranked": 1}]
    five = client.get("/api/v1/companies/tvabolaget").json()["complaint_ranks"]
    assert five == [{"period": "2025", "rank": 1, "ranked": 1}]
    page = client.get("/rankings", params={"metric": "arn_unfollowed", "period": "2025"})
    assert "1 företag hade 0 under perioden" in page.text
    assert "Nollbolaget" not in page.text
    english = client.get(
        "/rankings", params={"metric": "arn_unfollowed", "period": "2025", "lang": "en"}
    )
    assert "1 company had 0 in the period" in english.text


def test_a_wait_of_zero_is_ranked(client: TestClient, auth: dict[str, str]) -> None:
    lines = ["company,measured_at,channel,wait_seconds,outcome"]
    lines += [
        f"Direktsvar AB,2025-03-{d:02d}T10:00:00+01:00,phone,0,answered" for d in range(1, 11)
    ]
    _import(client, auth, "waits", *lines)
    assert _rows(_ranking(client, metric="wait_median", period="2025")) == [
        (1, "direktsvar", 0, 10, None)
    ]


@pytest.mark.usefixtures("waits")
def test_months_offered_are_those_with_data_for_the_outcome(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    header = "company,measured_at,channel,wait_seconds,outcome"
    later = _waits("Snabb AB", [(60, "answered")], month="2025-05")
    later += _waits("Kö AB", [(70, "announced")], month="2025-07")
    _import(client, auth, "waits", header, *later)
    with database.read() as session:
        assert months_with_data(session, "phone", ("answered",)) == ["2025-03", "2025-05"]
        # July has an announcement and no contact: offered for announced waits only.
        assert months_with_data(session, "phone", ("announced",)) == ["2025-03", "2025-07"]
        assert months_with_data(session, "chat", ("answered",)) == ["2025-03"]
