"""data_version: the version at which the figures last changed

A reply's approval or an edition moves the data version (the pages show them), but
no ranking reads them; keyed by the data version, every ranking was built again after
each one. Kept by ``figures_version`` (advanced only by imports and merges), a built
ranking is used until the figures it was built from change.

Revision ID: 5d2a9e7c1f38
Revises: 8b3f1c6e2d47
Create Date: 2026-12-04 10:00:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2a9e7c1f38"
down_revision: str | None = "8b3f1c6e2d47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_version") as batch_op:
        batch_op.add_column(
            sa.Column("figures_version", sa.BigInteger(), server_default="1", nullable=False)
        )
    # Nothing says when the figures last changed: as of now, which builds every ranking
    # once more and never keeps one too long.
    op.execute("UPDATE data_version SET figures_version = version")


def downgrade() -> None:
    with op.batch_alter_table("data_version") as batch_op:
        batch_op.drop_column("figures_version")
