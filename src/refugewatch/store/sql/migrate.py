"""Bring a database to the newest schema with Alembic, from code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from refugewatch.errors import StorageError
from refugewatch.store.sql.engine import create_engine_for

# The repository root holds migrations/ (DESIGN.md layout): src/refugewatch/store/sql/ is 4 below.
MIGRATIONS_DIR = Path(__file__).resolve().parents[4] / "migrations"

# Any fixed number: PostgreSQL advisory lock key so two processes starting at once do not both
# try to create the tables (SQLite serialises them through BEGIN IMMEDIATE already).
MIGRATION_LOCK_KEY = 0x52574D47  # "RWMG"


def migrate(url: str) -> str:
    """Upgrade the database at `url` to the newest revision and return that revision."""
    config = _alembic_config()
    head = _head_revision(config)
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            _lock_for_migration(connection)
            _refuse_unknown_revision(connection, config)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except StorageError:
        raise
    except (sa.exc.SQLAlchemyError, CommandError) as exc:
        raise StorageError(f"could not migrate the database {_shown(url)}: {exc}") from exc
    finally:
        engine.dispose()
    return head


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except sa.exc.SQLAlchemyError as exc:
        raise StorageError(f"could not read the schema version of {_shown(url)}: {exc}") from exc
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision this version of refugewatch knows."""
    return _head_revision(_alembic_config())


def _alembic_config() -> Config:
    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise StorageError(
            f"the database migrations are missing (expected {MIGRATIONS_DIR}); "
            "reinstall refugewatch from its source checkout"
        )
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _head_revision(config: Config) -> str:
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise StorageError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def _lock_for_migration(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})


def _refuse_unknown_revision(connection: sa.Connection, config: Config) -> None:
    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return
    scripts = ScriptDirectory.from_config(config)
    try:
        known = scripts.get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise StorageError(
            f"the database is at schema revision {current!r}, which this version of refugewatch "
            "does not know: it was written by a newer version; upgrade refugewatch"
        )


def _shown(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return repr(url)
