"""Rebuild cases from stored claims: link incidents across documents, fold claims into case state."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from refugewatch.cases import build_cases
from refugewatch.link import LinkItem, link_incidents
from refugewatch.model.cases import Case
from refugewatch.model.claims import Claim, incident_from_claims
from refugewatch.model.documents import Document
from refugewatch.services.audit import record
from refugewatch.store.protocols import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class RebuildReport:
    cases: int
    incidents: int
    documents: int


def link_items(documents: Sequence[Document], claims: Sequence[Claim]) -> list[LinkItem]:
    """One LinkItem per extracted incident, rebuilt from its (reviewed) claims."""
    by_doc = {d.sha256: d for d in documents}
    grouped: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.incident_key:
            grouped[claim.incident_key].append(claim)
    items = []
    for key in sorted(grouped):
        incident = incident_from_claims(grouped[key])
        document = by_doc.get(grouped[key][0].document_sha256)
        if incident is None or document is None:
            continue
        items.append(
            LinkItem(
                key=key,
                document=document.sha256,
                published=document.published,
                outlet=document.collector or document.outlet,
                incident=incident,
                context=incident.evidence.quote,
            )
        )
    return items


def compute_cases(documents: Sequence[Document], claims: Sequence[Claim]) -> list[Case]:
    """Pure: documents + claims -> cases. Same inputs, same cases."""
    clusters = link_incidents(link_items(documents, claims))
    outlets = {d.sha256: o for d in documents if (o := d.collector or d.outlet)}
    published = {d.sha256: d.published for d in documents}
    return build_cases(clusters, claims, outlets=outlets, published=published)


def rebuild_cases(uow_factory: UowFactory, actor: str) -> RebuildReport:
    with uow_factory() as uow:
        documents = uow.documents.list()
        claims = uow.claims.list()
        cases = compute_cases(documents, claims)
        uow.cases.replace_all(cases)
        incidents = sum(len(c.incident_keys) for c in cases)
        record(
            uow, actor, "cases.rebuild", "*", after={"cases": len(cases), "incidents": incidents}
        )
        uow.commit()
    return RebuildReport(cases=len(cases), incidents=incidents, documents=len(documents))
