"""The data version: one number that every committed write advances.

Cached pages are keyed by it, so an app server serves a page again only while
nothing it shows can have changed; several servers on one database agree on it
without any other service. The bump is an UPDATE of one row inside the write's
own transaction: it becomes visible exactly when the write commits.

A write that changes figures (an import, a merge) also sets the figures version to
the new number; one that only adds what pages show beside them (a reply's approval,
an edition) leaves it. Built rankings are kept by the figures version, pages by the
data version.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import DataVersion


def bump_data_version(session: Session, *, figures: bool = True) -> None:
    """Advance the data version; with ``figures`` (the safe default), the figures
    version to the same number."""
    advanced = DataVersion.version + 1
    changes = {"version": advanced}
    if figures:
        changes["figures_version"] = advanced
    result = session.execute(update(DataVersion).where(DataVersion.id == 1).values(changes))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        # The row went missing (a table emptied by hand): writers hold the write lock,
        # so putting it back cannot race.
        session.add(DataVersion(id=1, version=1, figures_version=1))
        session.flush()
