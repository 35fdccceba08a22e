"""Migrations go up, down and up again on every backend, and match the models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app import migrate
from app.db import Database
from app.models import Base
from tests.conftest import POSTGRES_URL, scratch_postgres_database

BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def scratch_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own, so going down to nothing disturbs no other test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    with scratch_postgres_database("migrations") as url:
        yield url


def _tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names()) - {"alembic_version"}


def test_migrations_go_up_down_and_up_again_and_match_the_models(scratch_url: str) -> None:
    database = Database.from_url(scratch_url)
    try:
        migrate.upgrade(database.engine)
        assert _tables(database) == set(Base.metadata.tables)
        migrate.check(database.engine)
        migrate.downgrade(database.engine)
        assert _tables(database) == set()
        migrate.upgrade(database.engine)
        migrate.check(database.engine)
    finally:
        database.dispose()


def test_migration_files_have_dated_names() -> None:
    versions = list((migrate.PROJECT_ROOT / "migrations" / "versions").glob("*.py"))
    assert versions
    for path in versions:
        assert re.match(r"^\d{4}-\d{2}-\d{2}-\d{4}_[a-z0-9_]+\.py$", path.name), path.name
