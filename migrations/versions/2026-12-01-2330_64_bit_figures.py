"""64-bit figures

Revision ID: 01914aba3bd6
Revises: 4d2b7e19c6a5
Create Date: 2026-12-01 23:30:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "01914aba3bd6"
down_revision: str | None = "4d2b7e19c6a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Contract v2 lets a figure reach 2^63-1. These columns hold a figure, a count of rows,
# or a sum of either (complaint_period_values.value is BIGINT already). SQLite's INTEGER
# holds 64 bits whatever it is called, so only PostgreSQL changes.
_COLUMNS = {
    "complaint_counts": ("value",),
    "complaint_count_history": ("value",),
    "customer_counts": ("customers",),
    "customer_count_history": ("customers",),
    "wait_measurements": ("wait_seconds", "transfers"),
    "wait_histograms": ("wait_seconds", "n"),
    "wait_month_counts": ("contacts", "abandoned", "slow", "announced"),
    "wait_period_medians": ("middle_sum", "n"),
}
_INT32_MAX = 2**31 - 1


def _alter(table: str, columns: Sequence[str], type_: str) -> None:
    # One ALTER TABLE per table: PostgreSQL rewrites the table once, not once per column.
    changes = ", ".join(f"ALTER COLUMN {column} TYPE {type_}" for column in columns)
    op.execute(f"ALTER TABLE {table} {changes}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in _COLUMNS.items():
        _alter(table, columns, "BIGINT")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, columns in _COLUMNS.items():
        for column in columns:
            largest = bind.scalar(sa.text(f"SELECT max({column}) FROM {table}"))
            if largest is not None and largest > _INT32_MAX:
                raise RuntimeError(
                    f"{table}.{column} holds {largest}, more than a 32-bit column keeps; "
                    "correct or delete those rows before going below this migration"
                )
        _alter(table, columns, "INTEGER")
