"""A real regulator's published complaint ranking comes out in the regulator's order.

New York's Department of Financial Services ranks auto insurers by upheld
complaints per million dollars of premiums (rank 1 = fewest). Imported here as
complaint counts and "customer" counts (premiums in thousands of dollars),
Shamelist's complaints_per_100k is 100 x the regulator's ratio, and its ranking,
worst first, must be the regulator's order read backwards.

The file is read from the shared real-data folder beside the project and not
copied into it; the test is skipped where that folder is absent.
"""

from __future__ import annotations

import csv
import io
import itertools
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from tests.helpers import post_csv

REAL_DATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
NY_DFS = REAL_DATA / "ny_dfs_auto_insurance_complaint_rankings_2009-2023.csv"
YEAR = "2023"


def _regulator_rows() -> list[dict[str, str]]:
    if not NY_DFS.is_file():
        pytest.skip(f"the real-data folder is absent ({NY_DFS.name} not found beside the project)")
    with NY_DFS.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["Filing_Year"] == YEAR]


def _body(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_ny_dfs_ranking_comes_out_in_the_regulators_order(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    rows = _regulator_rows()
    complaints = [[r["Company_Name"], "complaints", YEAR, r["Upheld_Complaints"]] for r in rows]
    customers = [
        [r["Company_Name"], YEAR, max(1, round(float(r["Premiums_Written"]) * 1000))] for r in rows
    ]
    for kind, body in (
        ("complaints", _body(["company", "metric", "period", "value"], complaints)),
        ("customers", _body(["company", "year", "customers"], customers)),
    ):
        response = post_csv(client, kind, body, auth)
        assert response.status_code == 201, response.text
        assert response.json()["rows"] == len(rows)

    ranking = client.get(
        "/api/v1/rankings", params={"metric": "complaints_per_100k", "period": YEAR}
    ).json()
    # Contract v2: a company with no upheld complaint is not ranked, only counted.
    with_some = {r["Company_Name"] for r in rows if int(r["Upheld_Complaints"]) > 0}
    with_none = {r["Company_Name"] for r in rows} - with_some
    assert len(ranking["rows"]) == len(with_some)
    assert ranking["companies_with_none"] == len(with_none)
    ours = {row["company"]: row for row in ranking["rows"]}
    regulator = {r["Company_Name"]: r for r in rows if r["Company_Name"] in with_some}
    # For every pair the regulator tells apart by ratio, we rank the worse one higher.
    by_ratio = sorted(regulator.values(), key=lambda r: float(r["Ratio"]))
    for better, worse in itertools.pairwise(by_ratio):
        if float(worse["Ratio"]) - float(better["Ratio"]) > 0.0001:
            assert ours[worse["Company_Name"]]["rank"] < ours[better["Company_Name"]]["rank"], (
                worse["Company_Name"],
                better["Company_Name"],
            )
    # The value is upheld complaints per 100,000 "customers", to 2 decimals, from what we sent.
    sent = {
        name: (int(count), customers[i][2]) for i, (name, _m, _y, count) in enumerate(complaints)
    }
    for name, row in ours.items():
        count, premiums = sent[name]
        expected = (Decimal(count) * 100_000 / Decimal(premiums)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        assert row["value_text"] == f"{expected:.2f}", name
