"""The company JSON carries its place in every yearly ranking, as /api/v1/rankings has it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import csv_body, post_csv

COMPANIES = ["name,sector", "Exempeltele AB,telekom", "Provtele AB,telekom", "Testkraft AB,energi"]
COMPLAINTS = [
    "company,metric,period,value",
    "Exempeltele AB,complaints,2024,40",
    "Exempeltele AB,complaints,2025,12",
    "Provtele AB,complaints,2024,30",
    "Provtele AB,complaints,2025,12",
    "Testkraft AB,complaints,2024,0",
    "Testkraft AB,complaints,2025,90",
    "Exempeltele AB,arn_cases,2025,3",
]
CUSTOMERS = ["company,year,customers", "Exempeltele AB,2025,4000", "Provtele AB,2025,3000"]


def _waits(name: str, month: str, count: int, seconds: int) -> list[str]:
    return [
        f"{name},{month}-{day:02d}T10:00:00+01:00,phone,{seconds + day},answered"
        for day in range(1, count + 1)
    ]


def _load(client: TestClient, auth: dict[str, str]) -> None:
    waits = ["company,measured_at,channel,wait_seconds,outcome"]
    waits += _waits("Exempeltele AB", "2025-02", 12, 300) + _waits("Provtele AB", "2025-02", 3, 60)
    waits += _waits("Testkraft AB", "2025-03", 11, 100)
    for kind, lines in (
        ("companies", COMPANIES),
        ("complaints", COMPLAINTS),
        ("customers", CUSTOMERS),
        ("waits", waits),
    ):
        assert post_csv(client, kind, csv_body(*lines), auth).status_code == 201


def _json(client: TestClient, path: str, **params: str) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_company_json_gives_each_metrics_place_as_the_ranking_json_has_it(
    client: TestClient, auth: dict[str, str]
) -> None:
    _load(client, auth)
    company = _json(client, "/api/v1/companies/exempeltele")
    places = company["places"]
    waits = {"wait_median", "abandoned_share", "over_3min_share"}
    assert set(places) == {"complaints", "complaints_per_100k", "arn_cases", *waits}
    assert set(places["wait_median"][0]) == {
        "period", "value", "value_text", "sample_size", "status", "rank", "ranked",
        "sector_percentile", "sector_worse", "sector_ranked",
    }  # fmt: skip
    for metric, found in places.items():
        for place in found:
            ranking = _json(client, "/api/v1/rankings", metric=metric, period=place["period"])
            ranks = {row["slug"]: row["rank"] for row in ranking["rows"]}
            assert place["rank"] == ranks.get("exempeltele"), (metric, place)
            assert place["ranked"] == len(ranking["rows"])
    assert places["complaints"] == [
        {
            "period": "2024", "value": 40, "value_text": "40", "sample_size": None,
            "status": "ranked", "rank": 1, "ranked": 2, "sector_percentile": 0,
            "sector_worse": 0, "sector_ranked": 2,
        },
        {
            "period": "2025", "value": 12, "value_text": "12", "sample_size": None,
            "status": "ranked", "rank": 2, "ranked": 3, "sector_percentile": 0,
            "sector_worse": 0, "sector_ranked": 2,
        },
    ]  # fmt: skip
    # 300.00 per 100,000 against Provtele's 400.00: better than all of its sector.
    rate = places["complaints_per_100k"][0]
    assert (rate["value_text"], rate["rank"], rate["sector_percentile"]) == ("300.00", 2, 100)
    # The yearly complaint ranks the JSON always had are the same places.
    assert company["complaint_ranks"] == [
        {"period": "2024", "rank": 1, "ranked": 2},
        {"period": "2025", "rank": 2, "ranked": 3},
    ]


def test_too_few_measurements_and_a_count_of_0_are_said_not_placed(
    client: TestClient, auth: dict[str, str]
) -> None:
    _load(client, auth)
    provtele = _json(client, "/api/v1/companies/provtele")["places"]["wait_median"]
    assert [(p["status"], p["rank"], p["sample_size"]) for p in provtele] == [("too_few", None, 3)]
    testkraft = _json(client, "/api/v1/companies/testkraft")["places"]["complaints"]
    assert [(p["period"], p["status"], p["rank"]) for p in testkraft] == [
        ("2024", "not_ranked", None),
        ("2025", "ranked", 1),
    ]
    # Alone in its sector: a place, but no one in the sector to be better than.
    assert testkraft[1]["sector_percentile"] is None
    assert testkraft[1]["sector_ranked"] == 1
