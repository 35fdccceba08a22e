from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def database_answers(session: Session) -> bool:
    answer: object = session.scalar(text("SELECT 1"))
    return answer == 1


def schema_revision(session: Session) -> str | None:
    """The migration the database is at (None before the first)."""
    revision: str | None = session.scalar(text("SELECT version_num FROM alembic_version"))
    return revision
