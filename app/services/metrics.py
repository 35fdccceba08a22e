"""Every metric of the contract, computed for one period: value and sample size per company.

Count metrics read ``complaint_counts`` (already one row per company, metric
and period) with the contract's exact-period rule. Wait metrics read
``wait_histograms``, so their cost grows with companies x months x distinct
waits, never with the number of measurements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ComplaintCount, CustomerCount, WaitHistogram
from app.periods import Period
from app.services.wait_medians import stored_medians
from app.services.wait_metrics import SLOW_SECONDS as SLOW_SECONDS
from app.services.wait_metrics import contact_counts, share

COUNT_METRICS = ("complaints", "complaints_per_100k", "arn_cases", "arn_unfollowed")
WAIT_METRICS = ("wait_median", "abandoned_share", "over_3min_share", "announced_wait_median")
METRICS = COUNT_METRICS + WAIT_METRICS
MIN_SAMPLE = 10
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class MetricValue:
    value: Decimal
    # Contacts (or answered contacts, or announcements) behind a wait metric; None for counts.
    sample_size: int | None = None


def count_values(
    session: Session, metric: str, period: Period, company_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Each company's count in ``period``: its row for exactly the period, else the sum of
    its months inside it, else the sum of its quarters inside it (never a mix)."""
    names = [str(period), *period.months(), *period.quarters()]
    query = select(ComplaintCount.company_id, ComplaintCount.period, ComplaintCount.value).where(
        ComplaintCount.metric == metric, ComplaintCount.period.in_(names)
    )
    if company_ids is not None:
        query = query.where(ComplaintCount.company_id.in_(list(company_ids)))
    by_company: dict[int, dict[str, int]] = defaultdict(dict)
    for company_id, row_period, value in session.execute(query):
        by_company[company_id][row_period] = value
    values = {}
    for company_id, rows in by_company.items():
        if str(period) in rows:
            values[company_id] = rows[str(period)]
            continue
        months = [rows[m] for m in period.months() if m in rows and m != str(period)]
        quarters = [rows[q] for q in period.quarters() if q in rows and q != str(period)]
        if months:
            values[company_id] = sum(months)
        elif quarters:
            values[company_id] = sum(quarters)
    return values


def _per_100k(
    session: Session, period: Period, company_ids: Iterable[int] | None
) -> dict[int, MetricValue]:
    complaints = count_values(session, "complaints", period, company_ids)
    customer_rows = session.execute(
        select(CustomerCount.company_id, CustomerCount.customers).where(
            CustomerCount.year == period.year, CustomerCount.company_id.in_(list(complaints))
        )
    )
    customers: dict[int, int] = {company_id: count for company_id, count in customer_rows}
    return {
        company_id: MetricValue(
            (Decimal(count) * 100_000 / Decimal(customers[company_id])).quantize(
                _CENT, ROUND_HALF_UP
            )
        )
        for company_id, count in complaints.items()
        if customers.get(company_id)
    }


def _wait_values(
    session: Session, metric: str, period: Period, channel: str, company_ids: Iterable[int] | None
) -> dict[int, MetricValue]:
    if metric in ("wait_median", "announced_wait_median"):
        outcome = "answered" if metric == "wait_median" else "announced"
        found = stored_medians(session, outcome, period, channel, company_ids)
        return {cid: MetricValue(value, sample) for cid, (value, sample) in found.items()}
    counts = contact_counts(session, period, channel, company_ids)
    position = 1 if metric == "abandoned_share" else 2
    return {
        cid: MetricValue(share(row[position], row[0]), row[0])
        for cid, row in counts.items()
        if row[0]
    }


def metric_values(
    session: Session,
    metric: str,
    period: Period,
    *,
    channel: str = "phone",
    company_ids: Iterable[int] | None = None,
) -> dict[int, MetricValue]:
    """Every company's value of ``metric`` in ``period`` (companies without data left out).

    Wait metrics include companies under the minimum sample; ``is_rankable`` tells them apart.
    """
    if metric == "complaints_per_100k":
        return _per_100k(session, period, company_ids)
    if metric in COUNT_METRICS:
        counts = count_values(session, metric, period, company_ids)
        return {company_id: MetricValue(Decimal(value)) for company_id, value in counts.items()}
    return _wait_values(session, metric, period, channel, company_ids)


def is_rankable(metric: str, value: MetricValue) -> bool:
    return metric in COUNT_METRICS or (value.sample_size or 0) >= MIN_SAMPLE


def latest_year(session: Session, metric: str, channel: str = "phone") -> int | None:
    """The latest year with data for the metric (the default period of a ranking)."""
    if metric in COUNT_METRICS:
        source_metric = "complaints" if metric == "complaints_per_100k" else metric
        query = select(func.max(ComplaintCount.year)).where(ComplaintCount.metric == source_metric)
        if metric == "complaints_per_100k":
            query = query.join(
                CustomerCount,
                (CustomerCount.company_id == ComplaintCount.company_id)
                & (CustomerCount.year == ComplaintCount.year),
            )
        year: int | None = session.scalar(query)
        return year
    month: str | None = session.scalar(
        select(func.max(WaitHistogram.month)).where(
            WaitHistogram.channel == channel,
            WaitHistogram.outcome.in_(
                ("announced",) if metric == "announced_wait_median" else ("answered", "abandoned")
            ),
        )
    )
    return int(month[:4]) if month else None
