"""Two indexes fewer on wait_measurements: company_id alone and (company_id, local_month)

Both are served by (company_id, measured_at), and each index on the largest table made
every import's inserts slower (the two together doubled the time of a batch's inserts
into SQLite).

Revision ID: 5f2a9c41d7e8
Revises: 8bd876a86011
Create Date: 2026-12-02 11:00:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

from alembic import op

revision: str = "5f2a9c41d7e8"
down_revision: str | None = "8bd876a86011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_wait_measurements_company_month", table_name="wait_measurements")
    op.drop_index("ix_wait_measurements_company_id", table_name="wait_measurements")


def downgrade() -> None:
    op.create_index(
        "ix_wait_measurements_company_id", "wait_measurements", ["company_id"], unique=False
    )
    op.create_index(
        "ix_wait_measurements_company_month",
        "wait_measurements",
        ["company_id", "local_month"],
        unique=False,
    )
