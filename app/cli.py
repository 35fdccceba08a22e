"""The ``shamelist`` command. Each command owns its transaction; errors go to stderr."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import IO, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TimeRemainingColumn,
)
from rich.text import Text
from sqlalchemy.orm import Session
from typer.main import get_command_name

from app.config import Settings
from app.csv_files import csv_bytes
from app.db import Database
from app.imports import run_import
from app.periods import Period
from app.schemas import KINDS
from app.services.ingest import ImportRequest, ImportResult
from app.services.merge import merge_companies
from app.services.replies import STATUSES as REPLY_STATUSES
from app.services.replies import decide_reply, replies_with_status
from app.services.sources import get_or_create_source
from app.services.tokens import SCOPES, create_token, revoke_token
from app.services.wait_medians import refresh_all_medians
from app.services.year_values import refresh_all_year_values

cli = typer.Typer(no_args_is_help=True, add_completion=False, help="Shamelist: the shame list.")
db_cli = typer.Typer(no_args_is_help=True, help="The database.")
token_cli = typer.Typer(no_args_is_help=True, help="API tokens.")
company_cli = typer.Typer(no_args_is_help=True, help="Companies.")
reply_cli = typer.Typer(no_args_is_help=True, help="Companies' replies: moderation.")
edition_cli = typer.Typer(no_args_is_help=True, help="Editions: rankings frozen to cite.")
cli.add_typer(db_cli, name="db")
cli.add_typer(token_cli, name="token")
cli.add_typer(company_cli, name="company")
cli.add_typer(reply_cli, name="reply")
cli.add_typer(edition_cli, name="edition")


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _database() -> Database:
    try:
        settings = Settings()
    except ValueError as error:
        fail(f"the settings are not valid: {error}")
    return Database.from_url(
        settings.database_url, sqlite_busy_timeout_seconds=settings.sqlite_busy_timeout_seconds
    )


@contextmanager
def _write_transaction() -> Iterator[Session]:
    """One committed write transaction; a ValueError from a service becomes a clear exit."""
    database = _database()
    try:
        with database.write() as session:
            yield session
    except ValueError as error:
        fail(str(error))
    finally:
        database.dispose()


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations to the configured database."""
    from app import migrate

    database = _database()
    try:
        migrate.upgrade(database.engine)
    finally:
        database.dispose()
    typer.echo("database is up to date")


@db_cli.command("refresh-medians")
def db_refresh_medians() -> None:
    """Compute every stored median again, with its interval, and every yearly ranked value
    (after an upgrade)."""
    with _write_transaction() as session:
        count = refresh_all_medians(session)
        values = refresh_all_year_values(session)
    typer.echo(f"medians of {count} companies and {values} yearly ranked values computed again")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: one per CPU core).")
    ] = None,
) -> None:
    """Serve the site with uvicorn."""
    import uvicorn

    from app.logs import LOG_CONFIG

    # Rendering is CPU-bound Python: one process per core uses the machine; more only
    # add memory (each keeps its own page cache).
    count = workers or os.cpu_count() or 1
    # Each worker counts its own requests into files of this folder; /metrics adds them
    # up (prometheus-client's multiprocess mode). A folder of our own, new at each start
    # (old counts go) and removed when the server stops, unless one is set already.
    with contextlib.ExitStack() as stack:
        if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="shamelist-metrics-"))
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=count,
            log_config=LOG_CONFIG,
            access_log=False,
            # The client address is ours to work out (app/client_address.py), from
            # SHAMELIST_TRUSTED_PROXIES alone: uvicorn's own rule would believe any
            # X-Forwarded-For sent from 127.0.0.1 before ours is asked.
            proxy_headers=False,
        )


@cli.command()
def demo(
    if_empty: Annotated[bool, typer.Option(help="Only load when there are no companies.")] = False,
) -> None:
    """Load the fictional demo dataset (never real company names)."""
    from app.demo import load_demo

    database = _database()
    try:
        loaded = load_demo(database, only_if_empty=if_empty)
    finally:
        database.dispose()
    typer.echo("demo data loaded" if loaded else "the database has data already; demo not loaded")


@token_cli.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="Who holds the token.")],
    source: Annotated[str, typer.Option(help="Source slug the token's rows are attributed to.")],
    scope: Annotated[str, typer.Option(help="import or reply.")] = "import",
    company: Annotated[str | None, typer.Option(help="Company slug (reply tokens).")] = None,
) -> None:
    """Create an API token; the token is printed once, alone on the last line."""
    if scope not in SCOPES:
        fail(f"--scope must be one of {', '.join(SCOPES)}")
    with _write_transaction() as session:
        token, secret = create_token(
            session, name=name, source_slug=source, scope=scope, company_slug=company
        )
        token_id = token.id
    typer.echo(f"token {token_id} ({scope}, source {source}); it is shown only now:")
    typer.echo(secret)


@token_cli.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Revoke a token at once."""
    with _write_transaction() as session:
        revoke_token(session, token_id)
    typer.echo(f"token {token_id} is revoked")


@reply_cli.command("list")
def reply_list(
    status: Annotated[
        str | None, typer.Option(help="pending, published or rejected (default: all).")
    ] = None,
) -> None:
    """Replies, oldest first: id, status, company, metric, period, kind, figure, text."""
    if status is not None and status not in REPLY_STATUSES:
        fail(f"--status must be one of {', '.join(REPLY_STATUSES)}")
    with _write_transaction() as session:
        for reply, slug in replies_with_status(session, status):
            text = " ".join(reply.text.split())
            line = f"{reply.id}\t{reply.status}\t{slug}\t{reply.metric}\t{reply.period}"
            typer.echo(f"{line}\t{reply.kind}\t{reply.value}\t{text[:120]}")


@reply_cli.command("publish")
def reply_publish(reply_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Publish a reply: the public sees it beside the figure it answers."""
    with _write_transaction() as session:
        decide_reply(session, reply_id, "published")
    typer.echo(f"reply {reply_id} is published")


@reply_cli.command("reject")
def reply_reject(
    reply_id: Annotated[int, typer.Argument(metavar="ID")],
    reason: Annotated[str, typer.Option(help="Why; the company reads it.")],
) -> None:
    """Reject a reply with a reason the company sees through its token."""
    with _write_transaction() as session:
        decide_reply(session, reply_id, "rejected", reason)
    typer.echo(f"reply {reply_id} is rejected")


@edition_cli.command("publish")
def edition_publish(
    period: Annotated[str, typer.Argument(metavar="PERIOD", help="YYYY, YYYY-Qn or YYYY-MM.")],
    title: Annotated[str, typer.Option(help="The edition's title.")] = "",
) -> None:
    """Freeze every ranking of PERIOD; prints the edition's id alone on the last line."""
    # Imported here, not at the top: the rankings load SciPy's statistics, a second that
    # every other command (an import most of all) need not wait for.
    from app.services import exports
    from app.services.editions import Frozen, edition_rankings, publish_edition

    try:
        parsed = Period.parse(period)
    except ValueError as error:
        fail(str(error))
    with _write_transaction() as session:
        files = [
            Frozen(
                ranking.metric,
                ranking.rows_channel or "",
                csv_bytes(exports.csv_header("rankings"), exports.ranking_rows(ranking)),
            )
            for ranking in edition_rankings(session, parsed)
        ]
        edition = publish_edition(
            session, parsed, title or f"{Settings().site_name} {period}", files
        )
        edition_id, sha256 = edition.id, edition.sha256
    typer.echo(f"edition {edition_id}: {len(files)} rankings, SHA-256 {sha256}")
    typer.echo(str(edition_id))


@edition_cli.command("note")
def edition_note(
    edition_id: Annotated[int, typer.Argument(metavar="ID")],
    text: Annotated[str, typer.Argument(metavar="TEXT")],
) -> None:
    """Append a dated correction note to an edition (its numbers never change)."""
    from app.services.editions import add_note  # as in edition_publish

    with _write_transaction() as session:
        add_note(session, edition_id, text)
    typer.echo(f"note added to edition {edition_id}")


class RowRateColumn(ProgressColumn):
    """Rows per second: the bar's byte speed times the rows per byte read so far, so it
    follows the same recent speed as the time-remaining column beside it."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        rows = task.fields.get("rows", 0)
        if not speed or not task.completed:
            return Text("? rows/s", style="progress.data.speed")
        return Text(f"{speed * rows / task.completed:,.0f} rows/s", style="progress.data.speed")


class _ProgressReader:
    """A file wrapper that advances a progress bar as bytes are read, counting rows.

    A CSV row is a line break (a quoted value with a line break in it counts twice); a
    JSON row is a closing brace, an estimate from the bytes read, since a row may span
    any number of lines and a brace may stand inside a string.
    """

    def __init__(
        self,
        raw: IO[bytes],
        progress: Progress,
        task: Any,
        row_end: bytes,
        report_bytes: int = 256 * 1024,
    ) -> None:
        self.raw, self.progress, self.task, self.row_end = raw, progress, task, row_end
        self.rows = 0
        # The bar is told every ``report_bytes``: told of every line, it cost a tenth of
        # an import's time.
        self.report_bytes, self.unreported = report_bytes, 0

    def read(self, size: int = -1) -> bytes:
        return self._advance(self.raw.read(size), at_once=size < 0)

    def readline(self, size: int = -1) -> bytes:
        return self._advance(self.raw.readline(size))

    def _advance(self, data: bytes, *, at_once: bool = False) -> bytes:
        self.rows += data.count(self.row_end)
        self.unreported += len(data)
        if at_once or not data or self.unreported >= self.report_bytes:
            self.progress.update(self.task, advance=self.unreported, rows=self.rows)
            self.unreported = 0
        return data


@cli.command("import")
def import_command(
    kind: Annotated[str, typer.Argument(help="companies, complaints, waits or customers.")],
    file: Annotated[Path, typer.Argument(help="A .csv or .json file.")],
    source: Annotated[str, typer.Option(help="Source slug the rows are attributed to.")],
    dry_run: Annotated[bool, typer.Option(help="Check and count, write nothing.")] = False,
) -> None:
    """The same import as the API, from a file, with a progress bar."""
    if kind not in KINDS:
        fail(f"KIND must be one of {', '.join(KINDS)}, not {kind!r}")
    if not file.is_file():
        fail(f"{file} is not a readable file")
    fmt = "json" if file.suffix.lower() == ".json" else "csv"
    database = _database()
    try:
        with database.write() as session:
            source_id = get_or_create_source(session, source).id
        result = _import_with_progress(database, kind, file, fmt, source_id, dry_run)
    except ValueError as error:
        fail(str(error))
    finally:
        database.dispose()
    _print_result(result)


def _import_with_progress(
    database: Database, kind: str, file: Path, fmt: str, source_id: int, dry_run: bool
) -> ImportResult:
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        DownloadColumn(),
        RowRateColumn(),
        TimeRemainingColumn(),
    )
    with (
        Progress(*columns, transient=True, console=Console(stderr=True)) as progress,
        file.open("rb") as raw,
    ):
        task = progress.add_task(f"importing {file.name}", total=file.stat().st_size, rows=0)
        reader = _ProgressReader(raw, progress, task, b"}" if fmt == "json" else b"\n")
        request = ImportRequest(
            kind=kind,
            source_id=source_id,
            body=reader,  # type: ignore[arg-type]
            format=fmt,
            origin="cli",
            dry_run=dry_run,
        )
        return run_import(database, request)


def _print_result(result: ImportResult) -> None:
    if result.accepted:
        typer.echo(json.dumps(result.report, ensure_ascii=False, indent=2))
        return
    body = result.error_body()
    typer.echo(f"error: {body['detail']}", err=True)
    for problem in body["errors"]:
        column = f", column {problem['column']}" if problem["column"] else ""
        typer.echo(f"  line {problem['line']}{column}: {problem['message']}", err=True)
    raise typer.Exit(1)


@company_cli.command("merge")
def company_merge(
    from_slug: Annotated[str, typer.Argument(metavar="FROM")],
    into_slug: Annotated[str, typer.Argument(metavar="INTO")],
) -> None:
    """Fold FROM into INTO; FROM's names become aliases of INTO."""
    with _write_transaction() as session:
        target_slug = merge_companies(session, from_slug=from_slug, into_slug=into_slug).slug
    typer.echo(f"{from_slug} is merged into {target_slug}")


def _load_plugins() -> None:
    """Commands other packages add (the scrapers' ``scrape``), found by entry point so
    that this package never imports them."""
    for entry in entry_points(group="shamelist.commands"):
        try:
            register = entry.load()
        except Exception as error:  # a broken plugin must not take the other commands down
            typer.echo(f"warning: the {entry.name!r} commands are unavailable: {error}", err=True)
            continue
        register(cli, _database)


def _own_command_names() -> set[str]:
    """The names of this package's own commands and groups, not the plugins'."""
    names = {group.name for group in cli.registered_groups if group.name}
    for command in cli.registered_commands:
        # Unnamed, a command takes its function's name by typer's own rule.
        callback = command.callback
        name = command.name or (get_command_name(callback.__name__) if callback else None)
        if name:
            names.add(name)
    return names


def main() -> None:
    # Plugins load unless the command is one of ours: the scrapers bring libraries of
    # their own, a tenth of a second that every `shamelist import` paid for nothing.
    words = [argument for argument in sys.argv[1:] if not argument.startswith("-")]
    if not words or words[0] not in _own_command_names():
        _load_plugins()
    try:
        cli()
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was committed", err=True)
        sys.exit(130)
