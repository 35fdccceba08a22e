"""raw snapshots and source metadata

Revision ID: a8414bf1afe8
Revises: 8bb6c347b4cd
Create Date: 2026-11-23 15:27:52.840635+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a8414bf1afe8"
down_revision: str | None = "8bb6c347b4cd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "raw_snapshots",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_snapshots")),
        sa.UniqueConstraint("sha256", name=op.f("uq_raw_snapshots_sha256")),
    )
    op.create_table(
        "batch_snapshots",
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "snapshot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_batch_snapshots_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["raw_snapshots.id"],
            name=op.f("fk_batch_snapshots_snapshot_id_raw_snapshots"),
        ),
        sa.PrimaryKeyConstraint("batch_id", "snapshot_id", name=op.f("pk_batch_snapshots")),
    )
    with op.batch_alter_table("batch_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_batch_snapshots_snapshot_id"), ["snapshot_id"], unique=False
        )

    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("cadence", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("cadence")
        batch_op.drop_column("terms")

    with op.batch_alter_table("batch_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_snapshots_snapshot_id"))

    op.drop_table("batch_snapshots")
    op.drop_table("raw_snapshots")
