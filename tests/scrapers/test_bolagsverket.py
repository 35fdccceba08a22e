"""Bolagsverket: names and org numbers from the register's "$"-separated bulk file."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from app.schemas import CompanyRecord, normalize_company_name, parse_row
from scrapers.base import Document, DriftError, LastRun, ParseResult, ScrapeOptions
from scrapers.sources import bolagsverket

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bolagsverket"
EXPECTED = [
    {"name": "Exempelbanken AB", "org_number": "559900-0014"},
    {"name": "Testtelefoni Sverige AB", "org_number": "559900-0022"},
    {"name": "Påhittade Paket AB", "org_number": "559900-0030"},
    {"name": "Låtsaskraft Aktiebolag", "org_number": "559900-0048"},
    {"name": "Övningsbredband Ekonomisk förening", "org_number": "559900-0055"},
    {"name": "Fiktivförsäkring AB (publ)", "org_number": "559900-0063"},
    {"name": "Provresor Handelsbolag", "org_number": "559900-0071"},
    {"name": "Äventyrsexemplet Kommanditbolag", "org_number": "559900-0089"},
]


def _text() -> str:
    return (FIXTURES / "bulkfil.txt").read_bytes().decode("latin-1")


def _parse(body: bytes, options: ScrapeOptions | None = None) -> ParseResult:
    document = Document(url=bolagsverket.BULK_URL, body=body)
    return bolagsverket.parse([document], options or ScrapeOptions())


def _mutated(change: str) -> bytes:
    """The fixture with every line changed the same way (a str.format on each line)."""
    lines = _text().splitlines()
    return "\r\n".join(change.format(*line.split("$")) for line in lines).encode("latin-1")


def _drift(body: bytes) -> DriftError:
    with pytest.raises(DriftError) as caught:
        bolagsverket.check(_parse(body), None)
    return caught.value


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_bulk_file_gives_names_and_formatted_org_numbers() -> None:
    assert _parse((FIXTURES / "bulkfil.txt").read_bytes()).rows == EXPECTED


def test_the_zipped_bulk_file_gives_the_same_rows() -> None:
    assert _parse((FIXTURES / "bulkfil.zip").read_bytes()).rows == EXPECTED


def test_every_row_is_accepted_by_the_import_contract() -> None:
    result = _parse((FIXTURES / "bulkfil.txt").read_bytes())
    bolagsverket.check(result, LastRun(rows=len(EXPECTED)))
    for row in result.rows:
        assert isinstance(parse_row("companies", row), CompanyRecord), row


def test_only_known_keeps_companies_known_by_org_number_or_normalised_name() -> None:
    options = ScrapeOptions(
        only_known=True,
        known_org_numbers=frozenset({"559900-0022", "5599000048"}),
        known_names=frozenset({normalize_company_name("Fiktivförsäkring AB")}),
        normalize_name=normalize_company_name,
    )
    result = _parse((FIXTURES / "bulkfil.txt").read_bytes(), options)
    assert [row["org_number"] for row in result.rows] == [
        "559900-0022",
        "559900-0048",
        "559900-0063",
    ]


def test_is_known_uses_the_normalise_function_it_is_given() -> None:
    options = ScrapeOptions(known_names=frozenset({"exempelbanken"}))
    assert not bolagsverket.is_known("Exempelbanken AB", "", options)  # plain case-folding
    contract = replace(options, normalize_name=normalize_company_name)
    assert bolagsverket.is_known("Exempelbanken AB", "", contract)
    assert bolagsverket.is_known(
        "Ny AB", "5599000014", replace(options, known_org_numbers=frozenset({"559900-0014"}))
    )


def test_a_header_line_is_skipped() -> None:
    header = "Namn$Organisationsnummer$Form$Registrerad$Postort\r\n".encode("latin-1")
    assert _parse(header + (FIXTURES / "bulkfil.txt").read_bytes()).rows == EXPECTED


def test_one_broken_line_in_two_hundred_is_skipped_not_drift() -> None:
    good = "Exempelbanken AB$5599000014$AB$2001-03-14$Exempelstad\n" * 199
    body = (good + "Trasig rad utan fält\n").encode("latin-1")
    result = _parse(body)
    assert len(result.rows) == 199


def test_the_parser_reads_a_large_file_line_by_line() -> None:
    body = b"Exempelbanken AB$5599000014$AB$2001-03-14$Exempelstad\n" * 100_000
    assert len(_parse(body, ScrapeOptions(only_known=True)).rows) == 0


# --- Mutated files: each breaks one expectation, and the error names it.


def test_a_shifted_layout_is_drift() -> None:
    error = _drift(_mutated("{0}$SE${1}${2}${3}${4}"))  # a new field before the org number
    assert error.expectation == "org number format"
    assert "line 1" in error.detail


def test_an_empty_file_is_drift() -> None:
    assert _drift(b"").expectation == "file not empty"
    assert _drift(b"\r\n\r\n").expectation == "file not empty"


def test_text_where_the_org_number_was_is_drift() -> None:
    assert _drift(_mutated("{0}$uppgift saknas${2}${3}${4}")).expectation == "org number format"


def test_another_separator_is_drift() -> None:
    assert _drift(_mutated("{0};{1};{2};{3};{4}")).expectation == "layout"


def test_personal_numbers_with_century_are_drift() -> None:
    # a changed number format: 12 digits with a century instead of the 16 prefix
    assert _drift(_mutated("{0}$19{1}${2}${3}${4}")).expectation == "org number format"


def test_a_file_in_utf8_instead_of_latin1_is_drift() -> None:
    body = _text().encode("utf-8")
    assert _drift(body).expectation == "encoding"


def test_half_the_rows_gone_is_drift() -> None:
    lines = _text().splitlines(keepends=True)
    result = _parse("".join(lines[:3]).encode("latin-1"))
    with pytest.raises(DriftError) as caught:
        bolagsverket.check(result, LastRun(rows=len(EXPECTED)))
    assert caught.value.expectation == "row count"


def test_a_zip_with_more_than_one_file_is_drift() -> None:
    body = _zip({"a.txt": b"x", "b.txt": b"y"})
    assert _drift(body).expectation == "one file in the zip"


# --- Held-out mutations (issue 13): one charset path, cp1252 where Latin-1 is said.


def test_a_dash_and_a_euro_sign_in_windows_1252_are_kept() -> None:
    line = "Exempel – Bygg € AB$5599000014$AB$2001-03-14$Exempelstad\r\n"
    assert _parse(line.encode("cp1252")).rows == [
        {"name": "Exempel – Bygg € AB", "org_number": "559900-0014"}
    ]


def test_bytes_windows_1252_does_not_define_are_an_encoding_error() -> None:
    body = _text().replace("Påhittade", "P\x81hittade").encode("latin-1")
    result = _parse(body + _text().encode("latin-1") * 30)  # one bad line in 248
    assert "Påhittade Paket AB" in [row["name"] for row in result.rows]
    assert len(result.rows) == len(EXPECTED) * 31 - 1
    assert _drift(body).expectation == "encoding"  # one bad line in 8


def test_utf8_text_with_c1_controls_is_an_encoding_error() -> None:
    # Windows-1252 once read as Latin-1 and saved as UTF-8: the dash became U+0096.
    body = "".join(
        f"Exempel \x96 Bygg {n} AB$5599000014$AB$2001-03-14$Exempelstad\n" for n in range(5)
    ).encode("utf-8")
    error = _drift(body)
    assert error.expectation == "encoding"
    assert "5 of 5 lines" in error.detail
