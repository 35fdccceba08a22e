"""year rank values: every company's ranked value and place in every yearly ranking

Revision ID: 7b4d2e9a1c60
Revises: 3c8e51d0a7b2
Create Date: 2026-12-03 09:00:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b4d2e9a1c60"
down_revision: str | None = "3c8e51d0a7b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_VALUE_KEY = sa.String(length=28).with_variant(sa.String(length=28, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "year_rank_values",
        sa.Column("company_id", _ID, nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("value_key", _VALUE_KEY, nullable=False),
        sa.Column("sector_id", _ID, nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("ranked", sa.Integer(), nullable=False),
        sa.Column("sector_rank", sa.Integer(), nullable=False),
        sa.Column("sector_ranked", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_year_rank_values_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sector_id"],
            ["sectors.id"],
            name=op.f("fk_year_rank_values_sector_id_sectors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint(
            "company_id", "metric", "year", "channel", name=op.f("pk_year_rank_values")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_year_rank_values_field",
        "year_rank_values",
        ["metric", "year", "channel"],
        unique=False,
    )
    op.create_index(
        "ix_year_rank_values_sector_field",
        "year_rank_values",
        ["sector_id", "metric", "year", "channel", "value_key"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_year_rank_values_sector_field", table_name="year_rank_values")
    op.drop_index("ix_year_rank_values_field", table_name="year_rank_values")
    op.drop_table("year_rank_values")
