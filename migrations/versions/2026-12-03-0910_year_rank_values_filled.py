"""year rank values: filled from the figures already stored

Revision ID: 2e6c90b4d3f1
Revises: 7b4d2e9a1c60
Create Date: 2026-12-03 09:10:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

# The values must be exactly those the running code ranks, so they are computed by the
# code's own service rather than a copy of the metrics here. A change to a metric's
# definition comes with a migration of its own that computes them again.
from app.services.year_values import refresh_all_year_values

revision: str = "2e6c90b4d3f1"
down_revision: str | None = "7b4d2e9a1c60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    session = Session(bind=op.get_bind())
    refresh_all_year_values(session)
    session.flush()


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM year_rank_values"))
