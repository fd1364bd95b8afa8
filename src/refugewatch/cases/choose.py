"""Choosing the value a case displays among conflicting claims, and saying which rule chose it.

Claims that say the same thing are grouped into one option. Rules are tried in a fixed order per
field; the first rule that leaves a single option decides, and the conflict records it. When every
rule ties, the option with the smallest displayed value is shown (so the fold stays
order-independent) and the conflict names the last rule tried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from refugewatch.cases.values import claim_date
from refugewatch.model.cases import ChoiceRule, Conflict, ConflictOption
from refugewatch.model.claims import Claim, ReviewState
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import Status

REVIEWED = frozenset({ReviewState.ACCEPTED, ReviewState.EDITED})


@dataclass(frozen=True)
class Option:
    """One value some claims assert; `key` groups claims that say the same thing."""

    key: Hashable
    display: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Sources:
    """What the fold knows beyond the claims: outlets (for independence) and publication dates."""

    outlets: Mapping[str, str]
    published: Mapping[str, FuzzyDate]

    def source(self, document: str) -> str:
        """Syndicated copies of one outlet or collector count as one source."""
        return self.outlets.get(document) or document

    def recency(self, claim: Claim) -> dt.date:
        """When the claim was last known true: its own date or its document's publication."""
        known = [claim_date(claim).latest, self.published.get(claim.document_sha256, _NONE).latest]
        return max((d for d in known if d is not None), default=dt.date.min)


_NONE = FuzzyDate.unknown()

# A rule scores every option (higher is better) given all options, so "more precise than the
# others" can be expressed.
Score = Callable[[Option, Sequence[Option], Sources], tuple[float, ...]]
Refines = Callable[[Option, Option], bool]


def reviewer(option: Option, _all: Sequence[Option], _s: Sources) -> tuple[float, ...]:
    return (1.0 if any(c.review in REVIEWED for c in option.claims) else 0.0,)


def most_recent(option: Option, _all: Sequence[Option], sources: Sources) -> tuple[float, ...]:
    return (max(sources.recency(c) for c in option.claims).toordinal(),)


def most_sources(option: Option, _all: Sequence[Option], sources: Sources) -> tuple[float, ...]:
    return (len({sources.source(c.document_sha256) for c in option.claims}),)


def most_precise(refines: Refines) -> Score:
    """Score an option by how many other options it refines ("Oct 22" refines "October")."""

    def score(option: Option, options: Sequence[Option], _s: Sources) -> tuple[float, ...]:
        return (sum(1 for other in options if other is not option and refines(option, other)),)

    return score


def later_in_course(option: Option, _all: Sequence[Option], _s: Sources) -> tuple[float, ...]:
    """Undated reports: an outcome (released, returned, safe) comes after being held or missing."""
    return (STATUS_COURSE.get(str(option.key), 0),)


# The usual course of a case, for ordering statuses no date can order.
STATUS_COURSE = {
    Status.UNKNOWN.value: 0,
    Status.DETAINED.value: 1,
    Status.MISSING.value: 2,
    Status.RELEASED.value: 3,
    Status.REPATRIATED.value: 3,
    Status.REACHED_SAFE_COUNTRY.value: 4,
}


def same_report_as(chosen: Option | None) -> Score:
    """Prefer values given by the claims' incidents that gave the chosen value of another field."""
    incidents = {c.incident_key for c in chosen.claims} if chosen else set()

    def score(option: Option, _all: Sequence[Option], _s: Sources) -> tuple[float, ...]:
        return (1.0 if any(c.incident_key in incidents for c in option.claims) else 0.0,)

    return score


def highest(option: Option, _all: Sequence[Option], _s: Sources) -> tuple[float, ...]:
    return (float(option.key) if isinstance(option.key, int | float) else 0.0,)


Rules = Sequence[tuple[ChoiceRule, Score]]


def choose(
    field: str, options: Sequence[Option], rules: Rules, sources: Sources
) -> tuple[Option, Conflict | None]:
    """The option to display and, when options differ, the conflict that explains the choice."""
    ordered = sorted(options, key=lambda o: (o.display, str(o.key)))
    if len(ordered) == 1:
        return ordered[0], None
    chosen, rule = _apply_rules(ordered, rules, sources)
    conflict = Conflict(
        field=field,
        options=tuple(_conflict_option(o) for o in ordered),
        chosen=chosen.display,
        rule=rule,
    )
    return chosen, conflict


def _apply_rules(
    ordered: Sequence[Option], rules: Rules, sources: Sources
) -> tuple[Option, ChoiceRule]:
    """The first rule that leaves one option decides; on a full tie the first option, TIE."""
    remaining = list(ordered)
    for rule, score in rules:
        scores = [score(o, ordered, sources) for o in remaining]
        best = max(scores)
        remaining = [o for o, s in zip(remaining, scores, strict=True) if s == best]
        if len(remaining) == 1:
            return remaining[0], rule
    return remaining[0], ChoiceRule.TIE


def _conflict_option(option: Option) -> ConflictOption:
    return ConflictOption(
        value=option.display,
        claim_ids=tuple(sorted(c.id for c in option.claims)),
        document_sha256s=tuple(sorted({c.document_sha256 for c in option.claims})),
    )


def group_options(
    claims: Sequence[Claim],
    key: Callable[[Claim], Hashable | None],
    display: Callable[[Sequence[Claim]], str],
) -> list[Option]:
    """Group claims by what they assert (claims whose key is None assert nothing here)."""
    groups: dict[Hashable, list[Claim]] = {}
    for claim in claims:
        k = key(claim)
        if k is not None:
            groups.setdefault(k, []).append(claim)
    return [Option(k, display(group), tuple(group)) for k, group in groups.items()]
