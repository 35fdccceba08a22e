"""The new companies of a companies file, written a run of rows at a time.

A file of new companies (the usual first import) would otherwise cost each company a
look-up of its slug, an INSERT of it, one of its name and one of its search terms, each
a round trip. A row whose names, aliases and org number no company has (as far as the
batch has looked, ``BatchContext.prefetch_names``), and that no row of the same run
claims, waits here; the run is written in one statement a table. A row that is not
plainly new ends the run first, so that it finds the companies before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import insert

from app.models import Company, CompanyAlias
from app.models.base import utcnow
from app.names import normalize_company_name
from app.schemas import CompanyRecord
from app.services.companies import unique_slugs
from app.services.ingest.context import BatchContext
from app.services.search import add_many_search_terms

_COMPANIES = Company.metadata.tables[Company.__tablename__]
_ALIASES = CompanyAlias.metadata.tables[CompanyAlias.__tablename__]


@dataclass(frozen=True)
class NewCompany:
    """A company this batch created, as its report names it."""

    id: int
    name: str
    slug: str
    org_number: str | None
    verified: bool


@dataclass
class NewCompanies:
    """A run of rows that each create a company, not yet written."""

    records: list[CompanyRecord] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)  # normalised names and aliases claimed
    _org_numbers: set[str] = field(default_factory=set)

    def take(self, ctx: BatchContext, record: CompanyRecord) -> bool:
        """Keep ``record`` for the run when it plainly creates a company of its own."""
        names = {normalize_company_name(name) for name in (record.name, *record.aliases)}
        if names & self._names or record.org_number in self._org_numbers:
            return False
        if not ctx.is_new_company(record.name, record.org_number):
            return False
        if not all(ctx.is_free_name(alias) for alias in record.aliases):
            return False
        self.records.append(record)
        self._names |= names
        if record.org_number is not None:
            self._org_numbers.add(record.org_number)
        return True

    def write(self, ctx: BatchContext, sector_ids: list[int | None]) -> None:
        """Create the run's companies (``sector_ids`` the sector of each), with their names
        as aliases and search terms, and start a new run."""
        if not self.records:
            return
        records, self.records = self.records, []
        self._names, self._org_numbers = set(), set()
        session = ctx.session
        slugs = unique_slugs(session, [record.name for record in records])
        rows = [
            _company_row(record, slug, sector_id)
            for record, slug, sector_id in zip(records, slugs, sector_ids, strict=True)
        ]
        returning = insert(_COMPANIES).returning(_COMPANIES.c.id, sort_by_parameter_order=True)
        ids = list(session.execute(returning, rows).scalars())
        aliases, terms = [], []
        for record, company_id, slug in zip(records, ids, slugs, strict=True):
            names = _own_names(record)
            aliases += [_alias_row(company_id, name) for name in names]
            terms.append((company_id, [[name] for name in names]))
            verified = record.org_number is not None
            created = NewCompany(company_id, record.name, slug, record.org_number, verified)
            ctx.record_created(created, names)
            ctx.count("inserted")
        session.execute(insert(_ALIASES), aliases)
        add_many_search_terms(session, terms)


def _company_row(record: CompanyRecord, slug: str, sector_id: int | None) -> dict[str, object]:
    return {
        "slug": slug,
        "name": record.name,
        "normalized_name": normalize_company_name(record.name),
        "org_number": record.org_number,
        "verified": record.org_number is not None,  # as a company created by its number
        "sector_id": sector_id,
        "website": record.website,
        "created_at": utcnow(),
    }


def _alias_row(company_id: int, name: str) -> dict[str, object]:
    return {"company_id": company_id, "alias": name, "normalized": normalize_company_name(name)}


def _own_names(record: CompanyRecord) -> list[str]:
    """The row's name and aliases, each spelling once (by its normalised form), the name
    first: what the row-by-row way would make it go by."""
    names: dict[str, str] = {}
    for name in (record.name, *record.aliases):
        names.setdefault(normalize_company_name(name), name)
    return list(names.values())
