"""Sources: their terms and how often they publish, also in Swedish

Revision ID: 3c8e51d0a7b2
Revises: 5f2a9c41d7e8
Create Date: 2026-12-02 11:30:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
# The new columns start empty: a scraper's source row is written again from its module
# on its next run (or `shamelist scrape --list`), and a page shows the English until then.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c8e51d0a7b2"
down_revision: str | None = "5f2a9c41d7e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms_sv", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("cadence_sv", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("cadence_sv")
        batch_op.drop_column("terms_sv")
