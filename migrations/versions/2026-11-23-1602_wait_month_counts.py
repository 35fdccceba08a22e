"""wait month counts

Revision ID: 1cc7b489a1ab
Revises: a8414bf1afe8
Create Date: 2026-11-23 16:02:14.482669+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1cc7b489a1ab"
down_revision: str | None = "a8414bf1afe8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wait_month_counts",
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("abandoned", sa.Integer(), nullable=False),
        sa.Column("slow", sa.Integer(), nullable=False),
        sa.Column("announced", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_wait_month_counts_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "company_id", "month", "channel", name=op.f("pk_wait_month_counts")
        ),
    )
    with op.batch_alter_table("wait_month_counts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wait_month_counts_month_channel", ["month", "channel"], unique=False
        )
    # Existing measurements already have their histograms: count their months from them.
    op.execute(
        """
        INSERT INTO wait_month_counts
            (company_id, month, channel, contacts, abandoned, slow, announced)
        SELECT company_id, month, channel,
               SUM(CASE WHEN outcome IN ('answered', 'abandoned') THEN n ELSE 0 END),
               SUM(CASE WHEN outcome = 'abandoned' THEN n ELSE 0 END),
               SUM(CASE WHEN outcome = 'abandoned'
                          OR (outcome = 'answered' AND wait_seconds > 180) THEN n ELSE 0 END),
               SUM(CASE WHEN outcome = 'announced' THEN n ELSE 0 END)
        FROM wait_histograms
        GROUP BY company_id, month, channel
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("wait_month_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_wait_month_counts_month_channel")

    op.drop_table("wait_month_counts")
