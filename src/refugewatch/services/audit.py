"""Recording writes as audit events (the hash chain itself lives in the store)."""

from __future__ import annotations

import datetime as dt
import json

from refugewatch.store.protocols import AuditEvent, UnitOfWork


def record(
    uow: UnitOfWork,
    actor: str,
    action: str,
    target: str,
    *,
    before: object = None,
    after: object = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event inside the caller's transaction, so the write and its record commit together."""
    return uow.audit.append(
        AuditEvent(
            actor=actor,
            action=action,
            target=target,
            before=_as_json(before),
            after=_as_json(after),
            reason=reason,
            at=dt.datetime.now(dt.UTC),
        )
    )


def _as_json(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
