"""Many new rows into one table at once, at the speed of the database's own bulk path.

SQLAlchemy's executemany turns every row into a dictionary of processed parameters;
at a hundred thousand rows that bookkeeping costs more than the database's work. Here
the rows are plain tuples: PostgreSQL takes them by ``COPY`` (its bulk path, inside
the batch's transaction like any other statement), SQLite by the driver's own
``executemany``. Values pass through each column type's bind processor, so they are
stored exactly as the ORM would store them (SQLite keeps datetimes as text).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    types = [table.c[name].type.dialect_impl(dialect) for name in columns]
    processors = [type_.bind_processor(dialect) for type_ in types]
    if any(processors):
        rows = [_processed(row, processors) for row in rows]
    # Table and column names come from the models, never from the rows.
    names = ", ".join(f'"{name}"' for name in columns)
    raw: Any = connection.connection.driver_connection
    if dialect.name == "postgresql":
        copy_sql = f'COPY "{table.name}" ({names}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    insert_sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608
    cursor = raw.cursor()
    try:
        cursor.executemany(insert_sql, rows)
    finally:
        cursor.close()


def _processed(
    row: tuple[Any, ...], processors: Sequence[Callable[[Any], Any] | None]
) -> tuple[Any, ...]:
    return tuple(
        value if process is None or value is None else process(value)
        for value, process in zip(row, processors, strict=True)
    )
