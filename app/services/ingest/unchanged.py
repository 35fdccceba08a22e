"""The keys a batch found already stored with the same value.

A file may name the same key twice only with the same value. A value that is
already stored leaves no trace of the batch on its row, so without a record of it
a second, different value for the same key later in the file would look like a
plain re-import and silently replace it. The keys are kept in a temporary table,
not in Python, so that a re-import of millions of rows stays in flat memory; it is
read only when a chunk is about to replace a stored value.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import UTC, datetime

from sqlalchemy import Column, MetaData, String, Table, delete, select, text
from sqlalchemy.orm import Session

from app.services.bulk import insert_rows

_TABLE = Table("batch_unchanged_keys", MetaData(), Column("key", String))
# Not unique: a key left unchanged twice is recorded twice, which costs less than asking.
_CREATE = "CREATE TEMPORARY TABLE IF NOT EXISTS batch_unchanged_keys (key VARCHAR)"
_INDEX = "CREATE INDEX IF NOT EXISTS ix_batch_unchanged_keys ON batch_unchanged_keys (key)"
# Keys looked up at once: well under both databases' limit of bound parameters.
_LOOKUP_CHUNK = 1_000


def key_text(key: tuple[Hashable, ...]) -> str:
    """One string per key; instants in UTC, so that two spellings of one moment agree."""
    parts = (
        value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value for value in key
    )
    return repr(tuple(parts))


class UnchangedKeys:
    """The keys one batch left unchanged, in earlier chunks or this one."""

    def __init__(self) -> None:
        self.recorded = 0

    def record(self, session: Session, keys: Iterable[tuple[Hashable, ...]]) -> None:
        rows = [(key_text(key),) for key in set(keys)]
        if not rows:
            return
        if not self.recorded:
            self._create(session)
        insert_rows(session, _TABLE, ("key",), rows)
        self.recorded += len(rows)

    def among(self, session: Session, keys: Iterable[tuple[Hashable, ...]]) -> set[str]:
        """The ``key_text`` of each of ``keys`` that was recorded."""
        texts = [key_text(key) for key in keys]
        if not self.recorded or not texts:
            return set()
        found: set[str] = set()
        for start in range(0, len(texts), _LOOKUP_CHUNK):
            part = texts[start : start + _LOOKUP_CHUNK]
            found.update(session.scalars(select(_TABLE.c.key).where(_TABLE.c.key.in_(part))))
        return found

    def _create(self, session: Session) -> None:
        """Created by the batch's first record; emptied of any earlier batch's keys (on
        SQLite a temporary table outlives the transaction on a pooled connection)."""
        create = _CREATE
        if session.get_bind().dialect.name == "postgresql":
            create += " ON COMMIT DROP"
        session.execute(text(create))
        session.execute(text(_INDEX))
        session.execute(delete(_TABLE))
