"""The audit log: every write as an event in a hash chain, so an edited or removed row shows.

hash = sha256(prev_hash + canonical JSON of the event); the first event chains to GENESIS_HASH.
Appends take a lock first (PostgreSQL: table lock; SQLite: the unit of work's BEGIN IMMEDIATE),
so two writers can never both chain onto the same predecessor.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import replace

import sqlalchemy as sa

from refugewatch.model.audit import GENESIS_HASH, AuditEvent, chain_hash
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder
from refugewatch.store.sql.tables import audit_events


class SqlAuditLog:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def append(self, event: AuditEvent) -> AuditEvent:
        """Chain and store the event; returns it with seq, at, prev_hash and hash filled in."""
        self._lock()
        last = self._db.execute(
            sa.select(audit_events.c.seq, audit_events.c.hash)
            .order_by(audit_events.c.seq.desc())
            .limit(1)
        ).first()
        prev_hash = last.hash if last is not None else GENESIS_HASH
        chained = replace(
            event,
            seq=(last.seq if last is not None else 0) + 1,
            at=mapping.utc(event.at) if event.at is not None else self._db.clock(),
            prev_hash=prev_hash,
            hash=None,
        )
        chained = replace(chained, hash=chain_hash(prev_hash, chained))
        self._db.execute(audit_events.insert(), mapping.audit_row(chained))
        return chained

    def list(self, target: str | None = None) -> list[AuditEvent]:
        """Events in the order they were written (optionally only those about one target)."""
        return list(self._events(target))

    def verify_chain(self) -> builtins.list[str]:
        """Every break in the chain, in words; an empty list means no tampering was found.

        Catches edited rows (hash no longer matches), removed or reordered rows (a gap in seq, or
        prev_hash not the hash before). Cutting events off the end needs the signed checkpoints.
        """
        problems: builtins.list[str] = []
        expected_seq, prev_hash = 1, GENESIS_HASH
        for event in self._events(None):
            problems.extend(_check(event, expected_seq, prev_hash))
            expected_seq = (event.seq or 0) + 1
            prev_hash = event.hash or ""
        return problems

    def _events(self, target: str | None) -> Iterator[AuditEvent]:
        query = sa.select(audit_events).order_by(audit_events.c.seq)
        if target is not None:
            query = query.where(audit_events.c.target == target)
        for row in self._db.execute(query).mappings():
            yield mapping.audit_from_row(row)

    def _lock(self) -> None:
        if self._db.dialect == "postgresql":
            # EXCLUSIVE blocks other appends until commit but lets readers through.
            self._db.execute(sa.text("LOCK TABLE audit_events IN EXCLUSIVE MODE"))


def _check(event: AuditEvent, expected_seq: int, prev_hash: str) -> list[str]:
    problems: list[str] = []
    if event.seq != expected_seq:
        last_missing = (event.seq or 0) - 1
        missing = (
            str(expected_seq) if last_missing == expected_seq else f"{expected_seq}-{last_missing}"
        )
        problems.append(f"event {event.seq}: event(s) {missing} missing before it")
    if event.prev_hash != prev_hash:
        problems.append(f"event {event.seq}: does not chain onto the event before it")
    if event.hash != chain_hash(event.prev_hash or "", event):
        problems.append(f"event {event.seq}: content changed after it was written")
    return problems
