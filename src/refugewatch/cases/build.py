"""Cases from linked clusters, and a case replayed as it stood on a given day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from refugewatch.cases.fold import fold_case
from refugewatch.cases.label import label_case
from refugewatch.link.cluster import case_id_for
from refugewatch.model.cases import Case, CaseState
from refugewatch.model.claims import Claim
from refugewatch.model.dates import FuzzyDate


def build_cases(
    clusters: Sequence[Sequence[str]],
    claims: Sequence[Claim],
    outlets: Mapping[str, str] | None = None,
    published: Mapping[str, FuzzyDate] | None = None,
) -> list[Case]:
    """One case per cluster of incident keys, folded from the claims carrying those keys.

    Claims of all documents may be passed; claims without an incident key (statistics, appeals)
    or with a key in no cluster are not part of any case.
    """
    by_key: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.incident_key is not None:
            by_key[claim.incident_key].append(claim)
    cases = []
    for cluster in clusters:
        members = [c for key in cluster for c in by_key.get(key, [])]
        state = fold_case(members, outlets=outlets, published=published)
        cases.append(
            Case(
                id=case_id_for(cluster),
                label=label_case(state),
                incident_keys=tuple(cluster),
                state=state,
            )
        )
    return cases


def case_as_of(
    case: Case,
    claims: Sequence[Claim],
    documents_published: Mapping[str, FuzzyDate],
    as_of: dt.date,
    outlets: Mapping[str, str] | None = None,
) -> CaseState:
    """The case as it stood on `as_of`: only claims from documents certainly published by then.

    A document counts once its publication date's latest bound is on or before `as_of` (one
    published "November 2015" counts from Nov 30); a document with no known publication date
    cannot be placed in time and is left out of every replay.
    """
    keys = set(case.incident_keys)
    visible = [
        c
        for c in claims
        if c.incident_key in keys
        and _published_by(documents_published.get(c.document_sha256), as_of)
    ]
    return fold_case(visible, outlets=outlets, published=documents_published)


def _published_by(published: FuzzyDate | None, as_of: dt.date) -> bool:
    return published is not None and published.latest is not None and published.latest <= as_of
