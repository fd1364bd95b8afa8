"""The SQL unit of work: one connection, one transaction, the repositories that share it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Self

import sqlalchemy as sa

from refugewatch.store.protocols import (
    AuditLog,
    CaseRepository,
    ClaimRepository,
    DocumentRepository,
    ExportLog,
    InterventionRepository,
    OverrideRepository,
    PersonRepository,
    ProtectionRepository,
    UnitOfWork,
    UserRepository,
)
from refugewatch.store.sql.audit import SqlAuditLog
from refugewatch.store.sql.cases import SqlCaseRepository
from refugewatch.store.sql.claims import SqlClaimRepository
from refugewatch.store.sql.connection import Clock, ConnectionHolder, storage_error, utc_now
from refugewatch.store.sql.documents import SqlDocumentRepository
from refugewatch.store.sql.engine import create_engine_for
from refugewatch.store.sql.interventions import SqlInterventionRepository
from refugewatch.store.sql.keyring import SqlExportLog, SqlProtectionRepository
from refugewatch.store.sql.overrides import SqlOverrideRepository
from refugewatch.store.sql.persons import SqlPersonRepository
from refugewatch.store.sql.places import SqlPlaceRepository
from refugewatch.store.sql.users import SqlUserRepository


class SqlUnitOfWork:
    """`with uow: ...; uow.commit()`. Leaving the block rolls back whatever was not committed.

    After commit() the same unit of work can go on; the next statement opens a new transaction
    (bulk ingest commits once per document).
    """

    def __init__(self, engine: sa.Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._db = ConnectionHolder(clock)
        # The same audit log with its SQL-only extra, verify_chain().
        self.audit_chain = SqlAuditLog(self._db)
        # Typed as the Protocols (whose members are settable, hence invariant) so that a
        # Callable[[], SqlUnitOfWork] is accepted where services ask for a UnitOfWork factory.
        self.documents: DocumentRepository = SqlDocumentRepository(self._db)
        self.claims: ClaimRepository = SqlClaimRepository(self._db)
        self.cases: CaseRepository = SqlCaseRepository(self._db)
        self.case_overrides: OverrideRepository = SqlOverrideRepository(self._db)
        self.audit: AuditLog = self.audit_chain
        self.places = SqlPlaceRepository(self._db)
        self.users: UserRepository = SqlUserRepository(self._db)
        self.persons: PersonRepository = SqlPersonRepository(self._db)
        self.protection: ProtectionRepository = SqlProtectionRepository(self._db)
        self.exports: ExportLog = SqlExportLog(self._db)
        self.interventions: InterventionRepository = SqlInterventionRepository(self._db)

    def __enter__(self) -> Self:
        try:
            self._db.open(self._engine.connect())
        except sa.exc.DBAPIError as exc:
            raise storage_error(f"could not open the database {self._shown_url()}", exc) from exc
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self._db.connection
        self._db.close()
        try:
            if connection.in_transaction():
                connection.rollback()
        finally:
            connection.close()

    def commit(self) -> None:
        try:
            self._db.connection.commit()
        except sa.exc.DBAPIError as exc:
            raise storage_error("could not save the changes to the database", exc) from exc

    def rollback(self) -> None:
        self._db.connection.rollback()

    def _shown_url(self) -> str:
        return self._engine.url.render_as_string(hide_password=True)


if TYPE_CHECKING:

    def _fits_protocol(uow: SqlUnitOfWork) -> UnitOfWork:
        return uow  # mypy proves the SQL store satisfies the services' Protocol


_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


def uow_factory(url: str) -> Callable[[], SqlUnitOfWork]:
    """A factory of fresh units of work over one shared engine (connection pool) per URL."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_engine_for(url)
    return lambda: SqlUnitOfWork(engine)


def dispose_engines() -> None:
    """Close every pooled connection (tests, and before a backup copies the SQLite file)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


__all__ = ["SqlUnitOfWork", "dispose_engines", "uow_factory"]
