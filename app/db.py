"""Engine and sessions.

The engine is built when the app (or a CLI command) starts, never at import.
Two session factories share one engine:

- read sessions start a plain (deferred) transaction, so page views never wait
  for a writer;
- write sessions take the write lock up front: ``BEGIN IMMEDIATE`` on SQLite
  (Python's sqlite3 module would otherwise upgrade a read lock half-way through
  a transaction and fail with "database is locked") and a transaction-scoped
  advisory lock on PostgreSQL, so that imports from several app servers queue
  instead of racing to create the same company.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

WRITE_OPTION = "shamelist_write"
# Any constant works; it only has to be the same for every writer.
WRITE_LOCK_KEY = 7_413_002


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


@dataclass(frozen=True)
class PoolSettings:
    """Connections kept per process, and how long a request waits for one: bounded, so a
    burst is answered 503 (``sqlalchemy.exc.TimeoutError``) instead of piling up."""

    size: int = 16
    timeout_seconds: float = 5.0


def build_engine(
    url: str, *, sqlite_busy_timeout_seconds: float = 120.0, pool: PoolSettings | None = None
) -> Engine:
    pool = pool or PoolSettings()
    sizes = {"pool_size": pool.size, "max_overflow": 0, "pool_timeout": pool.timeout_seconds}
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"timeout": sqlite_busy_timeout_seconds, "check_same_thread": False},
            **sizes,
        )
        _configure_sqlite(engine, sqlite_busy_timeout_seconds)
    else:
        # No server-side prepared statements: a plan cached while a batch's table was
        # still empty would keep scanning it whole as the batch fills it.
        engine = create_engine(
            url, pool_pre_ping=True, connect_args={"prepare_threshold": None}, **sizes
        )
        _configure_postgresql(engine)
    return engine


SQLITE_MMAP_BYTES = 1024 * 1024 * 1024


def _configure_sqlite(engine: Engine, busy_timeout_seconds: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Reads through a memory map: after another connection commits, SQLite drops its
        # page cache, and a cold ranking re-reads its pages from the map instead of
        # copying each one in with a system call.
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


@dataclass(frozen=True)
class Database:
    """The engine and the two session factories the app and the CLI share."""

    engine: Engine
    read_sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        sqlite_busy_timeout_seconds: float = 120.0,
        pool: PoolSettings | None = None,
    ) -> Database:
        engine = build_engine(
            url, sqlite_busy_timeout_seconds=sqlite_busy_timeout_seconds, pool=pool
        )
        write_engine = engine.execution_options(**{WRITE_OPTION: True})
        return cls(
            engine=engine,
            read_sessions=sessionmaker(engine, expire_on_commit=False),
            write_sessions=sessionmaker(write_engine, expire_on_commit=False),
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on error."""
        with self.write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.read_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
