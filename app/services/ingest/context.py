"""What every handler of a batch shares: the session, the batch, counts, errors, companies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from app.models import Company, ImportBatch
from app.names import normalize_company_name
from app.services.companies import (
    companies_by_name,
    companies_by_org_number,
    company_by_name,
    company_by_org_number,
    create_company,
)

MAX_LISTED_ERRORS = 100


class Created(Protocol):
    """A company a batch created, as its report names it."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def org_number(self) -> str | None: ...
    @property
    def verified(self) -> bool: ...


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
    created: list[Created] = field(default_factory=list)
    org_numbers_filled: int = 0
    # Companies this batch gave a sector.
    sectors_set: list[int] = field(default_factory=list)
    _by_name: dict[str, int] = field(default_factory=dict)
    _by_org: dict[str, int] = field(default_factory=dict)
    # Normalised names and org numbers no company had when looked up (see prefetch_names).
    _unknown_names: set[str] = field(default_factory=set)
    _unknown_orgs: set[str] = field(default_factory=set)

    def error(self, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line, column, message))

    def count(self, outcome: str) -> None:
        """Count one row as ``inserted``, ``updated`` or ``unchanged``."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def prefetch_companies(self, rows: Sequence[tuple[int, Any]]) -> None:
        """``prefetch_names`` for a chunk of value rows (company and org number)."""
        self.prefetch_names([(r.company, r.org_number) for _line, r in rows])

    def prefetch_names(self, names_and_orgs: Sequence[tuple[str, str | None]]) -> None:
        """Look up at once the known companies a chunk of rows names, so that each of
        them costs a dictionary lookup rather than a query, and remember the names and
        org numbers no company has, so that a new company costs no lookup either; the
        rest (org numbers to fill in) go the row-by-row way of ``resolve_company``."""
        names = {name for name, _org in names_and_orgs}
        names -= {name for name in names if name.casefold() in self._by_name}
        org_numbers = {org for _name, org in names_and_orgs if org is not None}
        org_numbers -= self._by_org.keys()
        self._make_room(len(names) + len(org_numbers))
        by_org = companies_by_org_number(self.session, org_numbers)
        self._by_org.update(by_org)
        self._unknown_orgs.update(org_numbers - by_org.keys())
        found = companies_by_name(self.session, names)
        for name in names:
            if name in found:
                self._by_name[name.casefold()] = found[name]
            else:
                self._unknown_names.add(normalize_company_name(name))

    def is_new_company(self, name: str, org_number: str | None) -> bool:
        """Whether, as far as this batch has looked, no company has ``org_number`` nor
        goes by ``name``: a row naming them would create a company."""
        if name.casefold() in self._by_name:
            return False
        if org_number is not None and org_number not in self._unknown_orgs:
            return False
        return self.is_free_name(name)

    def is_free_name(self, name: str) -> bool:
        """Whether, as far as this batch has looked, no company goes by ``name``."""
        return normalize_company_name(name) in self._unknown_names

    def record_created(self, company: Created, names: Sequence[str]) -> None:
        """A company created outside ``resolve_company``, with every name it goes by."""
        self.created.append(company)
        self._by_name[company.name.casefold()] = company.id
        if company.org_number is not None:
            self._by_org[company.org_number] = company.id
            self._unknown_orgs.discard(company.org_number)
        for name in names:
            self.note_alias(name)

    def note_alias(self, name: str) -> None:
        """A name this batch made mean a company (an alias): no longer unknown."""
        self._unknown_names.discard(normalize_company_name(name))

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
        company = self._named(name)
        if company is None:
            company = self._create(name, None)
        self._by_name[key] = company.id
        return self._remember(company)

    def _named(self, name: str) -> Company | None:
        if normalize_company_name(name) in self._unknown_names:
            return None
        return company_by_name(self.session, name)

    def _company_for_org_number(self, name: str, org_number: str) -> Company:
        if org_number not in self._unknown_orgs:
            company = company_by_org_number(self.session, org_number)
            if company is not None:
                return company
        # The name may mean a company we know without its org number: then this
        # row gives that company its number rather than a twin.
        named = self._named(name)
        if named is not None and named.org_number is None:
            named.org_number = org_number
            named.verified = True
            self.org_numbers_filled += 1
            self._unknown_orgs.discard(org_number)
            self.session.flush()
            return named
        return self._create(name, org_number)

    def _create(self, name: str, org_number: str | None) -> Company:
        name_is_free = normalize_company_name(name) in self._unknown_names
        company = create_company(
            self.session,
            name=name,
            org_number=org_number,
            verified=org_number is not None,
            name_is_free=name_is_free,
        )
        self.note_alias(name)
        if org_number is not None:
            self._unknown_orgs.discard(org_number)
        self.created.append(company)
        return company

    def _make_room(self, incoming: int) -> None:
        """Forget every company known when ``incoming`` more would pass the limit."""
        known = len(self._by_org) + len(self._by_name)
        if known + len(self._unknown_names) + len(self._unknown_orgs) + incoming > _CACHE_LIMIT:
            self._by_org.clear()
            self._by_name.clear()
            self._unknown_names.clear()
            self._unknown_orgs.clear()

    def _remember(self, company: Company) -> int:
        self._make_room(0)
        if company.org_number:
            self._by_org[company.org_number] = company.id
        return company.id
