"""Engines for SQLite (the default single file) and PostgreSQL (a team server).

SQLite is set up so that several processes can ingest at once: WAL lets readers run beside a
writer, and every unit of work opens with BEGIN IMMEDIATE so a second writer *waits* (busy_timeout)
instead of failing half-way with "database is locked" when it read before it wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from refugewatch.errors import StorageError

# How long a SQLite writer waits for another writer's transaction before giving up. Bulk ingest
# commits one document at a time, so 60 s is far beyond any normal wait yet still ends a deadlock.
SQLITE_BUSY_TIMEOUT_MS = 60_000

# Applied to every SQLite connection. secure_delete overwrites deleted content (a seized laptop
# must not yield removed testimony); foreign_keys is off by default in SQLite.
SQLITE_PRAGMAS: tuple[str, ...] = (
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA secure_delete=ON",
)

# Driver names users type for PostgreSQL, all served by psycopg 3 (the only driver installed).
POSTGRES_DRIVER_ALIASES = frozenset({"postgresql", "postgres", "postgresql+psycopg"})


def create_engine_for(url: str) -> sa.Engine:
    """An Engine for a SQLite or PostgreSQL URL, configured for refugewatch's concurrency model."""
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        return sa.create_engine(
            parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True, future=True
        )
    raise StorageError(
        f"unsupported database {backend!r} in {_redacted(parsed)}: "
        "use a sqlite:/// file or a postgresql:// server"
    )


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(
            f"the database URL {url!r} is not valid: expected e.g. sqlite:///data/refugewatch.db "
            "or postgresql://user@host/dbname"
        ) from None
    if parsed.drivername in POSTGRES_DRIVER_ALIASES:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _redacted(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _sqlite_engine(url: URL) -> sa.Engine:
    in_memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    if in_memory:
        # One shared connection, or every checkout would see its own empty database.
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    else:
        _create_parent_folder(Path(str(url.database)))
    engine = sa.create_engine(url, **kwargs)
    _install_sqlite_hooks(engine, wal=not in_memory)
    return engine


def _create_parent_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the folder {path.parent} for the database file: {exc.strerror}"
        ) from None


def _install_sqlite_hooks(engine: sa.Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook emit BEGIN itself (pysqlite's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        # IMMEDIATE takes the write lock up front: a unit of work reads (exists?) then writes,
        # and a deferred transaction whose snapshot went stale fails instead of waiting.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
