"""The ``shamelist`` command, run as a user runs it."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.progress import Progress
from sqlalchemy import select, text

from app.cli import RowRateColumn, _ProgressReader
from app.db import Database
from app.models import ApiToken, Company, CompanyAlias, ComplaintCount, ComplaintPeriodValue
from tests.helpers import row_counts, shamelist


def test_token_create_prints_the_token_alone_on_the_last_line(
    database_url: str, database: Database
) -> None:
    done = shamelist(database_url, "token", "create", "--name", "Partner", "--source", "new-source")
    assert done.returncode == 0, done.stderr
    secret = done.stdout.strip().splitlines()[-1]
    assert " " not in secret
    assert secret.startswith("shl_")
    with database.read() as session:
        token = session.scalars(select(ApiToken)).one()
    revoke = shamelist(database_url, "token", "revoke", str(token.id))
    assert revoke.returncode == 0, revoke.stderr
    with database.read() as session:
        assert session.scalars(select(ApiToken)).one().revoked_at is not None


def test_our_own_commands_start_without_the_plugins_and_help_lists_them(
    database_url: str,
) -> None:
    # The scrapers' commands are a plugin: loaded for them and for the list of commands,
    # not for `shamelist import`, which would pay for their libraries at every start.
    env = {**os.environ, "SHAMELIST_DATABASE_URL": database_url, "PYTHONPROFILEIMPORTTIME": "1"}
    own = subprocess.run(
        [sys.executable, "-m", "app", "import", "--help"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert own.returncode == 0, own.stderr
    imported = re.findall(r"\|\s*([\w.]+)$", own.stderr, flags=re.MULTILINE)
    assert "app.cli" in imported
    assert not [name for name in imported if name.split(".")[0] == "scrapers"]
    listed = shamelist(database_url, "--help")
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"\bscrape\b", listed.stdout)
    assert re.search(r"\bbatch\b", shamelist(database_url, "batch", "--help").stdout)


def test_token_errors_go_to_stderr_with_nonzero_exit(database_url: str) -> None:
    for args in (
        ("token", "create", "--name", "x", "--source", "s", "--scope", "admin"),
        ("token", "create", "--name", "x", "--source", "s", "--scope", "reply"),
        ("token", "revoke", "4711"),
    ):
        done = shamelist(database_url, *args)
        assert done.returncode != 0
        assert done.stderr.strip()
        assert not done.stdout.strip()


def test_cli_import_reports_and_refuses_bad_files(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    good = tmp_path / "complaints.csv"
    good.write_text(
        "\ufeffcompany,metric,period,value\nCli Firma AB,complaints,2025,4\n", encoding="utf-8"
    )
    done = shamelist(database_url, "import", "complaints", str(good), "--source", "cli-test")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["inserted"] == 1
    counts = row_counts(database)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "company,metric,period,value\nCli Firma AB,complaints,2025,x\n", encoding="utf-8"
    )
    refused = shamelist(database_url, "import", "complaints", str(bad), "--source", "cli-test")
    assert refused.returncode == 1
    assert "line 2, column value" in refused.stderr
    dry = shamelist(
        database_url, "import", "complaints", str(good), "--source", "cli-test", "--dry-run"
    )
    assert dry.returncode == 0
    assert json.loads(dry.stdout)["status"] == "dry_run"
    assert row_counts(database) == counts


def test_cli_import_of_json(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "customers.json"
    path.write_text(json.dumps({"rows": [{"company": "Json AB", "year": 2025, "customers": 10}]}))
    done = shamelist(database_url, "import", "customers", str(path), "--source", "cli-test")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("import", "refunds", "x.csv", "--source", "s"),
        ("import", "waits", "/nonexistent.csv", "--source", "s"),
    ],
)
def test_cli_import_usage_errors(database_url: str, args: tuple[str, ...]) -> None:
    done = shamelist(database_url, *args)
    assert done.returncode != 0
    assert "error" in done.stderr


def test_company_merge_folds_names_and_figures(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "company,metric,period,value\nTvilling Ett AB,complaints,2025,4\nTvilling Två AB,complaints,2024,2\n"
    )
    assert (
        shamelist(database_url, "import", "complaints", str(path), "--source", "s").returncode == 0
    )
    done = shamelist(database_url, "company", "merge", "tvilling-tva", "tvilling-ett")
    assert done.returncode == 0, done.stderr
    with database.read() as session:
        assert session.scalars(select(Company.slug)).all() == ["tvilling-ett"]
        aliases = set(session.scalars(select(CompanyAlias.normalized)))
        periods = set(session.scalars(select(ComplaintCount.period)))
        cpv = ComplaintPeriodValue
        values = {
            tuple(row) for row in session.execute(select(cpv.company_id, cpv.period, cpv.value))
        }
        survivor = session.scalar(select(Company.id))
    assert aliases == {"tvilling ett", "tvilling två"}
    assert periods == {"2024", "2025"}
    # The period values the pages read, computed again under the company that remains.
    assert values == {(survivor, "2024", 2), (survivor, "2025", 4)}
    again = shamelist(database_url, "company", "merge", "tvilling-tva", "tvilling-ett")
    assert again.returncode != 0


def test_demo_loads_fictional_data_once(database_url: str, database: Database) -> None:
    assert shamelist(database_url, "demo", "--if-empty").returncode == 0
    counts = row_counts(database)
    assert counts["companies"] >= 8
    assert counts["wait_measurements"] > 1000
    assert shamelist(database_url, "demo").returncode == 0
    assert {k: v for k, v in row_counts(database).items() if k != "import_batches"} == {
        k: v for k, v in counts.items() if k != "import_batches"
    }


def test_db_upgrade_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    done = shamelist(f"sqlite:///{tmp_path / 'fresh.db'}", "db", "upgrade")
    assert done.returncode == 0, done.stderr


def test_import_progress_counts_rows_and_shows_rows_per_second() -> None:
    clock = [0.0]
    progress = Progress(get_time=lambda: clock[0])
    task = progress.add_task("importing", total=20, rows=0)
    column = RowRateColumn()
    assert column.render(progress.tasks[0]).plain == "? rows/s"
    body = b"a,b\n1,2\n3,4\n5,6\n"
    reader = _ProgressReader(io.BytesIO(body), progress, task, b"\n", report_bytes=1)
    clock[0] = 1.0
    first = reader.readline()
    clock[0] = 2.0
    assert first + reader.read() == body
    assert progress.tasks[0].fields["rows"] == 4
    assert re.fullmatch(r"[1-9][0-9,]* rows/s", column.render(progress.tasks[0]).plain)


def test_import_progress_is_told_in_steps_not_per_line() -> None:
    progress = Progress()
    task = progress.add_task("importing", total=1000, rows=0)
    reader = _ProgressReader(io.BytesIO(b"x\n" * 300), progress, task, b"\n", report_bytes=100)
    for _ in range(40):
        reader.readline()
    assert progress.tasks[0].completed == 0
    for _ in range(10):
        reader.readline()
    assert progress.tasks[0].completed == 100
    while reader.readline():
        pass
    assert progress.tasks[0].completed == 600
    assert progress.tasks[0].fields["rows"] == 300


def test_db_refresh_medians_fills_the_intervals_of_older_medians(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    lines = ["company,measured_at,channel,wait_seconds,outcome"]
    lines += [
        f"Äldre AB,2025-02-{d:02d}T10:00:00+01:00,phone,{10 * d},answered" for d in range(1, 13)
    ]
    file = tmp_path / "waits.csv"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = shamelist(database_url, "import", "waits", str(file), "--source", "partner")
    assert done.returncode == 0, done.stderr
    with database.write() as session:
        session.execute(text("UPDATE wait_period_medians SET ci_low = NULL, ci_high = NULL"))
    refreshed = shamelist(database_url, "db", "refresh-medians")
    assert refreshed.returncode == 0, refreshed.stderr
    with database.read() as session:
        bounds = set(session.execute(text("SELECT ci_low, ci_high FROM wait_period_medians")))
    assert bounds == {(30, 100)}  # 12 waits: l = 3, [x(3), x(10)]
