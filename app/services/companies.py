"""Companies: lookup by org number or name, creation, aliases, sectors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Company, CompanyAlias, CompanyRedirect, Sector
from app.names import normalize_company_name, slugify
from app.services.search import add_search_terms


def company_by_org_number(session: Session, org_number: str) -> Company | None:
    return session.scalar(select(Company).where(Company.org_number == org_number))


def company_by_name(session: Session, name: str) -> Company | None:
    """The company whose own name or alias normalises like ``name``."""
    normalized = normalize_company_name(name)
    return session.scalar(
        select(Company)
        .join(CompanyAlias, CompanyAlias.company_id == Company.id)
        .where(CompanyAlias.normalized == normalized)
    )


def companies_by_name(session: Session, names: Iterable[str]) -> dict[str, int]:
    """name -> company id, for each of ``names`` that a company's name or alias means
    (as ``company_by_name``, for a chunk's worth of names in one query)."""
    by_normalized: dict[str, list[str]] = {}
    for name in names:
        by_normalized.setdefault(normalize_company_name(name), []).append(name)
    found: dict[str, int] = {}
    query = select(CompanyAlias.normalized, CompanyAlias.company_id)
    query = query.where(CompanyAlias.normalized.in_(list(by_normalized)))
    for normalized, company_id in session.execute(query):
        found.update((name, company_id) for name in by_normalized[normalized])
    return found


def companies_by_org_number(session: Session, org_numbers: Iterable[str]) -> dict[str, int]:
    """org number -> company id, for each of ``org_numbers`` a company has."""
    query = select(Company.org_number, Company.id).where(Company.org_number.in_(list(org_numbers)))
    return {str(org): cid for org, cid in session.execute(query)}


def company_by_slug(session: Session, slug: str) -> Company | None:
    company = session.scalar(select(Company).where(Company.slug == slug))
    if company is not None:
        return company
    return session.scalar(
        select(Company)
        .join(CompanyRedirect, CompanyRedirect.company_id == Company.id)
        .where(CompanyRedirect.old_slug == slug)
    )


def _slug_taken(session: Session, slug: str) -> bool:
    """A company's slug, or one that leads to a company: one round trip for both."""
    in_companies = select(Company.id).where(Company.slug == slug).exists()
    in_redirects = select(CompanyRedirect.id).where(CompanyRedirect.old_slug == slug).exists()
    return bool(session.scalar(select(in_companies | in_redirects)))


def unique_slug(session: Session, name: str) -> str:
    return unique_slugs(session, [name])[0]


def unique_slugs(session: Session, names: Sequence[str]) -> list[str]:
    """A free slug for each of ``names`` (companies to be created together): its name's,
    else that with -2, -3 and on. Whether the names' own slugs are taken is asked in one
    query; a suffixed one, rarely needed, is asked on its own."""
    bases = [slugify(normalize_company_name(name)) for name in names]
    taken = set(session.scalars(select(Company.slug).where(Company.slug.in_(bases))))
    old = select(CompanyRedirect.old_slug).where(CompanyRedirect.old_slug.in_(bases))
    taken.update(session.scalars(old))
    slugs: list[str] = []
    for base in bases:
        slug, suffix = base, 2
        while slug in taken or slug in slugs or (slug != base and _slug_taken(session, slug)):
            slug, suffix = f"{base}-{suffix}", suffix + 1
        slugs.append(slug)
    return slugs


def add_alias(session: Session, company: Company, name: str) -> int | None:
    """Register ``name`` for ``company`` when no company goes by it yet.

    Returns the id of the company the name meant before the call: None when it
    was free (and now means ``company``).
    """
    normalized = normalize_company_name(name)
    owner = session.scalar(
        select(CompanyAlias.company_id).where(CompanyAlias.normalized == normalized)
    )
    if owner is None:
        _add_free_alias(session, company, name)
    return owner


def _add_free_alias(session: Session, company: Company, name: str) -> None:
    normalized = normalize_company_name(name)
    session.add(CompanyAlias(company_id=company.id, alias=name, normalized=normalized))
    session.flush()
    add_search_terms(session, company.id, [name])


def create_company(
    session: Session,
    *,
    name: str,
    org_number: str | None,
    verified: bool,
    sector_id: int | None = None,
    website: str | None = None,
    name_is_free: bool = False,
) -> Company:
    """A new company, its name an alias of it unless another company goes by that name
    (``name_is_free``: the caller knows none does, and the look-up is spared)."""
    company = Company(
        slug=unique_slug(session, name),
        name=name,
        normalized_name=normalize_company_name(name),
        org_number=org_number,
        verified=verified,
        sector_id=sector_id,
        website=website,
    )
    session.add(company)
    session.flush()
    # Another company may already own this name (two legal entities, one name);
    # then the name keeps meaning that one and this company is found by org number
    # (and by search, which lists both).
    if name_is_free:
        _add_free_alias(session, company, name)
    elif add_alias(session, company, name) is not None:
        add_search_terms(session, company.id, [name])
    return company


def name_from_slug(slug: str) -> str:
    """The name a sector is shown by until it is given one (contract v2)."""
    return slug.replace("-", " ").capitalize()


def get_or_create_sector(session: Session, slug: str, name: str | None = None) -> Sector:
    """The sector ``slug``, created on first use; ``name`` names it if it has no name yet
    (a sector is named once, like a company's empty fields: never renamed by an import)."""
    sector = session.scalar(select(Sector).where(Sector.slug == slug))
    if sector is None:
        sector = Sector(slug=slug, name=name or name_from_slug(slug))
        session.add(sector)
        session.flush()
    elif name and sector.name == name_from_slug(slug):
        sector.name = name
    return sector


def aliases_of(session: Session, company_id: int) -> list[str]:
    """The spellings that resolve to a company, its own name first."""
    return list(
        session.scalars(
            select(CompanyAlias.alias)
            .where(CompanyAlias.company_id == company_id)
            .order_by(CompanyAlias.id)
        )
    )


def company_slugs(session: Session) -> list[str]:
    """Every company's slug, in order (for the sitemap)."""
    return list(session.scalars(select(Company.slug).order_by(Company.slug)))
