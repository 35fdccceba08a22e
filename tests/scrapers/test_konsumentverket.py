"""Konsumentverket: complaint counts per company from a public-records answer (XLSX or CSV)."""

from __future__ import annotations

import io
import tracemalloc
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from app.schemas import ComplaintRecord, parse_row
from scrapers.base import Document, DriftError, LastRun, ParseResult, ScrapeOptions
from scrapers.sources import konsumentverket

FIXTURES = Path(__file__).parent.parent / "fixtures" / "konsumentverket"
URL = "https://www.konsumentverket.se/"
HEADER = ["Företag", "Organisationsnummer", "Period", "Ämne", "Antal anmälningar"]
ROWS: list[list[object]] = [
    ["Exempelbanken AB", "559900-0014", "2025", "Avgifter", 12],
    ["Exempelbanken AB", "559900-0014", "2025", "Kundtjänst", 30],
    ["Testtelefoni Sverige AB", "559900-0022", "2025-Q1", "Fakturor", 7],
    ["Påhittade Paket AB", "559900-0030", "2025-03", "Leverans", 15],
]


def _parse(body: bytes) -> ParseResult:
    document = Document(url="file:///tmp/answer", body=body)
    return konsumentverket.parse([document], ScrapeOptions())


def _fixture(name: str) -> ParseResult:
    return _parse((FIXTURES / name).read_bytes())


def _xlsx(header: list[object] | None, rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(company: str, org: str, period: str, value: int) -> dict[str, str]:
    return {
        "company": company,
        "org_number": org,
        "metric": "complaints",
        "period": period,
        "value": str(value),
        "source_url": URL,
    }


def _drift(body: bytes) -> DriftError:
    with pytest.raises(DriftError) as caught:
        konsumentverket.check(_parse(body), None)
    return caught.value


def test_xlsx_topics_are_summed_per_company_and_period() -> None:
    assert _fixture("anmalningar_2025.xlsx").rows == [
        _row("Exempelbanken AB", "559900-0014", "2025", 45),
        _row("Testtelefoni Sverige AB", "559900-0022", "2025-Q1", 16),
        _row("Testtelefoni Sverige AB", "559900-0022", "2025-Q2", 4),
        # given once with its org number: the bare name is the same company
        _row("Påhittade Paket AB", "559900-0030", "2025-03", 21),
        _row("Påhittade Paket AB", "559900-0030", "2025-04", 3),
        _row("Låtsaskraft Aktiebolag", "559900-0048", "2025-03", 0),
    ]


def test_xlsx_keeps_every_topic_row_as_evidence() -> None:
    result = _fixture("anmalningar_2025.xlsx")
    assert len(result.evidence) == 11  # the total row is no company
    assert result.evidence[0] == {
        "line": "4",
        "company": "Exempelbanken AB",
        "org_number": "559900-0014",
        "period": "2025",
        "topic": "Avgifter",
        "count": "12",
    }


def test_utf8_csv_with_bom_commas_and_odd_header_spellings() -> None:
    assert _fixture("anmalningar_2024_utf8.csv").rows == [
        _row("Övningsbredband Ek. för.", "559900-0055", "2024", 13),
        _row("Fiktivförsäkring AB (publ)", "", "2024-Q4", 1204),
    ]


def test_cp1252_csv_with_semicolons() -> None:
    assert _fixture("anmalningar_2024_cp1252.csv").rows == [
        _row("Provresor HB", "559900-0063", "2024-12", 15),
    ]


@pytest.mark.parametrize(
    "name", ["anmalningar_2025.xlsx", "anmalningar_2024_utf8.csv", "anmalningar_2024_cp1252.csv"]
)
def test_every_row_is_accepted_by_the_import_contract(name: str) -> None:
    result = _fixture(name)
    konsumentverket.check(result, LastRun(rows=len(result.rows)))
    for row in result.rows:
        assert isinstance(parse_row("complaints", row), ComplaintRecord), row


def test_a_web_address_on_the_document_becomes_the_source_url() -> None:
    document = Document(url="https://example.org/answer.xlsx", body=_xlsx(HEADER, ROWS))
    result = konsumentverket.parse([document], ScrapeOptions())
    assert {row["source_url"] for row in result.rows} == {"https://example.org/answer.xlsx"}


@pytest.mark.parametrize(
    ("cell", "period"),
    [
        ("2025", "2025"),
        (2025, "2025"),
        ("2025-03", "2025-03"),
        ("2025/3", "2025-03"),
        ("Mars 2025", "2025-03"),
        (datetime(2025, 3, 1), "2025-03"),
        ("2025-Q1", "2025-Q1"),
        ("2025 kvartal 2", "2025-Q2"),
        ("2025 KV3", "2025-Q3"),
        ("Q4 2024", "2024-Q4"),
    ],
)
def test_period_spellings_are_normalised(cell: object, period: str) -> None:
    rows = _parse(_xlsx(HEADER, [["Exempelbanken AB", "", cell, "Avgifter", 1]])).rows
    assert rows[0]["period"] == period


def test_fetch_says_the_source_is_read_from_a_file() -> None:
    with pytest.raises(DriftError, match="read with --file"):
        konsumentverket.fetch(object(), ScrapeOptions())  # type: ignore[arg-type]


# --- Mutated files: each breaks one expectation, and the error names it.


def test_a_renamed_count_column_is_drift() -> None:
    header = ["Företag", "Organisationsnummer", "Period", "Ämne", "Inkomna ärenden"]
    error = _drift(_xlsx(header, ROWS))
    assert error.expectation == "columns present"
    assert "inkomna ärenden" in error.detail


def test_an_empty_sheet_is_drift() -> None:
    assert _drift(_xlsx(None, [])).expectation == "file not empty"


def test_an_empty_csv_is_drift() -> None:
    assert _drift(b"").expectation == "file not empty"


def test_a_header_without_data_rows_is_drift() -> None:
    assert _drift(_xlsx(HEADER, [])).expectation == "row count"


def test_text_where_a_count_was_is_drift() -> None:
    rows = [*ROWS, ["Låtsaskraft Aktiebolag", "559900-0048", "2025", "Elavtal", "färre än 5"]]
    error = _drift(_xlsx(HEADER, rows))
    assert error.expectation == "count is a number"
    assert "line 6" in error.detail


def test_a_share_instead_of_a_count_is_drift() -> None:
    header = ["Företag", "Organisationsnummer", "Period", "Ämne", "Andel anmälningar (%)"]
    assert _drift(_xlsx(header, ROWS)).expectation == "count unit"


def test_a_decimal_count_is_drift() -> None:
    rows = [["Exempelbanken AB", "559900-0014", "2025", "Avgifter", 12.5]]
    assert _drift(_xlsx(HEADER, rows)).expectation == "count is a number"


def test_a_changed_period_format_is_drift() -> None:
    rows = [["Exempelbanken AB", "559900-0014", "1/2025", "Avgifter", 12]]
    assert _drift(_xlsx(HEADER, rows)).expectation == "period format"


def test_shifted_columns_put_a_count_in_the_org_number_and_are_drift() -> None:
    rows = [["Exempelbanken AB", 12, "2025", "Avgifter", 12]]
    assert _drift(_xlsx(HEADER, rows)).expectation == "org number format"


def test_a_column_named_twice_is_drift() -> None:
    header = ["Företag", "Organisationsnummer", "Period", "Antal", "Antal anmälningar"]
    assert _drift(_xlsx(header, ROWS)).expectation == "columns unambiguous"


def test_half_the_rows_gone_is_drift() -> None:
    full = _fixture("anmalningar_2025.xlsx")
    half = _parse(_xlsx(HEADER, ROWS[:2]))
    with pytest.raises(DriftError) as caught:
        konsumentverket.check(half, LastRun(rows=len(full.rows)))
    assert caught.value.expectation == "row count"


def test_an_implausibly_large_count_is_drift() -> None:
    rows = [["Exempelbanken AB", "559900-0014", "2025", "Avgifter", 10_000_000]]
    assert _drift(_xlsx(HEADER, rows)).expectation == "counts plausible"


def test_a_file_in_neither_utf8_nor_cp1252_is_drift() -> None:
    body = "Företag;Period;Antal\nExempelbanken AB;2025;3\n".encode("cp1252") + b"\x81\x8d"
    assert _drift(body).expectation == "text encoding"


def test_an_old_xls_workbook_is_drift() -> None:
    assert _drift(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)).expectation == "file format"


# --- Held-out mutations (issue 13): each is refused, or read exactly right.


def _csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def test_the_same_company_period_and_topic_twice_is_refused_not_summed() -> None:
    rows = [*ROWS, ["Exempelbanken AB", "559900-0014", "2025", "Avgifter", 12]]
    error = _drift(_xlsx(HEADER, rows))
    assert error.expectation == "lines unique"
    assert "Exempelbanken AB 2025" in error.detail


def test_a_duplicate_line_with_and_without_its_org_number_is_refused() -> None:
    rows = [*ROWS, ["Exempelbanken AB", "", "2025", "Avgifter", 12]]
    assert _drift(_xlsx(HEADER, rows)).expectation == "lines unique"


def test_without_a_topic_column_the_same_company_and_period_twice_is_refused() -> None:
    body = _csv(
        "Företag;Period;Antal anmälningar",
        "Exempelbanken AB;2025;12",
        "Exempelbanken AB;2025;12",
    )
    error = _drift(body)
    assert error.expectation == "lines unique"
    assert "no topic column" in error.detail


def test_names_are_grouped_as_the_import_matches_them() -> None:
    body = _csv(
        "Företag;Period;Ämne;Antal anmälningar",
        "Exempelbanken AB;2025;Avgifter;12",
        "EXEMPELBANKEN  AB;2025;Kundtjänst;30",
        "Exempel\u00adbanken AB;2025;Avtal;3",
    )
    assert _parse(body).rows == [_row("Exempelbanken AB", "", "2025", 45)]


def test_a_name_in_capitals_given_once_with_its_org_number_is_that_company() -> None:
    rows = [*ROWS, ["PÅHITTADE PAKET AB", "", "2025-03", "Kundtjänst", 6]]
    assert _parse(_xlsx(HEADER, rows)).rows[-1] == _row(
        "Påhittade Paket AB", "559900-0030", "2025-03", 21
    )


@pytest.mark.parametrize("label", ["Totalt", "TOTALT:", "Summa", "Totalt 2025", "Samtliga företag"])
def test_a_total_row_without_an_org_number_is_skipped(label: str) -> None:
    rows = [*ROWS, [label, None, "2025", None, 64]]
    assert [row["company"] for row in _parse(_xlsx(HEADER, rows)).rows] == [
        "Exempelbanken AB",
        "Testtelefoni Sverige AB",
        "Påhittade Paket AB",
    ]


def test_a_company_whose_name_begins_with_total_is_a_company() -> None:
    rows = [["Total Kundservice AB", "559900-0014", "2025", "Avgifter", 4]]
    assert _parse(_xlsx(HEADER, rows)).rows == [
        _row("Total Kundservice AB", "559900-0014", "2025", 4)
    ]


def test_a_total_row_with_an_org_number_is_refused() -> None:
    rows = [*ROWS, ["Totalt", "559900-0048", "2025", None, 64]]
    assert _drift(_xlsx(HEADER, rows)).expectation == "total rows"


def test_a_subtotal_in_the_topic_column_is_refused_not_summed() -> None:
    rows = [*ROWS, ["Exempelbanken AB", "559900-0014", "2025", "Summa", 42]]
    error = _drift(_xlsx(HEADER, rows))
    assert error.expectation == "total rows"
    assert "Summa" in error.detail


@pytest.mark.parametrize(
    "title",
    [
        "Anmälningar per företag 2025 (tusental)",
        "Antal anmälningar i tusental",
        "Anmälningar, 1 000-tal",
        "Andel av alla anmälningar",
    ],
)
def test_counts_in_thousands_said_in_the_title_are_refused(title: str) -> None:
    workbook_rows: list[list[object]] = [[title], [], HEADER, *ROWS]
    assert _drift(_xlsx(None, workbook_rows)).expectation == "count unit"
    csv_body = _csv(title, ";".join(HEADER), "Exempelbanken AB;559900-0014;2025;Avgifter;12")
    assert _drift(csv_body).expectation == "count unit"


def test_counts_in_thousands_said_in_the_header_are_refused() -> None:
    header = ["Företag", "Organisationsnummer", "Period", "Ämne", "Antal anmälningar (tusental)"]
    assert _drift(_xlsx(header, ROWS)).expectation == "count unit"


def test_a_cp1252_csv_keeps_its_dash_and_euro_sign() -> None:
    body = _csv(
        "Företag;Period;Antal anmälningar",
        "Exempel – Resor € AB;2025;7",
        encoding="cp1252",
    )
    assert _parse(body).rows[0]["company"] == "Exempel – Resor € AB"


def test_a_csv_whose_utf8_holds_c1_controls_is_refused() -> None:
    # cp1252 once read as Latin-1 and saved as UTF-8: the dash became U+0096
    body = _csv("Företag;Period;Antal anmälningar", "Exempel \x96 Resor AB;2025;7")
    assert _drift(body).expectation == "text encoding"


def test_a_large_csv_is_refused_at_its_row_limit_without_holding_its_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(konsumentverket, "MAX_ROWS", 1_000)
    line = "Exempelbanken AB {n};;2025;Avgifter;12\n"
    body = ("Företag;Organisationsnummer;Period;Ämne;Antal anmälningar\n").encode() + "".join(
        line.format(n=n) for n in range(200_000)
    ).encode()
    tracemalloc.start()
    try:
        with pytest.raises(DriftError, match=r"more than 1000 rows"):
            _parse(body)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The file is 10 MB; its 200,000 rows as lists of cells would take several times that.
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_a_csv_cut_short_mid_number_is_refused() -> None:
    whole = (FIXTURES / "anmalningar_2024_cp1252.csv").read_bytes()
    assert whole.endswith(b";11\n")
    error = _drift(whole[:-2])  # "11" cut to "1", as a cut download would
    assert error.expectation == "file complete"


def test_a_footnote_mark_after_a_name_is_not_part_of_it() -> None:
    rows = [
        ["Exempelbanken AB¹", "", "2025", "Avgifter", 12],
        ["Exempelbanken AB*", "", "2025", "Avtal", 3],
    ]
    assert _parse(_xlsx(HEADER, rows)).rows == [_row("Exempelbanken AB", "", "2025", 15)]


def test_a_footnote_line_where_a_company_should_be_is_refused() -> None:
    rows = [*ROWS, ["* Antal anmälningar i tusental", None, None, None, None]]
    assert _drift(_xlsx(HEADER, rows)).expectation == "companies only"
