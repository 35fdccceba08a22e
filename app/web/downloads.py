"""Every CSV download: parse the query, call a service, stream the file.

A download's rows are read inside the response's own generator, from a read
session it opens itself: the request's session is gone by the time the body
streams, and the rows are fetched a thousand at a time, so memory does not
grow with the size of the file. Whatever can fail (a bad query, an unknown
company) is settled before the first byte, so an error is a real status code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from app.config import Settings
from app.csv_files import DIALECTS, CsvDialect, csv_chunks, parse_dialect
from app.db import Database
from app.deps import DatabaseDep, RankingDep, ReadSessionDep, SettingsDep
from app.openapi import CACHED, CSV_ANSWER, SlugPath, answers
from app.services import exports
from app.services.companies import company_by_slug

router = APIRouter(default_response_class=Response)

MEDIA_TYPE = "text/csv; charset=utf-8"

RowSource = Callable[[Session], Iterable[tuple[Any, ...]]]
# parse_dialect refuses any other word with a 422 that names the dialects.
Dialect = Annotated[
    str | None,
    Query(
        description="excel-sv: semicolons and decimal commas for Swedish Excel",
        json_schema_extra={"enum": ["", *DIALECTS]},
    ),
]
_BULK = {200: CSV_ANSWER, **answers(*CACHED, 422)}


def _header_value(text: str) -> str:
    """A single-line, latin-1 header value, whatever the settings hold."""
    text = " ".join(text.split())
    return text.encode("latin-1", "replace").decode("latin-1")


def _csv_response(
    chunks: Iterator[bytes], *, filename: str, request: Request, settings: Settings
) -> StreamingResponse:
    today = datetime.now(UTC).date().isoformat()
    citation = (
        f"{settings.site_name}, {filename}, {request.url}, retrieved {today}. "
        f"Licence: {settings.data_licence} ({settings.data_licence_url})."
    )
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Link": _header_value(
                f'<{settings.data_licence_url}>; rel="license", '
                '</datapackage.json>; rel="describedby"; type="application/json"'
            ),
            "X-Shamelist-Citation": _header_value(citation),
        },
    )


def _rows_from_database(
    database: Database, name: str, rows: RowSource, dialect: CsvDialect
) -> Iterator[bytes]:
    """The file, with its rows read from a session of its own while it streams."""
    with database.read() as session:
        yield from csv_chunks(exports.csv_header(name), rows(session), dialect)


def _bulk(
    name: str,
    rows: RowSource,
    request: Request,
    database: Database,
    settings: Settings,
    dialect: str | None,
) -> Response:
    return _csv_response(
        _rows_from_database(database, name, rows, parse_dialect(dialect)),
        filename=f"{name}.csv",
        request=request,
        settings=settings,
    )


@router.get("/rankings.csv", name="rankings_csv", responses={**_BULK, **answers(404)})
def rankings_csv(
    request: Request,
    settings: SettingsDep,
    ranking: RankingDep,
    dialect: Dialect = None,
) -> Response:
    # A ranking is one row per company and is built whole by the service anyway;
    # building it before the body starts lets a bad query answer 422.
    parsed_dialect = parse_dialect(dialect)
    parts = ["rankings", ranking.metric]
    if ranking.is_wait_metric:
        parts.append(ranking.channel)
    if ranking.period is not None:
        parts.append(str(ranking.period))
    if ranking.sector is not None:
        parts.append(ranking.sector)
    chunks = csv_chunks(
        exports.csv_header("rankings"), exports.ranking_rows(ranking), parsed_dialect
    )
    return _csv_response(
        chunks, filename="-".join(parts) + ".csv", request=request, settings=settings
    )


@router.get(
    "/companies/{slug}.csv",
    name="company_csv",
    responses={
        **_BULK,
        301: {"description": "A merged company's old slug: Location names the new one"},
        **answers(404),
    },
)
def company_csv(
    slug: SlugPath,
    request: Request,
    session: ReadSessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    dialect: Dialect = None,
) -> Response:
    parsed_dialect = parse_dialect(dialect)
    company = company_by_slug(session, slug)
    if company is None:
        return JSONResponse({"detail": f"no company {slug!r}"}, status_code=404)
    if company.slug != slug:
        # A company merged into another: its old slug leads to the one it became.
        url = request.url_for("company_csv", slug=company.slug).include_query_params(
            **request.query_params
        )
        return RedirectResponse(str(url), status_code=301)
    ref = exports.company_ref(company)
    return _csv_response(
        _rows_from_database(
            database, "company", lambda s: exports.company_rows(s, ref), parsed_dialect
        ),
        filename=f"{company.slug}.csv",
        request=request,
        settings=settings,
    )


@router.get("/downloads/complaints.csv", name="complaints_csv", responses=_BULK)
def complaints_csv(
    request: Request, database: DatabaseDep, settings: SettingsDep, dialect: Dialect = None
) -> Response:
    return _bulk("complaints", exports.complaint_rows, request, database, settings, dialect)


@router.get("/downloads/waits.csv", name="waits_csv", responses=_BULK)
def waits_csv(
    request: Request, database: DatabaseDep, settings: SettingsDep, dialect: Dialect = None
) -> Response:
    return _bulk("waits", exports.wait_rows, request, database, settings, dialect)


@router.get("/downloads/companies.csv", name="companies_csv", responses=_BULK)
def companies_csv(
    request: Request, database: DatabaseDep, settings: SettingsDep, dialect: Dialect = None
) -> Response:
    return _bulk("companies", exports.companies_rows, request, database, settings, dialect)


@router.get("/downloads/customers.csv", name="customers_csv", responses=_BULK)
def customers_csv(
    request: Request, database: DatabaseDep, settings: SettingsDep, dialect: Dialect = None
) -> Response:
    return _bulk("customers", exports.customer_rows, request, database, settings, dialect)
