"""Rebuild cases from stored claims: link incidents across documents, replay reviewers' merges,
splits and attachments (CaseOverride rows) on the linker's clusters, fold claims into case state.

Every rebuild keeps what people recorded about a case with the incidents it belongs to: consent
(the most restrictive level among the cases that contributed incidents) and, when a case id
disappears, its people and interventions (moved to the case now holding its incidents).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from refugewatch.cases import build_cases
from refugewatch.link import LinkItem, link_incidents
from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.claims import Claim, incident_from_claims
from refugewatch.model.documents import Document
from refugewatch.services.audit import record
from refugewatch.store.protocols import CaseOverride, OverrideKind, UnitOfWork

UowFactory = Callable[[], UnitOfWork]

# Consent levels from most to least restrictive. When incidents from several cases end up in one,
# the most restrictive level wins: nobody consented to wider sharing of the other group's facts.
DISCLOSURE_STRICTNESS: tuple[Disclosure, ...] = (
    Disclosure.NONE,
    Disclosure.UN_ONLY,
    Disclosure.PARTNERS,
    Disclosure.PUBLIC,
)


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
    # Linking reads metadata and claims only: leave every original file's bytes in the store.
    documents = uow.documents.list(with_originals=False)
    return compute_cases(documents, uow.claims.list(), uow.case_overrides.list())


def rebuild_in(uow: UnitOfWork, actor: str) -> RebuildReport:
    """Rebuild inside the caller's transaction, so a review action and its effect commit together.

    People, interventions and consent follow their incidents: a case id that disappears (merged,
    or its smallest key now in another case) hands its records to the one case now holding its
    incidents, and every case takes the most restrictive disclosure among the earlier cases whose
    incidents it holds.
    """
    before = uow.cases.list()
    after = compute_stored_cases(uow)
    _store_keeping_records(uow, before, after)
    _carry_consent(uow, before, after)
    incidents = sum(len(c.incident_keys) for c in after)
    record(uow, actor, "cases.rebuild", "*", after={"cases": len(after), "incidents": incidents})
    return RebuildReport(cases=len(after), incidents=incidents, documents=uow.documents.count())


def rebuild_cases(uow_factory: UowFactory, actor: str) -> RebuildReport:
    with uow_factory() as uow:
        report = rebuild_in(uow, actor)
        uow.commit()
    return report


def stricter(a: Disclosure, b: Disclosure) -> Disclosure:
    """The more restrictive of two consent levels."""
    return min(a, b, key=DISCLOSURE_STRICTNESS.index)


def _store_keeping_records(uow: UnitOfWork, before: Sequence[Case], after: Sequence[Case]) -> None:
    """Replace the stored cases; a retired id's people and interventions move to its heir.

    The heir may be a new id, so the retiring cases are kept one step longer (the heirs must exist
    before records can point at them); replace_all then drops them, now empty. A case whose
    incidents scattered or vanished has no single heir: replace_all refuses to orphan its records.
    """
    heirs = _heirs_of_retired(before, after)
    if heirs:
        retiring = [case for case in before if case.id in heirs]
        uow.cases.replace_all([*after, *retiring])
        for old_id, heir in heirs.items():
            uow.case_overrides.reassign_case_records(old_id, heir)
    uow.cases.replace_all(after)


def _heirs_of_retired(before: Sequence[Case], after: Sequence[Case]) -> dict[str, str]:
    """Retired case id -> the one new case holding its incidents (when exactly one does)."""
    new_ids = {case.id for case in after}
    heirs = {}
    for old in before:
        if old.id in new_ids:
            continue
        holders = {c.id for c in after if set(c.incident_keys) & set(old.incident_keys)}
        if len(holders) == 1:
            heirs[old.id] = holders.pop()
    return heirs


def _carry_consent(uow: UnitOfWork, before: Sequence[Case], after: Sequence[Case]) -> None:
    """Each case gets the most restrictive disclosure among the earlier cases whose incidents it
    now holds, so no grouping change (nor an id moving to another part) widens what may be shared
    or loses a consent that was given."""
    stored = {c.id: c.disclosure for c in uow.cases.list()}
    for case in after:
        donors = [old for old in before if set(old.incident_keys) & set(case.incident_keys)]
        if not donors:
            continue
        strictest = min(donors, key=lambda c: (DISCLOSURE_STRICTNESS.index(c.disclosure), c.id))
        # An id that already existed is among its own donors, so this only ever tightens it; a new
        # id (the smallest key moved) carries its donors' consent instead of the bare default.
        if stored.get(case.id) != strictest.disclosure:
            uow.cases.set_disclosure(case.id, strictest.disclosure, strictest.consent_note)
