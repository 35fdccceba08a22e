"""The wait aggregates always equal a recount from the measurements themselves."""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

from fastapi.testclient import TestClient
from scipy.stats import binom
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import WaitHistogram, WaitMeasurement, WaitMonthCount, WaitPeriodMedian
from app.periods import Period
from app.services.merge import merge_companies
from app.services.wait_medians import stored_medians
from app.services.waits_histogram import rebuild_histograms
from tests.helpers import csv_body, post_csv

HEADER = "company,measured_at,channel,wait_seconds,outcome,external_id"


def medians(
    session: Session, outcome: str, period: Period, channel: str
) -> dict[int, tuple[Decimal, int, int, int]]:
    """company -> (median, how many waits, interval low, interval high), computed afresh
    from the measurements themselves as a textbook writes it: the waits sorted, the mean
    of the two middle ones, and x(l), x(n - l + 1) with l = binom.ppf(0.025, n, 0.5)."""
    wm = WaitMeasurement
    query = select(wm.company_id, wm.wait_seconds).where(
        wm.outcome == outcome, wm.channel == channel, wm.local_month.in_(period.months())
    )
    waits: dict[int, list[int]] = defaultdict(list)
    for company_id, wait in session.execute(query):
        waits[company_id].append(wait)
    found = {}
    for company_id, values in waits.items():
        values.sort()
        n = len(values)
        low = max(1, int(binom.ppf(0.025, n, 0.5)))
        middle = (Decimal(values[(n - 1) // 2]) + Decimal(values[n // 2])) / 2
        found[company_id] = (middle, n, values[low - 1], values[n - low])
    return found


def stored(
    session: Session, outcome: str, period: Period, channel: str
) -> dict[int, tuple[Decimal, int, int, int]]:
    wpm = WaitPeriodMedian
    query = select(wpm.company_id, wpm.ci_low, wpm.ci_high).where(
        wpm.period == str(period), wpm.channel == channel, wpm.outcome == outcome
    )
    bounds = {company_id: (low, high) for company_id, low, high in session.execute(query)}
    medians = stored_medians(session, outcome, period, channel, None)
    return {cid: (median, n, *bounds[cid]) for cid, (median, n) in medians.items()}


def _aggregates(database: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with database.read() as session:
        histograms = sorted(tuple(r) for r in session.execute(select(*WaitHistogram.__table__.c)))
        counts = sorted(tuple(r) for r in session.execute(select(*WaitMonthCount.__table__.c)))
    return histograms, counts


def _recounted(database: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with database.write_sessions() as session:
        ids = [row[0] for row in session.execute(select(WaitMonthCount.company_id).distinct())]
        rebuild_histograms(session, ids)
        session.flush()
        histograms = sorted(tuple(r) for r in session.execute(select(*WaitHistogram.__table__.c)))
        counts = sorted(tuple(r) for r in session.execute(select(*WaitMonthCount.__table__.c)))
        session.rollback()
    return histograms, counts


def test_aggregates_follow_inserts_updates_and_merges(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    first = [
        f"Kö Ett AB,2025-03-0{d}T10:00:00+01:00,phone,{60 * d},answered,a{d}" for d in range(1, 8)
    ]
    first += [
        "Kö Två AB,2025-03-31T23:30:00Z,chat,500,abandoned,b1",
        "Kö Två AB,2025-04-02T10:00:00Z,phone,240,announced,b2",
    ]
    assert post_csv(client, "waits", csv_body(HEADER, *first), auth).status_code == 201
    # The same external ids with other values: updates move rows between cells.
    changed = [
        line.replace(",answered,", ",abandoned,") if line.endswith(("a1", "a2")) else line
        for line in first
    ]
    changed = [line.replace(",420,", ",90,") for line in changed]
    response = post_csv(client, "waits", csv_body(HEADER, *changed), auth)
    assert response.json()["updated"] == 3
    assert _aggregates(database) == _recounted(database)
    with database.write() as session:
        merge_companies(session, from_slug="ko-tva", into_slug="ko-ett")
    assert _aggregates(database) == _recounted(database)
    _histograms, counts = _aggregates(database)
    # Kö Två's chat contact at 23:30 UTC on 31 March is 1 April in Sweden.
    assert {(row[1], row[2]) for row in counts} == {
        ("2025-03", "phone"),
        ("2025-04", "chat"),
        ("2025-04", "phone"),
    }


def test_stored_medians_equal_medians_computed_afresh(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    rng = random.Random(11)
    lines = [
        f"Median {rng.randint(1, 4)} AB,2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z,"
        f"{rng.choice(['phone', 'chat'])},{rng.randint(0, 900)},{rng.choice(['answered', 'announced', 'abandoned'])},m{i}"
        for i in range(600)
    ]
    assert post_csv(client, "waits", csv_body(HEADER, *lines), auth).status_code == 201
    moved = [
        line.replace(",answered,", ",announced,") if i % 7 == 0 else line
        for i, line in enumerate(lines)
    ]
    assert post_csv(client, "waits", csv_body(HEADER, *moved), auth).status_code == 201
    with database.write() as session:
        merge_companies(session, from_slug="median-2", into_slug="median-1")
    periods = [Period.parse(p) for p in ("2025", "2025-Q1", "2025-Q4", "2025-03", "2025-12")]
    with database.read() as session:
        for period in periods:
            for channel in ("phone", "chat"):
                for outcome in ("answered", "announced"):
                    assert stored(session, outcome, period, channel) == medians(
                        session, outcome, period, channel
                    ), (period, channel, outcome)


def test_a_later_month_recomputes_its_year_from_every_month_of_it(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    """A batch of one month reads only the years it touched, yet each of their periods
    from all of its months (a year's median needs the months the batch did not send)."""
    rng = random.Random(12)
    history = [
        f"Arkiv AB,{year}-{month:02d}-{rng.randint(1, 28):02d}T09:00:00Z,phone,"
        f"{rng.randint(0, 900)},answered,h{year}{month}{i}"
        for year in (2024, 2025)
        for month in range(1, 13)
        for i in range(5)
    ]
    assert post_csv(client, "waits", csv_body(HEADER, *history), auth).status_code == 201
    later = [f"Arkiv AB,2025-06-1{i}T09:00:00Z,phone,{2000 + i},answered,l{i}" for i in range(9)]
    assert post_csv(client, "waits", csv_body(HEADER, *later), auth).status_code == 201
    periods = [Period.parse(p) for p in ("2024", "2024-Q2", "2025", "2025-Q2", "2025-06")]
    with database.read() as session:
        for period in periods:
            assert stored(session, "answered", period, "phone") == medians(
                session, "answered", period, "phone"
            ), period
