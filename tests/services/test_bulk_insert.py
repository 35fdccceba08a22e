"""The import's bulk path stores exactly what the ORM would, and keeps PostgreSQL's
statistics true while one transaction fills a table."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import DateTime, func, select, text
from sqlalchemy.dialects import sqlite

from app.db import Database
from app.models import ImportBatch, Source, WaitMeasurement
from app.models.base import UTCDateTime
from app.services.bulk import MIN_ROWS_TO_ANALYSE, GrowingTable, among, insert_rows
from app.services.companies import create_company

_TABLE = WaitMeasurement.metadata.tables[WaitMeasurement.__tablename__]
_COLUMNS = ["company_id", "source_id", "batch_id", "measured_at", "local_month", "channel"]
_COLUMNS += ["wait_seconds", "outcome", "transfers", "external_id"]


def _setup(database: Database) -> tuple[int, int, int]:
    with database.write() as session:
        company = create_company(session, name="Bulkprov AB", org_number=None, verified=False)
        source = Source(slug="bulkprov", name="Bulkprov")
        session.add(source)
        session.flush()
        batch = ImportBatch(
            kind="waits", source_id=source.id, origin="cli", body_sha256="", status="running"
        )
        session.add(batch)
        session.flush()
        return company.id, source.id, batch.id


def test_rows_inserted_in_bulk_are_stored_as_the_orm_stores_them(database: Database) -> None:
    company_id, source_id, batch_id = _setup(database)
    # An offset other than UTC, and no microseconds (which SQLite's own adapter would drop).
    moment = datetime(2025, 3, 1, 10, 15, 0, tzinfo=timezone(timedelta(hours=1)))
    values = (company_id, source_id, batch_id, moment, "2025-03", "phone", 2**63 - 1)
    with database.write() as session:
        insert_rows(session, _TABLE, _COLUMNS, [(*values, "answered", None, "bulk")])
        orm = dict(zip(_COLUMNS, (*values, "answered", None, "orm"), strict=True))
        session.add(WaitMeasurement(**orm))
    with database.read() as session:
        raw = session.execute(
            text("SELECT measured_at, wait_seconds FROM wait_measurements ORDER BY external_id")
        ).all()
        loaded = session.scalars(select(WaitMeasurement).order_by(WaitMeasurement.external_id))
        moments = [row.measured_at for row in loaded]
    assert raw[0] == raw[1]
    assert moments == [moment.astimezone(UTC)] * 2


def test_a_moment_repeated_on_many_rows_then_another_each_keep_their_own(
    database: Database,
) -> None:
    # A batch stamps its rows with one moment (converted once); a row with another moment
    # after it, and the first again, must each keep their own.
    company_id, source_id, batch_id = _setup(database)
    first = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    moments = [first, first, first + timedelta(seconds=1), first, first + timedelta(days=40)]
    rows = [
        (company_id, source_id, batch_id, moment, "2025-03", "phone", 60, "answered", None, str(n))
        for n, moment in enumerate(moments)
    ]
    with database.write() as session:
        insert_rows(session, _TABLE, _COLUMNS, rows)
    with database.read() as session:
        order = WaitMeasurement.external_id
        stored = session.scalars(select(WaitMeasurement.measured_at).order_by(order)).all()
    assert stored == moments


def test_a_table_filled_in_one_transaction_is_analysed_as_it_grows(
    database: Database, is_postgres: bool
) -> None:
    company_id, source_id, batch_id = _setup(database)
    moment = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    rows = [
        (company_id, source_id, batch_id, moment, "2025-03", "phone", n, "answered", None, f"g{n}")
        for n in range(MIN_ROWS_TO_ANALYSE + 1)
    ]
    growth = GrowingTable(_TABLE)
    with database.write() as session:
        insert_rows(session, _TABLE, _COLUMNS, rows)
        growth.grew(session, len(rows))
        if is_postgres:
            # The statistics count the rows this transaction added, before it commits.
            assert growth.known_rows == len(rows)
        else:
            assert growth.known_rows is None  # SQLite plans without them


def test_among_finds_exactly_the_values_listed(database: Database) -> None:
    """One parameter for any number of values, text that JSON escapes included."""
    company_id, source_id, batch_id = _setup(database)
    moment = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    odd = ['quote "x"', "back\\slash", "Drömnätet", "line\u2028break", "w-10"]
    ids = [*odd, *(f"w{n}" for n in range(6_000))]
    rows = [
        (company_id, source_id, batch_id, moment, "2025-03", "phone", 1, "answered", None, ext)
        for ext in ids
    ]
    wanted = {*odd, "w7", "w5999", "absent"}
    with database.write() as session:
        insert_rows(session, _TABLE, _COLUMNS, rows)
        found = session.scalars(
            select(WaitMeasurement.external_id).where(
                among(session, WaitMeasurement.external_id, wanted)
            )
        )
        assert set(found) == wanted - {"absent"}
        many = among(session, WaitMeasurement.external_id, ids)
        assert session.scalar(select(func.count()).where(many)) == len(ids)


def test_a_moment_is_bound_on_sqlite_as_sqlalchemys_datetime_binds_it() -> None:
    """``UTCDateTime``'s own SQLite text against SQLAlchemy's ``DateTime`` of the same
    moment in UTC: microseconds or none, any offset, the first and last years kept."""
    dialect = sqlite.dialect()
    ours = UTCDateTime().bind_processor(dialect)
    theirs = DateTime().dialect_impl(dialect).bind_processor(dialect)
    rng = random.Random(7)
    moments = [
        datetime(1900, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    ]
    for _ in range(2_000):
        offset = timezone(timedelta(minutes=rng.randint(-14 * 60, 14 * 60)))
        moment = datetime(2000, 1, 1, tzinfo=offset) + timedelta(seconds=rng.randint(0, 10**9))
        moments.append(moment.replace(microsecond=rng.choice([0, rng.randint(0, 999_999)])))
    for moment in moments:
        assert ours(moment) == theirs(moment.astimezone(UTC).replace(tzinfo=None)), moment
    assert ours(None) is None
