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

from sqlalchemy import Column, Index, String, delete, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex

from app.services.bulk import among, create_temporary, insert_rows, temporary_table

# Not unique: a key left unchanged twice is recorded twice, which costs less than asking.
_TABLE = temporary_table("batch_unchanged_keys", Column("key", String))
_INDEX = Index("ix_batch_unchanged_keys", _TABLE.c.key)


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
        return set(session.scalars(select(_TABLE.c.key).where(among(session, _TABLE.c.key, texts))))

    def _create(self, session: Session) -> None:
        """Created by the batch's first record; emptied of any earlier batch's keys (on
        SQLite a temporary table outlives the transaction on a pooled connection)."""
        create_temporary(session, _TABLE)
        session.execute(CreateIndex(_INDEX, if_not_exists=True))
        session.execute(delete(_TABLE))
