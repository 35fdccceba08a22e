"""Complaint and customer counts: one value per key, a replaced value kept in history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, and_, delete, select

from app.metrics import Metric
from app.models import ComplaintCount, ComplaintCountHistory, CustomerCount, CustomerCountHistory
from app.models.base import utcnow
from app.schemas import MAX_INT, ComplaintRecord, CustomerRecord, Record
from app.services.bulk import analyse, create_temporary, insert_rows, temporary_table
from app.services.complaint_periods import (
    record_touched_years,
    refresh_touched_complaint_periods,
)
from app.services.ingest.context import BatchContext
from app.services.ingest.unchanged import UnchangedKeys, key_text
from app.services.year_values import (
    COUNTED_METRICS,
    RATE_METRICS,
    record_value_years,
    refresh_recorded_year_values,
)

_Key = tuple[Any, ...]


class _Pending:
    """A value this batch is about to insert, compared like a stored row by later rows."""

    def __init__(self, columns: dict[str, Any], *, source_id: int, batch_id: int) -> None:
        self.columns, self.source_id, self.batch_id = columns, source_id, batch_id

    def __getattr__(self, name: str) -> Any:
        try:
            return self.columns[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class ValueSpec:
    """How one kind of replaceable value maps onto its table and its history."""

    model: Any
    history: Any
    key_columns: tuple[str, ...]
    value_columns: tuple[str, ...]
    # Turns a record and its company id into the row's column values.
    columns: Callable[[Any, int], dict[str, Any]]
    conflict: str
    # The metrics whose yearly ranked values a change of this kind can move.
    ranked: tuple[Metric, ...]


def _complaint_columns(record: ComplaintRecord, company_id: int) -> dict[str, Any]:
    return {
        "company_id": company_id,
        "metric": record.metric,
        "period": str(record.period),
        "year": record.period.year,
        "value": record.value,
        "source_url": record.source_url,
    }


def _customer_columns(record: CustomerRecord, company_id: int) -> dict[str, Any]:
    return {"company_id": company_id, "year": record.year, "customers": record.customers}


COMPLAINTS = ValueSpec(
    model=ComplaintCount,
    history=ComplaintCountHistory,
    key_columns=("company_id", "metric", "period"),
    value_columns=("value", "source_url"),
    columns=_complaint_columns,
    conflict="another row of this file gives a different value for this company, metric and period",
    ranked=COUNTED_METRICS,
)
CUSTOMERS = ValueSpec(
    model=CustomerCount,
    history=CustomerCountHistory,
    key_columns=("company_id", "year"),
    value_columns=("customers",),
    columns=_customer_columns,
    conflict="another row of this file gives a different customer count for this company and year",
    ranked=RATE_METRICS,
)


class ValueHandler:
    def __init__(self, spec: ValueSpec) -> None:
        self.spec = spec
        self.unchanged = UnchangedKeys()
        # A chunk's keys, joined to the stored rows to find those it names (``_existing``).
        table = spec.model.__table__
        self.chunk_keys = temporary_table(
            f"chunk_keys_{table.name}",
            *(Column(name, table.c[name].type) for name in spec.key_columns),
        )

    def apply(self, ctx: BatchContext, rows: Sequence[tuple[int, Record]]) -> None:
        spec = self.spec
        # Read once a chunk: an ORM attribute costs more than the rest of a row's work.
        source_id, batch_id = ctx.batch.source_id, ctx.batch.id
        ctx.prefetch_companies(rows)
        key_of = itemgetter(*spec.key_columns)  # a tuple: every key has two columns or more
        wanted = []
        for line, record in rows:
            company_id = ctx.resolve_company(record.company, record.org_number)  # type: ignore[union-attr]
            columns = spec.columns(record, company_id)
            wanted.append((line, key_of(columns), columns))
        existing = self._existing(ctx, [key for _line, key, _columns in wanted])
        # Keys this batch left unchanged in an earlier chunk, among those a row would change.
        earlier = self.unchanged.among(
            ctx.session,
            (
                key
                for _line, key, columns in wanted
                if key in existing and not self._same(existing[key], columns, source_id)
            ),
        )
        unchanged_here: set[tuple[Any, ...]] = set()
        inserts: list[_Pending] = []
        # (company, metric, year) of each complaint count added or changed -> its last line.
        complaint_years: dict[tuple[int, str, int], int] = {}
        value_years: set[tuple[int, int]] = set()
        for line, key, columns in wanted:
            current = existing.get(key)
            if current is None:
                existing[key] = _Pending(columns, source_id=source_id, batch_id=batch_id)
                inserts.append(existing[key])
            elif self._same(current, columns, source_id):
                unchanged_here.add(key)
                ctx.count("unchanged")
                continue
            elif current.batch_id == batch_id or key in unchanged_here or key_text(key) in earlier:
                ctx.error(line, "", spec.conflict)
            else:
                existing[key] = self._replace(ctx, current, columns)
                ctx.count("updated")
            if spec.model is ComplaintCount:
                # The period values of this company, metric and year are computed again.
                complaint_years[columns["company_id"], columns["metric"], columns["year"]] = line
            # Its yearly ranked values (counts and rates) are computed again.
            value_years.add((columns["company_id"], columns["year"]))
        self.unchanged.record(ctx.session, unchanged_here)
        record_value_years(ctx.session, value_years)
        record_touched_years(ctx.session, ((*key, line) for key, line in complaint_years.items()))
        ctx.session.flush()
        self._insert(ctx, inserts)

    def finish(self, ctx: BatchContext) -> None:
        """Compute again the period values of every complaint year the batch touched, then
        the yearly ranked values of every company and year it touched."""
        if self.spec.model is ComplaintCount:
            for _company_id, metric, period, line in refresh_touched_complaint_periods(ctx.session):
                message = f"the {period} total of {metric} would pass {MAX_INT}; correct this value"
                ctx.error(line, "value", message)
        if not ctx.error_count:
            refresh_recorded_year_values(ctx.session, self.spec.ranked)

    def _existing(self, ctx: BatchContext, keys: list[_Key]) -> dict[_Key, Any]:
        """The stored rows of ``keys``, as plain rows (``_replace`` loads the one it changes).

        The keys go into a temporary table and are joined to the stored rows: one row
        value per key in an ``IN`` list (5,000 a chunk) cost more to compile than the
        query took to run, and each key column among its values found every stored row
        of the chunk's companies and periods, of which a shuffled file names few."""
        spec, session, chunk_keys = self.spec, ctx.session, self.chunk_keys
        create_temporary(session, chunk_keys)
        session.execute(delete(chunk_keys))
        insert_rows(session, chunk_keys, spec.key_columns, list(set(keys)))
        # Counted, so that the planner joins the keys to the unique index (see bulk).
        analyse(session, chunk_keys.name)
        columns = [getattr(spec.model, name) for name in spec.key_columns]
        compared = [getattr(spec.model, name) for name in spec.value_columns]
        named = and_(*(chunk_keys.c[column.key] == column for column in columns))
        query = select(
            spec.model.id, *columns, *compared, spec.model.source_id, spec.model.batch_id
        ).join(chunk_keys, named)
        width = len(columns)
        return {tuple(row[1 : 1 + width]): row for row in session.connection().execute(query)}

    def _same(self, current: Any, columns: dict[str, Any], source_id: int) -> bool:
        same_values = all(
            getattr(current, name) == columns[name] for name in self.spec.value_columns
        )
        return same_values and current.source_id == source_id

    def _insert(self, ctx: BatchContext, pending: list[_Pending]) -> None:
        """The chunk's new values, as plain rows by the bulk path: one ORM object and one
        INSERT statement per value cost more than all the checks."""
        ctx.inserted += len(pending)
        if not pending:
            return
        names = (*pending[0].columns, "source_id", "batch_id", "recorded_at")
        now = utcnow()
        rows = [(*p.columns.values(), p.source_id, p.batch_id, now) for p in pending]
        insert_rows(ctx.session, self.spec.model.__table__, names, rows)

    def _replace(self, ctx: BatchContext, stored: Any, columns: dict[str, Any]) -> Any:
        """Keep the stored value in history and give its row the new one; the row, loaded."""
        current = ctx.session.get_one(self.spec.model, stored.id)
        kept = {
            name: getattr(current, name)
            for name in (*self.spec.key_columns, *self.spec.value_columns)
            if hasattr(self.spec.history, name)
        }
        ctx.session.add(
            self.spec.history(
                **kept,
                source_id=current.source_id,
                batch_id=current.batch_id,
                recorded_at=current.recorded_at,
                replaced_by_batch_id=ctx.batch.id,
            )
        )
        for name, value in columns.items():
            setattr(current, name, value)
        current.source_id = ctx.batch.source_id
        current.batch_id = ctx.batch.id
        current.recorded_at = utcnow()
        return current
