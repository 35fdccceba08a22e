"""The ``companies`` kind: fills in empty fields and adds aliases, never renames."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from app.models import Company
from app.schemas import CompanyRecord, Record
from app.services.companies import add_alias, company_by_org_number, get_or_create_sector
from app.services.ingest.context import BatchContext
from app.services.sectors import sector_of
from app.services.year_values import note_sectors


class CompanyHandler:
    def apply(self, ctx: BatchContext, rows: Sequence[tuple[int, Record]]) -> None:
        for line, record in rows:
            assert isinstance(record, CompanyRecord)
            self._apply_row(ctx, line, record)
        ctx.session.flush()

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
            changed |= owner is None
            if owner not in (None, company.id):
                other = ctx.session.scalar(select(Company.name).where(Company.id == owner))
                ctx.error(line, "aliases", f"the name {alias!r} already means {other!r}")
        if not is_new:
            # The row's own name is a spelling of this company too, unless it means another.
            changed |= add_alias(ctx.session, company, record.name) is None
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

    @staticmethod
    def _fill_sector(ctx: BatchContext, company: Company, slug: str, name: str | None) -> bool:
        """Puts a company without a sector in ``slug``; names the sector if it has no name.
        A company already in another sector keeps it, and ``slug`` is not created for it."""
        current = sector_of(ctx.session, company)
        if current is not None and current.slug != slug:
            return False
        sector = get_or_create_sector(ctx.session, slug, name)
        renamed = sector in ctx.session.dirty
        if current is None:
            company.sector_id = sector.id
            ctx.sectors_set.append(company.id)
            return True
        return renamed
