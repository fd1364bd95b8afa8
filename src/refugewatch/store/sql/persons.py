"""People recorded in a case: pseudonym in the clear, identity only as AES-GCM ciphertext."""

from __future__ import annotations

import builtins

import sqlalchemy as sa

from refugewatch.errors import NotFoundError
from refugewatch.store.protocols import PersonRecord
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder
from refugewatch.store.sql.tables import cases, persons


class SqlPersonRepository:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def add(self, person: PersonRecord) -> None:
        known = self._db.execute(sa.select(cases.c.id).where(cases.c.id == person.case_id))
        if known.first() is None:
            raise NotFoundError(f"no case with id {person.case_id!r} to add a person to")
        self._db.execute(
            persons.insert(),
            {
                "id": person.id,
                "case_id": person.case_id,
                "pseudonym": mapping.plain_text(person.pseudonym, "the pseudonym"),
                "age_band": person.age_band,
                "sex": person.sex,
                "vulnerabilities": list(person.vulnerabilities),
                "identity_ciphertext": person.identity_ciphertext,
                "created_at": mapping.utc(person.created_at)
                if person.created_at
                else self._db.clock(),
            },
        )

    def get(self, person_id: str) -> PersonRecord | None:
        query = sa.select(persons).where(persons.c.id == person_id)
        row = self._db.execute(query).mappings().first()
        return _from_row(row) if row is not None else None

    def list(self, case_id: str | None = None) -> builtins.list[PersonRecord]:
        query = sa.select(persons).order_by(persons.c.created_at, persons.c.id)
        if case_id is not None:
            query = query.where(persons.c.case_id == case_id)
        return [_from_row(row) for row in self._db.execute(query).mappings()]


def _from_row(row: mapping.Row) -> PersonRecord:
    blob = row["identity_ciphertext"]
    return PersonRecord(
        id=row["id"],
        case_id=row["case_id"],
        pseudonym=row["pseudonym"],
        identity_ciphertext=bytes(blob) if blob is not None else None,
        age_band=row["age_band"],
        sex=row["sex"],
        vulnerabilities=tuple(row["vulnerabilities"]),
        created_at=row["created_at"],
    )
