"""Plain-JSON views of domain objects for `--json` output and scripts (no secrets, no blobs)."""

from __future__ import annotations

from refugewatch.model.cases import Case, CaseState, TimelineEntry
from refugewatch.model.claims import Claim
from refugewatch.model.documents import Document
from refugewatch.services.queries import CaseDetail


def case_summary_json(case: Case) -> dict[str, object]:
    s = case.state
    return {
        "id": case.id,
        "label": case.label,
        "size": s.size.describe(),
        "people_low": s.size.low,
        "people_best": s.size.best,
        "people_high": s.size.high,
        "status": s.status.value,
        "status_date": s.status_date.to_edtf(),
        "apprehended": s.apprehended_date.to_edtf(),
        "apprehended_place": s.apprehended_place,
        "last_known_place": s.last_known_place,
        "sources": len(s.document_sha256s),
        "disclosure": case.disclosure.value,
    }


def case_json(detail: CaseDetail) -> dict[str, object]:
    data = case_summary_json(detail.case)
    data.update(_state_lists(detail.case.state))
    data["sources"] = [document_json(d) for d in detail.documents]
    data["claims"] = [claim_json(c) for c in detail.claims]
    data["history"] = [
        {"at": e.at.isoformat() if e.at else None, "actor": e.actor, "action": e.action}
        for e in detail.history
    ]
    return data


def _state_lists(s: CaseState) -> dict[str, object]:
    return {
        "custody_chain": [
            {
                "date": t.date.to_edtf(),
                "place": t.place,
                "country": t.country,
                "custodian": t.custodian,
            }
            for t in s.custody_chain
        ],
        "vulnerable": [{"kind": k, "count": n} for k, n in s.vulnerable],
        "conflicts": [
            {
                "field": c.field,
                "chosen": c.chosen,
                "rule": c.rule.value,
                "options": [
                    {"value": o.value, "documents": [d[:12] for d in o.document_sha256s]}
                    for o in c.options
                ],
            }
            for c in s.conflicts
        ],
        "timeline": [_entry(e) for e in s.timeline],
        "undated": [_entry(e) for e in s.undated],
        "subgroups": [
            {"label": g.label, "size": g.count.describe(), "status": g.status.value}
            for g in s.subgroups
        ],
    }


def _entry(e: TimelineEntry) -> dict[str, object]:
    return {
        "date": e.date.to_edtf(),
        "kind": e.kind,
        "description": e.description,
        "document": e.document_sha256[:12],
    }


def claim_json(claim: Claim) -> dict[str, object]:
    return {
        "id": claim.id,
        "kind": claim.kind.value,
        "values": dict(claim.effective_values),
        "date": claim.date.to_edtf(),
        "precision": claim.date.precision.value,
        "confidence": claim.confidence.value,
        "rule": claim.rule,
        "review": claim.review.value,
        "document": claim.document_sha256,
        "evidence": {
            "start": claim.evidence.start,
            "end": claim.evidence.end,
            "quote": claim.evidence.quote,
        },
    }


def document_json(document: Document) -> dict[str, object]:
    return {
        "id": document.sha256,
        "filename": document.filename,
        "title": document.title,
        "url": document.url,
        "outlet": document.outlet,
        "published": document.published.to_edtf(),
        "published_precision": document.published.precision.value,
        "language": document.language,
        "media_type": document.media_type,
        "source_type": document.source_type.value,
        "sensitivity": document.sensitivity.value,
        "reliability": document.reliability,
    }
