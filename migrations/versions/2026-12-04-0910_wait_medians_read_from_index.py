"""wait_period_medians: the ranking's index holds every figure a ranking reads

A median ranking reads one row per company for one period, channel and outcome. With
only those three indexed, each row was a separate read of a table page (SQLite reads a
few thousand scattered pages for 5,000 companies, and after every import it must read
them afresh); with the company and its figures in the index, the ranking reads one run
of index pages.

Revision ID: 9a3f6d2c8e14
Revises: 4c7e1a2b9d05
Create Date: 2026-12-04 09:10:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

from alembic import op

revision: str = "9a3f6d2c8e14"
down_revision: str | None = "4c7e1a2b9d05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "wait_period_medians"
_FIELD = ["period", "channel", "outcome"]
_FIGURES = ["company_id", "median_floor", "median_half", "n", "ci_low", "ci_high"]


def upgrade() -> None:
    op.create_index("ix_wait_period_medians_ranking", _TABLE, _FIELD + _FIGURES, unique=False)
    op.drop_index("ix_wait_period_medians_period", table_name=_TABLE)


def downgrade() -> None:
    op.create_index("ix_wait_period_medians_period", _TABLE, _FIELD, unique=False)
    op.drop_index("ix_wait_period_medians_ranking", table_name=_TABLE)
