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
from sqlalchemy.pool import NullPool, StaticPool

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

# SQLCipher: the URL query parameter naming a key file, the shortest key accepted (a short key
# falls to guessing: SQLCipher's own PBKDF2 is far cheaper per guess than argon2id), and the
# message for a key that does not open the file (the two cases cannot be told apart).
SQLCIPHER_KEY_FILE_PARAM = "key_file"
MIN_SQLCIPHER_KEY_CHARS = 16
SQLCIPHER_WRONG_KEY = (
    "the database key is wrong or the file is not a refugewatch database "
    "(check REFUGEWATCH_SQLCIPHER_KEY_FILE)"
)

# Driver names users type for PostgreSQL, all served by psycopg 3 (the only driver installed).
POSTGRES_DRIVER_ALIASES = frozenset({"postgresql", "postgres", "postgresql+psycopg"})


def create_engine_for(url: str) -> sa.Engine:
    """An Engine for a SQLite or PostgreSQL URL, configured for refugewatch's concurrency model."""
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.get_driver_name() == "pysqlcipher":
        return _sqlcipher_engine(parsed)
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


def _sqlcipher_engine(url: URL) -> sa.Engine:
    """Whole-file encryption: sqlite+pysqlcipher://:KEY@/path.db, or ?key_file=PATH so the key
    never appears in the URL (REFUGEWATCH_SQLCIPHER_KEY_FILE sets that)."""
    key_file = url.query.get(SQLCIPHER_KEY_FILE_PARAM)
    if key_file is not None:
        url = url.difference_update_query([SQLCIPHER_KEY_FILE_PARAM]).set(
            password=_read_sqlcipher_key(Path(str(key_file)))
        )
    if not url.password:
        raise StorageError(
            f"{_redacted(url)} asks for an encrypted database but gives no key: "
            "set REFUGEWATCH_SQLCIPHER_KEY_FILE"
        )
    if url.database in (None, "", ":memory:"):
        raise StorageError("an encrypted (SQLCipher) database must be a file, not :memory:")
    _create_parent_folder(Path(str(url.database)))
    engine = sa.create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, poolclass=NullPool
    )
    _install_sqlite_hooks(engine, wal=True, check_key=True)
    return engine


def _read_sqlcipher_key(path: Path) -> str:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"cannot read the database key file {path}: {exc}") from None
    if len(key) < MIN_SQLCIPHER_KEY_CHARS:
        raise StorageError(
            f"the database key in {path} is shorter than {MIN_SQLCIPHER_KEY_CHARS} characters"
        )
    return key


def _create_parent_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the folder {path.parent} for the database file: {exc.strerror}"
        ) from None


def _install_sqlite_hooks(engine: sa.Engine, *, wal: bool, check_key: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook emit BEGIN itself (pysqlite's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if check_key:
                _check_sqlcipher_key(cursor)
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


def _check_sqlcipher_key(cursor: Any) -> None:
    """SQLCipher only notices a wrong key at the first read: read now and say so in words."""
    # The library logs every failed page decryption to stderr; the error below says it in words.
    cursor.execute("PRAGMA cipher_log_level = NONE")
    try:
        cursor.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except Exception as exc:  # the driver's own DatabaseError class; any failure here means it
        if "not a database" not in str(exc) and "encrypted" not in str(exc):
            raise
        raise StorageError(SQLCIPHER_WRONG_KEY) from None
