"""Urgency of a case as of a day: add up the rules' points, apply floors, keep every reason.

Pure: the case is replayed with cases.case_as_of (only documents published by `as_of` count), so
the same inputs give the same assessment on any machine, and a case can be re-scored as it
looked on any past day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from refugewatch.cases import case_as_of, label_case
from refugewatch.extract.gazetteer import Gazetteer
from refugewatch.model.cases import Case, CaseState
from refugewatch.model.claims import Claim
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import ACTIVE_STATUSES
from refugewatch.risk import rules
from refugewatch.risk.assessment import Assessment, Reason
from refugewatch.risk.contributions import (
    Locate,
    Situation,
    closed_reason,
    moved_closer_reasons,
    place_reasons,
    silence_reason,
    time_reasons,
    vulnerability_reasons,
)
from refugewatch.risk.rules import LEVEL_RANK, Level, ReasonCode

# The scoring rules in the order their reasons are shown.
SCORING_RULES = (time_reasons, place_reasons, moved_closer_reasons, vulnerability_reasons)


def assess_state(
    case_id: str,
    label: str,
    state: CaseState,
    claims: Sequence[Claim],
    as_of: dt.date,
    last_report: dt.date | None = None,
    locate: Locate | None = None,
    last_report_documents: frozenset[str] = frozenset(),
) -> Assessment:
    """Score a case state that was already replayed to `as_of`, citing `claims` (its claims)."""
    situation = Situation(state, tuple(claims), as_of, locate or Gazetteer.default().lookup)
    if state.status not in ACTIVE_STATUSES:
        return Assessment(
            case_id, label, as_of, Level.LOW, 0, (closed_reason(situation),), False, last_report
        )
    reasons = [reason for rule in SCORING_RULES for reason in rule(situation)]
    silence = silence_reason(claims, last_report, last_report_documents, as_of)
    if silence is not None:
        reasons.append(silence)
    score = sum(r.points for r in reasons)
    return Assessment(
        case_id, label, as_of, level_for(score, reasons), score, tuple(reasons), True, last_report
    )


def assess_case(
    case: Case,
    claims: Sequence[Claim],
    published: Mapping[str, FuzzyDate],
    as_of: dt.date,
    locate: Locate | None = None,
) -> Assessment:
    """The case as it stood on `as_of` (only documents published by then), scored.

    `claims` may hold every claim in the store; only the case's own, from documents published
    by `as_of`, are read. `published` maps document sha256 to its publication date; documents
    with no known date cannot be placed in time and are left out (see cases.case_as_of).
    """
    state = case_as_of(case, claims, published, as_of)
    if not state.document_sha256s:
        return _not_yet_reported(case, as_of)
    visible = [
        c
        for c in claims
        if c.incident_key in set(case.incident_keys) and c.document_sha256 in state.document_sha256s
    ]
    newest, newest_docs = newest_report(state.document_sha256s, published)
    return assess_state(
        case.id, label_case(state), state, visible, as_of, newest, locate, newest_docs
    )


def _not_yet_reported(case: Case, as_of: dt.date) -> Assessment:
    """Replayed to a day before its first report, the case did not exist yet."""
    reason = Reason(
        ReasonCode.NOT_YET_REPORTED, 0, f"no report on this case was published by {as_of}"
    )
    return Assessment(case.id, case.label, as_of, Level.LOW, 0, (reason,), False, None)


def assess_cases(
    cases: Sequence[Case],
    claims: Sequence[Claim],
    published: Mapping[str, FuzzyDate],
    as_of: dt.date,
    locate: Locate | None = None,
) -> list[Assessment]:
    """Every case assessed as of a day, most urgent first (then by label, for a stable list)."""
    assessed = [assess_case(case, claims, published, as_of, locate) for case in cases]
    return sorted(assessed, key=lambda a: (-LEVEL_RANK[a.level], -a.score, a.label, a.case_id))


def newest_report(
    documents: Sequence[str], published: Mapping[str, FuzzyDate]
) -> tuple[dt.date | None, frozenset[str]]:
    """The latest publication day among the documents, and which documents carry it."""
    days = {sha: d.latest for sha in documents if (d := published.get(sha)) and d.latest}
    if not days:
        return None, frozenset()
    newest = max(days.values())
    return newest, frozenset(sha for sha, day in days.items() if day == newest)


def level_for(score: int, reasons: Sequence[Reason]) -> Level:
    """The level the score reaches, raised to the highest floor any reason sets."""
    level = next((lvl for lvl, low in rules.LEVEL_THRESHOLDS if score >= low), Level.LOW)
    for reason in reasons:
        if reason.floor is not None and LEVEL_RANK[reason.floor] > LEVEL_RANK[level]:
            level = reason.floor
    return level
