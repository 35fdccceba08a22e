"""Which periods have data for a metric: the choices a ranking offers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.metrics import Metric
from app.models import ComplaintPeriodValue
from app.periods import Period
from app.services.wait_metrics import months_with_data


def _count_periods(session: Session, reads: str) -> list[str]:
    """Every period of a complaint metric, by a loose index scan over (metric, period):
    one index probe per period found, however many companies each has."""
    cpv = ComplaintPeriodValue
    steps = select(func.min(cpv.period)).where(cpv.metric == reads).cte("steps", recursive=True)
    following = (
        select(func.min(cpv.period))
        .where(cpv.metric == reads, cpv.period > steps.c[0])
        .scalar_subquery()
    )
    steps = steps.union_all(select(following).where(steps.c[0].is_not(None)))
    return [period for period in session.scalars(select(steps.c[0])) if period is not None]


def with_parents(months: list[str]) -> set[Period]:
    """The months with their quarters and years."""
    return {parent for name in months for parent in Period.parse(name).with_parents()}


def available_periods(session: Session, metric: Metric, channel: str = "phone") -> list[Period]:
    """Every year, quarter and month with data for the metric, latest first."""
    if metric.is_wait:
        names = months_with_data(session, channel, metric.outcomes)
    else:
        names = _count_periods(session, metric.reads)
    return sorted(with_parents(names), reverse=True)
