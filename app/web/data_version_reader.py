"""Reads the data version on a connection of its own, once per request.

A raw driver connection in autocommit mode, kept open: each read is one small
statement outside any transaction, so it never holds a snapshot (SQLite WAL)
and never waits for the connection pool that page renders share.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any, NamedTuple

from sqlalchemy import Engine

logger = logging.getLogger("shamelist.cache")
_QUERY = "SELECT version, figures_version FROM data_version WHERE id = 1"


class Versions(NamedTuple):
    """The data version (pages are kept by it) and the version at which the figures
    last changed (built rankings are kept by it)."""

    data: int
    figures: int


class DataVersionReader:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.connection: Any = None

    def _connect(self) -> Any:
        raw = self.engine.raw_connection()
        connection = raw.driver_connection
        raw.detach()  # ours alone, not returned to the pool
        if self.engine.dialect.name == "postgresql":
            connection.autocommit = True  # type: ignore[union-attr]
        return connection

    def read(self) -> Versions | None:
        """The current versions, or None when the database does not answer."""
        with self.lock:
            for _attempt in range(2):
                try:
                    if self.connection is None:
                        self.connection = self._connect()
                    cursor = self.connection.cursor()
                    cursor.execute(_QUERY)
                    row = cursor.fetchone()
                    cursor.close()
                    return Versions(int(row[0]), int(row[1])) if row else Versions(0, 0)
                except Exception as error:  # a broken connection: try a new one once
                    logger.warning("data version not read: %s", error)
                    self.close()
            return None

    def close(self) -> None:
        if self.connection is not None:
            # Closing a broken connection may fail too; it is dropped either way.
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None
