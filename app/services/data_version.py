"""The data version: one number that every committed write advances.

Cached pages are keyed by it, so an app server serves a page again only while
nothing it shows can have changed; several servers on one database agree on it
without any other service. The bump is an UPDATE of one row inside the write's
own transaction: it becomes visible exactly when the write commits.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import DataVersion


def bump_data_version(session: Session) -> None:
    advance = update(DataVersion).where(DataVersion.id == 1)
    result = session.execute(advance.values(version=DataVersion.version + 1))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        # The row went missing (a table emptied by hand): writers hold the write lock,
        # so putting it back cannot race.
        session.add(DataVersion(id=1, version=1))
        session.flush()
