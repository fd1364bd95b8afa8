"""JSON shapes of the API (documented in /openapi.json) and their conversion from domain objects.

Dates keep their precision and bounds; counts keep low/best/high and the qualifier; nothing is
rounded into a bare number. Original file bytes are never sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from refugewatch.model.cases import Case, Conflict, SubGroup, TimelineEntry
from refugewatch.model.claims import Claim, Scalar
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Document
from refugewatch.model.extraction import CustodyStep, Span
from refugewatch.services.cases import RebuildReport
from refugewatch.services.ingest import FileResult
from refugewatch.services.queries import CaseDetail, Dashboard, DocumentDetail
from refugewatch.store.protocols import AuditEvent


class DateOut(BaseModel):
    edtf: str | None = Field(description="YYYY-MM-DD, YYYY-MM or YYYY at the stated precision")
    earliest: dt.date | None
    latest: dt.date | None
    precision: str = Field(description="day | month | year | range | unknown")


class CountOut(BaseModel):
    low: int | None
    best: int | None
    high: int | None
    qualifier: str = Field(description="exact | at_least | about | up_to | unknown")
    text: str = Field(description="the count as a sentence would say it")


class SpanOut(BaseModel):
    start: int
    end: int
    quote: str


class EvidenceOut(SpanOut):
    document_sha256: str
    cleaner_version: str


class ClaimOut(BaseModel):
    id: str
    kind: str
    values: dict[str, Scalar] = Field(description="as extracted")
    effective_values: dict[str, Scalar] = Field(description="after a reviewer's edit, if any")
    date: DateOut
    confidence: str
    rule: str
    review: str
    incident_key: str | None
    seq: int
    sensitivity: str
    reliability: str | None
    evidence: EvidenceOut


class DocumentSummaryOut(BaseModel):
    sha256: str
    filename: str
    title: str | None
    media_type: str
    url: str | None
    outlet: str | None
    collector: str | None
    source_type: str
    published: DateOut
    language: str | None
    sensitivity: str
    reliability: str
    ingested_at: dt.datetime | None
    ingested_by: str | None
    flags: list[str]


class DocumentOut(DocumentSummaryOut):
    cleaner_version: str
    encoding: str | None
    clean_text: str
    claims: list[ClaimOut]
    case_ids: list[str]


class CustodyStepOut(BaseModel):
    date: DateOut
    place: str | None
    country: str | None
    custodian: str | None
    evidence: SpanOut | None


class VulnerableOut(BaseModel):
    kind: str
    count: int


class ConflictOptionOut(BaseModel):
    value: str
    claim_ids: list[str]
    document_sha256s: list[str]


class ConflictOut(BaseModel):
    field: str
    chosen: str
    rule: str = Field(description="which rule picked the displayed value")
    options: list[ConflictOptionOut]


class TimelineEntryOut(BaseModel):
    date: DateOut
    kind: str
    description: str
    claim_id: str
    document_sha256: str


class SubGroupOut(BaseModel):
    label: str
    size: CountOut
    status: str
    claim_ids: list[str]


class AuditEventOut(BaseModel):
    seq: int | None
    at: dt.datetime | None
    actor: str
    action: str
    target: str
    reason: str | None
    hash: str | None


class CaseSummaryOut(BaseModel):
    id: str
    label: str
    size: CountOut
    status: str
    status_date: DateOut
    apprehended_date: DateOut
    apprehended_place: str | None
    apprehended_country: str | None
    last_known_place: str | None
    sources: int = Field(description="number of documents reporting the case")
    disclosure: str = Field(description="consent: none | un_only | partners | public")


class CaseOut(CaseSummaryOut):
    consent_note: str | None
    incident_keys: list[str]
    custody_chain: list[CustodyStepOut]
    vulnerable: list[VulnerableOut]
    conflicts: list[ConflictOut]
    timeline: list[TimelineEntryOut]
    undated: list[TimelineEntryOut]
    subgroups: list[SubGroupOut]
    documents: list[DocumentSummaryOut]
    claims: list[ClaimOut]
    history: list[AuditEventOut]


class DashboardOut(BaseModel):
    cases_by_status: dict[str, int]
    active_cases: list[CaseSummaryOut]
    newest_documents: list[DocumentSummaryOut]
    document_count: int


class FileResultOut(BaseModel):
    name: str
    outcome: str = Field(description="ingested | duplicate | refused")
    sha256: str | None
    reason: str | None
    claims: int


class RebuildOut(BaseModel):
    cases: int
    incidents: int
    documents: int


class UploadOut(BaseModel):
    results: list[FileResultOut]
    rebuild: RebuildOut | None = Field(description="set when something new was ingested")


class CsrfOut(BaseModel):
    token: str
    header: str


class ErrorBody(BaseModel):
    type: str
    message: str
    problems: list[str]


class ErrorOut(BaseModel):
    error: ErrorBody


def date_out(date: FuzzyDate) -> DateOut:
    return DateOut(
        edtf=date.to_edtf(),
        earliest=date.earliest,
        latest=date.latest,
        precision=date.precision.value,
    )


def count_out(count: Count) -> CountOut:
    return CountOut(
        low=count.low,
        best=count.best,
        high=count.high,
        qualifier=count.qualifier.value,
        text=count.describe(),
    )


def claim_out(claim: Claim) -> ClaimOut:
    ev = claim.evidence
    return ClaimOut(
        id=claim.id,
        kind=claim.kind.value,
        values=dict(claim.values),
        effective_values=dict(claim.effective_values),
        date=date_out(claim.date),
        confidence=claim.confidence.value,
        rule=claim.rule,
        review=claim.review.value,
        incident_key=claim.incident_key,
        seq=claim.seq,
        sensitivity=claim.sensitivity.value,
        reliability=claim.reliability,
        evidence=EvidenceOut(
            start=ev.start,
            end=ev.end,
            quote=ev.quote,
            document_sha256=ev.document_sha256,
            cleaner_version=ev.cleaner_version,
        ),
    )


def document_summary_out(doc: Document) -> DocumentSummaryOut:
    return DocumentSummaryOut(**_document_fields(doc))


def _document_fields(doc: Document) -> dict[str, Any]:
    return {
        "sha256": doc.sha256,
        "filename": doc.filename,
        "title": doc.title,
        "media_type": doc.media_type,
        "url": doc.url,
        "outlet": doc.outlet,
        "collector": doc.collector,
        "source_type": doc.source_type.value,
        "published": date_out(doc.published),
        "language": doc.language,
        "sensitivity": doc.sensitivity.value,
        "reliability": doc.reliability,
        "ingested_at": doc.ingested_at,
        "ingested_by": doc.ingested_by,
        "flags": list(doc.flags),
    }


def document_out(detail: DocumentDetail) -> DocumentOut:
    doc = detail.document
    return DocumentOut(
        **_document_fields(doc),
        cleaner_version=doc.cleaner_version,
        encoding=doc.encoding,
        clean_text=doc.clean_text,
        claims=[claim_out(c) for c in detail.claims],
        case_ids=list(detail.case_ids),
    )


def case_summary_out(case: Case) -> CaseSummaryOut:
    return CaseSummaryOut(**_case_fields(case))


def _case_fields(case: Case) -> dict[str, Any]:
    s = case.state
    return {
        "id": case.id,
        "label": case.label,
        "size": count_out(s.size),
        "status": s.status.value,
        "status_date": date_out(s.status_date),
        "apprehended_date": date_out(s.apprehended_date),
        "apprehended_place": s.apprehended_place,
        "apprehended_country": s.apprehended_country,
        "last_known_place": s.last_known_place,
        "sources": len(s.document_sha256s),
        "disclosure": case.disclosure.value,
    }


def case_out(detail: CaseDetail) -> CaseOut:
    case, s = detail.case, detail.case.state
    return CaseOut(
        **_case_fields(case),
        consent_note=case.consent_note,
        incident_keys=list(case.incident_keys),
        custody_chain=[custody_step_out(step) for step in s.custody_chain],
        vulnerable=[VulnerableOut(kind=str(k), count=n) for k, n in s.vulnerable],
        conflicts=[conflict_out(c) for c in s.conflicts],
        timeline=[timeline_entry_out(e) for e in s.timeline],
        undated=[timeline_entry_out(e) for e in s.undated],
        subgroups=[subgroup_out(g) for g in s.subgroups],
        documents=[document_summary_out(d) for d in detail.documents],
        claims=[claim_out(c) for c in detail.claims],
        history=[audit_event_out(e) for e in detail.history],
    )


def custody_step_out(step: CustodyStep) -> CustodyStepOut:
    return CustodyStepOut(
        date=date_out(step.date),
        place=step.place,
        country=step.country,
        custodian=step.custodian,
        evidence=span_out(step.evidence) if step.evidence else None,
    )


def span_out(span: Span) -> SpanOut:
    return SpanOut(start=span.start, end=span.end, quote=span.quote)


def conflict_out(conflict: Conflict) -> ConflictOut:
    return ConflictOut(
        field=conflict.field,
        chosen=conflict.chosen,
        rule=conflict.rule.value,
        options=[
            ConflictOptionOut(
                value=o.value,
                claim_ids=list(o.claim_ids),
                document_sha256s=list(o.document_sha256s),
            )
            for o in conflict.options
        ],
    )


def timeline_entry_out(entry: TimelineEntry) -> TimelineEntryOut:
    return TimelineEntryOut(
        date=date_out(entry.date),
        kind=entry.kind,
        description=entry.description,
        claim_id=entry.claim_id,
        document_sha256=entry.document_sha256,
    )


def subgroup_out(group: SubGroup) -> SubGroupOut:
    return SubGroupOut(
        label=group.label,
        size=count_out(group.count),
        status=group.status.value,
        claim_ids=list(group.claim_ids),
    )


def audit_event_out(event: AuditEvent) -> AuditEventOut:
    """Who did what when; before/after values stay in the log (they may hold hashes of secrets)."""
    return AuditEventOut(
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        action=event.action,
        target=event.target,
        reason=event.reason,
        hash=event.hash,
    )


def dashboard_out(board: Dashboard) -> DashboardOut:
    return DashboardOut(
        cases_by_status=dict(board.cases_by_status),
        active_cases=[case_summary_out(c) for c in board.active_cases],
        newest_documents=[document_summary_out(d) for d in board.newest_documents],
        document_count=board.document_count,
    )


def upload_out(results: list[FileResult], rebuild: RebuildReport | None) -> UploadOut:
    return UploadOut(
        results=[
            FileResultOut(
                name=r.name,
                outcome=r.outcome.value,
                sha256=r.sha256,
                reason=r.reason,
                claims=r.claims,
            )
            for r in results
        ],
        rebuild=RebuildOut(
            cases=rebuild.cases, incidents=rebuild.incidents, documents=rebuild.documents
        )
        if rebuild
        else None,
    )
