"""Scratch databases for the load benchmark: a SQLite file in a temporary folder, or a
``bench_*`` PostgreSQL database that is dropped afterwards. Only loopback servers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Scratch:
    kind: str  # "sqlite" or "postgresql"
    url: str
    sqlite_file: Path | None = None
    admin_url: str | None = None
    name: str | None = None

    @property
    def title(self) -> str:
        return "SQLite" if self.kind == "sqlite" else "PostgreSQL"

    def drop(self) -> None:
        if self.kind == "postgresql" and self.admin_url and self.name:
            _admin(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def sqlite_scratch(folder: Path) -> Scratch:
    path = folder / "bench.db"
    for leftover in (path, path.with_name("bench.db-wal"), path.with_name("bench.db-shm")):
        leftover.unlink(missing_ok=True)
    return Scratch("sqlite", f"sqlite:///{path}", sqlite_file=path)


def postgres_scratch(admin: str) -> Scratch:
    """A new, empty ``bench_<pid>`` database beside the one the admin URL names."""
    url = make_url(admin)
    if url.host not in LOOPBACK:
        raise SystemExit(f"the PostgreSQL server must be on this machine, not {url.host}")
    name = f"bench_{os.getpid()}"
    _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(admin, f'CREATE DATABASE "{name}"')
    scratch_url = url.set(database=name).render_as_string(hide_password=False)
    return Scratch("postgresql", scratch_url, admin_url=admin, name=name)


def _admin(admin: str, statement: str) -> None:
    url = make_url(admin).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]
