"""search terms

Revision ID: 4d2b7e19c6a5
Revises: 9a3f61c2b8e0
Create Date: 2026-12-01 12:00:00.000000+00:00
"""

# Migration policy:
# - Every migration runs on SQLite and on PostgreSQL; the tests apply it up,
#   down and up again on both, and `alembic check` must find nothing left over.
# - A migration never loses a figure: data moves before a column or table goes.
# - Long data rewrites go into their own migration, apart from schema changes.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The terms must be exactly those the running code searches for, so the backfill uses
# the code's own pure function rather than a copy of it. A change to the folding
# comes with a migration of its own that computes the terms again.
from app.names import search_terms

revision: str = "4d2b7e19c6a5"
down_revision: str | None = "9a3f61c2b8e0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TERM = sa.String(length=300).with_variant(sa.String(length=300, collation="C"), "postgresql")
_CHUNK = 5000


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("company_id", _ID, nullable=False),
        sa.Column("term", _TERM, nullable=False),
        sa.Column("matched", sa.String(length=300), nullable=False),
        sa.Column("is_start", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_search_terms_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("company_id", "term", name=op.f("pk_search_terms")),
    )
    op.create_index(
        "ix_search_terms_is_start_term", "search_terms", ["is_start", "term"], unique=False
    )
    _backfill()


def _backfill() -> None:
    """The terms of every company's name and aliases (the name first, as the services do)."""
    bind = op.get_bind()
    names: dict[int, list[str]] = {}
    for company_id, name in bind.execute(sa.text("SELECT id, name FROM companies ORDER BY id")):
        names[company_id] = [name]
    for company_id, alias in bind.execute(
        sa.text("SELECT company_id, alias FROM company_aliases ORDER BY id")
    ):
        names[company_id].append(alias)
    table = sa.table(
        "search_terms",
        sa.column("company_id", _ID),
        sa.column("term", _TERM),
        sa.column("matched", sa.String()),
        sa.column("is_start", sa.Boolean()),
    )
    rows = [
        {"company_id": company_id, "term": term, "matched": matched, "is_start": is_start}
        for company_id, spellings in names.items()
        for term, (matched, is_start) in search_terms(spellings).items()
    ]
    for start in range(0, len(rows), _CHUNK):
        bind.execute(table.insert(), rows[start : start + _CHUNK])


def downgrade() -> None:
    op.drop_index("ix_search_terms_is_start_term", table_name="search_terms")
    op.drop_table("search_terms")
