"""The ``companies`` kind: fills in empty fields and adds aliases, never renames."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from app.models import Company, Sector
from app.schemas import CompanyRecord, Record
from app.services.companies import (
    add_alias,
    company_by_org_number,
    get_or_create_sector,
    name_from_slug,
)
from app.services.ingest.context import BatchContext
from app.services.ingest.new_companies import NewCompanies
from app.services.sectors import sector_of
from app.services.year_values import note_sectors


class CompanyHandler:
    def __init__(self) -> None:
        # Sectors by slug, looked up once a batch (most rows of a file share a few).
        self._sectors: dict[str, Sector] = {}

    def apply(self, ctx: BatchContext, rows: Sequence[tuple[int, Record]]) -> None:
        records: list[tuple[int, CompanyRecord]] = []
        for line, record in rows:
            assert isinstance(record, CompanyRecord)
            records.append((line, record))
        names = [(record.name, record.org_number) for _line, record in records]
        names += [(alias, None) for _line, record in records for alias in record.aliases]
        ctx.prefetch_names(names)
        new = NewCompanies()
        for line, record in records:
            if not new.take(ctx, record):
                # A row that is not plainly new may name a company of the run: write it.
                self._write(ctx, new)
                self._apply_row(ctx, line, record)
        self._write(ctx, new)
        ctx.session.flush()

    def _write(self, ctx: BatchContext, new: NewCompanies) -> None:
        sectors = [
            self._sector(ctx, record.sector, record.sector_name).id if record.sector else None
            for record in new.records
        ]
        new.write(ctx, sectors)

    def finish(self, ctx: BatchContext) -> None:
        """The yearly ranked values of companies given a sector now name it."""
        note_sectors(ctx.session, ctx.sectors_set)

    def _apply_row(self, ctx: BatchContext, line: int, record: CompanyRecord) -> None:
        created_before, filled_before = len(ctx.created), ctx.org_numbers_filled
        company_id = ctx.resolve_company(record.name, record.org_number)
        company = ctx.session.get_one(Company, company_id)
        is_new = len(ctx.created) > created_before
        changed = ctx.org_numbers_filled > filled_before
        changed |= self._fill_empty_fields(ctx, line, company, record)
        for alias in record.aliases:
            owner = add_alias(ctx.session, company, alias)
            ctx.note_alias(alias)
            changed |= owner is None
            if owner not in (None, company.id):
                other = ctx.session.scalar(select(Company.name).where(Company.id == owner))
                ctx.error(line, "aliases", f"the name {alias!r} already means {other!r}")
        if not is_new:
            # The row's own name is a spelling of this company too, unless it means another.
            changed |= add_alias(ctx.session, company, record.name) is None
            ctx.note_alias(record.name)
        ctx.count("inserted" if is_new else "updated" if changed else "unchanged")

    def _fill_empty_fields(
        self, ctx: BatchContext, line: int, company: Company, record: CompanyRecord
    ) -> bool:
        changed = False
        if record.sector:
            changed |= self._fill_sector(ctx, company, record.sector, record.sector_name)
        if record.website and not company.website:
            company.website = record.website
            changed = True
        if record.org_number and not company.org_number:
            if company_by_org_number(ctx.session, record.org_number) is None:
                company.org_number = record.org_number
                company.verified = True
                changed = True
            else:
                ctx.error(line, "org_number", "this org number belongs to another company")
        return changed

    def _sector(self, ctx: BatchContext, slug: str, name: str | None) -> Sector:
        """``get_or_create_sector``, asked again only when a name may name it now."""
        known = self._sectors.get(slug)
        if known is None or (name and name != known.name == name_from_slug(slug)):
            known = self._sectors[slug] = get_or_create_sector(ctx.session, slug, name)
        return known

    def _fill_sector(
        self, ctx: BatchContext, company: Company, slug: str, name: str | None
    ) -> bool:
        """Puts a company without a sector in ``slug``; names the sector if it has no name.
        A company already in another sector keeps it, and ``slug`` is not created for it."""
        current = sector_of(ctx.session, company)
        if current is not None and current.slug != slug:
            return False
        sector = self._sector(ctx, slug, name)
        renamed = sector in ctx.session.dirty
        if current is None:
            company.sector_id = sector.id
            ctx.sectors_set.append(company.id)
            return True
        return renamed
