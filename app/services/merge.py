"""Folding one company into another: its figures, names, tokens and links move over."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.models import (
    ApiToken,
    Company,
    CompanyAlias,
    CompanyRedirect,
    ComplaintCount,
    ComplaintCountHistory,
    CustomerCount,
    CustomerCountHistory,
    Reply,
    WaitMeasurement,
)
from app.services.companies import aliases_of, company_by_slug
from app.services.complaint_periods import refresh_company_complaint_periods
from app.services.data_version import bump_data_version
from app.services.search import add_search_terms
from app.services.waits_histogram import rebuild_histograms
from app.services.year_values import refresh_company_year_values


def merge_companies(session: Session, *, from_slug: str, into_slug: str) -> Company:
    """Fold FROM into INTO; FROM's names become INTO's aliases and its slug redirects."""
    source = company_by_slug(session, from_slug)
    target = company_by_slug(session, into_slug)
    if source is None or target is None:
        missing = from_slug if source is None else into_slug
        raise ValueError(f"no company has the slug {missing!r}")
    if source.id == target.id:
        raise ValueError("a company cannot be merged into itself")
    _move_values(
        session, ComplaintCount, ComplaintCountHistory, source, target, ("metric", "period")
    )
    _move_values(session, CustomerCount, CustomerCountHistory, source, target, ("year",))
    _move_waits(session, source, target)
    for model in (CompanyAlias, CompanyRedirect, ApiToken, Reply):
        session.execute(
            update(model).where(model.company_id == source.id).values(company_id=target.id)
        )
    # FROM's names, now INTO's aliases, find INTO; FROM's own terms go with it (CASCADE).
    add_search_terms(session, target.id, aliases_of(session, target.id))
    _fill_empty_fields(session, source, target)
    old_slug = source.slug
    session.delete(source)
    session.flush()
    session.add(CompanyRedirect(old_slug=old_slug, company_id=target.id))
    rebuild_histograms(session, [target.id])
    refresh_company_complaint_periods(session, [target.id])
    refresh_company_year_values(session, [target.id])
    bump_data_version(session)
    session.flush()
    return target


def _move_values(
    session: Session,
    model: Any,
    history: Any,
    source: Company,
    target: Company,
    key: tuple[str, ...],
) -> None:
    """Move FROM's values over; where INTO has the same key, INTO's value stays current."""
    taken = {
        tuple(getattr(row, k) for k in key)
        for row in session.scalars(select(model).where(model.company_id == target.id))
    }
    for row in session.scalars(select(model).where(model.company_id == source.id)).all():
        if tuple(getattr(row, k) for k in key) in taken:
            kept = {
                c.key: getattr(row, c.key)
                for c in history.__table__.columns
                if hasattr(row, c.key) and c.key != "id"
            }
            session.add(history(**{**kept, "company_id": target.id, "replaced_by_batch_id": None}))
            session.delete(row)
        else:
            row.company_id = target.id
    session.flush()
    session.execute(
        update(history).where(history.company_id == source.id).values(company_id=target.id)
    )


def _move_waits(session: Session, source: Company, target: Company) -> None:
    """Move FROM's measurements; one that INTO already has by its natural key is dropped."""
    target_keys = {
        tuple(row)
        for row in session.execute(
            select(
                WaitMeasurement.source_id, WaitMeasurement.channel, WaitMeasurement.measured_at
            ).where(WaitMeasurement.company_id == target.id, WaitMeasurement.external_id.is_(None))
        )
    }
    duplicates = [
        row_id
        for row_id, *natural_key in session.execute(
            select(
                WaitMeasurement.id,
                WaitMeasurement.source_id,
                WaitMeasurement.channel,
                WaitMeasurement.measured_at,
            ).where(WaitMeasurement.company_id == source.id, WaitMeasurement.external_id.is_(None))
        )
        if tuple(natural_key) in target_keys
    ]
    if duplicates:
        session.execute(delete(WaitMeasurement).where(WaitMeasurement.id.in_(duplicates)))
    session.execute(
        update(WaitMeasurement)
        .where(WaitMeasurement.company_id == source.id)
        .values(company_id=target.id)
    )


def _fill_empty_fields(session: Session, source: Company, target: Company) -> None:
    org_number = source.org_number
    if org_number and not target.org_number:
        source.org_number = None
        session.flush()
        target.org_number = org_number
    target.sector_id = target.sector_id or source.sector_id
    target.website = target.website or source.website
    target.verified = target.verified or source.verified
