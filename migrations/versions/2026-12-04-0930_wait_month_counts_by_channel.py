"""wait_month_counts: the tallies indexed by channel first; months with announcements

The months with data on a channel are found by a loose index scan, one probe a month.
With the index by month first, each probe walked the month's rows of every channel
before it (20 ms a ranking page at 5,000 companies and ten years on SQLite; 0.5 ms by
channel first). Months with announced waits had no index at all: every row was read
(220 ms when no company announces). Share rankings read the tallies as before.

Revision ID: 4c8e2a7d9b51
Revises: 6d1b8e4f2a37
Create Date: 2026-12-04 09:30:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4c8e2a7d9b51"
down_revision: str | None = "6d1b8e4f2a37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "wait_month_counts"
_TALLIES = ["company_id", "contacts", "abandoned", "slow"]
_ANNOUNCED = sa.text("announced > 0")


def upgrade() -> None:
    op.create_index("ix_wait_month_counts_channel_tallies", _TABLE, ["channel", "month", *_TALLIES])
    op.create_index(
        "ix_wait_month_counts_announced",
        _TABLE,
        ["channel", "month"],
        sqlite_where=_ANNOUNCED,
        postgresql_where=_ANNOUNCED,
    )
    op.drop_index("ix_wait_month_counts_tallies", table_name=_TABLE)


def downgrade() -> None:
    op.create_index("ix_wait_month_counts_tallies", _TABLE, ["month", "channel", *_TALLIES])
    op.drop_index("ix_wait_month_counts_announced", table_name=_TABLE)
    op.drop_index("ix_wait_month_counts_channel_tallies", table_name=_TABLE)
