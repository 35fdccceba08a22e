"""Runs one import in its own write transaction: the owner of the commit.

The API, the CLI and the demo loader call this; the ingest service below it
never commits. Anything but a committed batch is rolled back.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db import Database
from app.services.ingest import ImportRequest, ImportResult, import_batch
from app.services.tokens import touch_token


def import_in_session(session: Session, request: ImportRequest) -> ImportResult:
    """Apply the import, then commit it if it was committed-worthy, else roll it back."""
    try:
        result = import_batch(session, request)
        if result.status == "committed":
            if request.token_id is not None:
                touch_token(session, request.token_id)
            session.commit()
        else:
            session.rollback()
        return result
    except BaseException:
        session.rollback()
        raise


def run_import(database: Database, request: ImportRequest) -> ImportResult:
    with database.write_sessions() as session:
        return import_in_session(session, request)
