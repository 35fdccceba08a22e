"""The scraper runner: snapshots, the one ingest path, quarantine, hold and approval.

A small fake source stands in for the real ones (their parsers have their own
tests against saved pages); what is tested here is what every run does.
"""

from __future__ import annotations

import types
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.db import Database
from app.models import Company, ComplaintCount, ImportBatch
from scrapers import runner
from scrapers.base import (
    Document,
    DriftError,
    HeldForReview,
    LastRun,
    ParseResult,
    ScrapeOptions,
    SourceInfo,
    expect_row_count,
)

FAKE = SourceInfo(
    slug="fake-list",
    name="Fake list",
    url="https://example.org/fake",
    terms="fictional test data",
    cadence="whenever a test runs",
    kind="complaints",
)


def _parse(documents: list[Document], _options: ScrapeOptions) -> ParseResult:
    rows = []
    for line in documents[0].body.decode("utf-8").splitlines():
        if not line:
            continue
        if line.startswith("HOLD"):
            raise HeldForReview("a sudden large improvement")
        company, value, *period = line.split(";")
        if not value.strip().isdigit():
            raise DriftError("values that parse", f"{value!r} is not a number")
        row = {"company": company, "metric": "complaints", "period": "2025", "value": value}
        rows.append(row | ({"period": period[0]} if period else {}))
    return ParseResult(rows=rows, evidence=[{"article_date": "2025-11-03"}])


def _check(result: ParseResult, last: LastRun | None) -> None:
    expect_row_count(result, last, low=0.6)


@pytest.fixture(autouse=True)
def fake_source(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.SimpleNamespace(SOURCE=FAKE, parse=_parse, check=_check, fetch=None)
    monkeypatch.setattr(runner, "load_source", lambda slug: module)


def _file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "page.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


FULL = (
    "Exempeltele AB;40",
    "Påhittade Banken AB;25",
    "Låtsasel Energi AB;12",
    "Sagobanken AB;3",
    "Drömnätet AB;9",
)


def _run(database: Database, path: Path, dry_run: bool = False) -> runner.RunOutcome:
    return runner.run_source(
        "fake-list", database.write_sessions, options=ScrapeOptions(file=path), dry_run=dry_run
    )


def _published(database: Database) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(ComplaintCount)) or 0


def test_a_run_publishes_through_the_ingest_and_keeps_the_bytes(
    database: Database, client: TestClient, tmp_path: Path
) -> None:
    path = _file(tmp_path, *FULL)
    outcome = _run(database, path)
    assert outcome.status == "committed"
    assert outcome.report["inserted"] == 5
    batch = client.get(f"/api/v1/imports/{outcome.report['batch_id']}").json()
    assert batch["evidence"] == [{"article_date": "2025-11-03"}]
    [snapshot] = batch["snapshots"]
    raw = client.get(f"/api/v1/snapshots/{snapshot['sha256']}")
    assert raw.status_code == 200
    assert raw.content == path.read_bytes()
    assert raw.headers["content-type"] == "application/octet-stream"
    # Parsing the stored bytes again gives the same figures.
    again = _parse([Document(url=snapshot["url"], body=raw.content)], ScrapeOptions())
    company = client.get("/api/v1/companies/exempeltele").json()
    assert company["figures"][0]["batch_id"] == outcome.report["batch_id"]
    assert str(company["figures"][0]["value"]) == again.rows[0]["value"]
    sources = client.get("/sources")
    assert sources.status_code == 200


def test_the_same_page_again_changes_nothing(database: Database, tmp_path: Path) -> None:
    path = _file(tmp_path, *FULL)
    _run(database, path)
    again = _run(database, path)
    assert (again.status, again.report["inserted"], again.report["unchanged"]) == (
        "committed",
        0,
        5,
    )


@pytest.mark.parametrize(
    ("lines", "expectation"),
    [
        ((), "row count"),
        (FULL[:2], "row count"),  # half the rows gone
        (("Exempeltele AB;fyrtio",), "values that parse"),
        (
            (
                "Exempeltele AB;40",
                "Påhittade Banken AB;25",
                "Låtsasel Energi AB;12",
                "Sagobanken AB;3",
                "Ny AB;99",
            ),
            None,
        ),
    ],
)
def test_a_broken_page_is_quarantined_and_publishes_nothing(
    database: Database, tmp_path: Path, lines: tuple[str, ...], expectation: str | None
) -> None:
    _run(database, _file(tmp_path, *FULL))
    before = _published(database)
    outcome = _run(database, _file(tmp_path, *lines))
    if expectation is None:
        assert outcome.status == "committed"
        return
    assert outcome.status == "quarantined"
    assert expectation in outcome.message
    assert _published(database) == before
    with database.read() as session:
        batch = session.get_one(ImportBatch, outcome.report["batch_id"])
        assert batch.status == "quarantined"


def test_rows_the_ingest_refuses_quarantine_the_run(database: Database, tmp_path: Path) -> None:
    outcome = _run(database, _file(tmp_path, "Exempeltele AB;9223372036854775808"))
    assert outcome.status == "quarantined"
    assert "values that parse" in outcome.message
    assert _published(database) == 0


def test_a_held_result_waits_for_approval(database: Database, tmp_path: Path) -> None:
    _run(database, _file(tmp_path, *FULL))
    held = _run(database, _file(tmp_path, *FULL[:4], "HOLD"))
    assert held.status == "held"
    with pytest.raises(ValueError, match="not a held or quarantined batch"):
        runner.approve_held_batch(
            database.write_sessions, held.report["batch_id"] + 100, ScrapeOptions()
        )


def test_approving_a_held_batch_publishes_its_snapshot(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = _run(database, _file(tmp_path, "HOLD"))
    assert held.status == "held"
    # The reviewer decided the page is right: this time the parser accepts it.
    monkeypatch.setattr(
        runner,
        "load_source",
        lambda slug: types.SimpleNamespace(
            SOURCE=FAKE,
            parse=lambda docs, opts: ParseResult(
                rows=[
                    {
                        "company": "Exempeltele AB",
                        "metric": "complaints",
                        "period": "2025",
                        "value": "1",
                    }
                ]
            ),
            check=_check,
            fetch=None,
        ),
    )
    approved = runner.approve_held_batch(
        database.write_sessions, held.report["batch_id"], ScrapeOptions()
    )
    assert approved.status == "committed"
    with database.read() as session:
        assert session.get_one(ImportBatch, held.report["batch_id"]).status == "approved"
    assert _published(database) == 1


def test_a_dry_run_writes_nothing(database: Database, tmp_path: Path) -> None:
    outcome = _run(database, _file(tmp_path, *FULL), dry_run=True)
    assert (outcome.status, outcome.report["inserted"]) == ("dry_run", 5)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


# --- Magnitudes against the last good run (every source): a jump is held, not published.


def _values(database: Database) -> dict[tuple[str, str], int]:
    with database.read() as session:
        rows = session.execute(
            select(Company.name, ComplaintCount.period, ComplaintCount.value).join(
                Company, Company.id == ComplaintCount.company_id
            )
        )
        return {(name, period): value for name, period, value in rows}


@pytest.mark.parametrize(
    ("before", "after", "jump"),
    [
        ("Exempeltele AB;40", "Exempeltele AB;40000", "40000, last published 40"),  # x1000
        ("Exempeltele AB;498", "Exempeltele AB;4", "4, last published 498"),  # a cut number
        ("Exempeltele AB;40", "EXEMPELTELE  AB;400", "400, last published 40"),  # 10x
    ],
)
def test_a_figure_far_from_the_last_published_is_held_for_review(
    database: Database, tmp_path: Path, before: str, after: str, jump: str
) -> None:
    first = _run(database, _file(tmp_path, before, *FULL[1:]))
    assert first.status == "committed"
    held = _run(database, _file(tmp_path, after, *FULL[1:]))
    assert held.status == "held"
    assert jump in held.message
    assert _values(database)[("Exempeltele AB", "2025")] == int(before.split(";")[1])
    with database.read() as session:
        assert session.get_one(ImportBatch, held.report["batch_id"]).status == "held"


def test_an_approved_jump_is_published_from_its_snapshot(
    database: Database, tmp_path: Path
) -> None:
    _run(database, _file(tmp_path, *FULL))
    held = _run(database, _file(tmp_path, "Exempeltele AB;40000", *FULL[1:]))
    approved = runner.approve_held_batch(
        database.write_sessions, held.report["batch_id"], ScrapeOptions()
    )
    assert approved.status == "committed"
    assert _values(database)[("Exempeltele AB", "2025")] == 40000


@pytest.mark.parametrize(
    "changed",
    [
        "Sagobanken AB;30",  # 10x, but from 3: small counts move like that
        "Exempeltele AB;90",  # more than doubled: a bad year, not a wrong unit
        "Ny AB;5000",  # no earlier figure to compare with
        "Exempeltele AB;400;2025-03",  # a month is not compared with a year
    ],
)
def test_a_plausible_change_is_published(database: Database, tmp_path: Path, changed: str) -> None:
    _run(database, _file(tmp_path, *FULL))
    name = changed.split(";")[0]
    # the changed line stands in for the company's line of the same period
    others = [line for line in FULL if not line.startswith(name) or changed.count(";") == 2]
    outcome = _run(database, _file(tmp_path, *others, changed))
    assert outcome.status == "committed", outcome.message


def test_a_new_period_is_compared_with_the_latest_of_the_same_length(
    database: Database, tmp_path: Path
) -> None:
    _run(database, _file(tmp_path, *FULL, "Exempeltele AB;4;2025-01"))
    held = _run(database, _file(tmp_path, *FULL, "Exempeltele AB;4000;2025-02"))
    assert held.status == "held"
    assert "2025-02: 4000, last published 4" in held.message


def test_waits_far_from_the_last_published_are_held(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = replace(FAKE, slug="fake-waits", kind="waits")

    def parse(documents: list[Document], _options: ScrapeOptions) -> ParseResult:
        stamp, seconds = documents[0].body.decode().split(";")
        row = {
            "company": "Exempeltele AB",
            "measured_at": stamp,
            "channel": "phone",
            "wait_seconds": seconds,
            "outcome": "answered",
        }
        return ParseResult(rows=[row])

    module = types.SimpleNamespace(SOURCE=waits, parse=parse, check=_check, fetch=None)
    monkeypatch.setattr(runner, "load_source", lambda slug: module)
    first = _run(database, _file(tmp_path, "2025-03-01T10:00:00+01:00;1200"))
    assert first.status == "committed", first.message
    # "1 200 sekunder" read as 1 s
    held = _run(database, _file(tmp_path, "2025-03-02T10:00:00+01:00;1"))
    assert held.status == "held"
    assert "phone/answered" in held.message
    fine = _run(database, _file(tmp_path, "2025-03-03T10:00:00+01:00;900"))
    assert fine.status == "committed", fine.message
