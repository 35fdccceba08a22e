"""What every handler of a batch shares: the session, the batch, counts, errors, companies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.models import Company, ImportBatch
from app.services.companies import (
    companies_by_name,
    companies_by_org_number,
    company_by_name,
    company_by_org_number,
    create_company,
)

MAX_LISTED_ERRORS = 100
_CACHE_LIMIT = 50_000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class BatchContext:
    session: Session
    batch: ImportBatch
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    created: list[Company] = field(default_factory=list)
    org_numbers_filled: int = 0
    # (company, metric, year) of every complaint count the batch added or changed, with
    # the last line that did, to name in an error about the year's sums.
    complaint_years: dict[tuple[int, str, int], int] = field(default_factory=dict)
    # (company, year) of every complaint or customer count the batch added or changed.
    value_years: set[tuple[int, int]] = field(default_factory=set)
    # Companies this batch gave a sector.
    sectors_set: list[int] = field(default_factory=list)
    _by_name: dict[str, int] = field(default_factory=dict)
    _by_org: dict[str, int] = field(default_factory=dict)

    def error(self, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line, column, message))

    def count(self, outcome: str) -> None:
        """Count one row as ``inserted``, ``updated`` or ``unchanged``."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def prefetch_companies(self, rows: Sequence[tuple[int, Any]]) -> None:
        """Look up at once the known companies a chunk of rows names, so that each of
        them costs a dictionary lookup rather than a query; the rest (new companies,
        org numbers to fill in) go the row-by-row way of ``resolve_company``."""
        names = {r.company for _line, r in rows if r.org_number is None}
        names -= {name for name in names if name.casefold() in self._by_name}
        org_numbers = {r.org_number for _line, r in rows if r.org_number is not None}
        org_numbers -= self._by_org.keys()
        self._make_room(len(names) + len(org_numbers))
        self._by_org.update(companies_by_org_number(self.session, org_numbers))
        found = companies_by_name(self.session, names)
        self._by_name.update((name.casefold(), cid) for name, cid in found.items())

    def resolve_company(self, name: str, org_number: str | None) -> int:
        """The id of the company a row means, per the contract's three steps."""
        if org_number is not None:
            cached = self._by_org.get(org_number)
            if cached is not None:
                return cached
            return self._remember(self._company_for_org_number(name, org_number))
        key = name.casefold()
        cached = self._by_name.get(key)
        if cached is not None:
            return cached
        company = company_by_name(self.session, name)
        if company is None:
            company = self._create(name, None)
        self._by_name[key] = company.id
        return self._remember(company)

    def _company_for_org_number(self, name: str, org_number: str) -> Company:
        company = company_by_org_number(self.session, org_number)
        if company is not None:
            return company
        # The name may mean a company we know without its org number: then this
        # row gives that company its number rather than a twin.
        named = company_by_name(self.session, name)
        if named is not None and named.org_number is None:
            named.org_number = org_number
            named.verified = True
            self.org_numbers_filled += 1
            self.session.flush()
            return named
        return self._create(name, org_number)

    def _create(self, name: str, org_number: str | None) -> Company:
        company = create_company(
            self.session, name=name, org_number=org_number, verified=org_number is not None
        )
        self.created.append(company)
        return company

    def _make_room(self, incoming: int) -> None:
        """Forget every company known when ``incoming`` more would pass the limit."""
        if len(self._by_org) + len(self._by_name) + incoming > _CACHE_LIMIT:
            self._by_org.clear()
            self._by_name.clear()

    def _remember(self, company: Company) -> int:
        self._make_room(0)
        if company.org_number:
            self._by_org[company.org_number] = company.id
        return company.id
