"""Editions: rankings frozen for good, with their files and correction notes

Revision ID: 23c7e4667518
Revises: 9d4e2b7c1a36
Create Date: 2026-12-02 06:40:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "23c7e4667518"
down_revision: str | None = "9d4e2b7c1a36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "editions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editions")),
    )
    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_editions_period"), ["period"], unique=False)

    op.create_table(
        "edition_files",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "edition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_edition_files_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition_files")),
        sa.UniqueConstraint(
            "edition_id",
            "metric",
            "channel",
            name=op.f("uq_edition_files_edition_id_metric_channel"),
        ),
    )
    with op.batch_alter_table("edition_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_edition_files_edition_id"), ["edition_id"], unique=False
        )

    op.create_table(
        "edition_notes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "edition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_edition_notes_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition_notes")),
    )
    with op.batch_alter_table("edition_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_edition_notes_edition_id"), ["edition_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("edition_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edition_notes_edition_id"))

    op.drop_table("edition_notes")
    with op.batch_alter_table("edition_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edition_files_edition_id"))

    op.drop_table("edition_files")
    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_editions_period"))

    op.drop_table("editions")
