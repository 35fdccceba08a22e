"""Migrations go up, down and up again on every backend, and match the models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app import migrate
from app.db import Database
from app.demo import load_demo
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


def test_month_counts_are_backfilled_from_existing_histograms(scratch_url: str) -> None:
    database = Database.from_url(scratch_url)
    try:
        migrate.upgrade(database.engine, "a8414bf1afe8")  # before wait_month_counts
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO companies (id, slug, name, normalized_name, verified, created_at)"
                    " VALUES (1, 'x', 'X AB', 'x', false, '2025-01-01 00:00:00')"
                )
            )
            for outcome, wait, n in (
                ("answered", 100, 3),
                ("answered", 200, 2),
                ("abandoned", 50, 1),
                ("announced", 600, 4),
            ):
                connection.execute(
                    text(
                        "INSERT INTO wait_histograms (company_id, month, channel, outcome, wait_seconds, n)"
                        " VALUES (1, '2025-03', 'phone', :outcome, :wait, :n)"
                    ),
                    {"outcome": outcome, "wait": wait, "n": n},
                )
        migrate.upgrade(database.engine)
        with database.engine.connect() as connection:
            row = connection.execute(
                text("SELECT contacts, abandoned, slow, announced FROM wait_month_counts")
            ).one()
        assert tuple(row) == (6, 1, 3, 4)
    finally:
        database.dispose()


def test_period_medians_are_backfilled_from_existing_histograms(scratch_url: str) -> None:
    database = Database.from_url(scratch_url)
    try:
        migrate.upgrade(database.engine, "1cc7b489a1ab")  # before wait_period_medians
        cells = [("2025-01", 100, 1), ("2025-02", 200, 2), ("2025-02", 900, 1), ("2025-04", 50, 3)]
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO companies (id, slug, name, normalized_name, verified, created_at)"
                    " VALUES (1, 'x', 'X AB', 'x', false, '2025-01-01 00:00:00')"
                )
            )
            for month, wait, n in cells:
                connection.execute(
                    text(
                        "INSERT INTO wait_histograms (company_id, month, channel, outcome, wait_seconds, n)"
                        " VALUES (1, :month, 'phone', 'answered', :wait, :n)"
                    ),
                    {"month": month, "wait": wait, "n": n},
                )
        migrate.upgrade(database.engine, "01914aba3bd6")  # medians still as middle sums
        with database.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT period, middle_sum, n FROM wait_period_medians ORDER BY period")
            ).all()
        # 2025: 50,50,50,100,200,200,900 -> 100; Q1: 100,200,200,900 -> 200 (x2 = 400).
        assert [tuple(r) for r in rows] == [
            ("2025", 200, 7),
            ("2025-01", 200, 1),
            ("2025-02", 400, 3),
            ("2025-04", 100, 3),
            ("2025-Q1", 400, 4),
            ("2025-Q2", 100, 3),
        ]
    finally:
        database.dispose()


def test_figures_become_64_bit_and_going_back_never_cuts_one(scratch_url: str) -> None:
    database = Database.from_url(scratch_url)
    try:
        migrate.upgrade(database.engine, "4d2b7e19c6a5")  # before 64-bit figures
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO companies (id, slug, name, normalized_name, verified, created_at)"
                    " VALUES (1, 'x', 'X AB', 'x', false, '2025-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO wait_histograms (company_id, month, channel, outcome, wait_seconds, n)"
                    " VALUES (1, '2025-03', 'phone', 'answered', 100, 3)"
                )
            )
        migrate.upgrade(database.engine)
        with database.engine.begin() as connection:
            assert connection.execute(
                text("SELECT wait_seconds, n FROM wait_histograms")
            ).one() == (100, 3)
            connection.execute(
                text("UPDATE wait_histograms SET wait_seconds = :big"), {"big": 2**63 - 1}
            )
            assert connection.scalar(text("SELECT wait_seconds FROM wait_histograms")) == 2**63 - 1
        if scratch_url.startswith("postgresql"):
            # A 32-bit column cannot hold it: going back is refused, and nothing changes.
            with pytest.raises(RuntimeError, match=r"wait_histograms\.wait_seconds"):
                migrate.downgrade(database.engine, "4d2b7e19c6a5")
            migrate.check(database.engine)
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE wait_histograms SET wait_seconds = 100"))
        migrate.downgrade(database.engine, "4d2b7e19c6a5")
        with database.engine.connect() as connection:
            assert connection.execute(
                text("SELECT wait_seconds, n FROM wait_histograms")
            ).one() == (100, 3)
    finally:
        database.dispose()


def test_medians_become_a_whole_part_and_a_half_and_back(scratch_url: str) -> None:
    database = Database.from_url(scratch_url)
    sums = [("2025-01", 401), ("2025-02", 400), ("2025", 2**63 - 1)]
    try:
        migrate.upgrade(database.engine, "01914aba3bd6")  # before the whole part and half
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO companies (id, slug, name, normalized_name, verified, created_at)"
                    " VALUES (1, 'x', 'X AB', 'x', false, '2025-01-01 00:00:00')"
                )
            )
            for period, middle_sum in sums:
                connection.execute(
                    text(
                        "INSERT INTO wait_period_medians"
                        " (company_id, period, channel, outcome, middle_sum, n)"
                        " VALUES (1, :period, 'phone', 'answered', :middle_sum, 2)"
                    ),
                    {"period": period, "middle_sum": middle_sum},
                )
        migrate.upgrade(database.engine)
        query = "SELECT period, median_floor, median_half FROM wait_period_medians ORDER BY period"
        with database.engine.connect() as connection:
            rows = [tuple(row) for row in connection.execute(text(query))]
        assert rows == [("2025", 2**62 - 1, 1), ("2025-01", 200, 1), ("2025-02", 200, 0)]
        migrate.downgrade(database.engine, "01914aba3bd6")
        query = "SELECT period, middle_sum FROM wait_period_medians ORDER BY period"
        with database.engine.connect() as connection:
            back = [tuple(row) for row in connection.execute(text(query))]
        assert back == sorted(sums)
    finally:
        database.dispose()


def test_yearly_ranked_values_are_filled_from_the_figures_already_stored(scratch_url: str) -> None:
    database = Database.from_url(scratch_url)
    try:
        migrate.upgrade(database.engine)
        load_demo(database)
        query = text("SELECT * FROM year_rank_values ORDER BY company_id, metric, year, channel")
        with database.engine.connect() as connection:
            kept = [tuple(row) for row in connection.execute(query)]
        assert len(kept) > 50
        migrate.downgrade(database.engine, "7b4d2e9a1c60")  # the table, still empty
        with database.engine.connect() as connection:
            assert connection.execute(query).first() is None
        migrate.upgrade(database.engine)
        with database.engine.connect() as connection:
            assert [tuple(row) for row in connection.execute(query)] == kept
    finally:
        database.dispose()
