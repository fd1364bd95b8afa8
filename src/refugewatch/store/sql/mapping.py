"""Explicit row <-> dataclass conversions: the domain never sees SQLAlchemy, tables never see enums.

Every function here is pure. Rows come in as mappings (SQLAlchemy RowMapping or plain dicts) and go
out as plain dicts ready for insert().
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from refugewatch.errors import StorageError
from refugewatch.model.cases import (
    Case,
    CaseState,
    ChoiceRule,
    Conflict,
    ConflictOption,
    Disclosure,
    SubGroup,
    TimelineEntry,
)
from refugewatch.model.claims import Claim, ClaimKind, Evidence, ReviewState, Scalar
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate, Precision
from refugewatch.model.documents import Document, Sensitivity, SourceType
from refugewatch.model.extraction import Confidence, CustodyStep, Span, Status
from refugewatch.model.places import Place, PlaceKind
from refugewatch.store.protocols import (
    SEALED_FLAG,
    SEALED_TEXT_PLACEHOLDER,
    AuditEvent,
    Intervention,
    InterventionStatus,
    ReviewDecision,
)

Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict
Json = dict[str, Any]

# Bumped when the cached case-state JSON changes shape; older caches are refused, not misread.
CASE_STATE_FORMAT = 1


# --- scalars -------------------------------------------------------------------------------------


def utc(value: dt.datetime) -> dt.datetime:
    """Timestamps are stored in UTC; a naive one is ambiguous, so it is refused."""
    if value.tzinfo is None:
        raise StorageError(f"timestamp {value.isoformat()} has no time zone; record times in UTC")
    return value.astimezone(dt.UTC)


def scalar_values(values: Mapping[str, Scalar], what: str) -> dict[str, Scalar]:
    """A JSON-safe copy of claim values; NaN and infinity have no JSON form on PostgreSQL."""
    copy: dict[str, Scalar] = {}
    for key, value in values.items():
        if not isinstance(key, str):
            raise StorageError(f"{what}: value names must be text, got {key!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise StorageError(f"{what}: {key} is {value}, which cannot be stored; use None")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise StorageError(f"{what}: {key} is a {type(value).__name__}, not a plain value")
        copy[key] = value
    return copy


def plain_text(value: str, what: str) -> str:
    """PostgreSQL text cannot hold NUL; refuse it on every backend so both behave alike."""
    if "\x00" in value:
        raise StorageError(f"{what} contains a NUL character, which cannot be stored; remove it")
    return value


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def fuzzy_from_columns(earliest: Any, latest: Any, precision: str) -> FuzzyDate:
    return FuzzyDate(earliest, latest, Precision(precision))


# --- documents -----------------------------------------------------------------------------------


def document_row(document: Document, now: dt.datetime) -> Json:
    ingested_at = utc(document.ingested_at) if document.ingested_at is not None else now
    return {
        "sha256": document.sha256,
        "filename": document.filename,
        "media_type": document.media_type,
        "title": document.title,
        "url": document.url,
        "outlet": document.outlet,
        "collector": document.collector,
        "source_type": document.source_type.value,
        "published_earliest": document.published.earliest,
        "published_latest": document.published.latest,
        "published_precision": document.published.precision.value,
        "language": document.language,
        "clean_text": plain_text(document.clean_text, f"the text of {document.filename}"),
        "cleaner_version": document.cleaner_version,
        "sensitivity": document.sensitivity.value,
        "reliability": document.reliability,
        "encoding": document.encoding,
        "ingested_at": ingested_at,
        "ingested_by": document.ingested_by,
        "flags": list(document.flags),
    }


def original_row(document: Document) -> Json:
    return {"sha256": document.sha256, "bytes": document.original, "encrypted": False}


def sealed_document_rows(
    document: Document, original: bytes, clean_text: bytes, now: dt.datetime
) -> tuple[Json, Json]:
    """Rows for a confidential document: ciphertext only, a placeholder in the text column."""
    row = document_row(document, now)
    flags = [f for f in row["flags"] if f != SEALED_FLAG]
    row.update(
        clean_text=SEALED_TEXT_PLACEHOLDER,
        clean_text_ciphertext=clean_text,
        flags=[*flags, SEALED_FLAG],
    )
    return row, {"sha256": document.sha256, "bytes": original, "encrypted": True}


def original_bytes(sha256: str, row: Row | None) -> bytes:
    """The original bytes; empty for an encrypted original (the protection layer decrypts it)."""
    if row is None:
        raise StorageError(f"the original bytes of document {sha256[:12]} are missing")
    if row["encrypted"]:
        return b""
    return bytes(row["bytes"])


def document_from_row(row: Row, original: bytes) -> Document:
    return Document(
        sha256=row["sha256"],
        filename=row["filename"],
        media_type=row["media_type"],
        original=original,
        clean_text=row["clean_text"],
        cleaner_version=row["cleaner_version"],
        title=row["title"],
        url=row["url"],
        outlet=row["outlet"],
        collector=row["collector"],
        source_type=SourceType(row["source_type"]),
        published=fuzzy_from_columns(
            row["published_earliest"], row["published_latest"], row["published_precision"]
        ),
        language=row["language"],
        sensitivity=Sensitivity(row["sensitivity"]),
        reliability=row["reliability"],
        encoding=row["encoding"],
        ingested_at=row["ingested_at"],
        ingested_by=row["ingested_by"],
        flags=tuple(row["flags"]),
    )


# --- claims and review ---------------------------------------------------------------------------


def claim_row(claim: Claim, position: int) -> Json:
    what = f"claim {position} of document {claim.document_sha256[:12]}"
    return {
        "document_sha256": claim.document_sha256,
        "position": position,
        "id": claim.id,
        "kind": claim.kind.value,
        "values": scalar_values(claim.values, what),
        "evidence_start": claim.evidence.start,
        "evidence_end": claim.evidence.end,
        "evidence_quote": plain_text(claim.evidence.quote, f"the quote of {what}"),
        "cleaner_version": claim.evidence.cleaner_version,
        "date_earliest": claim.date.earliest,
        "date_latest": claim.date.latest,
        "date_precision": claim.date.precision.value,
        "confidence": claim.confidence.value,
        "rule": claim.rule,
        "incident_key": claim.incident_key,
        "seq": claim.seq,
        "sensitivity": claim.sensitivity.value,
        "reliability": claim.reliability,
        "fingerprint": claim.fingerprint,
    }


def claim_from_row(row: Row, decision: ReviewDecision | None) -> Claim:
    """The stored claim with the latest review decision for its fingerprint applied (wholesale)."""
    evidence = Evidence(
        document_sha256=row["document_sha256"],
        cleaner_version=row["cleaner_version"],
        start=row["evidence_start"],
        end=row["evidence_end"],
        quote=row["evidence_quote"],
    )
    return Claim(
        document_sha256=row["document_sha256"],
        kind=ClaimKind(row["kind"]),
        values=dict(row["values"]),
        evidence=evidence,
        date=fuzzy_from_columns(row["date_earliest"], row["date_latest"], row["date_precision"]),
        confidence=Confidence(row["confidence"]),
        rule=row["rule"],
        incident_key=row["incident_key"],
        seq=row["seq"],
        review=decision.state if decision else ReviewState.PROPOSED,
        edited_values=_edited(decision),
        sensitivity=Sensitivity(row["sensitivity"]),
        reliability=row["reliability"],
    )


def _edited(decision: ReviewDecision | None) -> dict[str, Scalar] | None:
    if decision is None or decision.edited_values is None:
        return None
    return dict(decision.edited_values)


def decision_row(decision: ReviewDecision, now: dt.datetime) -> Json:
    edited = decision.edited_values
    what = f"review of claim {decision.fingerprint[:12]}"
    return {
        "document_sha256": decision.document_sha256,
        "fingerprint": decision.fingerprint,
        "state": decision.state.value,
        "reviewer": decision.reviewer,
        "reason": decision.reason,
        "edited_values": scalar_values(edited, what) if edited is not None else None,
        "decided_at": utc(decision.decided_at) if decision.decided_at is not None else now,
    }


def decision_from_row(row: Row) -> ReviewDecision:
    edited = row["edited_values"]
    return ReviewDecision(
        document_sha256=row["document_sha256"],
        fingerprint=row["fingerprint"],
        state=ReviewState(row["state"]),
        reviewer=row["reviewer"],
        reason=row["reason"],
        edited_values=dict(edited) if edited is not None else None,
        decided_at=row["decided_at"],
    )


# --- cases ---------------------------------------------------------------------------------------


def case_row(case: Case, created_at: dt.datetime, now: dt.datetime) -> Json:
    return {
        "id": case.id,
        "label": case.label,
        "state": case_state_to_json(case.state),
        "disclosure": case.disclosure.value,
        "consent_note": case.consent_note,
        "created_at": created_at,
        "updated_at": now,
    }


def member_rows(case: Case) -> list[Json]:
    unique = dict.fromkeys(case.incident_keys)  # a key listed twice is one membership
    return [
        {"case_id": case.id, "incident_key": key, "position": position}
        for position, key in enumerate(unique)
    ]


def case_from_row(row: Row, incident_keys: Sequence[str]) -> Case:
    return Case(
        id=row["id"],
        label=row["label"],
        incident_keys=tuple(incident_keys),
        state=case_state_from_json(row["state"], row["id"]),
        disclosure=Disclosure(row["disclosure"]),
        consent_note=row["consent_note"],
    )


def case_state_to_json(state: CaseState) -> Json:
    return {
        "format": CASE_STATE_FORMAT,
        "size": _count_json(state.size),
        "status": state.status.value,
        "status_date": _fuzzy_json(state.status_date),
        "apprehended_date": _fuzzy_json(state.apprehended_date),
        "apprehended_place": state.apprehended_place,
        "apprehended_country": state.apprehended_country,
        "last_known_place": state.last_known_place,
        "custody_chain": [_step_json(step) for step in state.custody_chain],
        "vulnerable": [[kind, n] for kind, n in state.vulnerable],
        "conflicts": [_conflict_json(c) for c in state.conflicts],
        "timeline": [_entry_json(e) for e in state.timeline],
        "undated": [_entry_json(e) for e in state.undated],
        "subgroups": [_subgroup_json(g) for g in state.subgroups],
        "document_sha256s": list(state.document_sha256s),
    }


def case_state_from_json(data: Json, case_id: str) -> CaseState:
    if data.get("format") != CASE_STATE_FORMAT:
        raise StorageError(
            f"the stored state of case {case_id} is in an older format; rebuild the cases"
        )
    return CaseState(
        size=_count(data["size"]),
        status=Status(data["status"]),
        status_date=_fuzzy(data["status_date"]),
        apprehended_date=_fuzzy(data["apprehended_date"]),
        apprehended_place=data["apprehended_place"],
        apprehended_country=data["apprehended_country"],
        last_known_place=data["last_known_place"],
        custody_chain=tuple(_step(s) for s in data["custody_chain"]),
        vulnerable=tuple((str(kind), int(n)) for kind, n in data["vulnerable"]),
        conflicts=tuple(_conflict(c) for c in data["conflicts"]),
        timeline=tuple(_entry(e) for e in data["timeline"]),
        undated=tuple(_entry(e) for e in data["undated"]),
        subgroups=tuple(_subgroup(g) for g in data["subgroups"]),
        document_sha256s=tuple(data["document_sha256s"]),
    )


def _count_json(count: Count) -> Json:
    return {
        "low": count.low,
        "best": count.best,
        "high": count.high,
        "qualifier": count.qualifier.value,
    }


def _count(data: Json) -> Count:
    return Count(data["low"], data["best"], data["high"], Qualifier(data["qualifier"]))


def _fuzzy_json(date: FuzzyDate) -> Json:
    return {
        "earliest": _iso(date.earliest),
        "latest": _iso(date.latest),
        "precision": date.precision.value,
    }


def _fuzzy(data: Json) -> FuzzyDate:
    return FuzzyDate(_date(data["earliest"]), _date(data["latest"]), Precision(data["precision"]))


def _span_json(span: Span | None) -> Json | None:
    return None if span is None else {"start": span.start, "end": span.end, "quote": span.quote}


def _span(data: Json | None) -> Span | None:
    return None if data is None else Span(data["start"], data["end"], data["quote"])


def _step_json(step: CustodyStep) -> Json:
    return {
        "date": _fuzzy_json(step.date),
        "place": step.place,
        "country": step.country,
        "custodian": step.custodian,
        "evidence": _span_json(step.evidence),
    }


def _step(data: Json) -> CustodyStep:
    return CustodyStep(
        date=_fuzzy(data["date"]),
        place=data["place"],
        country=data["country"],
        custodian=data["custodian"],
        evidence=_span(data["evidence"]),
    )


def _conflict_json(conflict: Conflict) -> Json:
    options = [
        {
            "value": o.value,
            "claim_ids": list(o.claim_ids),
            "document_sha256s": list(o.document_sha256s),
        }
        for o in conflict.options
    ]
    return {
        "field": conflict.field,
        "options": options,
        "chosen": conflict.chosen,
        "rule": conflict.rule.value,
    }


def _conflict(data: Json) -> Conflict:
    options = tuple(
        ConflictOption(o["value"], tuple(o["claim_ids"]), tuple(o["document_sha256s"]))
        for o in data["options"]
    )
    return Conflict(data["field"], options, data["chosen"], ChoiceRule(data["rule"]))


def _entry_json(entry: TimelineEntry) -> Json:
    return {
        "date": _fuzzy_json(entry.date),
        "kind": entry.kind,
        "description": entry.description,
        "claim_id": entry.claim_id,
        "document_sha256": entry.document_sha256,
    }


def _entry(data: Json) -> TimelineEntry:
    return TimelineEntry(
        _fuzzy(data["date"]),
        data["kind"],
        data["description"],
        data["claim_id"],
        data["document_sha256"],
    )


def _subgroup_json(group: SubGroup) -> Json:
    return {
        "label": group.label,
        "count": _count_json(group.count),
        "status": group.status.value,
        "claim_ids": list(group.claim_ids),
    }


def _subgroup(data: Json) -> SubGroup:
    return SubGroup(
        data["label"], _count(data["count"]), Status(data["status"]), tuple(data["claim_ids"])
    )


# --- audit ---------------------------------------------------------------------------------------


def audit_row(event: AuditEvent) -> Json:
    """The stored form of a chained event (seq, at, prev_hash and hash already filled in)."""
    return {
        "seq": event.seq,
        "at": event.at,
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "details": scalar_values(event.details, f"audit event {event.action}"),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def audit_from_row(row: Row) -> AuditEvent:
    return AuditEvent(
        actor=row["actor"],
        action=row["action"],
        target=row["target"],
        before=row["before"],
        after=row["after"],
        reason=row["reason"],
        at=row["at"],
        seq=row["seq"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        details=dict(row["details"]),
    )


# --- gazetteer -----------------------------------------------------------------------------------


def place_row(place: Place) -> Json:
    return {
        "id": place.id,
        "name": place.name,
        "country": place.country,
        "province": place.province,
        "kind": place.kind.value,
        "lat": place.lat,
        "lon": place.lon,
        "border_km": place.border_km,
        "staging_point": place.staging_point,
        "aliases": list(place.aliases),
        "source": place.source,
    }


def place_from_row(row: Row) -> Place:
    return Place(
        id=row["id"],
        name=row["name"],
        country=row["country"],
        kind=PlaceKind(row["kind"]),
        province=row["province"],
        lat=row["lat"],
        lon=row["lon"],
        aliases=tuple(row["aliases"]),
        border_km=row["border_km"],
        staging_point=bool(row["staging_point"]),
        source=row["source"],
    )


# --- interventions -------------------------------------------------------------------------------


def intervention_row(intervention: Intervention, created_at: dt.datetime) -> Json:
    what = f"intervention {intervention.id}"
    return {
        "id": intervention.id,
        "case_id": intervention.case_id,
        "kind": intervention.kind,
        "status": intervention.status.value,
        "sender": plain_text(intervention.sender, f"{what}: sender"),
        "addressees": [plain_text(a, f"{what}: addressee") for a in intervention.addressees],
        "date": intervention.date,
        "body": plain_text(intervention.body, f"{what}: body"),
        "reply": plain_text(intervention.reply, f"{what}: reply") if intervention.reply else None,
        "created_at": utc(created_at),
    }


def intervention_from_row(row: Row) -> Intervention:
    return Intervention(
        id=row["id"],
        case_id=row["case_id"],
        kind=row["kind"],
        status=InterventionStatus(row["status"]),
        sender=row["sender"],
        addressees=tuple(row["addressees"] or ()),
        body=row["body"],
        date=row["date"],
        reply=row["reply"],
        created_at=row["created_at"],
    )
