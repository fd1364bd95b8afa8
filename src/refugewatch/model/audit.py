"""Audit events and the one definition of their hash chain.

Every write is an event; each event's hash covers the previous event's hash and its own content,
so an edited, removed or reordered event breaks the chain. The store appends and checks the
chain; security signs its head. Both use the functions here, so they can never disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from refugewatch.errors import ValidationError

Scalar = str | int | float | bool | None

# What the first event chains onto.
GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    """One write, chained: `hash` covers `prev_hash` and this event's content."""

    actor: str
    action: str
    target: str
    before: str | None = None  # JSON (hashes only for confidential values)
    after: str | None = None
    reason: str | None = None
    at: dt.datetime | None = None
    seq: int | None = None
    prev_hash: str | None = None
    hash: str | None = None
    details: dict[str, Scalar] = field(default_factory=dict)


def canonical_event_json(event: AuditEvent) -> str:
    """The exact text hashed: every field but the hashes, sorted keys, no whitespace, UTC time."""
    if event.at is None or event.seq is None:
        raise ValidationError(["an audit event is hashed only once its seq and time are set"])
    if event.at.tzinfo is None:
        raise ValidationError([f"audit event {event.seq} has a time without a time zone"])
    content = {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "details": dict(event.details),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical_event_json(event)).encode()).hexdigest()
