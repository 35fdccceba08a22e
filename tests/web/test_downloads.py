"""Every CSV download, as a spreadsheet user and a script meet it.

Data comes in through the import API; the writer's rules that the importer
would never let through (control characters in names) are tested on the
writer itself.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from app.csv_files import (
    EXCEL,
    EXCEL_SV,
    csv_bytes,
    csv_chunks,
    escape_text,
    format_cell,
    parse_dialect,
)
from app.db import Database
from app.services.exports import CSV_COLUMNS
from app.services.merge import merge_companies
from tests.helpers import csv_body, post_csv

BOM = b"\xef\xbb\xbf"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# Every CSV names its licence and the data package that describes its columns.
LINK = f'<{LICENCE_URL}>; rel="license", </datapackage.json>; rel="describedby"; type="application/json"'

COMPANIES = csv_body(
    "name,org_number,sector,website,aliases",
    "Alfa Exempel AB,556016-0680,telekom,https://example.org/alfa,Alfa Tele",
    "Beta Påhitt AB,,bank,,",
    "Gamma Fiktiv HB,,bank,,",
)
COMPLAINTS = csv_body(
    "company,metric,period,value,source_url",
    "Alfa Exempel AB,complaints,2025,120,https://example.org/k/1",
    "Beta Påhitt AB,complaints,2025,120,",
    "Gamma Fiktiv HB,complaints,2025,7,",
    "Alfa Exempel AB,complaints,2024,10,",
    "Beta Påhitt AB,complaints,2024,50,",
)
CUSTOMERS = csv_body(
    "company,year,customers",
    "Alfa Exempel AB,2025,1000000",
    "Beta Påhitt AB,2025,300000",
    "Gamma Fiktiv HB,2025,60000",
)


def waits_body(company: str, count: int = 10, *, external_prefix: str = "w") -> bytes:
    lines = ["company,measured_at,channel,wait_seconds,outcome,transfers,external_id"]
    for index in range(count):
        lines.append(
            f"{company},2025-03-0{1 + index % 9}T1{index % 10}:00:00+01:00,phone,"
            f"{60 * (index + 1)},answered,{index % 2},{external_prefix}{index}"
        )
    return csv_body(*lines)


def load(client: TestClient, auth: dict[str, str], *bodies: tuple[str, bytes]) -> list[int]:
    batches = []
    for kind, body in bodies:
        response = post_csv(client, kind, body, auth)
        assert response.status_code == 201, response.text
        batches.append(response.json()["batch_id"])
    return batches


def rows_of(content: bytes, delimiter: str = ",") -> list[list[str]]:
    assert content.startswith(BOM)
    return list(
        csv.reader(io.StringIO(content[3:].decode("utf-8"), newline=""), delimiter=delimiter)
    )


def header_of(name: str) -> list[str]:
    return [column for column, _ in CSV_COLUMNS[name]]


# --- the writer ---------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n", "\0"])
def test_text_starting_like_a_formula_is_prefixed(start: str) -> None:
    assert escape_text(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert escape_text(f"   {start}SUM(A1)") == f"'   {start}SUM(A1)"


@pytest.mark.parametrize("text", ["Alfa", "a=b", "1-2", "", "   ", "'=quoted", "x\ty"])
def test_harmless_text_is_left_alone(text: str) -> None:
    assert escape_text(text) == text


def test_control_characters_at_the_start_are_prefixed_in_the_file() -> None:
    body = csv_bytes(["name"], [["\tTab"], ["\rCr"], ["\nLf"], ["\0Nul"], ["  \tSpaced"]])
    assert body == (
        BOM + b"name\r\n'\tTab\r\n\"'\rCr\"\r\n\"'\nLf\"\r\n'\x00Nul\r\n'  \tSpaced\r\n"
    )


def test_numbers_stay_numbers_even_when_negative() -> None:
    assert format_cell(-5) == "-5"
    assert format_cell(Decimal("-1.50")) == "-1.50"
    assert format_cell(Decimal("-1.50"), EXCEL_SV) == "-1,50"
    assert format_cell("-5") == "'-5"


def test_cells_are_written_by_type() -> None:
    moment = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert [format_cell(v) for v in (None, 0, True, False, Decimal("12.34"), moment)] == [
        "",
        "0",
        "true",
        "false",
        "12.34",
        "2025-03-01T09:00:00+00:00",
    ]
    with pytest.raises(TypeError):
        format_cell(object())


def test_excel_sv_uses_semicolons_and_decimal_commas_only_in_numbers() -> None:
    body = csv_bytes(["a", "b", "c"], [[Decimal("12.34"), "12.34", "x;y"]], EXCEL_SV)
    assert body == BOM + b'a;b;c\r\n12,34;12.34;"x;y"\r\n'


def test_comma_dialect_quotes_text_with_commas() -> None:
    assert csv_bytes(["a"], [['Alfa, "B" AB']], EXCEL) == BOM + b'a\r\n"Alfa, ""B"" AB"\r\n'


def test_unknown_dialect_is_refused() -> None:
    assert parse_dialect(None) is EXCEL
    assert parse_dialect("excel-sv") is EXCEL_SV
    with pytest.raises(ValueError, match="excel-sv"):
        parse_dialect("excel-de")


def test_writer_reads_rows_lazily_and_yields_bounded_chunks() -> None:
    consumed = 0

    def rows() -> Iterator[list[object]]:
        nonlocal consumed
        for index in range(100_000):
            consumed += 1
            yield [index, "Alfa Exempel AB"]

    chunks = csv_chunks(["n", "name"], rows(), chunk_bytes=4096)
    first = next(chunks)
    assert consumed < 1000
    assert len(first) < 4096 + 100
    assert all(len(chunk) < 4096 + 100 for chunk in chunks)
    assert consumed == 100_000


# --- rankings.csv -------------------------------------------------------------------------


def test_ranking_csv_bytes_exactly(client: TestClient, auth: dict[str, str]) -> None:
    load(client, auth, ("companies", COMPANIES), ("complaints", COMPLAINTS))
    response = client.get("/rankings.csv")
    assert response.status_code == 200
    assert (
        response.content
        == (
            "\ufeffrank,company,slug,org_number,sector,metric,period,value,sample_size,previous_rank,"
            "channel,value_low,value_high,rank_low,rank_high,signal\r\n"
            "1,Alfa Exempel AB,alfa-exempel,556016-0680,telekom,complaints,2025,120,,2,,,,,,\r\n"
            "1,Beta Påhitt AB,beta-pahitt,,bank,complaints,2025,120,,1,,,,,,\r\n"
            "3,Gamma Fiktiv HB,gamma-fiktiv,,bank,complaints,2025,7,,,,,,,,\r\n"
        ).encode()
    )


def test_ranking_csv_in_excel_sv_has_decimal_commas(
    client: TestClient, auth: dict[str, str]
) -> None:
    load(
        client,
        auth,
        ("companies", COMPANIES),
        ("complaints", COMPLAINTS),
        ("customers", CUSTOMERS),
    )
    response = client.get(
        "/rankings.csv",
        params={"metric": "complaints_per_100k", "period": "2025", "dialect": "excel-sv"},
    )
    assert response.status_code == 200
    assert (
        response.content
        == (
            "\ufeffrank;company;slug;org_number;sector;metric;period;value;sample_size;previous_rank;"
            "channel;value_low;value_high;rank_low;rank_high;signal\r\n"
            # Exact Poisson intervals: 120 of 300,000 -> [33.16, 47.83] per 100,000, and so
            # on; p0 = 247 / 1,360,000 predicts 54.5 complaints for Beta, 181.6 for Alfa.
            "1;Beta Påhitt AB;beta-pahitt;;bank;complaints_per_100k;2025;40,00;;;;33,16;47,83;1;1;"
            "much_worse\r\n"
            "2;Alfa Exempel AB;alfa-exempel;556016-0680;telekom;complaints_per_100k;2025;12,00;;;;"
            "9,95;14,35;2;3;much_better\r\n"
            "3;Gamma Fiktiv HB;gamma-fiktiv;;bank;complaints_per_100k;2025;11,67;;;;4,69;24,04;2;3;"
            "as_expected\r\n"
        ).encode()
    )


def test_ranking_csv_of_a_wait_metric_has_sample_sizes(
    client: TestClient, auth: dict[str, str]
) -> None:
    load(client, auth, ("companies", COMPANIES), ("waits", waits_body("Alfa Exempel AB")))
    response = client.get("/rankings.csv", params={"metric": "wait_median", "sector": "telekom"})
    assert response.status_code == 200
    assert rows_of(response.content) == [
        header_of("rankings"),
        [
            *("1", "Alfa Exempel AB", "alfa-exempel", "556016-0680", "telekom"),
            *("wait_median", "2025", "330", "10", ""),
            # 10 waits of 60..600 s: l = binom.ppf(0.025, 10, 0.5) = 2, so [x(2), x(9)].
            *("phone", "120", "540", "1", "1", ""),
        ],
    ]
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="rankings-wait_median-phone-2025-telekom.csv"'


def test_ranking_csv_without_data_is_just_the_header(client: TestClient) -> None:
    response = client.get("/rankings.csv")
    assert response.status_code == 200
    assert response.content == BOM + ",".join(header_of("rankings")).encode() + b"\r\n"


@pytest.mark.parametrize(
    "params",
    [
        {"metric": "loudness"},
        {"period": "2025-13"},
        {"period": "last year"},
        {"channel": "pigeon"},
        {"dialect": "excel-de"},
    ],
)
def test_bad_ranking_query_is_422_saying_what_is_wrong(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/rankings.csv", params=params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_a_ranking_of_a_sector_nobody_is_in_is_404(client: TestClient) -> None:
    response = client.get("/rankings.csv", params={"sector": "no-such-sector"})
    assert response.status_code == 404
    assert "no-such-sector" in response.json()["detail"]


def test_download_headers_name_type_file_and_licence(client: TestClient) -> None:
    response = client.get("/rankings.csv", params={"period": "2025"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="rankings-complaints-2025.csv"'
    )
    assert response.headers["link"] == LINK
    citation = response.headers["x-shamelist-citation"]
    assert "CC BY 4.0" in citation
    assert "/rankings.csv?period=2025" in citation


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formula_like_company_names_are_prefixed_in_every_download(
    client: TestClient, auth: dict[str, str], start: str
) -> None:
    # The importer strips cells, so leading spaces are tested on the writer above.
    name = f"{start}HYPERLINK(1) AB"
    load(
        client,
        auth,
        ("complaints", csv_body("company,metric,period,value", f'"{name}",complaints,2025,3')),
        ("customers", csv_body("company,year,customers", f'"{name}",2025,1000')),
        ("waits", waits_body(f'"{name}"', 1)),
    )
    slug = rows_of(client.get("/downloads/companies.csv").content)[1][1]
    urls = [
        "/rankings.csv",
        "/downloads/complaints.csv",
        "/downloads/companies.csv",
        "/downloads/customers.csv",
        "/downloads/waits.csv",
        f"/companies/{slug}.csv",
    ]
    for url in urls:
        for dialect in ("excel", "excel-sv"):
            body = client.get(url, params={"dialect": dialect}).content
            rows = rows_of(body, "," if dialect == "excel" else ";")
            assert f"'{name}" in rows[1], url
            assert all(not cell.startswith(start) for row in rows[1:] for cell in row), url
    ranking = rows_of(client.get("/rankings.csv").content)[1]
    # The numbers beside it are not touched.
    assert (ranking[0], ranking[7]) == ("1", "3")


# --- one company --------------------------------------------------------------------------


def test_company_csv_has_every_data_point_with_source_and_batch(
    client: TestClient, auth: dict[str, str]
) -> None:
    companies, complaints, customers, waits = load(
        client,
        auth,
        ("companies", COMPANIES),
        ("complaints", COMPLAINTS),
        ("customers", CUSTOMERS),
        ("waits", waits_body("Alfa Exempel AB", 2, external_prefix="-")),
    )
    (replacing,) = load(
        client,
        auth,
        (
            "complaints",
            csv_body("company,metric,period,value", "Alfa Exempel AB,complaints,2025,130"),
        ),
    )
    response = client.get("/companies/alfa-exempel.csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="alfa-exempel.csv"'
    rows = rows_of(response.content)
    assert rows[0] == header_of("company")
    columns = header_of("company")
    table = [dict(zip(columns, row, strict=True)) for row in rows[1:]]
    assert all(row["company"] == "Alfa Exempel AB" for row in table)
    assert all(row["org_number"] == "556016-0680" for row in table)
    # The data points; its places in the rankings follow them (tests/web/test_company_places.py).
    table = [row for row in table if row["kind"] != "place"]
    assert all(row["source"] == "partner" for row in table)
    assert [(r["kind"], r["status"], r["period"], r["value"], r["batch_id"]) for r in table] == [
        ("complaints", "current", "2024", "10", str(complaints)),
        ("complaints", "current", "2025", "130", str(replacing)),
        ("complaints", "replaced", "2025", "120", str(complaints)),
        ("customers", "current", "2025", "1000000", str(customers)),
        ("waits", "current", "2025-03", "60", str(waits)),
        ("waits", "current", "2025-03", "120", str(waits)),
    ]
    replaced = table[2]
    assert replaced["replaced_by_batch_id"] == str(replacing)
    assert replaced["source_url"] == "https://example.org/k/1"
    first_wait = table[4]
    assert first_wait["measured_at"] == "2025-03-01T09:00:00+00:00"
    assert (first_wait["channel"], first_wait["outcome"], first_wait["transfers"]) == (
        "phone",
        "answered",
        "0",
    )
    # An external id is text: one that looks like a negative number is escaped.
    assert first_wait["external_id"] == "'-0"
    assert all(row["recorded_at"].endswith("+00:00") for row in table)
    assert companies


def test_unknown_company_csv_is_404(client: TestClient) -> None:
    assert client.get("/companies/no-such-company.csv").status_code == 404


def test_merged_company_csv_redirects_to_the_current_slug(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    load(client, auth, ("companies", COMPANIES), ("complaints", COMPLAINTS))
    with database.write() as session:
        merge_companies(session, from_slug="gamma-fiktiv", into_slug="beta-pahitt")
    response = client.get(
        "/companies/gamma-fiktiv.csv", params={"dialect": "excel-sv"}, follow_redirects=False
    )
    assert response.status_code == 301
    assert response.headers["location"].endswith("/companies/beta-pahitt.csv?dialect=excel-sv")
    followed = client.get("/companies/gamma-fiktiv.csv")
    assert followed.status_code == 200
    assert rows_of(followed.content)[1][:2] == ["Beta Påhitt AB", "beta-pahitt"]


# --- bulk downloads -----------------------------------------------------------------------


def test_every_download_is_utf8_with_bom_crlf_and_its_header(
    client: TestClient, auth: dict[str, str]
) -> None:
    load(
        client,
        auth,
        ("companies", COMPANIES),
        ("complaints", COMPLAINTS),
        ("customers", CUSTOMERS),
        ("waits", waits_body("Beta Påhitt AB", 3)),
    )
    urls = {
        "rankings": "/rankings.csv",
        "company": "/companies/beta-pahitt.csv",
        "complaints": "/downloads/complaints.csv",
        "waits": "/downloads/waits.csv",
        "companies": "/downloads/companies.csv",
        "customers": "/downloads/customers.csv",
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"].startswith('attachment; filename="')
        assert response.headers["link"] == LINK
        body = response.content
        assert body.startswith(BOM + ",".join(header_of(name)).encode() + b"\r\n"), url
        assert body.endswith(b"\r\n")
        assert body.count(b"\n") == body.count(b"\r\n"), url
        assert len(rows_of(body)) > 1, url
        semicolons = client.get(url, params={"dialect": "excel-sv"}).content
        assert semicolons.startswith(BOM + ";".join(header_of(name)).encode() + b"\r\n"), url


def test_bulk_downloads_name_company_source_and_batch(
    client: TestClient, auth: dict[str, str]
) -> None:
    companies, complaints, customers, waits = load(
        client,
        auth,
        ("companies", COMPANIES),
        ("complaints", COMPLAINTS),
        ("customers", CUSTOMERS),
        ("waits", waits_body("Beta Påhitt AB", 2)),
    )
    complaint_rows = rows_of(client.get("/downloads/complaints.csv").content)
    assert complaint_rows[1] == [
        "Alfa Exempel AB",
        "alfa-exempel",
        "556016-0680",
        "complaints",
        "2024",
        "10",
        "partner",
        str(complaints),
        "",
        complaint_rows[1][-1],
    ]
    assert len(complaint_rows) == 6
    wait_rows = rows_of(client.get("/downloads/waits.csv").content)
    assert wait_rows[1] == [
        "Beta Påhitt AB",
        "beta-pahitt",
        "",
        "2025-03-01T09:00:00+00:00",
        "2025-03",
        "phone",
        "answered",
        "60",
        "0",
        "w0",
        "partner",
        str(waits),
        "",
    ]
    customer_rows = rows_of(client.get("/downloads/customers.csv").content)
    assert customer_rows[1][:7] == [
        "Alfa Exempel AB",
        "alfa-exempel",
        "556016-0680",
        "2025",
        "1000000",
        "partner",
        str(customers),
    ]
    company_rows = rows_of(client.get("/downloads/companies.csv").content)
    assert [row[:7] for row in company_rows[1:]] == [
        [
            *("Alfa Exempel AB", "alfa-exempel", "556016-0680", "telekom"),
            *("https://example.org/alfa", "true", "Alfa Tele"),
        ],
        ["Beta Påhitt AB", "beta-pahitt", "", "bank", "", "false", ""],
        ["Gamma Fiktiv HB", "gamma-fiktiv", "", "bank", "", "false", ""],
    ]
    assert companies


def test_bulk_download_with_an_unknown_dialect_is_422(client: TestClient) -> None:
    assert client.get("/downloads/waits.csv", params={"dialect": "tsv"}).status_code == 422
