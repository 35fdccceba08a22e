"""Company search by name, alias or org number: case-insensitive, Swedish letters included.

Names are matched on their normalised form (``app.names.normalize_company_name``:
Unicode case-folded, legal form removed), which is stored beside every name, so a
plain LIKE finds "åhus" in "ÅHUS El AB" on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Company, CompanyAlias, Sector
from app.names import normalize_company_name
from app.services.rankings import swedish_sort_key

MAX_QUERY_LENGTH = 200
_ORG_DIGITS = re.compile(r"^(?:16)?\d[\d-]{1,11}$")


@dataclass(frozen=True)
class SearchHit:
    slug: str
    name: str
    org_number: str | None
    sector: str | None  # the sector's slug
    matched: str  # the name, alias or org number that matched


def _like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` escaped (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _org_number_pattern(q: str) -> str | None:
    """A LIKE pattern for an org number or its beginning, with or without the dash."""
    compact = q.replace(" ", "")
    if not _ORG_DIGITS.match(compact):
        return None
    digits = compact.replace("-", "")
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if len(digits) < 3 or len(digits) > 10:
        return None
    formatted = digits if len(digits) <= 6 else f"{digits[:6]}-{digits[6:]}"
    return f"{formatted}%"


def _score(normalized: str, needle: str) -> int:
    """0 for an exact match, 1 for a prefix, 2 for anything else."""
    if normalized == needle:
        return 0
    return 1 if normalized.startswith(needle) else 2


def _name_hits(session: Session, needle: str) -> dict[int, tuple[int, str, Company, str | None]]:
    pattern = _like_pattern(needle)
    found: dict[int, tuple[int, str, Company, str | None]] = {}
    by_name = (
        select(Company, Sector.slug, Company.name, Company.normalized_name)
        .outerjoin(Sector, Sector.id == Company.sector_id)
        .where(Company.normalized_name.like(pattern, escape="\\"))
    )
    by_alias = (
        select(Company, Sector.slug, CompanyAlias.alias, CompanyAlias.normalized)
        .join(CompanyAlias, CompanyAlias.company_id == Company.id)
        .outerjoin(Sector, Sector.id == Company.sector_id)
        .where(CompanyAlias.normalized.like(pattern, escape="\\"))
    )
    for query in (by_name, by_alias):
        for company, sector, matched, normalized in session.execute(query):
            score = _score(normalized, needle)
            if company.id not in found or score < found[company.id][0]:
                found[company.id] = (score, matched, company, sector)
    return found


def _org_hits(session: Session, pattern: str) -> dict[int, tuple[int, str, Company, str | None]]:
    query = (
        select(Company, Sector.slug)
        .outerjoin(Sector, Sector.id == Company.sector_id)
        .where(Company.org_number.like(pattern))
    )
    return {
        company.id: (0, company.org_number or "", company, sector)
        for company, sector in session.execute(query)
    }


def search_companies(session: Session, q: str, *, limit: int = 20) -> list[SearchHit]:
    """Companies whose name, alias or org number matches ``q``; best matches first.

    An exact name beats a name that begins with ``q``, which beats one that merely
    contains it; ties are in Swedish alphabetical order. A blank ``q`` finds nothing.
    """
    text = q.strip()[:MAX_QUERY_LENGTH]
    if not text or limit <= 0:
        return []
    found: dict[int, tuple[int, str, Company, str | None]] = {}
    org_pattern = _org_number_pattern(text)
    if org_pattern is not None:
        found.update(_org_hits(session, org_pattern))
    needle = normalize_company_name(text)
    if needle:
        for company_id, hit in _name_hits(session, needle).items():
            if company_id not in found or hit[0] < found[company_id][0]:
                found[company_id] = hit
    ordered = sorted(found.values(), key=lambda hit: (hit[0], swedish_sort_key(hit[2].name)))
    return [
        SearchHit(
            slug=company.slug,
            name=company.name,
            org_number=company.org_number,
            sector=sector,
            matched=matched,
        )
        for _score_, matched, company, sector in ordered[:limit]
    ]


__all__ = ["SearchHit", "search_companies"]
