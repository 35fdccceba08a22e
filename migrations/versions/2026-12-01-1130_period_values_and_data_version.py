"""complaint period values, data version, company waits by time

Revision ID: 9a3f61c2b8e0
Revises: 0cf214644776
Create Date: 2026-12-01 11:30:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9a3f61c2b8e0"
down_revision: str | None = "0cf214644776"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "complaint_period_values",
        sa.Column("company_id", _ID, nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_complaint_period_values_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "company_id", "metric", "period", name=op.f("pk_complaint_period_values")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_complaint_period_values_metric_period_value",
        "complaint_period_values",
        ["metric", "period", "value", "company_id"],
        unique=False,
    )
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 1)")
    op.create_index(
        "ix_wait_measurements_company_measured_at",
        "wait_measurements",
        ["company_id", "measured_at"],
        unique=False,
    )
    for statement in _BACKFILL:
        op.execute(statement)


_MONTH_ROWS = "length(period) = 7 AND period NOT LIKE '%Q%'"
_QUARTER_OF_MONTH = (
    "substr(period, 1, 4) || '-Q' || "
    "CAST((CAST(substr(period, 6, 2) AS INTEGER) + 2) / 3 AS VARCHAR)"
)
# The contract's rule, per period: the row for exactly the period, else the sum of its
# months, else (for a year) the sum of its quarters.
_BACKFILL = [
    f"""
INSERT INTO complaint_period_values (company_id, metric, period, year, value)
SELECT company_id, metric, period, year, value FROM complaint_counts WHERE {_MONTH_ROWS}
""",
    f"""
INSERT INTO complaint_period_values (company_id, metric, period, year, value)
SELECT company_id, metric, period, year, value FROM complaint_counts WHERE period LIKE '%Q%'
UNION ALL
SELECT company_id, metric, {_QUARTER_OF_MONTH}, year, SUM(value)
FROM complaint_counts m WHERE {_MONTH_ROWS}
AND NOT EXISTS (
    SELECT 1 FROM complaint_counts q WHERE q.company_id = m.company_id
    AND q.metric = m.metric AND q.period = {_QUARTER_OF_MONTH.replace("period", "m.period")}
)
GROUP BY company_id, metric, {_QUARTER_OF_MONTH}, year
""",
    f"""
INSERT INTO complaint_period_values (company_id, metric, period, year, value)
SELECT company_id, metric, period, year, value FROM complaint_counts WHERE length(period) = 4
UNION ALL
SELECT company_id, metric, CAST(year AS VARCHAR), year, SUM(value)
FROM complaint_counts m WHERE {_MONTH_ROWS}
AND NOT EXISTS (
    SELECT 1 FROM complaint_counts y WHERE y.company_id = m.company_id
    AND y.metric = m.metric AND y.period = CAST(m.year AS VARCHAR)
)
GROUP BY company_id, metric, year
UNION ALL
SELECT company_id, metric, CAST(year AS VARCHAR), year, SUM(value)
FROM complaint_counts m WHERE period LIKE '%Q%'
AND NOT EXISTS (
    SELECT 1 FROM complaint_counts y WHERE y.company_id = m.company_id
    AND y.metric = m.metric AND (y.period = CAST(m.year AS VARCHAR)
        OR (y.year = m.year AND {_MONTH_ROWS.replace("period", "y.period")}))
)
GROUP BY company_id, metric, year
""",
]


def downgrade() -> None:
    op.drop_index("ix_wait_measurements_company_measured_at", table_name="wait_measurements")
    op.drop_table("data_version")
    op.drop_index(
        "ix_complaint_period_values_metric_period_value", table_name="complaint_period_values"
    )
    op.drop_table("complaint_period_values")
