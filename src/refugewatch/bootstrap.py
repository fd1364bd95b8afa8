"""Composition root: builds the storage the services are handed. Only cli and web import this."""

from __future__ import annotations

from collections.abc import Callable

from refugewatch.config import Settings
from refugewatch.errors import StorageError
from refugewatch.store.protocols import UnitOfWork


def open_store(settings: Settings, *, migrate: bool = False) -> Callable[[], UnitOfWork]:
    """A unit-of-work factory for the configured database; migrates first when asked."""
    from refugewatch.store import sql

    if migrate:
        sql.migrate(settings.database_url)
    elif sql.current_revision(settings.database_url) is None:
        raise StorageError(
            f"the database at {settings.database_url} is not initialised: run `refugewatch init`"
        )
    return sql.uow_factory(settings.database_url)
