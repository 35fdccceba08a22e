"""Facts about the whole site that every page may show (whether the demo data is
loaded, how far the data runs): asked of the database once per data version per
worker, not once per page, so that they add nothing to a page's statements."""

from __future__ import annotations

import threading

from fastapi import Request

from app.services.batches import SiteFacts, site_facts


class SiteFactsMemo:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._facts: SiteFacts | None = None

    def get(self, request: Request) -> SiteFacts:
        """The facts as of the data version the page cache read for ``request`` (read
        afresh when it read none)."""
        version: int | None = getattr(request.state, "data_version", None)
        with self._lock:
            if self._facts is not None and version is not None and version == self._version:
                return self._facts
        with request.app.state.database.read() as session:
            facts = site_facts(session)
        with self._lock:
            self._version, self._facts = version, facts
        return facts


def facts_for(request: Request) -> SiteFacts:
    memo: SiteFactsMemo = request.app.state.site_facts
    return memo.get(request)
