"""``shamelist scrape`` and ``shamelist batch approve``: added to the ``shamelist`` command
as a plugin (entry point group ``shamelist.commands``), so that ``app`` never imports
``scrapers``. The app hands over a function that opens its database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer
from sqlalchemy.orm import Session, sessionmaker

from scrapers.base import ScrapeOptions
from scrapers.registry import SOURCE_SLUGS, load_source
from scrapers.runner import RunOutcome, approve_held_batch, run_source, sync_all_sources

# Exit statuses a cron job can tell apart.
EXIT_QUARANTINED = 1
EXIT_HELD = 3
# Sources that cannot run unattended: a file on request, or a configuration of pages.
_NEEDS_INPUT = {"konsumentverket": "--file", "wait-pages": "--config"}


class DatabaseLike(Protocol):
    write_sessions: sessionmaker[Session]

    def dispose(self) -> None: ...


def _print(outcome: RunOutcome) -> None:
    if outcome.published_or_dry:
        typer.echo(
            json.dumps({"source": outcome.source, **outcome.report}, ensure_ascii=False, indent=2)
        )
    else:
        label = "quarantined" if outcome.status == "quarantined" else "held for review"
        batch = outcome.report.get("batch_id")
        where = f" (batch {batch})" if batch else ""
        typer.echo(f"error: {outcome.source} {label}{where}: {outcome.message}", err=True)


def _exit_status(outcomes: list[RunOutcome]) -> int:
    if any(o.status in ("quarantined", "rejected") for o in outcomes):
        return EXIT_QUARANTINED
    return EXIT_HELD if any(o.status == "held" for o in outcomes) else 0


def register(cli: typer.Typer, open_database: Callable[[], Any]) -> None:
    """Add the scraper commands to the ``shamelist`` command."""

    @cli.command("scrape")
    def scrape(
        source: Annotated[
            str | None, typer.Argument(help=f"One of: {', '.join(SOURCE_SLUGS)}.")
        ] = None,
        all_sources: Annotated[
            bool, typer.Option("--all", help="Run every source that can run unattended.")
        ] = False,
        file: Annotated[
            Path | None, typer.Option(help="Parse this saved file instead of fetching.")
        ] = None,
        config: Annotated[
            Path | None, typer.Option(help="A source's configuration file (wait-pages).")
        ] = None,
        only_known: Annotated[
            bool, typer.Option(help="bolagsverket: only companies the site has.")
        ] = False,
        dry_run: Annotated[
            bool, typer.Option(help="Print what would change; write nothing.")
        ] = False,
        list_sources: Annotated[
            bool, typer.Option("--list", help="List the sources and record them for /sources.")
        ] = False,
    ) -> None:
        """Run one scraper (or --all); each run is one batch with its counts."""
        if list_sources:
            _list(open_database)
            return
        slugs = _chosen(source, all_sources, file)
        options = ScrapeOptions(file=file, config=config, only_known=only_known)
        database = open_database()
        try:
            outcomes = [_run_one(slug, database, options, dry_run) for slug in slugs]
        finally:
            database.dispose()
        for outcome in outcomes:
            _print(outcome)
        raise typer.Exit(_exit_status(outcomes))

    batch_cli = typer.Typer(no_args_is_help=True, help="Import batches.")
    cli.add_typer(batch_cli, name="batch")

    @batch_cli.command("approve")
    def approve(batch_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
        """Publish a batch that was held for review, from its stored snapshots."""
        database = open_database()
        try:
            outcome = approve_held_batch(database.write_sessions, batch_id, ScrapeOptions())
        except ValueError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
        finally:
            database.dispose()
        _print(outcome)
        raise typer.Exit(0 if outcome.published_or_dry else 1)


def _list(open_database: Callable[[], Any]) -> None:
    database = open_database()
    try:
        modules = sync_all_sources(database.write_sessions)
    finally:
        database.dispose()
    for module in modules:
        info = module.SOURCE
        typer.echo(f"{info.slug}\t{info.kind}\t{info.cadence}\t{info.url}")


def _chosen(source: str | None, all_sources: bool, file: Path | None) -> list[str]:
    if all_sources == (source is not None):
        _fail("name one SOURCE or give --all")
    if source is not None and source not in SOURCE_SLUGS:
        _fail(f"unknown source {source!r}; use one of {', '.join(SOURCE_SLUGS)}")
    if file is not None and (all_sources or not file.is_file()):
        _fail("--file needs one SOURCE and a readable file")
    if source is not None:
        return [source]
    return [slug for slug in SOURCE_SLUGS if slug not in _NEEDS_INPUT]


def _run_one(
    slug: str, database: DatabaseLike, options: ScrapeOptions, dry_run: bool
) -> RunOutcome:
    needed = _NEEDS_INPUT.get(slug)
    if needed == "--file" and options.file is None:
        _fail(f"{slug} is read from a file: give --file PATH")
    if needed == "--config" and (options.config is None or not options.config.is_file()):
        _fail(f"{slug} needs --config PATH, a readable file of the pages to read")
    load_source(slug)
    try:
        return run_source(slug, database.write_sessions, options=options, dry_run=dry_run)
    except ValueError as error:  # a source's own configuration is wrong
        _fail(f"{slug}: {error}")
        raise


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
