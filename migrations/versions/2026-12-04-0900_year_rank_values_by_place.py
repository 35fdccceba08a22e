"""year_rank_values indexed by field and place: (metric, year, channel, rank)

A company page asks how many companies each of its yearly rankings ranks by reading the
field's first place. PostgreSQL plans that look-up without knowing how many rows a
field has, and with the field alone indexed it scanned the whole table once per field
(70 ms a page at 5,000 companies); with the place in the index it is one probe. The new
index serves every query the old one did, which it replaces.

Revision ID: 4c7e1a2b9d05
Revises: 2e6c90b4d3f1
Create Date: 2026-12-04 09:00:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

from alembic import op

revision: str = "4c7e1a2b9d05"
down_revision: str | None = "2e6c90b4d3f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "year_rank_values"


def upgrade() -> None:
    op.create_index(
        "ix_year_rank_values_place", _TABLE, ["metric", "year", "channel", "rank"], unique=False
    )
    op.drop_index("ix_year_rank_values_field", table_name=_TABLE)


def downgrade() -> None:
    op.create_index(
        "ix_year_rank_values_field", _TABLE, ["metric", "year", "channel"], unique=False
    )
    op.drop_index("ix_year_rank_values_place", table_name=_TABLE)
