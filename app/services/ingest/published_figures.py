"""What a source last published, for the scrapers' magnitude check.

A scraper's new figure is compared with the one the same source published for the
same company and series; a jump by an implausible factor holds the batch for review.
This module only reads: the comparison itself is the scrapers' (``scrapers.magnitude``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models import Company, CompanyAlias, ComplaintCount, WaitMeasurement


@dataclass(frozen=True)
class PublishedFigures:
    """Current figures of one source, and the names and org numbers of their companies."""

    # (company id, series, period) -> value. For complaints the series is the metric
    # and the period its period; for waits "channel/outcome" and "" (the latest wait).
    values: dict[tuple[int, str, str], float] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)  # normalised alias -> company id
    by_org_number: dict[str, int] = field(default_factory=dict)  # 10 digits -> company id


def published_figures(session: Session, source_id: int, kind: str) -> PublishedFigures:
    """The source's current complaint counts, or its latest wait per company and series."""
    if kind == "complaints":
        rows = session.execute(
            select(
                ComplaintCount.company_id,
                ComplaintCount.metric,
                ComplaintCount.period,
                ComplaintCount.value,
            ).where(ComplaintCount.source_id == source_id)
        ).all()
        values = {(c, metric, period): float(v) for c, metric, period, v in rows}
    elif kind == "waits":
        values = {
            (c, f"{channel}/{outcome}", ""): float(wait)
            for c, channel, outcome, wait in session.execute(_latest_waits(source_id))
        }
    else:
        return PublishedFigures()
    model = ComplaintCount if kind == "complaints" else WaitMeasurement
    ids = select(model.company_id).where(model.source_id == source_id).distinct()
    names = session.execute(
        select(CompanyAlias.normalized, CompanyAlias.company_id).where(
            CompanyAlias.company_id.in_(ids)
        )
    )
    numbers = session.execute(
        select(Company.org_number, Company.id).where(
            Company.id.in_(ids), Company.org_number.is_not(None)
        )
    )
    return PublishedFigures(
        values=values,
        by_name={name: company for name, company in names},
        by_org_number={
            number.replace("-", "")[-10:]: company for number, company in numbers if number
        },
    )


def _latest_waits(source_id: int) -> Select[int, str, str, int]:
    latest = (
        select(
            WaitMeasurement.company_id,
            WaitMeasurement.channel,
            WaitMeasurement.outcome,
            func.max(WaitMeasurement.measured_at).label("at"),
        )
        .where(WaitMeasurement.source_id == source_id)
        .group_by(WaitMeasurement.company_id, WaitMeasurement.channel, WaitMeasurement.outcome)
        .subquery()
    )
    return (
        select(
            WaitMeasurement.company_id,
            WaitMeasurement.channel,
            WaitMeasurement.outcome,
            WaitMeasurement.wait_seconds,
        )
        .join(
            latest,
            (latest.c.company_id == WaitMeasurement.company_id)
            & (latest.c.channel == WaitMeasurement.channel)
            & (latest.c.outcome == WaitMeasurement.outcome)
            & (latest.c.at == WaitMeasurement.measured_at),
        )
        .where(WaitMeasurement.source_id == source_id)
    )
