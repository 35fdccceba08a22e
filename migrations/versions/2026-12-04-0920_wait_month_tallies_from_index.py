"""wait_month_counts: the index by month holds the tallies a share ranking sums

A share ranking sums each company's contacts, abandoned and slow contacts over the
period's months: 60,000 rows a year at 5,000 companies. With only (month, channel)
indexed each was a read of a table page; with the company and its tallies in the index
the sum reads one run of index pages (twice as fast on SQLite).

Revision ID: 6d1b8e4f2a37
Revises: 9a3f6d2c8e14
Create Date: 2026-12-04 09:20:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

from alembic import op

revision: str = "6d1b8e4f2a37"
down_revision: str | None = "9a3f6d2c8e14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "wait_month_counts"
_MONTH = ["month", "channel"]
_TALLIES = ["company_id", "contacts", "abandoned", "slow"]


def upgrade() -> None:
    op.create_index("ix_wait_month_counts_tallies", _TABLE, _MONTH + _TALLIES, unique=False)
    op.drop_index("ix_wait_month_counts_month_channel", table_name=_TABLE)


def downgrade() -> None:
    op.create_index("ix_wait_month_counts_month_channel", _TABLE, _MONTH, unique=False)
    op.drop_index("ix_wait_month_counts_tallies", table_name=_TABLE)
