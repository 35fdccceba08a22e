"""A median kept as its whole part and a half, not as the sum of its two middle waits

Revision ID: 5c0e2d7a9b41
Revises: 01914aba3bd6
Create Date: 2026-12-02 00:00:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c0e2d7a9b41"
down_revision: str | None = "01914aba3bd6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Two middle waits of up to 2^63-1 seconds each sum past what a 64-bit column keeps;
# their mean does not: floor((a + b) / 2) = a + (b - a) / 2, and a half when b - a is odd.
_FIGURE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_INT64_MAX = 2**63 - 1


def upgrade() -> None:
    with op.batch_alter_table("wait_period_medians") as batch:
        batch.add_column(sa.Column("median_floor", _FIGURE, nullable=True))
        batch.add_column(sa.Column("median_half", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE wait_period_medians SET median_floor = middle_sum / 2, median_half = middle_sum % 2"
    )
    with op.batch_alter_table("wait_period_medians") as batch:
        batch.alter_column("median_floor", existing_type=_FIGURE, nullable=False)
        batch.alter_column("median_half", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("middle_sum")


def downgrade() -> None:
    bind = op.get_bind()
    largest = bind.scalar(sa.text("SELECT max(median_floor) FROM wait_period_medians"))
    if largest is not None and 2 * largest + 1 > _INT64_MAX:
        raise RuntimeError(
            f"wait_period_medians holds a median of {largest} s, more than a sum of two "
            "middle waits keeps; correct or delete those waits before going below this migration"
        )
    with op.batch_alter_table("wait_period_medians") as batch:
        batch.add_column(sa.Column("middle_sum", _FIGURE, nullable=True))
    op.execute("UPDATE wait_period_medians SET middle_sum = 2 * median_floor + median_half")
    with op.batch_alter_table("wait_period_medians") as batch:
        batch.alter_column("middle_sum", existing_type=_FIGURE, nullable=False)
        batch.drop_column("median_half")
        batch.drop_column("median_floor")
