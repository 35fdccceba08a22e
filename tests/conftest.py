"""Test databases: every test that asks for one runs on SQLite and, when
SHAMELIST_TEST_DATABASE_URL is set, on PostgreSQL too.

Both are migrated with Alembic (never ``create_all``). SQLite tests each get a
copy of a freshly migrated file; PostgreSQL tests share one migrated database
whose tables are emptied before each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import migrate
from app.config import Settings
from app.db import Database
from app.main import create_app
from app.models import Base
from app.services.tokens import create_token

POSTGRES_URL = os.environ.get("SHAMELIST_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
TABLES = ", ".join(table.name for table in Base.metadata.sorted_tables)


@contextmanager
def scratch_postgres_database(suffix: str) -> Iterator[str]:
    """A new, empty database beside the one SHAMELIST_TEST_DATABASE_URL names, dropped
    afterwards, so that test runs sharing one server (two CI jobs, a developer and
    CI) never empty each other's tables."""
    name = f"{make_url(POSTGRES_URL).database}_{suffix}_{os.getpid()}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The migrated template database of one backend: a SQLite file or a PostgreSQL URL."""
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("template") / "template.db"
        database = Database.from_url(f"sqlite:///{template}")
        migrate.upgrade(database.engine)
        database.dispose()
        yield str(template)
        return
    with scratch_postgres_database("suite") as url:
        database = Database.from_url(url)
        migrate.upgrade(database.engine)
        database.dispose()
        yield url


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> str:
    """A URL to an empty, migrated database for this test alone."""
    if not backend.startswith("postgresql"):
        copy = tmp_path / "test.db"
        shutil.copyfile(backend, copy)
        return f"sqlite:///{copy}"
    database = Database.from_url(backend)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    database.dispose()
    return backend


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, max_body_bytes=2 * 1024 * 1024)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    database = Database.from_url(settings.database_url)
    yield database
    database.dispose()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def make_token(database: Database, *, source: str = "partner", scope: str = "import") -> str:
    with database.write() as session:
        _token, secret = create_token(
            session, name=f"{source} {scope}", source_slug=source, scope=scope
        )
    return secret


@pytest.fixture
def token(database: Database) -> str:
    return make_token(database)


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
