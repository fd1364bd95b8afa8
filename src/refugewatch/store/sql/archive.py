"""Whole-database snapshots for backups, and restoring one into an empty database.

A plain SQLite file is copied with SQLite's online backup API (a consistent copy while others
write); PostgreSQL and SQLCipher databases are dumped table by table as JSON rows (no pg_dump
needed). Either kind restores into either backend: rows are inserted in foreign-key order in one
transaction, and the audit chain is checked before that transaction commits.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from refugewatch.errors import StorageError, TamperedDataError, ValidationError
from refugewatch.store.sql.audit import SqlAuditLog
from refugewatch.store.sql.connection import ConnectionHolder, utc_now
from refugewatch.store.sql.engine import create_engine_for
from refugewatch.store.sql.migrate import head_revision, migrate
from refugewatch.store.sql.tables import UtcDateTime, metadata

ARCHIVE_FORMAT = "refugewatch-database"
ARCHIVE_VERSION = 1
INFO_MEMBER = "database/info.json"
SQLITE_MEMBER = "database/refugewatch.sqlite"
TABLES_MEMBER = "database/tables.json"

Rows = dict[str, list[dict[str, Any]]]


class SqlDatabaseArchive:
    """Snapshot and restore for one database URL (see the module doc)."""

    def __init__(self, url: str) -> None:
        self._url = url

    def snapshot(self) -> dict[str, bytes]:
        """Archive members: info.json plus either a SQLite copy or every table as JSON rows."""
        path = _plain_sqlite_file(self._url)
        engine = create_engine_for(self._url)
        try:
            with engine.connect() as connection:
                revision = MigrationContext.configure(connection).get_current_revision()
                rows = None if path else _read_rows(connection)
        finally:
            engine.dispose()
        info = {"format": ARCHIVE_FORMAT, "version": ARCHIVE_VERSION, "revision": revision}
        members = {INFO_MEMBER: json.dumps(info).encode()}
        if path is not None:
            members[SQLITE_MEMBER] = _sqlite_copy(path)
        else:
            members[TABLES_MEMBER] = _encode_rows(rows or {})
        return members

    def restore(self, members: Mapping[str, bytes]) -> dict[str, int]:
        """Load an archive into this (empty) database; returns rows per table.

        Refuses a database that holds any row, an archive of another schema revision, and an
        archive whose audit chain is broken (nothing is kept then)."""
        rows = _archive_rows(members)
        migrate(self._url)
        engine = create_engine_for(self._url)
        try:
            with engine.connect() as connection, connection.begin() as transaction:
                _refuse_non_empty(connection)
                _insert_rows(connection, rows)
                _check_audit_chain(connection)
                transaction.commit()
        except sa.exc.DBAPIError as exc:
            raise StorageError(f"could not restore the backup: {exc.orig}") from None
        finally:
            engine.dispose()
        return {name: len(table_rows) for name, table_rows in rows.items()}


def _plain_sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite"):
        return None
    if parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def _sqlite_copy(path: Path) -> bytes:
    """A consistent copy through SQLite's backup API, read back and removed at once."""
    with tempfile.TemporaryDirectory(prefix="rw-backup-") as folder:
        target = Path(folder) / "copy.sqlite"
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target.read_bytes()


def _tables() -> Sequence[sa.Table]:
    return metadata.sorted_tables


def _read_rows(connection: sa.Connection) -> Rows:
    rows: Rows = {}
    for table in _tables():
        order = list(table.primary_key.columns) or list(table.columns)
        result = connection.execute(sa.select(table).order_by(*order)).mappings()
        rows[table.name] = [dict(row) for row in result]
    return rows


def _encode_rows(rows: Rows) -> bytes:
    encoded = {
        name: [{k: _encode(v) for k, v in row.items()} for row in table_rows]
        for name, table_rows in rows.items()
    }
    return json.dumps(encoded, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _decode_rows(data: bytes) -> Rows:
    try:
        raw = json.loads(data)
        tables = {t.name: t for t in _tables()}
        return {
            name: [_decode_row(tables[name], row) for row in table_rows]
            for name, table_rows in raw.items()
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise TamperedDataError(f"the backup's table dump is unreadable ({exc})") from None


def _decode_row(table: sa.Table, row: Mapping[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for name, value in row.items():
        column_type = table.c[name].type
        if value is None:
            decoded[name] = None
        elif isinstance(column_type, sa.LargeBinary):
            decoded[name] = base64.b64decode(value, validate=True)
        elif isinstance(column_type, UtcDateTime):
            decoded[name] = dt.datetime.fromisoformat(value)
        elif isinstance(column_type, sa.Date):
            decoded[name] = dt.date.fromisoformat(value)
        else:
            decoded[name] = value
    return decoded


def _archive_rows(members: Mapping[str, bytes]) -> Rows:
    info = _info(members)
    if info.get("revision") != head_revision():
        raise ValidationError(
            [
                f"the backup is of schema revision {info.get('revision')!r}, this refugewatch "
                f"writes {head_revision()!r}: restore it with the version that made it"
            ]
        )
    if SQLITE_MEMBER in members:
        with _sqlite_file(members[SQLITE_MEMBER]) as path:
            engine = create_engine_for(f"sqlite:///{path}")
            try:
                with engine.connect() as connection:
                    return _read_rows(connection)
            finally:
                engine.dispose()
    if TABLES_MEMBER in members:
        return _decode_rows(members[TABLES_MEMBER])
    raise TamperedDataError("the backup holds no database (neither a SQLite copy nor a dump)")


def _info(members: Mapping[str, bytes]) -> dict[str, Any]:
    try:
        info = json.loads(members[INFO_MEMBER])
    except (KeyError, ValueError):
        raise TamperedDataError("the backup has no readable database description") from None
    if info.get("format") != ARCHIVE_FORMAT or info.get("version") != ARCHIVE_VERSION:
        raise TamperedDataError("the backup's database description has an unknown format")
    return dict(info)


@contextmanager
def _sqlite_file(data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="rw-restore-") as folder:
        path = Path(folder) / "copy.sqlite"
        path.write_bytes(data)
        yield path


def _refuse_non_empty(connection: sa.Connection) -> None:
    for table in _tables():
        count = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        if count:
            raise ValidationError(
                [
                    f"the target database is not empty ({table.name} holds {count} rows): "
                    "restore only into a new, empty database"
                ]
            )


def _insert_rows(connection: sa.Connection, rows: Rows) -> None:
    for table in _tables():
        table_rows = rows.get(table.name, [])
        if table_rows:
            connection.execute(table.insert(), table_rows)
    if connection.dialect.name == "postgresql":
        _advance_sequences(connection)


def _advance_sequences(connection: sa.Connection) -> None:
    """Explicit ids were inserted: move each serial sequence past the largest one."""
    for table in _tables():
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer) or column.autoincrement is False:
                continue
            sequence = connection.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": column.name},
            ).scalar_one()
            if sequence is None:
                continue
            top = connection.execute(sa.select(sa.func.max(column))).scalar_one()
            if top is not None:
                connection.execute(sa.text("SELECT setval(:s, :v)"), {"s": sequence, "v": top})


def _check_audit_chain(connection: sa.Connection) -> None:
    holder = ConnectionHolder(utc_now)
    holder.open(connection)
    try:
        problems = SqlAuditLog(holder).verify_chain()
    finally:
        holder.close()
    if problems:
        shown = "; ".join(problems[:5])
        raise TamperedDataError(
            f"the restored audit chain is broken ({shown}); nothing was restored"
        )
