"""Logins: users with argon2 hashes, roles and login rate-limiting counters."""

from __future__ import annotations

import builtins
from dataclasses import replace

import sqlalchemy as sa

from refugewatch.errors import StorageError, ValidationError
from refugewatch.store.protocols import User
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder
from refugewatch.store.sql.tables import users


class SqlUserRepository:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def add(self, user: User) -> User:
        """Store a new user; a taken name is a ValidationError (names compare exactly)."""
        if self.get(user.username) is not None:
            raise ValidationError([f"a user named {user.username!r} already exists"])
        stored = replace(user, created_at=user.created_at or self._db.clock())
        row = _row(stored)
        result = self._db.execute(users.insert().returning(users.c.id), row)
        return replace(stored, id=int(result.scalar_one()))

    def get(self, username: str) -> User | None:
        row = self._db.execute(sa.select(users).where(users.c.username == username)).mappings()
        found = row.first()
        return _from_row(found) if found is not None else None

    def list(self) -> builtins.list[User]:
        rows = self._db.execute(sa.select(users).order_by(users.c.username)).mappings()
        return [_from_row(row) for row in rows]

    def update(self, user: User) -> None:
        values = _row(user)
        del values["username"], values["created_at"]
        result = self._db.execute(
            users.update().where(users.c.username == user.username).values(**values)
        )
        if result.rowcount != 1:
            raise StorageError(f"no user named {user.username!r} to update")

    def count(self) -> int:
        return int(self._db.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())


def _row(user: User) -> mapping.Json:
    return {
        "username": mapping.plain_text(user.username, "the user name"),
        "role": user.role,
        "password_hash": user.password_hash,
        "disabled": user.disabled,
        "created_at": mapping.utc(user.created_at) if user.created_at else None,
        "failed_logins": user.failed_logins,
        "locked_until": mapping.utc(user.locked_until) if user.locked_until else None,
        "last_login_at": mapping.utc(user.last_login_at) if user.last_login_at else None,
    }


def _from_row(row: mapping.Row) -> User:
    return User(
        username=row["username"],
        role=row["role"],
        password_hash=row["password_hash"],
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
        failed_logins=int(row["failed_logins"]),
        locked_until=row["locked_until"],
        last_login_at=row["last_login_at"],
        id=row["id"],
    )
