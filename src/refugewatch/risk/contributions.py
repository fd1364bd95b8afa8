"""Each urgency rule as a small pure function: case state + claims in, reasons out.

The rules' numbers live in rules.py; these functions only decide which apply and say why, citing
the claims behind each reason so a researcher can check it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from refugewatch.cases.values import claim_date, int_value, status_value, text_value
from refugewatch.link.places import place_words, same_place
from refugewatch.model.cases import CaseState
from refugewatch.model.claims import Claim, ClaimKind
from refugewatch.model.dates import FuzzyDate, Precision
from refugewatch.model.places import Place
from refugewatch.risk import rules
from refugewatch.risk.assessment import Reason
from refugewatch.risk.rules import ReasonCode

# Resolves a reported place name to a gazetteer entry (None when unknown).
Locate = Callable[[str], Place | None]

_STAGING_WORDS = tuple(place_words(name) for name in rules.STAGING_POINT_NAMES)


@dataclass(frozen=True)
class Situation:
    """Everything a rule may read: the replayed state, its visible claims, the day, the gazetteer."""

    state: CaseState
    claims: tuple[Claim, ...]
    as_of: dt.date
    locate: Locate

    def of(self, kind: ClaimKind) -> list[Claim]:
        return [c for c in self.claims if c.kind is kind and c.counts_for_case]


# -- time since apprehension --------------------------------------------------------------------


def time_reasons(s: Situation) -> list[Reason]:
    date = s.state.apprehended_date
    if date.earliest is None or date.latest is None:
        return [
            Reason(
                ReasonCode.DATE_UNKNOWN,
                rules.UNKNOWN_DATE_POINTS,
                "apprehension date not reported: the case cannot be placed in the "
                f"~{rules.RETURN_WINDOW_DAYS}-day window",
                _ids(s.of(ClaimKind.APPREHENSION)),
            )
        ]
    ids = _ids(c for c in s.of(ClaimKind.APPREHENSION) if claim_date(c) == date)
    # The earliest possible arrest day: the longest the group may have been held (precaution).
    longest = max((s.as_of - date.earliest).days, 0)
    shortest = max((s.as_of - min(date.latest, s.as_of)).days, 0)
    held = _held_words(date, shortest, longest)
    if longest > rules.RETURN_WINDOW_DAYS:
        return [
            Reason(
                ReasonCode.OVERDUE,
                rules.OVERDUE_POINTS,
                f"overdue: verify status ({held}, past the ~{rules.RETURN_WINDOW_DAYS}-day window "
                "in which most returns happen; no report has said they are safe)",
                ids,
                floor=rules.OVERDUE_FLOOR,
            )
        ]
    left = rules.RETURN_WINDOW_DAYS - longest
    return [
        Reason(
            ReasonCode.WITHIN_WINDOW,
            rules.WITHIN_WINDOW_POINTS,
            f"inside the ~{rules.RETURN_WINDOW_DAYS}-day window in which most returns happen "
            f"({held}; at most {left} days left)",
            ids,
        )
    ]


def _held_words(date: FuzzyDate, shortest: int, longest: int) -> str:
    when = date.to_edtf_interval() or "on an unknown day"
    if date.precision is Precision.DAY or shortest == longest:
        return f"apprehended {when}, {longest} days ago"
    return f"apprehended {when}, {shortest} to {longest} days ago"


# -- where the group is held --------------------------------------------------------------------


def place_reasons(s: Situation) -> list[Reason]:
    name = s.state.last_known_place
    if not name:
        return [Reason(ReasonCode.PLACE_UNKNOWN, 0, "last known place not reported")]
    place = s.locate(name)
    ids = _place_claim_ids(s, name)
    if (place is not None and place.staging_point) or _is_staging_name(name):
        return [
            Reason(
                ReasonCode.STAGING_POINT,
                rules.STAGING_POINT_POINTS,
                f"last known at {name}, a border staging point where returnees are gathered "
                f"before handover{_distance_words(place)}",
                ids,
            )
        ]
    if place is None or place.border_km is None:
        return [
            Reason(
                ReasonCode.PLACE_UNKNOWN,
                0,
                f"last known at {name}: distance to the North Korean border unknown "
                "(not in the gazetteer)",
                ids,
            )
        ]
    if place.border_km <= rules.NEAR_BORDER_KM:
        return [
            Reason(
                ReasonCode.NEAR_BORDER,
                rules.NEAR_BORDER_POINTS,
                f"last known at {name}, within {rules.NEAR_BORDER_KM:g} km of the North Korean "
                f"border{_distance_words(place)}",
                ids,
            )
        ]
    return []


def _is_staging_name(name: str) -> bool:
    words = place_words(name)
    return any(staging and staging <= words for staging in _STAGING_WORDS)


def _distance_words(place: Place | None) -> str:
    if place is None or place.border_km is None:
        return ""
    if place.border_km == 0:
        return " (on the border)"
    return f" (about {place.border_km:g} km from the border)"


def _place_claim_ids(s: Situation, name: str) -> tuple[str, ...]:
    """Claims that put the group at this place: statuses, transfers, the arrest."""
    fields = {
        ClaimKind.STATUS: "last_known_place",
        ClaimKind.TRANSFER: "place",
        ClaimKind.APPREHENSION: "place",
    }
    return _ids(
        c
        for kind, field in fields.items()
        for c in s.of(kind)
        if same_place(text_value(c, field), name)
    )


# -- movement towards the border ----------------------------------------------------------------


@dataclass(frozen=True)
class _Stop:
    name: str
    border_km: float


def moved_closer_reasons(s: Situation) -> list[Reason]:
    """The group's latest known place is much nearer the border than a place it was held before."""
    stops = _stops(s)
    if len(stops) < 2:
        return []
    last = stops[-1]
    earlier = [
        stop for stop in stops[:-1] if stop.border_km - last.border_km >= rules.MOVED_CLOSER_MIN_KM
    ]
    if not earlier:
        return []
    before = earlier[-1]
    ids = tuple(sorted(set(_place_claim_ids(s, before.name) + _place_claim_ids(s, last.name))))
    return [
        Reason(
            ReasonCode.MOVED_CLOSER,
            rules.MOVED_CLOSER_POINTS,
            f"moved closer to the North Korean border: {before.name} (about "
            f"{before.border_km:g} km) to {last.name} (about {last.border_km:g} km)",
            ids,
        )
    ]


def _stops(s: Situation) -> list[_Stop]:
    """Arrest place, each custody step, then the last known place: those the gazetteer places."""
    names = [s.state.apprehended_place]
    names += [step.place for step in s.state.custody_chain]
    names.append(s.state.last_known_place)
    stops: list[_Stop] = []
    for name in names:
        place = s.locate(name) if name else None
        if name and place is not None and place.border_km is not None:
            if stops and same_place(stops[-1].name, name):
                continue
            stops.append(_Stop(name, place.border_km))
    return stops


# -- vulnerable members -------------------------------------------------------------------------


def vulnerability_reasons(s: Situation) -> list[Reason]:
    reasons = []
    budget = rules.VULNERABILITY_CAP
    for kind, count in s.state.vulnerable:
        points = min(rules.VULNERABILITY_POINTS.get(kind, rules.OTHER_VULNERABILITY_POINTS), budget)
        budget -= points
        ids = _ids(
            c
            for c in s.of(ClaimKind.VULNERABILITY)
            if text_value(c, "kind") == kind and (int_value(c, "count") or 0) > 0
        )
        label = kind.replace("_", " ")
        capped = "" if points else f" (vulnerability points capped at {rules.VULNERABILITY_CAP})"
        reasons.append(
            Reason(
                ReasonCode.VULNERABLE, points, f"vulnerable members: {label} ({count}){capped}", ids
            )
        )
    return reasons


# -- closed cases and silence -------------------------------------------------------------------


def closed_reason(s: Situation) -> Reason:
    status = s.state.status
    when = s.state.status_date.to_edtf_interval()
    ids = _ids(c for c in s.of(ClaimKind.STATUS) if status_value(c) is status)
    return Reason(
        ReasonCode.CLOSED,
        0,
        f"closed: reported {status.value.replace('_', ' ')}"
        + (f" ({when})" if when else "")
        + "; not scored",
        ids,
    )


def silence_reason(
    claims: Sequence[Claim], newest: dt.date | None, newest_docs: frozenset[str], as_of: dt.date
) -> Reason | None:
    """No new report for SILENCE_DAYS: check in with contacts (no points: silence is not safety)."""
    if newest is None:
        return None
    days = (as_of - newest).days
    if days < rules.SILENCE_DAYS:
        return None
    ids = _ids(c for c in claims if c.document_sha256 in newest_docs and c.counts_for_case)
    return Reason(
        ReasonCode.SILENCE,
        0,
        f"no new report for {days} days (since {newest.isoformat()}): check in with contacts; "
        "silence does not lower the score",
        ids,
    )


def _ids(claims: Iterable[Claim]) -> tuple[str, ...]:
    return tuple(sorted({c.id for c in claims}))
