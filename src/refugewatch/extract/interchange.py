"""The interchange JSON of ../shared/corpus/README.md, written from an Extraction.

Each incident and statistic also carries `evidence_start`, `evidence_end`, `confidence` and
`rule`; the scorer ignores these keys, reviewers and the linker use them.
"""

from __future__ import annotations

from collections.abc import Sequence

from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import CustodyStep, Extraction, Incident, Statistic

# Qualifier written for a count whose qualifier is unknown (the schema has no "unknown" for stats).
_STAT_UNKNOWN_QUALIFIER = "exact"


def to_interchange(
    doc_name: str,
    published: FuzzyDate,
    language: str | None,
    extraction: Extraction,
    *,
    case_ids: Sequence[str | None] | None = None,
    same_case_as: Sequence[str] = (),
) -> dict[str, object]:
    """One document's extraction as the corpus JSON schema (plus evidence offsets and rules)."""
    ids = list(case_ids) if case_ids is not None else [None] * len(extraction.incidents)
    if len(ids) != len(extraction.incidents):
        raise ValueError("case_ids must give one entry per incident")
    return {
        "doc": doc_name,
        "published": published.to_edtf(),
        "language": language,
        "incidents": [
            incident_json(inc, case_id)
            for inc, case_id in zip(extraction.incidents, ids, strict=True)
        ],
        "statistics": [statistic_json(s) for s in extraction.statistics],
        "same_case_as": list(same_case_as),
        "flags": list(extraction.flags),
    }


def incident_json(incident: Incident, case_id: str | None = None) -> dict[str, object]:
    out: dict[str, object] = {
        "people": incident.people.headline,
        "people_qualifier": incident.people.qualifier.value,
        "people_low": incident.people.low,
        "people_high": incident.people.high,
        "nationality": incident.nationality,
        "apprehended_date": incident.apprehended_date.to_edtf(),
        "apprehended_place": incident.apprehended_place,
        "apprehended_country": incident.apprehended_country,
        "apprehended_by": incident.apprehended_by,
        "custody_chain": [_step_json(step) for step in incident.custody_chain],
        "status": incident.status.value,
        "status_date": incident.status_date.to_edtf(),
        "last_known_place": incident.last_known_place,
        "vulnerable": {kind.value: count for kind, count in incident.vulnerable},
        "evidence": incident.evidence.quote,
        "evidence_start": incident.evidence.start,
        "evidence_end": incident.evidence.end,
        "confidence": incident.confidence.value,
        "rule": incident.rule,
    }
    if incident.subset_of is not None:
        out["subset_of"] = incident.subset_of
    if case_id is not None:
        out["case_id"] = case_id
    return out


def _step_json(step: CustodyStep) -> dict[str, object]:
    return {
        "date": step.date.to_edtf(),
        "place": step.place,
        "country": step.country,
        "custodian": step.custodian,
    }


def statistic_json(stat: Statistic) -> dict[str, object]:
    qualifier = stat.count.qualifier.value
    return {
        "measure": stat.measure.value,
        "count": stat.count.headline,
        "qualifier": _STAT_UNKNOWN_QUALIFIER if qualifier == "unknown" else qualifier,
        "count_low": stat.count.low,
        "count_high": stat.count.high,
        "period_start": stat.period_start.to_edtf(),
        "period_end": stat.period_end.to_edtf(),
        "place": stat.place,
        "evidence": stat.evidence.quote,
        "evidence_start": stat.evidence.start,
        "evidence_end": stat.evidence.end,
        "confidence": stat.confidence.value,
        "rule": stat.rule,
    }
