"""Extracted claims and the reviewers' decisions about them.

Decisions are keyed by (document, fingerprint), not by row, so they survive re-extraction; every
read applies the latest decision for each claim.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from refugewatch.errors import ValidationError
from refugewatch.model.claims import Claim, ClaimKind, ReviewState
from refugewatch.store.protocols import ReviewDecision
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder
from refugewatch.store.sql.tables import claims, review_decisions

DecisionKey = tuple[str, str]  # (document sha256, claim fingerprint)


class SqlClaimRepository:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def replace_for_document(self, document_sha256: str, claims_: Sequence[Claim]) -> None:
        """Swap a document's extracted claims; review decisions (by fingerprint) are untouched."""
        strangers = [c for c in claims_ if c.document_sha256 != document_sha256]
        if strangers:
            raise ValidationError(
                [
                    f"claim {c.id} belongs to document {c.document_sha256[:12]}, "
                    f"not {document_sha256[:12]}"
                    for c in strangers
                ]
            )
        self._db.execute(claims.delete().where(claims.c.document_sha256 == document_sha256))
        rows = [mapping.claim_row(claim, position) for position, claim in enumerate(claims_)]
        if rows:
            self._db.execute(claims.insert(), rows)

    def for_document(self, document_sha256: str) -> list[Claim]:
        query = (
            sa.select(claims)
            .where(claims.c.document_sha256 == document_sha256)
            .order_by(claims.c.position)
        )
        latest = self._latest_decisions(review_decisions.c.document_sha256 == document_sha256)
        return self._claims(query, latest)

    def list(self, kind: ClaimKind | None = None) -> list[Claim]:
        """Every claim (of one kind), by document and extraction order, with decisions applied."""
        query = sa.select(claims).order_by(claims.c.document_sha256, claims.c.position)
        if kind is not None:
            query = query.where(claims.c.kind == kind.value)
        return self._claims(query, self._latest_decisions())

    def get(self, claim_id: str) -> Claim | None:
        query = (
            sa.select(claims)
            .where(claims.c.id == claim_id)
            .order_by(claims.c.document_sha256, claims.c.position)
            .limit(1)
        )
        row = self._db.execute(query).mappings().first()
        if row is None:
            return None
        latest = self._latest_decisions(
            review_decisions.c.document_sha256 == row["document_sha256"],
            review_decisions.c.fingerprint == row["fingerprint"],
        )
        return mapping.claim_from_row(row, latest.get((row["document_sha256"], row["fingerprint"])))

    def record_decision(self, decision: ReviewDecision) -> None:
        """Append a decision; it overrides earlier ones for the same claim from now on."""
        _check_decision(decision)
        self._db.execute(
            review_decisions.insert(), mapping.decision_row(decision, self._db.clock())
        )

    def decisions(self) -> builtins.list[ReviewDecision]:
        """Every decision ever recorded, oldest first (the review history)."""
        return list(self._decisions_in_order())

    def _claims(
        self, query: sa.Select[tuple[object, ...]], latest: dict[DecisionKey, ReviewDecision]
    ) -> builtins.list[Claim]:
        return [
            mapping.claim_from_row(row, latest.get((row["document_sha256"], row["fingerprint"])))
            for row in self._db.execute(query).mappings()
        ]

    def _latest_decisions(
        self, *where: sa.ColumnElement[bool]
    ) -> dict[DecisionKey, ReviewDecision]:
        latest: dict[DecisionKey, ReviewDecision] = {}
        for decision in self._decisions_in_order(*where):
            latest[(decision.document_sha256, decision.fingerprint)] = decision  # later wins
        return latest

    def _decisions_in_order(self, *where: sa.ColumnElement[bool]) -> Iterable[ReviewDecision]:
        query = (
            sa.select(review_decisions)
            .where(*where)
            .order_by(review_decisions.c.decided_at, review_decisions.c.id)
        )
        for row in self._db.execute(query).mappings():
            yield mapping.decision_from_row(row)


def _check_decision(decision: ReviewDecision) -> None:
    edits = decision.edited_values is not None
    if decision.state is ReviewState.EDITED and not edits:
        raise ValidationError(["an 'edited' decision must carry the corrected values"])
    if decision.state is not ReviewState.EDITED and edits:
        raise ValidationError(
            [f"corrected values go with the 'edited' state, not {decision.state.value!r}"]
        )
