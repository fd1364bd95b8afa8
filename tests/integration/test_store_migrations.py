"""Migrations: an empty database reaches head, and head is exactly what tables.py declares."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from refugewatch.errors import StorageError
from refugewatch.store.sql import create_engine_for, current_revision, head_revision, migrate
from refugewatch.store.sql.tables import metadata


def _schema_differences(url: str, target: sa.MetaData) -> list[object]:
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, target))
    finally:
        engine.dispose()


def test_empty_database_migrates_to_head(database_url: str) -> None:
    assert current_revision(database_url) is None
    assert migrate(database_url) == head_revision()
    assert current_revision(database_url) == head_revision()


def test_migrated_schema_matches_tables_module(database_url: str) -> None:
    migrate(database_url)
    assert _schema_differences(database_url, metadata) == []


def test_comparison_notices_a_drift(database_url: str) -> None:
    """Guards the test above: a column missing from the migration must show up as a difference."""
    migrate(database_url)
    drifted = sa.MetaData(naming_convention=dict(metadata.naming_convention))
    for table in metadata.sorted_tables:
        table.to_metadata(drifted)
    sa.Table("documents", drifted, sa.Column("added_later", sa.Text), extend_existing=True)
    differences = _schema_differences(database_url, drifted)
    assert [d[0] for d in differences if isinstance(d, tuple)] == ["add_column"]


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    first = migrate(database_url)
    assert migrate(database_url) == first
    assert _schema_differences(database_url, metadata) == []


def test_database_from_a_newer_version_is_refused(database_url: str) -> None:
    migrate(database_url)
    engine = create_engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    engine.dispose()
    with pytest.raises(StorageError, match="newer version"):
        migrate(database_url)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("not a url", id="garbage"),
        pytest.param("mysql://root@localhost/rw", id="unsupported-backend"),
    ],
)
def test_bad_database_url_is_a_storage_error(url: str) -> None:
    with pytest.raises(StorageError, match="database"):
        migrate(url)


def test_unreachable_server_is_a_storage_error() -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    with pytest.raises(StorageError, match="could not migrate"):
        migrate("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_sqlite_folder_is_created_and_pragmas_are_set(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "rw.db"
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "secure_delete", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert path.parent.is_dir()
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "secure_delete": 1,
        "busy_timeout": 60_000,
    }


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        pytest.param("postgresql://u@h/db", "postgresql+psycopg", id="postgresql"),
        pytest.param("postgres://u@h/db", "postgresql+psycopg", id="postgres-alias"),
        pytest.param("sqlite://", "pysqlite", id="sqlite-memory"),
    ],
)
def test_engine_driver_for_url(url: str, driver: str) -> None:
    engine = create_engine_for(url)
    try:
        assert driver in (engine.url.drivername, engine.dialect.driver)
    finally:
        engine.dispose()
