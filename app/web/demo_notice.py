"""Whether to tell readers that the companies are made up: asked of the database once
per data version per worker, not once per page."""

from __future__ import annotations

import threading

from app.db import Database
from app.services.sources import demo_data_loaded


class DemoNotice:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._loaded = False

    def shown(self, database: Database, version: int | None) -> bool:
        """Whether the demo data is loaded, as of data version ``version`` (None: unknown,
        so asked afresh)."""
        with self._lock:
            if version is not None and version == self._version:
                return self._loaded
        with database.read() as session:
            loaded = demo_data_loaded(session)
        with self._lock:
            self._version, self._loaded = version, loaded
        return loaded
