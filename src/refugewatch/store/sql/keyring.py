"""Protection settings (the wrapped data key, the audit chain id), every stored ciphertext for
key rotation, and the export log."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import sqlalchemy as sa

from refugewatch.errors import StorageError
from refugewatch.store.protocols import ExportEntry, SealedValue
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder
from refugewatch.store.sql.tables import (
    document_originals,
    documents,
    export_log,
    persons,
    protection_settings,
)

# Every column that holds ciphertext: (table, ciphertext column, row id column). The
# (table, column, row id) triple is also the AES-GCM context the value was sealed under.
SEALED_COLUMNS: tuple[tuple[sa.Table, str, str], ...] = (
    (documents, "clean_text_ciphertext", "sha256"),
    (document_originals, "bytes", "sha256"),
    (persons, "identity_ciphertext", "id"),
)


class SqlProtectionRepository:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def get_setting(self, name: str) -> str | None:
        query = sa.select(protection_settings.c.value).where(protection_settings.c.name == name)
        value = self._db.execute(query).scalar_one_or_none()
        return str(value) if value is not None else None

    def set_setting(self, name: str, value: str) -> None:
        row = {"name": name, "value": value, "updated_at": self._db.clock()}
        done = self._db.execute(
            protection_settings.update()
            .where(protection_settings.c.name == name)
            .values(value=value, updated_at=row["updated_at"])
        )
        if done.rowcount == 0:
            self._db.execute(protection_settings.insert(), row)

    def sealed_values(self) -> builtins.list[SealedValue]:
        found: builtins.list[SealedValue] = []
        for table, column, key in SEALED_COLUMNS:
            query = sa.select(table.c[key].label("row_id"), table.c[column].label("blob"))
            for row in self._db.execute(query.where(_sealed(table, column))).mappings():
                found.append(
                    SealedValue(table.name, column, str(row["row_id"]), bytes(row["blob"]))
                )
        return found

    def replace_sealed(self, values: Sequence[SealedValue]) -> None:
        tables = {(t.name, column): (t, key) for t, column, key in SEALED_COLUMNS}
        for value in values:
            if (value.table, value.column) not in tables:
                raise StorageError(f"{value.table}.{value.column} does not hold ciphertext")
            table, key = tables[(value.table, value.column)]
            done = self._db.execute(
                table.update()
                .where(table.c[key] == value.row_id, _sealed(table, value.column))
                .values({value.column: value.blob})
            )
            if done.rowcount != 1:
                raise StorageError(
                    f"{value.table} row {value.row_id!r} has no ciphertext to replace"
                )


def _sealed(table: sa.Table, column: str) -> sa.ColumnElement[bool]:
    if table is document_originals:
        return document_originals.c.encrypted.is_(True)
    return table.c[column].is_not(None)


class SqlExportLog:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def add(self, entry: ExportEntry) -> None:
        self._db.execute(
            export_log.insert(),
            {
                "export_id": entry.export_id,
                "actor": entry.actor,
                "what": entry.what,
                "audience": entry.audience,
                "at": mapping.utc(entry.at),
                "sha256": entry.sha256,
                "case_ids": list(entry.case_ids),
            },
        )

    def list(self) -> builtins.list[ExportEntry]:
        query = sa.select(export_log).order_by(export_log.c.at, export_log.c.export_id)
        return [
            ExportEntry(
                export_id=row["export_id"],
                actor=row["actor"],
                what=row["what"],
                audience=row["audience"],
                at=row["at"],
                sha256=row["sha256"],
                case_ids=tuple(row["case_ids"]),
            )
            for row in self._db.execute(query).mappings()
        ]
