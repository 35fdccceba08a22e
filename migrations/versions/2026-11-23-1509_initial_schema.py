"""initial schema

Revision ID: 8bb6c347b4cd
Revises:
Create Date: 2026-11-23 15:09:02.880926+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8bb6c347b4cd"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sectors",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sectors")),
        sa.UniqueConstraint("slug", name=op.f("uq_sectors_slug")),
    )
    op.create_table(
        "sources",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("slug", name=op.f("uq_sources_slug")),
    )
    op.create_table(
        "companies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("normalized_name", sa.String(length=300), nullable=False),
        sa.Column("org_number", sa.String(length=11), nullable=True),
        sa.Column("sector_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sector_id"],
            ["sectors.id"],
            name=op.f("fk_companies_sector_id_sectors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("org_number", name=op.f("uq_companies_org_number")),
        sa.UniqueConstraint("slug", name=op.f("uq_companies_slug")),
    )
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_companies_normalized_name"), ["normalized_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_companies_sector_id"), ["sector_id"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_api_tokens_company_id_companies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_api_tokens_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_tokens_source_id"), ["source_id"], unique=False)

    op.create_table(
        "company_aliases",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("normalized", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_aliases_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_aliases")),
        sa.UniqueConstraint("normalized", name=op.f("uq_company_aliases_normalized")),
    )
    with op.batch_alter_table("company_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_company_aliases_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "company_redirects",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("old_slug", sa.String(length=120), nullable=False),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_redirects_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_redirects")),
        sa.UniqueConstraint("old_slug", name=op.f("uq_company_redirects_old_slug")),
    )
    with op.batch_alter_table("company_redirects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_company_redirects_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "wait_histograms",
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("wait_seconds", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_wait_histograms_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "company_id",
            "month",
            "channel",
            "outcome",
            "wait_seconds",
            name=op.f("pk_wait_histograms"),
        ),
    )
    with op.batch_alter_table("wait_histograms", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wait_histograms_month_channel", ["month", "channel"], unique=False
        )

    op.create_table(
        "import_batches",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("token_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("companies_created", sa.Integer(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_import_batches_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_import_batches_token_id_api_tokens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint(
            "source_id", "idempotency_key", name=op.f("uq_import_batches_source_id_idempotency_key")
        ),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index("ix_import_batches_body_sha256", ["body_sha256"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_import_batches_source_id"), ["source_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_import_batches_token_id"), ["token_id"], unique=False)

    op.create_table(
        "complaint_count_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_url", sa.String(length=1000), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "replaced_by_batch_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_complaint_count_history_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_complaint_count_history_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_complaint_count_history_replaced_by_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_complaint_count_history_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_count_history")),
    )
    with op.batch_alter_table("complaint_count_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_count_history_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_complaint_count_history_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_complaint_count_history_replaced_by_batch_id"),
            ["replaced_by_batch_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_complaint_count_history_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "complaint_counts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_url", sa.String(length=1000), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_complaint_counts_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_complaint_counts_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_complaint_counts_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_counts")),
        sa.UniqueConstraint(
            "company_id",
            "metric",
            "period",
            name=op.f("uq_complaint_counts_company_id_metric_period"),
        ),
    )
    with op.batch_alter_table("complaint_counts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_counts_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_complaint_counts_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_complaint_counts_source_id"), ["source_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_complaint_counts_year"), ["year"], unique=False)

    op.create_table(
        "customer_count_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "replaced_by_batch_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_customer_count_history_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_customer_count_history_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_customer_count_history_replaced_by_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_customer_count_history_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_count_history")),
    )
    with op.batch_alter_table("customer_count_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_count_history_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customer_count_history_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customer_count_history_replaced_by_batch_id"),
            ["replaced_by_batch_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_customer_count_history_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "customer_counts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_customer_counts_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_customer_counts_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_customer_counts_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_counts")),
        sa.UniqueConstraint("company_id", "year", name=op.f("uq_customer_counts_company_id_year")),
    )
    with op.batch_alter_table("customer_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_counts_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_customer_counts_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customer_counts_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "wait_measurements",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_month", sa.String(length=7), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("wait_seconds", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("source_url", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_wait_measurements_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_wait_measurements_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_wait_measurements_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wait_measurements")),
    )
    with op.batch_alter_table("wait_measurements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wait_measurements_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_wait_measurements_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            "ix_wait_measurements_company_month", ["company_id", "local_month"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_wait_measurements_source_id"), ["source_id"], unique=False
        )
        batch_op.create_index(
            "uq_wait_measurements_natural_key",
            ["source_id", "company_id", "channel", "measured_at"],
            unique=True,
            sqlite_where=sa.text("external_id IS NULL"),
            postgresql_where=sa.text("external_id IS NULL"),
        )
        batch_op.create_index(
            "uq_wait_measurements_source_external_id",
            ["source_id", "external_id"],
            unique=True,
            sqlite_where=sa.text("external_id IS NOT NULL"),
            postgresql_where=sa.text("external_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("wait_measurements", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_wait_measurements_source_external_id",
            sqlite_where=sa.text("external_id IS NOT NULL"),
            postgresql_where=sa.text("external_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_wait_measurements_natural_key",
            sqlite_where=sa.text("external_id IS NULL"),
            postgresql_where=sa.text("external_id IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_wait_measurements_source_id"))
        batch_op.drop_index("ix_wait_measurements_company_month")
        batch_op.drop_index(batch_op.f("ix_wait_measurements_company_id"))
        batch_op.drop_index(batch_op.f("ix_wait_measurements_batch_id"))

    op.drop_table("wait_measurements")
    with op.batch_alter_table("customer_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_counts_source_id"))
        batch_op.drop_index(batch_op.f("ix_customer_counts_company_id"))
        batch_op.drop_index(batch_op.f("ix_customer_counts_batch_id"))

    op.drop_table("customer_counts")
    with op.batch_alter_table("customer_count_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_count_history_source_id"))
        batch_op.drop_index(batch_op.f("ix_customer_count_history_replaced_by_batch_id"))
        batch_op.drop_index(batch_op.f("ix_customer_count_history_company_id"))
        batch_op.drop_index(batch_op.f("ix_customer_count_history_batch_id"))

    op.drop_table("customer_count_history")
    with op.batch_alter_table("complaint_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_counts_year"))
        batch_op.drop_index(batch_op.f("ix_complaint_counts_source_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_counts_company_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_counts_batch_id"))

    op.drop_table("complaint_counts")
    with op.batch_alter_table("complaint_count_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_count_history_source_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_count_history_replaced_by_batch_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_count_history_company_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_count_history_batch_id"))

    op.drop_table("complaint_count_history")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_token_id"))
        batch_op.drop_index(batch_op.f("ix_import_batches_source_id"))
        batch_op.drop_index("ix_import_batches_body_sha256")

    op.drop_table("import_batches")
    with op.batch_alter_table("wait_histograms", schema=None) as batch_op:
        batch_op.drop_index("ix_wait_histograms_month_channel")

    op.drop_table("wait_histograms")
    with op.batch_alter_table("company_redirects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_redirects_company_id"))

    op.drop_table("company_redirects")
    with op.batch_alter_table("company_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_aliases_company_id"))

    op.drop_table("company_aliases")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_source_id"))
        batch_op.drop_index(batch_op.f("ix_api_tokens_company_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_companies_sector_id"))
        batch_op.drop_index(batch_op.f("ix_companies_normalized_name"))

    op.drop_table("companies")
    op.drop_table("sources")
    op.drop_table("sectors")
