from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def database_answers(session: Session) -> bool:
    answer: object = session.scalar(text("SELECT 1"))
    return answer == 1
