"""The ``waits`` kind: one row per (source, external_id) or per natural key."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update

from app.models import WaitMeasurement
from app.periods import swedish_month
from app.schemas import Record, WaitRecord
from app.services.bulk import GrowingTable, among, insert_rows
from app.services.ingest.context import BatchContext
from app.services.ingest.unchanged import UnchangedKeys, key_text
from app.services.wait_medians import (
    forget_touched_cells,
    record_touched_cells,
    refresh_batch_medians,
    touched_years,
)
from app.services.waits_histogram import (
    HistogramKey,
    add_batch_to_aggregates,
    apply_histogram_deltas,
    histogram_key,
)
from app.services.year_values import PLACES_CHANNEL, WAIT_METRICS, refresh_year_values

_CONFLICT = "another row of this file gives different values for this measurement"


@dataclass(slots=True)
class _Row:
    """The comparable part of a measurement, whether stored or about to be."""

    company_id: int
    measured_at: datetime
    local_month: str
    channel: str
    wait_seconds: int
    outcome: str
    transfers: int | None
    external_id: str | None
    source_url: str | None


_COMPARED = tuple(f.name for f in fields(_Row))
_INSERTED = (*_COMPARED, "source_id", "batch_id")
_compared_values = operator.attrgetter(*_COMPARED)
_TABLE = WaitMeasurement.metadata.tables[WaitMeasurement.__tablename__]


# A measurement's key -> (its id, the batch that last wrote it, its values); the id is
# None for a row this batch is about to insert.
_Stored = dict[tuple[Any, ...], tuple[int | None, int, _Row]]


def _key(row: _Row) -> tuple[Any, ...]:
    if row.external_id is not None:
        return ("external", row.external_id)
    return ("natural", row.company_id, row.channel, row.measured_at)


class WaitHandler:
    """New measurements go in as plain tuples (``insert_rows``); the histograms and
    month counts learn of them once, set-based, when the batch ends (``finish``).
    A changed measurement takes its old value out of them at once."""

    def __init__(self) -> None:
        self.growth = GrowingTable(_TABLE)
        self.unchanged = UnchangedKeys()

    def apply(self, ctx: BatchContext, rows: Sequence[tuple[int, Record]]) -> None:
        ctx.prefetch_companies(rows)
        wanted = [(line, self._row(ctx, record)) for line, record in rows]  # type: ignore[arg-type]
        existing = self._existing(ctx, [row for _line, row in wanted])
        changes = self._changes(wanted, existing) if existing else []
        earlier = self.unchanged.among(ctx.session, changes)
        inserts: list[tuple[Any, ...]] = []
        # Read once: an ORM attribute costs more than a local, and this loop runs per row.
        batch_id, written_by = ctx.batch.id, (ctx.batch.source_id, ctx.batch.id)
        moved_out: Counter[HistogramKey] = Counter()
        unchanged_here: list[tuple[Any, ...]] = []
        for line, row in wanted:
            key = _key(row)
            found = existing.get(key)
            if found is None:
                existing[key] = (None, batch_id, row)
                inserts.append((*_compared_values(row), *written_by))
                continue
            row_id, written_in, old = found
            if _compared_values(old) == _compared_values(row):
                # Seen by this batch now: another value for it later is a conflict.
                existing[key] = (row_id, batch_id, old)
                unchanged_here.append(key)
                ctx.count("unchanged")
            elif written_in == batch_id or row_id is None or key_text(key) in earlier:
                ctx.error(line, "", _CONFLICT)
            else:
                self._update(ctx, row_id, row)
                existing[key] = (row_id, batch_id, row)
                moved_out[histogram_key(old)] -= 1
                ctx.count("updated")
        ctx.inserted += len(inserts)
        insert_rows(ctx.session, _TABLE, _INSERTED, inserts)
        self.unchanged.record(ctx.session, unchanged_here)
        self.growth.grew(ctx.session, len(inserts))
        apply_histogram_deltas(ctx.session, moved_out)
        record_touched_cells(ctx.session, {key[:4] for key in moved_out})

    def finish(self, ctx: BatchContext) -> None:
        """Count the batch's measurements into the aggregates; refresh what it touched."""
        add_batch_to_aggregates(ctx.session, ctx.batch.id)
        refresh_batch_medians(ctx.session, ctx.batch.id)
        touched = touched_years(ctx.session, PLACES_CHANNEL)
        refresh_year_values(ctx.session, touched, WAIT_METRICS)
        forget_touched_cells(ctx.session)

    @staticmethod
    def _changes(wanted: list[tuple[int, _Row]], existing: _Stored) -> list[tuple[Any, ...]]:
        """The keys of rows that would change a stored measurement."""
        return [
            key
            for _line, row in wanted
            if (found := existing.get(key := _key(row))) is not None
            and _compared_values(found[2]) != _compared_values(row)
        ]

    def _row(self, ctx: BatchContext, record: WaitRecord) -> _Row:
        return _Row(
            company_id=ctx.resolve_company(record.company, record.org_number),
            measured_at=record.measured_at,
            local_month=swedish_month(record.measured_at),
            channel=record.channel,
            wait_seconds=record.wait_seconds,
            outcome=record.outcome,
            transfers=record.transfers,
            external_id=record.external_id,
            source_url=record.source_url,
        )

    def _existing(self, ctx: BatchContext, rows: list[_Row]) -> _Stored:
        source_id = ctx.batch.source_id
        external_ids = {row.external_id for row in rows if row.external_id is not None}
        natural = [row for row in rows if row.external_id is None]
        conditions: list[ColumnElement[bool]] = []
        if external_ids:
            conditions.append(among(ctx.session, WaitMeasurement.external_id, external_ids))
        if natural:
            conditions.append(
                WaitMeasurement.external_id.is_(None)
                & WaitMeasurement.company_id.in_({row.company_id for row in natural})
                & WaitMeasurement.measured_at.in_({row.measured_at for row in natural})
            )
        found: _Stored = {}
        for condition in conditions:
            columns = [getattr(WaitMeasurement, name) for name in _COMPARED]
            query = select(WaitMeasurement.id, WaitMeasurement.batch_id, *columns).where(
                WaitMeasurement.source_id == source_id, condition
            )
            for stored_id, batch_id, *values in ctx.session.execute(query):
                row = _Row(*values)
                found[_key(row)] = (stored_id, batch_id, row)
        return found

    def _insert_values(self, ctx: BatchContext, row: _Row) -> tuple[Any, ...]:
        return (*_compared_values(row), ctx.batch.source_id, ctx.batch.id)

    def _update(self, ctx: BatchContext, row_id: int, row: _Row) -> None:
        values = dict(zip(_INSERTED, self._insert_values(ctx, row), strict=True))
        ctx.session.execute(
            update(WaitMeasurement).where(WaitMeasurement.id == row_id).values(**values)
        )
