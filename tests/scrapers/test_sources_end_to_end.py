"""Every source, end to end: saved pages (or a local server) through the runner and the
one ingest path into the database, then back from a published figure to its bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.db import Database
from app.models import ComplaintCount, ImportBatch, WaitMeasurement
from scrapers.base import Document, ScrapeOptions
from scrapers.http import PoliteClient
from scrapers.registry import load_source
from scrapers.runner import approve_held_batch, run_source
from scrapers.settings import ScraperSettings
from tests.helpers import shamelist
from tests.scrapers.conftest import LocalServer, Reply

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAVED = [
    ("skamlistan", FIXTURES / "skamlistan" / "article.html"),
    ("svarta-listan", FIXTURES / "svarta-listan" / "svarta-listan.html"),
    ("konsumentverket", FIXTURES / "konsumentverket" / "anmalningar_2025.xlsx"),
    ("konsumentverket", FIXTURES / "konsumentverket" / "anmalningar_2024_cp1252.csv"),
    ("bolagsverket", FIXTURES / "bolagsverket" / "bulkfil.txt"),
]


def _count(database: Database, model: type) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(("slug", "path"), SAVED, ids=[f"{s}-{p.suffix}" for s, p in SAVED])
def test_a_saved_page_publishes_once_and_again_changes_nothing(
    database: Database, slug: str, path: Path
) -> None:
    first = run_source(slug, database.write_sessions, options=ScrapeOptions(file=path))
    assert first.status == "committed", first.message
    assert first.report["inserted"] > 0
    again = run_source(slug, database.write_sessions, options=ScrapeOptions(file=path))
    assert again.status == "committed", again.message
    assert (again.report["inserted"], again.report["updated"]) == (0, 0)
    assert again.report["unchanged"] == first.report["rows"]


def test_a_published_figure_leads_to_its_batch_snapshot_and_bytes(
    database: Database, client: TestClient
) -> None:
    path = FIXTURES / "skamlistan" / "article.html"
    outcome = run_source("skamlistan", database.write_sessions, options=ScrapeOptions(file=path))
    with database.read() as session:
        figure = session.scalars(
            select(ComplaintCount).order_by(ComplaintCount.value.desc())
        ).first()
        assert figure is not None
        value, batch_id = figure.value, figure.batch_id
    assert batch_id == outcome.report["batch_id"]
    batch = client.get(f"/api/v1/imports/{batch_id}").json()
    [snapshot] = batch["snapshots"]
    body = client.get(f"/api/v1/snapshots/{snapshot['sha256']}").content
    assert body == path.read_bytes()
    reparsed = load_source("skamlistan").parse(
        [Document(url=snapshot["url"], body=body)], ScrapeOptions()
    )
    assert str(value) in {row["value"] for row in reparsed.rows}


def test_a_mutated_page_is_quarantined_by_the_command(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    page = (FIXTURES / "skamlistan" / "article.html").read_text(encoding="utf-8")
    broken = tmp_path / "article.html"
    broken.write_text(page.replace("Antal anmälningar", "Antal klagomål"), encoding="utf-8")
    done = shamelist(database_url, "scrape", "skamlistan", "--file", str(broken))
    assert done.returncode == 1
    assert "quarantined" in done.stderr
    assert "columns present" in done.stderr
    assert _count(database, ComplaintCount) == 0
    with database.read() as session:
        assert session.scalars(select(ImportBatch.status)).all() == ["quarantined"]


def _wait_page(minutes: int) -> bytes:
    return f'<html><body><div class="queue-time">Beräknad väntetid: <strong>{minutes}</strong> min</div></body></html>'.encode()


@pytest.fixture
def wait_site(
    local_server: LocalServer, tmp_path: Path
) -> tuple[LocalServer, ScrapeOptions, PoliteClient]:
    config = tmp_path / "pages.toml"
    config.write_text(
        "[[page]]\n"
        'company = "Exempeltele AB"\n'
        f'url = "{local_server.url("/kundservice")}"\n'
        'selector = ".queue-time"\n'
        "pattern = 'Beräknad väntetid:\\s*(?P<wait>\\d+)\\s*min'\n"
        'unit = "min"\n',
        encoding="utf-8",
    )
    local_server.route("/robots.txt", Reply(404))
    settings = ScraperSettings(delay_seconds=0, max_retries=0)
    client = PoliteClient(settings, allowed_private=frozenset({local_server.host_port}))
    return local_server, ScrapeOptions(config=config), client


def test_wait_pages_are_fetched_politely_and_a_sudden_improvement_is_held(
    database: Database, wait_site: tuple[LocalServer, ScrapeOptions, PoliteClient]
) -> None:
    server, options, client = wait_site
    server.route(
        "/kundservice",
        Reply(body=_wait_page(40), headers={"Content-Type": "text/html; charset=utf-8"}),
    )
    with client:
        first = run_source("wait-pages", database.write_sessions, options=options, client=client)
        assert first.status == "committed", first.message
        server.route(
            "/kundservice", Reply(body=_wait_page(2), headers={"Content-Type": "text/html"})
        )
        held = run_source("wait-pages", database.write_sessions, options=options, client=client)
    assert held.status == "held", held.message
    with database.read() as session:
        assert session.scalars(select(WaitMeasurement.wait_seconds)).all() == [2400]
    approved = approve_held_batch(database.write_sessions, held.report["batch_id"], options)
    assert approved.status == "committed"
    with database.read() as session:
        assert sorted(session.scalars(select(WaitMeasurement.wait_seconds))) == [120, 2400]
        assert {w.outcome for w in session.scalars(select(WaitMeasurement))} == {"announced"}


def test_a_source_that_does_not_answer_is_quarantined(
    database: Database, wait_site: tuple[LocalServer, ScrapeOptions, PoliteClient]
) -> None:
    server, options, client = wait_site
    server.route("/kundservice", Reply(404, b"gone"))
    with client:
        outcome = run_source("wait-pages", database.write_sessions, options=options, client=client)
    assert outcome.status == "quarantined"
    assert "the source answers" in outcome.message
    assert _count(database, WaitMeasurement) == 0


def test_bolagsverket_only_known_fills_in_known_companies(
    database: Database, client: TestClient, auth: dict[str, str]
) -> None:
    path = FIXTURES / "bolagsverket" / "bulkfil.txt"
    name = path.read_bytes().decode("latin-1").splitlines()[-1].split("$")[0]
    response = client.post(
        "/api/v1/imports/companies",
        content=f"name\n{name}\n".encode(),
        headers={**auth, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201
    outcome = run_source(
        "bolagsverket", database.write_sessions, options=ScrapeOptions(file=path, only_known=True)
    )
    assert outcome.status == "committed", outcome.message
    assert outcome.report["rows"] == 1
    assert outcome.report["companies_created"] == []


def test_scrape_list_records_every_source_for_the_sources_page(
    database_url: str, client: TestClient
) -> None:
    done = shamelist(database_url, "scrape", "--list")
    assert done.returncode == 0, done.stderr
    slugs = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert slugs == ["skamlistan", "svarta-listan", "konsumentverket", "bolagsverket", "wait-pages"]
    page = client.get("/sources").text
    assert all(slug in page for slug in slugs)


@pytest.mark.parametrize(
    "args",
    [
        ("scrape",),
        ("scrape", "nowhere"),
        ("scrape", "konsumentverket"),
        ("scrape", "wait-pages"),
        ("batch", "approve", "999"),
    ],
)
def test_scrape_usage_errors_say_what_to_do(database_url: str, args: tuple[str, ...]) -> None:
    done = shamelist(database_url, *args)
    assert done.returncode != 0
    assert done.stderr.startswith("error:")


# --- Held-out mutations of the file sources (issue 13): quarantined or published exactly.

KV_CSV = FIXTURES / "konsumentverket" / "anmalningar_2024_cp1252.csv"


def _kv_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "anmalningar.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


@pytest.mark.parametrize(
    ("change", "expectation"),
    [
        (lambda text: text + "Provresor HB;559900-0063;2024-12;Resor;4\n", "lines unique"),
        (lambda text: text + "Totalt;559900-0063;2024-12;;15\n", "total rows"),
        (lambda text: text + "Provresor HB;559900-0063;2024-12;Summa;15\n", "total rows"),
        (lambda text: "Antal anmälningar (i tusental)\n" + text, "count unit"),
    ],
    ids=["duplicate line", "total with org number", "subtotal topic", "tusental"],
)
def test_a_mutated_konsumentverket_file_is_quarantined_and_publishes_nothing(
    database: Database, tmp_path: Path, change: Callable[[str], str], expectation: str
) -> None:
    text = change(KV_CSV.read_bytes().decode("cp1252"))
    outcome = run_source(
        "konsumentverket",
        database.write_sessions,
        options=ScrapeOptions(file=_kv_file(tmp_path, text)),
    )
    assert outcome.status == "quarantined"
    assert expectation in outcome.message
    assert _count(database, ComplaintCount) == 0


def test_konsumentverket_counts_a_thousand_times_larger_are_held_then_approved(
    database: Database, tmp_path: Path
) -> None:
    first = run_source(
        "konsumentverket", database.write_sessions, options=ScrapeOptions(file=KV_CSV)
    )
    assert first.status == "committed", first.message
    text = (
        KV_CSV.read_bytes().decode("cp1252").replace(";4\n", ";4000\n").replace(";11\n", ";11000\n")
    )
    held = run_source(
        "konsumentverket",
        database.write_sessions,
        options=ScrapeOptions(file=_kv_file(tmp_path, text)),
    )
    assert held.status == "held"
    assert "15000, last published 15" in held.message
    with database.read() as session:
        assert session.scalars(select(ComplaintCount.value)).all() == [15]
    approved = approve_held_batch(database.write_sessions, held.report["batch_id"], ScrapeOptions())
    assert approved.status == "committed"
    with database.read() as session:
        assert session.scalars(select(ComplaintCount.value)).all() == [15000]


def test_a_dash_in_the_company_register_is_published_as_a_dash(
    database: Database, client: TestClient, tmp_path: Path
) -> None:
    path = tmp_path / "bulkfil.txt"
    path.write_bytes("Exempel – Bygg AB$5599000014$AB$2001-03-14$Exempelstad\r\n".encode("cp1252"))
    outcome = run_source("bolagsverket", database.write_sessions, options=ScrapeOptions(file=path))
    assert outcome.status == "committed", outcome.message
    assert [c["name"] for c in outcome.report["companies_created"]] == ["Exempel – Bygg AB"]
