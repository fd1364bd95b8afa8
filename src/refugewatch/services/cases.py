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
from refugewatch.store.protocols import CaseOverride, OverrideKind, UnitOfWork

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


def compute_cases(
    documents: Sequence[Document],
    claims: Sequence[Claim],
    overrides: Sequence[CaseOverride] = (),
) -> list[Case]:
    """Pure: documents + claims (+ reviewers' overrides) -> cases. Same inputs, same cases."""
    clusters = apply_overrides(link_incidents(link_items(documents, claims)), overrides)
    outlets = {d.sha256: o for d in documents if (o := d.collector or d.outlet)}
    published = {d.sha256: d.published for d in documents}
    return build_cases(clusters, claims, outlets=outlets, published=published)


def apply_overrides(
    clusters: Sequence[Sequence[str]], overrides: Sequence[CaseOverride]
) -> list[list[str]]:
    """Replay reviewers' merges, splits and attachments, in order, on the linker's clusters.

    Overrides name incident keys; keys no longer present (a document removed, an apprehension
    rejected) are skipped, and an override with nothing left to act on changes nothing. The result
    is sorted like link_incidents' output, so case ids stay derived by case_id_for (smallest key).
    """
    groups = [set(cluster) for cluster in clusters]
    for override in overrides:
        groups = [g for g in _REPLAY[override.kind](groups, override) if g]
    return sorted(sorted(group) for group in groups)


def _merge(groups: list[set[str]], override: CaseOverride) -> list[set[str]]:
    """Every cluster holding one of the keys becomes one cluster."""
    keys = set(override.incident_keys)
    touched = [g for g in groups if g & keys]
    if len(touched) < 2:
        return groups
    return [g for g in groups if not g & keys] + [set().union(*touched)]


def _split(groups: list[set[str]], override: CaseOverride) -> list[set[str]]:
    """The keys leave whatever clusters hold them and form one cluster of their own."""
    moving = set(override.incident_keys) & _present(groups)
    if not moving:
        return groups
    return [g - moving for g in groups] + [moving]


def _attach(groups: list[set[str]], override: CaseOverride) -> list[set[str]]:
    """The keys leave their clusters and join the cluster holding most of the target keys."""
    moving = set(override.incident_keys) & _present(groups)
    anchors = set(override.target_keys) - moving
    candidates = [i for i, g in enumerate(groups) if g & anchors]
    if not moving or not candidates:
        return groups  # the case attached to no longer exists: nothing to join
    target = min(candidates, key=lambda i: (-len(groups[i] & anchors), min(groups[i])))
    return [g | moving if i == target else g - moving for i, g in enumerate(groups)]


def _present(groups: list[set[str]]) -> set[str]:
    return set().union(*groups)


_REPLAY: dict[OverrideKind, Callable[[list[set[str]], CaseOverride], list[set[str]]]] = {
    OverrideKind.MERGE: _merge,
    OverrideKind.SPLIT: _split,
    OverrideKind.ATTACH: _attach,
}


def compute_stored_cases(uow: UnitOfWork) -> list[Case]:
    """The cases the stored documents, claims and overrides give now (nothing is written)."""
    return compute_cases(uow.documents.list(), uow.claims.list(), uow.case_overrides.list())


def store_cases(uow: UnitOfWork, cases: Sequence[Case], actor: str) -> RebuildReport:
    """Replace the stored cases inside the caller's transaction and record the rebuild."""
    uow.cases.replace_all(cases)
    incidents = sum(len(c.incident_keys) for c in cases)
    record(uow, actor, "cases.rebuild", "*", after={"cases": len(cases), "incidents": incidents})
    return RebuildReport(cases=len(cases), incidents=incidents, documents=uow.documents.count())


def rebuild_in(uow: UnitOfWork, actor: str) -> list[Case]:
    """Rebuild inside the caller's transaction, so a review action and its effect commit together."""
    cases = compute_stored_cases(uow)
    store_cases(uow, cases, actor)
    return cases


def rebuild_cases(uow_factory: UowFactory, actor: str) -> RebuildReport:
    with uow_factory() as uow:
        report = store_cases(uow, compute_stored_cases(uow), actor)
        uow.commit()
    return report
