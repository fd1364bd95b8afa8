"""The one connection a unit of work hands its repositories, with errors a researcher can read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from refugewatch.errors import StorageError

Clock = Callable[[], dt.datetime]
Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ConnectionHolder:
    """Shared by a unit of work and its repositories; open only inside `with uow:`."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._connection: sa.Connection | None = None

    @property
    def connection(self) -> sa.Connection:
        if self._connection is None:
            raise StorageError(
                "the database is not open here: use the unit of work inside a `with` block"
            )
        return self._connection

    def open(self, connection: sa.Connection) -> None:
        if self._connection is not None:
            connection.close()
            raise StorageError("this unit of work is already open; make a new one per `with` block")
        self._connection = connection

    def close(self) -> None:
        self._connection = None

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def execute(self, statement: sa.Executable, params: Params = None) -> sa.CursorResult[Any]:
        """Run one statement; database failures become a StorageError that says what failed."""
        try:
            return self.connection.execute(statement, params)
        except sa.exc.DBAPIError as exc:
            raise storage_error("the database refused an operation", exc) from exc


def storage_error(what: str, exc: sa.exc.DBAPIError) -> StorageError:
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    return StorageError(f"{what}: {detail}")
