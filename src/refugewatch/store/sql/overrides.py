"""Reviewers' manual merges, splits and attachments, kept as rows and replayed on every rebuild.

The `incident_keys` JSON column holds an object, not a bare list, because an attachment needs two
sets of keys: {"keys": [incidents the override moves or merges], "target": [keys of the case they
join]} ("target" is empty for merges and splits). Rows are append-only: an override is undone by a
later one (a split undoes a merge), so the history of every grouping decision stays on record.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from refugewatch.errors import StorageError, ValidationError
from refugewatch.store.protocols import CaseOverride, OverrideKind
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder
from refugewatch.store.sql.tables import case_overrides, interventions, persons

# Tables whose rows belong to a case and must follow it when a merge retires its id.
CASE_RECORD_TABLES = (persons, interventions)


class SqlOverrideRepository:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def add(self, override: CaseOverride) -> CaseOverride:
        """Append an override; returns it with its id and time (the unit of work's clock) set."""
        _check(override)
        at = mapping.utc(override.at) if override.at is not None else self._db.clock()
        row = _row(override, at)
        result = self._db.execute(case_overrides.insert().returning(case_overrides.c.id), row)
        return replace(override, at=at, id=int(result.scalar_one()))

    def list(self) -> builtins.list[CaseOverride]:
        """Every override in replay order: the order reviewers recorded them."""
        query = sa.select(case_overrides).order_by(case_overrides.c.id)
        return [_from_row(row) for row in self._db.execute(query).mappings()]

    def reassign_case_records(self, from_case_id: str, to_case_id: str) -> int:
        """Move people and interventions from a case a merge retires to the case that survives."""
        moved = 0
        for table in CASE_RECORD_TABLES:
            result = self._db.execute(
                table.update().where(table.c.case_id == from_case_id).values(case_id=to_case_id)
            )
            moved += result.rowcount
        return moved


def _check(override: CaseOverride) -> None:
    problems = []
    if not override.incident_keys:
        problems.append(f"a {override.kind.value} override must name at least one incident")
    if override.kind is OverrideKind.ATTACH and not override.target_keys:
        problems.append("an attach override must name the incidents of the case it attaches to")
    if override.kind is not OverrideKind.ATTACH and override.target_keys:
        problems.append(f"a {override.kind.value} override has no target case")
    if not override.actor.strip():
        problems.append("an override must say who made it")
    if problems:
        raise ValidationError(problems)


def _row(override: CaseOverride, at: Any) -> dict[str, Any]:
    keys = {"keys": list(override.incident_keys), "target": list(override.target_keys)}
    return {
        "kind": override.kind.value,
        "incident_keys": keys,
        "case_id": override.case_id,
        "actor": override.actor,
        "reason": mapping.plain_text(override.reason, "the reason of a case override"),
        "at": at,
    }


def _from_row(row: Mapping[Any, Any]) -> CaseOverride:
    keys = row["incident_keys"]
    if not isinstance(keys, dict):
        raise StorageError(
            f"case override {row['id']} stores its incidents in an unknown form; "
            "it was not written by this version of refugewatch"
        )
    return CaseOverride(
        kind=OverrideKind(row["kind"]),
        incident_keys=_keys(keys.get("keys", ())),
        target_keys=_keys(keys.get("target", ())),
        case_id=row["case_id"],
        actor=row["actor"],
        reason=row["reason"] or "",
        at=row["at"],
        id=row["id"],
    )


def _keys(values: Sequence[object]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)
