"""wait period medians

Revision ID: 0cf214644776
Revises: 1cc7b489a1ab
Create Date: 2026-11-23 16:07:19.549643+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0cf214644776"
down_revision: str | None = "1cc7b489a1ab"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wait_period_medians",
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("middle_sum", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_wait_period_medians_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "company_id", "period", "channel", "outcome", name=op.f("pk_wait_period_medians")
        ),
    )
    with op.batch_alter_table("wait_period_medians", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wait_period_medians_period", ["period", "channel", "outcome"], unique=False
        )
    op.execute(_BACKFILL)


# Every month's, quarter's and year's median from the histograms already kept: the
# lower middle value is the first whose running count passes (n - 1) / 2, the upper
# the first that passes n / 2 (written without division, the same on both databases).
_BACKFILL = """
WITH cells AS (
    SELECT company_id, month AS period, channel, outcome, wait_seconds, n
    FROM wait_histograms WHERE outcome IN ('answered', 'announced')
    UNION ALL
    SELECT company_id,
           SUBSTR(month, 1, 4) || '-Q' || CAST((CAST(SUBSTR(month, 6, 2) AS INTEGER) + 2) / 3 AS VARCHAR),
           channel, outcome, wait_seconds, n
    FROM wait_histograms WHERE outcome IN ('answered', 'announced')
    UNION ALL
    SELECT company_id, SUBSTR(month, 1, 4), channel, outcome, wait_seconds, n
    FROM wait_histograms WHERE outcome IN ('answered', 'announced')
),
summed AS (
    SELECT company_id, period, channel, outcome, wait_seconds, SUM(n) AS n
    FROM cells GROUP BY company_id, period, channel, outcome, wait_seconds
),
running AS (
    SELECT company_id, period, channel, outcome, wait_seconds,
           SUM(n) OVER (PARTITION BY company_id, period, channel, outcome
                        ORDER BY wait_seconds) AS upto,
           SUM(n) OVER (PARTITION BY company_id, period, channel, outcome) AS total
    FROM summed
)
INSERT INTO wait_period_medians (company_id, period, channel, outcome, middle_sum, n)
SELECT company_id, period, channel, outcome,
       MIN(CASE WHEN 2 * upto > total - 1 THEN wait_seconds END)
       + MIN(CASE WHEN 2 * upto > total THEN wait_seconds END),
       total
FROM running
GROUP BY company_id, period, channel, outcome, total
"""


def downgrade() -> None:
    with op.batch_alter_table("wait_period_medians", schema=None) as batch_op:
        batch_op.drop_index("ix_wait_period_medians_period")

    op.drop_table("wait_period_medians")
