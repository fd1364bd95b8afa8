"""Cases as the last rebuild left them, plus the consent and disclosure only people can give."""

from __future__ import annotations

import builtins
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa

from refugewatch.errors import NotFoundError, StorageError, ValidationError
from refugewatch.model.cases import Case, Disclosure
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder
from refugewatch.store.sql.tables import case_members, cases, interventions, persons


class SqlCaseRepository:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def replace_all(self, new_cases: Sequence[Case]) -> None:
        """Store a rebuild. Case ids that survive keep their disclosure, consent note and creation
        time; a case that disappears while people or interventions are recorded under it stops the
        rebuild (they would otherwise be orphaned)."""
        _refuse_repeated_ids(new_cases)
        kept = self._kept_fields()
        new_ids = {case.id for case in new_cases}
        self._refuse_orphans(set(kept) - new_ids)
        now = self._db.clock()
        self._db.execute(case_members.delete())
        self._db.execute(cases.delete().where(cases.c.id.not_in(new_ids)))
        for case in new_cases:
            self._store(case, kept.get(case.id), now)
        members = [row for case in new_cases for row in mapping.member_rows(case)]
        if members:
            self._db.execute(case_members.insert(), members)

    def list(self) -> list[Case]:
        rows = self._db.execute(sa.select(cases).order_by(cases.c.id)).mappings().all()
        members = self._members()
        return [mapping.case_from_row(row, members.get(row["id"], [])) for row in rows]

    def get(self, case_id: str) -> Case | None:
        row = self._db.execute(sa.select(cases).where(cases.c.id == case_id)).mappings().first()
        if row is None:
            return None
        return mapping.case_from_row(row, self._members(case_id).get(case_id, []))

    def set_disclosure(self, case_id: str, disclosure: Disclosure, note: str | None) -> None:
        result = self._db.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(disclosure=disclosure.value, consent_note=note, updated_at=self._db.clock())
        )
        if result.rowcount == 0:
            raise NotFoundError(f"there is no case {case_id!r}")

    def _store(self, case: Case, kept: _Kept | None, now: dt.datetime) -> None:
        if kept is None:
            self._db.execute(cases.insert(), mapping.case_row(case, now, now))
            return
        case = replace(case, disclosure=kept.disclosure, consent_note=kept.consent_note)
        row = mapping.case_row(case, kept.created_at, now)
        self._db.execute(cases.update().where(cases.c.id == case.id).values(row))

    def _kept_fields(self) -> dict[str, _Kept]:
        query = sa.select(cases.c.id, cases.c.disclosure, cases.c.consent_note, cases.c.created_at)
        return {
            row.id: _Kept(Disclosure(row.disclosure), row.consent_note, row.created_at)
            for row in self._db.execute(query)
        }

    def _refuse_orphans(self, vanishing: set[str]) -> None:
        if not vanishing:
            return
        held: set[str] = set()
        for table in (persons, interventions):
            query = sa.select(table.c.case_id).where(table.c.case_id.in_(vanishing)).distinct()
            held.update(self._db.execute(query).scalars())
        if held:
            raise StorageError(
                "the rebuild would remove case(s) "
                + ", ".join(sorted(held))
                + " that still have people or interventions recorded; move them to the case "
                "that replaces it (or record a manual merge) and rebuild again"
            )

    def _members(self, case_id: str | None = None) -> dict[str, builtins.list[str]]:
        query = sa.select(case_members).order_by(case_members.c.case_id, case_members.c.position)
        if case_id is not None:
            query = query.where(case_members.c.case_id == case_id)
        grouped: dict[str, builtins.list[str]] = defaultdict(list)
        for row in self._db.execute(query):
            grouped[row.case_id].append(row.incident_key)
        return grouped


@dataclass(frozen=True)
class _Kept:
    """What a rebuild must not overwrite: people's consent, and when the case was first seen."""

    disclosure: Disclosure
    consent_note: str | None
    created_at: dt.datetime


def _refuse_repeated_ids(new_cases: Sequence[Case]) -> None:
    counts = Counter(case.id for case in new_cases)
    repeated = sorted(case_id for case_id, n in counts.items() if n > 1)
    if repeated:
        raise ValidationError(
            [f"case id {case_id!r} appears more than once" for case_id in repeated]
        )
