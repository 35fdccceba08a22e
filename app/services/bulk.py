"""Many new rows into one table at once, at the speed of the database's own bulk path.

SQLAlchemy's executemany turns every row into a dictionary of processed parameters;
at a hundred thousand rows that bookkeeping costs more than the database's work. Here
the rows are plain tuples: PostgreSQL takes them by ``COPY`` (its bulk path, inside
the batch's transaction like any other statement), SQLite by the driver's own
``executemany``. Values pass through each column type's bind processor, so they are
stored exactly as the ORM would store them (SQLite keeps datetimes as text).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    MetaData,
    Table,
    any_,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.schema import CreateTable

# Fewer added rows than this never make it worth analysing a table.
MIN_ROWS_TO_ANALYSE = 2_000
# A batch that wrote more than this share of what a table's statistics knew has it analysed.
_GROWTH_WORTH_ANALYSING = 0.2


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    types = [table.c[name].type.dialect_impl(dialect) for name in columns]
    processors = [
        (index, _last_remembered(process))
        for index, type_ in enumerate(types)
        if (process := type_.bind_processor(dialect)) is not None
    ]
    prepared: Sequence[Sequence[Any]] = rows
    if processors:
        prepared = [_processed(row, processors) for row in rows]
    # Table and column names come from the models, never from the rows.
    names = ", ".join(f'"{name}"' for name in columns)
    raw: Any = connection.connection.driver_connection
    if dialect.name == "postgresql":
        copy_sql = f'COPY "{table.name}" ({names}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in prepared:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    insert_sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608
    cursor = raw.cursor()
    try:
        cursor.executemany(insert_sql, prepared)
    finally:
        cursor.close()


def among(
    session: Session,
    column: ColumnElement[Any] | QueryableAttribute[Any],
    values: Collection[str | int],
) -> ColumnElement[bool]:
    """``column IN values`` as one bound parameter, however many the values.

    SQLAlchemy gives each value of an ``IN`` list a parameter of its own, named and
    rendered at every execution: for the 5,000 keys of an import's chunk, that cost more
    than the lookup. PostgreSQL takes the values as one array, SQLite as one JSON list.
    """
    listed = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, listed, type_=ARRAY(column.type)))
    each = func.json_each(bindparam(None, json.dumps(listed))).table_valued("value")
    return column.in_(select(each.c.value))


def temporary_table(name: str, *columns: Column[Any]) -> Table:
    """A table for ``create_temporary``, declared once per module."""
    return Table(name, MetaData(), *columns, prefixes=["TEMPORARY"], postgresql_on_commit="DROP")


def create_temporary(session: Session, table: Table) -> None:
    """Create ``table`` (a ``temporary_table``) unless it exists.

    A batch keeps what it touched in such a table rather than in Python, so that the
    memory an import needs does not grow with what it touches. A temporary table is
    private to the connection and goes with a rollback; on PostgreSQL it is dropped at
    the commit too, on SQLite emptied by its owner before it."""
    session.execute(CreateTable(table, if_not_exists=True))


@dataclass
class GrowingTable:
    """Keeps PostgreSQL's statistics of a table true while one transaction fills it.

    PostgreSQL plans by statistics gathered from committed rows. An import that
    doubles a table inside its transaction would otherwise be planned as if the table
    were as small as before, and its lookups of existing rows (an index on the source
    alone, then every row of it read) would grow with every chunk. Analysed each time
    the batch has added as many rows as the statistics knew, a batch analyses a table
    a few times at most (log2 of its growth), and not at all when it adds little.
    """

    table: Table
    known_rows: float | None = None
    added: int = 0

    def grew(self, session: Session, count: int) -> None:
        if session.get_bind().dialect.name != "postgresql":
            return
        if self.known_rows is None:
            self.known_rows = _estimated_rows(session, self.table.name)
        self.added += count
        if self.added > max(self.known_rows, MIN_ROWS_TO_ANALYSE):
            analyse(session, self.table.name)
            self.known_rows, self.added = _estimated_rows(session, self.table.name), 0


def analyse_if_grown(session: Session, table_names: Sequence[str], written: int) -> None:
    """After a batch, PostgreSQL's statistics of each table it wrote ``written`` rows to
    are brought up to date when those rows are many against what the statistics knew.

    Autovacuum analyses a table only some time after a commit; until then the planner
    takes a table an import has just filled for nearly empty, and the first pages after
    an import join by nested loops over thousands of rows (a company page took 270 ms
    instead of 5). Analysed inside the batch's transaction, the statistics commit with it.
    """
    if session.get_bind().dialect.name != "postgresql" or written < MIN_ROWS_TO_ANALYSE:
        return
    for name in table_names:
        known = _estimated_rows(session, name)
        if written > known * _GROWTH_WORTH_ANALYSING:
            analyse(session, name)


def analyse(session: Session, *table_names: str) -> None:
    """PostgreSQL's statistics of the tables gathered now, inside the transaction (so
    that they commit or roll back with it); nothing on SQLite, which plans without."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE " + ", ".join(f'"{name}"' for name in table_names)))


def remember(session: Session, table: Table, rows: Iterable[tuple[Any, ...]]) -> None:
    """Add ``rows`` (tuples in the order of its columns) to a ``temporary_table``,
    created first when it does not exist yet; nothing at all when there are none."""
    found = list(rows)
    if found:
        create_temporary(session, table)
        insert_rows(session, table, list(table.c.keys()), found)


def _estimated_rows(session: Session, table_name: str) -> float:
    """The rows PostgreSQL's statistics believe ``table_name`` holds (0 if never analysed)."""
    query = text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)")
    return max(float(session.scalar(query, {"name": table_name}) or 0), 0.0)


# No value a row holds: what ``_last_remembered`` was given before its first value.
_NOTHING = object()


def _last_remembered(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``process``, answering again for the very value it was given last: a batch stamps
    every row it inserts with the same moment, which SQLite's ``DateTime`` turned into
    text once per row (a twentieth of a 60,000-row complaints import). Rows hold
    numbers, text and moments, none changed in place, so the same object is the same
    value."""
    last: list[Any] = [_NOTHING, None]

    def remembered(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]

    return remembered


def _processed(
    row: tuple[Any, ...], processors: Sequence[tuple[int, Callable[[Any], Any]]]
) -> list[Any]:
    """The row with each value that a column type converts converted (the others, most of
    them, untouched)."""
    values = list(row)
    for index, process in processors:
        if values[index] is not None:
            values[index] = process(values[index])
    return values
