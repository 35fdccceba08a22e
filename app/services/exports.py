"""The rows of every CSV download: all their SQL, streamed.

Each ``*_rows`` function yields plain tuples of Python values (str, int,
Decimal, datetime, bool or None) in the order of ``CSV_COLUMNS[name]``; the
web layer turns them into CSV. Large tables are read with ``yield_per`` (a
server-side cursor on PostgreSQL), so a download never holds all its rows in
memory. Services never commit and know nothing of the web.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.orm import Session

from app.metrics import get_metric
from app.models import (
    Company,
    CompanyAlias,
    ComplaintCount,
    ComplaintCountHistory,
    CustomerCount,
    CustomerCountHistory,
    ImportBatch,
    Sector,
    Source,
    WaitMeasurement,
)
from app.services.company_places import places_over_time
from app.services.data_dictionary import CSV_COLUMNS
from app.services.rankings import Ranking
from app.services.replies import reply_points
from app.services.series import load_company_figures
from app.services.uncertainty import Certainty

# How many rows a streamed query fetches at a time.
YIELD_PER = 1000

Row = tuple[Any, ...]

# Every download's columns and their meaning: app.services.data_dictionary.


def csv_header(name: str) -> list[str]:
    return [column for column, _description in CSV_COLUMNS[name]]


def _stream(session: Session, query: Executable) -> Iterator[Row]:
    result = session.execute(query.execution_options(yield_per=YIELD_PER))
    for row in result:
        yield tuple(row)


# --- rankings ---------------------------------------------------------------------------


def ranking_rows(ranking: Ranking) -> Iterator[Row]:
    """The rows of rankings.csv; the value as the contract writes it, kept a number."""
    period = str(ranking.period) if ranking.period is not None else None
    # Looked up once, not per row: a ranking has thousands.
    value_text = ranking.definition.format
    channel = ranking.rows_channel
    for row in ranking.rows:
        yield (
            row.rank,
            row.name,
            row.slug,
            row.org_number,
            row.sector,
            ranking.metric,
            period,
            Decimal(value_text(row.value)),
            row.sample_size,
            row.previous_rank,
            channel,
            *_certainty_cells(row.certainty),
        )


def _certainty_cells(sure: Certainty) -> tuple[Any, ...]:
    """value_low, value_high, rank_low, rank_high, signal (empty where not computed)."""
    return (sure.value_low, sure.value_high, sure.rank_low, sure.rank_high, sure.signal)


# --- one company ------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyRef:
    """The company a download is about: what every row repeats."""

    id: int
    name: str
    slug: str
    org_number: str | None
    sector_id: int | None = None


def company_ref(company: Company) -> CompanyRef:
    return CompanyRef(company.id, company.name, company.slug, company.org_number, company.sector_id)


def company_rows(session: Session, company: CompanyRef) -> Iterator[Row]:
    """Every data point of one company, current and replaced, with its source and batch.

    Order: complaints (current, then replaced), customers (current, then
    replaced), waits, its places in every yearly ranking, then published replies;
    each by metric, period and time. Columns as ``CSV_COLUMNS["company"]``;
    constant cells are added here, not in SQL, so that no query has to give a bare
    NULL a type.
    """
    head = (company.name, company.slug, company.org_number)
    figures = chain(
        _complaint_points(session, head, company.id, ComplaintCount, "current"),
        _complaint_points(session, head, company.id, ComplaintCountHistory, "replaced"),
        _customer_points(session, head, company.id, CustomerCount, "current"),
        _customer_points(session, head, company.id, CustomerCountHistory, "replaced"),
        _wait_points(session, head, company.id),
    )
    for row in figures:
        yield (*row, None, *_NO_PLACE)  # the text column is the replies' alone
    yield from _place_points(session, head, company)
    for row in reply_points(session, head, company.id):
        yield (*row, *_NO_PLACE)


# sample_size, rank, ranked, sector_percentile, sector_worse, sector_ranked: places only.
_NO_PLACE = (None,) * 6


def _place_points(session: Session, head: Row, company: CompanyRef) -> Iterator[Row]:
    """The company's place in each yearly ranking of every metric (kind ``place``)."""
    figures = load_company_figures(session, company.id)
    for metric in places_over_time(session, figures, company.sector_id):
        definition = get_metric(metric.metric)
        channel = figures.channel if definition.is_wait else None
        for place in metric.places:
            value = Decimal(definition.format(place.value))
            yield (
                *(*head, "place", place.status, place.metric, str(place.period), None, channel),
                *(None, value, None, None, None, None, None, None, None, None),
                *(place.sample_size, place.rank, place.ranked, place.sector_percentile),
                *(place.sector_worse, place.sector_ranked),
            )


def _replaced_by(model: Any, status: str) -> list[Any]:
    """The replacing batch's column for history tables; current rows add None in Python."""
    return [model.replaced_by_batch_id] if status == "replaced" else []


def _complaint_points(
    session: Session, head: Row, cid: int, model: Any, status: str
) -> Iterator[Row]:
    query = (
        select(
            model.metric,
            model.period,
            model.value,
            Source.slug,
            model.batch_id,
            model.source_url,
            model.recorded_at,
            *_replaced_by(model, status),
        )
        .join(Source, Source.id == model.source_id)
        .where(model.company_id == cid)
        .order_by(model.metric, model.period, model.recorded_at, model.id)
    )
    for metric, period, value, source, batch, url, recorded, *replaced in _stream(session, query):
        yield (
            *(*head, "complaints", status, metric, period, None, None, None, value, None),
            *(None, source, batch, url, recorded, replaced[0] if replaced else None),
        )


def _customer_points(
    session: Session, head: Row, cid: int, model: Any, status: str
) -> Iterator[Row]:
    query = (
        select(
            model.year,
            model.customers,
            Source.slug,
            model.batch_id,
            model.recorded_at,
            *_replaced_by(model, status),
        )
        .join(Source, Source.id == model.source_id)
        .where(model.company_id == cid)
        .order_by(model.year, model.recorded_at, model.id)
    )
    for year, customers, source, batch, recorded, *replaced in _stream(session, query):
        yield (
            *(*head, "customers", status, "customers", str(year), None, None, None),
            *(customers, None, None, source, batch, None, recorded),
            replaced[0] if replaced else None,
        )


def _wait_points(session: Session, head: Row, cid: int) -> Iterator[Row]:
    wait = WaitMeasurement
    query = (
        select(
            wait.local_month,
            wait.measured_at,
            wait.channel,
            wait.outcome,
            wait.wait_seconds,
            wait.transfers,
            wait.external_id,
            Source.slug,
            wait.batch_id,
            wait.source_url,
            ImportBatch.started_at,
        )
        .join(Source, Source.id == wait.source_id)
        .join(ImportBatch, ImportBatch.id == wait.batch_id)
        .where(wait.company_id == cid)
        .order_by(wait.measured_at, wait.channel, wait.id)
    )
    for row in _stream(session, query):
        month, measured_at, channel, outcome, seconds, transfers, external_id = row[:7]
        source, batch, url, recorded = row[7:]
        yield (
            *(*head, "waits", "current", "wait_seconds", month, measured_at, channel, outcome),
            *(seconds, transfers, external_id, source, batch, url, recorded, None),
        )


# --- bulk downloads ---------------------------------------------------------------------


def complaint_rows(session: Session) -> Iterator[Row]:
    """Every current complaint count, by company, metric and period."""
    query = (
        select(
            Company.name,
            Company.slug,
            Company.org_number,
            ComplaintCount.metric,
            ComplaintCount.period,
            ComplaintCount.value,
            Source.slug,
            ComplaintCount.batch_id,
            ComplaintCount.source_url,
            ComplaintCount.recorded_at,
        )
        .join(Company, Company.id == ComplaintCount.company_id)
        .join(Source, Source.id == ComplaintCount.source_id)
        .order_by(Company.slug, ComplaintCount.metric, ComplaintCount.period)
    )
    return _stream(session, query)


def wait_rows(session: Session) -> Iterator[Row]:
    """Every wait measurement, in the order they were imported.

    Ordered by primary key, not by company: the database streams it from the
    index instead of sorting millions of rows first.
    """
    query = (
        select(
            Company.name,
            Company.slug,
            Company.org_number,
            WaitMeasurement.measured_at,
            WaitMeasurement.local_month,
            WaitMeasurement.channel,
            WaitMeasurement.outcome,
            WaitMeasurement.wait_seconds,
            WaitMeasurement.transfers,
            WaitMeasurement.external_id,
            Source.slug,
            WaitMeasurement.batch_id,
            WaitMeasurement.source_url,
        )
        .join(Company, Company.id == WaitMeasurement.company_id)
        .join(Source, Source.id == WaitMeasurement.source_id)
        .order_by(WaitMeasurement.id)
    )
    return _stream(session, query)


def customer_rows(session: Session) -> Iterator[Row]:
    """Every current customer count, by company and year."""
    query = (
        select(
            Company.name,
            Company.slug,
            Company.org_number,
            CustomerCount.year,
            CustomerCount.customers,
            Source.slug,
            CustomerCount.batch_id,
            CustomerCount.recorded_at,
        )
        .join(Company, Company.id == CustomerCount.company_id)
        .join(Source, Source.id == CustomerCount.source_id)
        .order_by(Company.slug, CustomerCount.year)
    )
    return _stream(session, query)


def companies_rows(session: Session) -> Iterator[Row]:
    """Every company, by slug, with its other names.

    Companies carry no source or batch of their own: their figures do. Aliases
    come from a second query in the same order, merged as both stream.
    """
    companies = (
        select(
            Company.id,
            Company.name,
            Company.slug,
            Company.org_number,
            Sector.slug,
            Company.website,
            Company.verified,
            Company.created_at,
        )
        .outerjoin(Sector, Sector.id == Company.sector_id)
        .order_by(Company.slug, Company.id)
    )
    aliases = (
        select(Company.id, CompanyAlias.alias)
        .join(CompanyAlias, CompanyAlias.company_id == Company.id)
        .where(CompanyAlias.alias != Company.name)
        .order_by(Company.slug, Company.id, CompanyAlias.alias)
    )
    alias_stream = _stream(session, aliases)
    pending = next(alias_stream, None)
    for row in _stream(session, companies):
        company_id, name, slug, org_number, sector, website, verified, created_at = row
        names: list[str] = []
        while pending is not None and pending[0] == company_id:
            names.append(pending[1])
            pending = next(alias_stream, None)
        yield (
            name,
            slug,
            org_number,
            sector,
            website,
            verified,
            "|".join(names) or None,
            created_at,
        )


__all__ = [
    "CSV_COLUMNS",
    "CompanyRef",
    "companies_rows",
    "company_ref",
    "company_rows",
    "complaint_rows",
    "csv_header",
    "customer_rows",
    "ranking_rows",
    "wait_rows",
]
