"""SQL storage for SQLite and PostgreSQL: engine set-up, migrations, repositories, unit of work."""

from refugewatch.model.audit import GENESIS_HASH, chain_hash
from refugewatch.store.sql.engine import create_engine_for
from refugewatch.store.sql.migrate import current_revision, head_revision, migrate
from refugewatch.store.sql.uow import SqlUnitOfWork, dispose_engines, uow_factory

__all__ = [
    "GENESIS_HASH",
    "SqlUnitOfWork",
    "chain_hash",
    "create_engine_for",
    "current_revision",
    "dispose_engines",
    "head_revision",
    "migrate",
    "uow_factory",
]
