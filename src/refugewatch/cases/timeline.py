"""Timeline: every dated claim of a case in date order, each with its source; undated apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from refugewatch.cases.values import claim_date, people_count, status_value, text_value
from refugewatch.model.cases import TimelineEntry
from refugewatch.model.claims import Claim, ClaimKind

# Same-day entries read in the order events happen: arrest, move, then what was reported.
KIND_ORDER = {kind: n for n, kind in enumerate(ClaimKind)}


def timeline(
    claims: Sequence[Claim],
) -> tuple[tuple[TimelineEntry, ...], tuple[TimelineEntry, ...]]:
    """(dated entries in order, undated entries) for the claims given."""
    entries = [_entry(c) for c in claims]
    dated = [e for e in entries if e.date.is_known]
    undated = [e for e in entries if not e.date.is_known]
    dated.sort(key=_dated_order)
    undated.sort(key=lambda e: (KIND_ORDER[ClaimKind(e.kind)], e.claim_id))
    return tuple(dated), tuple(undated)


def _dated_order(entry: TimelineEntry) -> tuple[dt.date, dt.date, int, str]:
    earliest, latest = entry.date.earliest or dt.date.min, entry.date.latest or dt.date.max
    return (earliest, latest, KIND_ORDER[ClaimKind(entry.kind)], entry.claim_id)


def _entry(claim: Claim) -> TimelineEntry:
    return TimelineEntry(
        date=claim_date(claim),
        kind=claim.kind.value,
        description=describe(claim),
        claim_id=claim.id,
        document_sha256=claim.document_sha256,
    )


def describe(claim: Claim) -> str:
    """A short, name-free sentence for the claim."""
    return _DESCRIBERS.get(claim.kind, _describe_other)(claim)


def _where(claim: Claim) -> str:
    place, country = text_value(claim, "place"), text_value(claim, "country")
    if place and country:
        return f" in {place} ({country})"
    return f" in {place or country}" if place or country else ""


def _by(claim: Claim) -> str:
    custodian = text_value(claim, "custodian")
    return f" by {custodian}" if custodian else ""


def _describe_apprehension(claim: Claim) -> str:
    people = people_count(claim)
    subject = f"{people.describe()} people".replace("an unknown number people", "people")
    if people.headline == 1 and people.describe() == "1":
        subject = "1 person"
    sentence = f"{subject} apprehended{_where(claim)}{_by(claim)}"
    return sentence[:1].upper() + sentence[1:]


def _describe_transfer(claim: Claim) -> str:
    place, country = text_value(claim, "place"), text_value(claim, "country")
    target = f"{place} ({country})" if place and country else place or country or "an unknown place"
    return f"Moved to {target}{_by(claim)}"


def _describe_status(claim: Claim) -> str:
    status = status_value(claim).value.replace("_", " ")
    place = text_value(claim, "last_known_place")
    return f"Reported {status}" + (f", last known at {place}" if place else "")


def _describe_vulnerability(claim: Claim) -> str:
    kind = (text_value(claim, "kind") or "vulnerable members").replace("_", " ")
    count = text_value(claim, "count")
    return f"Vulnerable members: {count} {kind}" if count else f"Vulnerable members: {kind}"


def _describe_other(claim: Claim) -> str:
    return claim.kind.value.capitalize()


_DESCRIBERS: dict[ClaimKind, Callable[[Claim], str]] = {
    ClaimKind.APPREHENSION: _describe_apprehension,
    ClaimKind.TRANSFER: _describe_transfer,
    ClaimKind.STATUS: _describe_status,
    ClaimKind.VULNERABILITY: _describe_vulnerability,
}
