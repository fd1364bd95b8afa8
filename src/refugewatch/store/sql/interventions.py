"""Interventions (letters, UN appeals, press summaries) recorded on a case, with their status.

Rows are never deleted here: an intervention is part of the case's record. A rebuild that would
drop a case still holding interventions is refused by the cases repository (foreign key RESTRICT),
and a merge moves them to the surviving case (overrides.reassign_case_records).
"""

from __future__ import annotations

import builtins
from dataclasses import replace

import sqlalchemy as sa

from refugewatch.errors import NotFoundError, StorageError
from refugewatch.store.protocols import Intervention
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder
from refugewatch.store.sql.tables import cases, interventions


class SqlInterventionRepository:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def add(self, intervention: Intervention) -> Intervention:
        """Store a new intervention on an existing case; its creation time is the clock's."""
        self._require_case(intervention.case_id)
        if self.get(intervention.id) is not None:
            raise StorageError(f"an intervention {intervention.id!r} is already recorded")
        created = (
            mapping.utc(intervention.created_at)
            if intervention.created_at is not None
            else self._db.clock()
        )
        self._db.execute(interventions.insert(), mapping.intervention_row(intervention, created))
        return replace(intervention, created_at=created)

    def get(self, intervention_id: str) -> Intervention | None:
        query = sa.select(interventions).where(interventions.c.id == intervention_id)
        row = self._db.execute(query).mappings().first()
        return mapping.intervention_from_row(row) if row is not None else None

    def list(self, case_id: str | None = None) -> builtins.list[Intervention]:
        """Oldest first, so a case's history reads in the order things were done."""
        query = sa.select(interventions).order_by(interventions.c.created_at, interventions.c.id)
        if case_id is not None:
            query = query.where(interventions.c.case_id == case_id)
        return [mapping.intervention_from_row(row) for row in self._db.execute(query).mappings()]

    def update(self, intervention: Intervention) -> None:
        """Save status, date and reply; what was drafted (kind, body, addressees) stays as it was."""
        row = mapping.intervention_row(intervention, self._db.clock())
        result = self._db.execute(
            interventions.update()
            .where(interventions.c.id == intervention.id)
            .values(status=row["status"], date=row["date"], reply=row["reply"])
        )
        if result.rowcount == 0:
            raise NotFoundError(f"there is no intervention {intervention.id!r}")

    def _require_case(self, case_id: str) -> None:
        found = self._db.execute(sa.select(cases.c.id).where(cases.c.id == case_id)).first()
        if found is None:
            raise NotFoundError(f"there is no case {case_id!r} to record the intervention on")
