"""The 95 % interval of each stored median: its l-th and (n - l + 1)-th waits

Revision ID: 9d4e2b7c1a36
Revises: 7a3c9e1f2b84
Create Date: 2026-12-02 06:30:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
#
# The columns start empty: `shamelist db refresh-medians` fills them for the medians
# stored before this migration (every later refresh fills them as it goes).
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d4e2b7c1a36"
down_revision: str | None = "7a3c9e1f2b84"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FIGURE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("wait_period_medians") as batch:
        batch.add_column(sa.Column("ci_low", _FIGURE, nullable=True))
        batch.add_column(sa.Column("ci_high", _FIGURE, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wait_period_medians") as batch:
        batch.drop_column("ci_high")
        batch.drop_column("ci_low")
