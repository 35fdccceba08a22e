"""Sectors: what a company belongs to and what the rankings can be filtered by."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Company, Sector


def sector_of(session: Session, company: Company) -> Sector | None:
    if company.sector_id is None:
        return None
    return session.get(Sector, company.sector_id)


def sector_slugs(session: Session) -> list[tuple[str, str]]:
    """(slug, name) of every sector, by name."""
    return [
        (slug, name)
        for slug, name in session.execute(select(Sector.slug, Sector.name).order_by(Sector.name))
    ]
