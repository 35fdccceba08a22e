"""Swedish pages speak Swedish: the data dictionary, a bad query's error page, the
sources' terms. English pages and the machine-readable answers keep their English."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from app.db import Database
from app.services.data_dictionary import COLUMNS, CSV_COLUMNS
from app.services.ingest.snapshots import sync_source
from scrapers.runner import sync_all_sources

# An element marked English, other than the link to the English page.
ENGLISH_MARKED = re.compile(r'<(?![^>]*class="lang-switch")[^>]*\blang="en"[^>]*>')
DATA_FILES = ("complaints", "waits", "customers", "companies")


def _shown(text: str) -> str:
    """The text as the (autoescaping) templates write it."""
    return str(escape(text))


def test_every_column_has_its_own_swedish_description() -> None:
    for columns in COLUMNS.values():
        for column in columns:
            assert column.sv, column.name
            assert column.sv != column.en, column.name


@pytest.mark.parametrize(("path", "files"), [("/data", DATA_FILES), ("/methodology", COLUMNS)])
def test_the_swedish_data_dictionary_has_no_english_description(
    client: TestClient, path: str, files: tuple[str, ...]
) -> None:
    text = client.get(path).text
    for name in files:
        for column in COLUMNS[name]:
            assert _shown(column.sv) in text, (name, column.name)
            assert _shown(column.en) not in text, (name, column.name)
    assert "på engelska" not in text
    assert ENGLISH_MARKED.findall(text) == []


def test_the_english_data_dictionary_is_in_english(client: TestClient) -> None:
    text = client.get("/methodology?lang=en").text
    for columns in COLUMNS.values():
        for column in columns:
            assert _shown(column.en) in text
            assert _shown(column.sv) not in text


def test_the_data_package_keeps_its_english_descriptions(client: TestClient) -> None:
    package = client.get("/datapackage.json?lang=sv").json()
    for resource in package["resources"]:
        described = [(f["name"], f["description"]) for f in resource["schema"]["fields"]]
        assert described == CSV_COLUMNS[resource["name"]]


@pytest.mark.parametrize(
    ("query", "status", "swedish", "english"),
    [
        (
            "metric=nonsense",
            422,
            "Det finns inget mått som heter ”nonsense”. Det här är måtten:",
            "unknown metric 'nonsense'; use one of complaints,",
        ),
        (
            "channel=pigeon",
            422,
            "Det finns ingen kanal som heter ”pigeon”. Det här är kanalerna:",
            "unknown channel 'pigeon'; use one of phone, chat, email",
        ),
        (
            "sector=no-such-sector",
            404,
            "Det finns ingen bransch som heter ”no-such-sector”.",
            "there is no sector 'no-such-sector'",
        ),
    ],
)
def test_the_swedish_error_page_of_a_bad_ranking_query_is_swedish(
    client: TestClient, query: str, status: int, swedish: str, english: str
) -> None:
    page = client.get(f"/rankings?{query}")
    assert page.status_code == status
    assert swedish in page.text
    assert english not in page.text
    assert ENGLISH_MARKED.findall(page.text) == []
    # The JSON API keeps its English detail, word for word.
    answer = client.get(f"/api/v1/rankings?{query}")
    assert answer.status_code == status
    assert answer.json()["detail"].startswith(english)


def test_the_swedish_error_page_names_the_channels_in_swedish(client: TestClient) -> None:
    text = client.get("/rankings?channel=pigeon").text
    assert "<li><code>chat</code> – chatt</li>" in text
    assert "<li><code>email</code> – e-post</li>" in text


def test_the_english_error_page_of_a_bad_ranking_query_is_english(client: TestClient) -> None:
    text = client.get("/rankings?metric=nonsense&lang=en").text
    assert "There is no metric called “nonsense”. These are the metrics:" in text
    assert "<li><code>wait_median</code> – Wait (median)</li>" in text


def test_a_reply_form_sent_as_the_wrong_type_is_refused_in_swedish(client: TestClient) -> None:
    page = client.post("/companies/anything/reply", json={"text": "hej"})
    assert page.status_code == 415
    assert "Skicka formuläret som application/x-www-form-urlencoded." in page.text
    assert "send the form as" not in page.text


def _sources_row(text: str, slug: str) -> str:
    start = text.index(f'id="source-{slug}"')
    return text[start : text.index("</tr>", start)]


def test_the_swedish_sources_page_gives_every_source_s_terms_in_swedish(
    client: TestClient, database: Database
) -> None:
    modules = sync_all_sources(database.write_sessions)
    swedish, english = client.get("/sources").text, client.get("/sources?lang=en").text
    for module in modules:
        info = module.SOURCE
        row = _sources_row(swedish, info.slug)
        assert _shown(info.terms_sv) in row
        assert _shown(info.cadence_sv) in row
        assert _shown(info.terms) not in row
        assert _shown(info.terms) in _sources_row(english, info.slug)
        assert _shown(info.cadence) in _sources_row(english, info.slug)
    assert ENGLISH_MARKED.findall(swedish) == []


def test_terms_not_yet_said_in_swedish_are_introduced_and_marked_english(
    client: TestClient, database: Database
) -> None:
    with database.write() as session:
        sync_source(
            session,
            slug="exempelkalla",
            name="Exempelkällan",
            url="https://example.org/",
            terms="free to reuse with the source named",
            cadence="monthly",
        )
    row = _sources_row(client.get("/sources").text, "exempelkalla")
    assert 'På engelska: <span lang="en">free to reuse with the source named</span>' in row
    assert 'På engelska: <span lang="en">monthly</span>' in row
