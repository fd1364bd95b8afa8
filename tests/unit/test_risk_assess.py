"""Urgency: each rule, the two reference scenarios, overdue never cools, silence, as-of replay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.cases import build_cases
from refugewatch.model.cases import Case
from refugewatch.model.claims import Claim, ClaimKind, claims_from_extraction, incident_key
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import (
    CustodyStep,
    Extraction,
    Incident,
    Span,
    Status,
    VulnerabilityKind,
)
from refugewatch.model.places import Place
from refugewatch.risk import (
    Assessment,
    Level,
    ReasonCode,
    assess_case,
    assess_cases,
    level_for,
    rules,
)
from refugewatch.risk.assessment import Reason


def sha(n: int) -> str:
    return f"{n:02x}" * 32


@dataclass(frozen=True)
class Report:
    """One synthetic document: its incident and its publication day."""

    incident: Incident
    published: dt.date


@dataclass(frozen=True)
class Scenario:
    case: Case
    claims: list[Claim]
    published: dict[str, FuzzyDate]

    def assess(self, as_of: dt.date, **kw: object) -> Assessment:
        return assess_case(self.case, self.claims, self.published, as_of, **kw)  # type: ignore[arg-type]


def scenario(*reports: Report) -> Scenario:
    claims: list[Claim] = []
    published: dict[str, FuzzyDate] = {}
    keys = []
    for n, report in enumerate(reports, start=1):
        claims += claims_from_extraction(Extraction(incidents=(report.incident,)), sha(n), "v1")
        published[sha(n)] = FuzzyDate.from_date(report.published)
        keys.append(incident_key(sha(n), 0))
    (case,) = build_cases([keys], claims, published=published)
    return Scenario(case, claims, published)


NINE = Incident(
    people=Count.exact(9),
    evidence=Span(0, 30, "nine North Koreans were detained"),
    apprehended_date=FuzzyDate.day(2015, 10, 22),
    apprehended_place="Mong Cai",
    apprehended_country="VN",
    apprehended_by="Vietnamese border guards",
    custody_chain=(
        CustodyStep(FuzzyDate.day(2015, 10, 24), "Dongxing", "CN", "Chinese police"),
        CustodyStep(FuzzyDate.day(2015, 11, 16), "Shenyang", "CN", None),
        CustodyStep(FuzzyDate.unknown(), "Tumen", "CN", "a military garrison"),
    ),
    status=Status.DETAINED,
    status_date=FuzzyDate.day(2015, 11, 21),
    last_known_place="Tumen",
    vulnerable=((VulnerabilityKind.INFANTS, 1),),
)
EIGHT = Incident(
    people=Count.exact(8),
    evidence=Span(0, 30, "eight North Koreans were arrested"),
    apprehended_date=FuzzyDate.month(2017, 3),  # "mid-March 2017": month precision
    status=Status.DETAINED,
    status_date=FuzzyDate.day(2017, 4, 20),
    vulnerable=(
        (VulnerabilityKind.ILL_OR_INJURED, 2),
        (VulnerabilityKind.TRAFFICKING_SURVIVORS, 2),
    ),
)
# A bare detained group: inside the window, nothing else known.
BARE = Incident(
    people=Count.exact(5),
    evidence=Span(0, 20, "five were detained"),
    apprehended_date=FuzzyDate.day(2019, 6, 1),
    status=Status.DETAINED,
    status_date=FuzzyDate.day(2019, 6, 3),
)
BARE_DAY = dt.date(2019, 6, 10)


def codes(assessment: Assessment) -> list[ReasonCode]:
    return [r.code for r in assessment.reasons]


def claim_ids(s: Scenario) -> set[str]:
    return {c.id for c in s.claims}


# -- the two reference scenarios ----------------------------------------------------------------


def test_nine_held_in_tumen_with_an_infant_is_critical() -> None:
    s = scenario(Report(NINE, dt.date(2015, 11, 21)))
    result = s.assess(dt.date(2015, 11, 24))
    assert result.level is Level.CRITICAL
    assert codes(result) == [
        ReasonCode.WITHIN_WINDOW,
        ReasonCode.STAGING_POINT,
        ReasonCode.MOVED_CLOSER,
        ReasonCode.VULNERABLE,
    ]
    window, staging, closer, infant = result.reasons
    assert "33 days ago" in window.text
    assert "Tumen" in staging.text
    assert "Shenyang" in closer.text and "Tumen" in closer.text
    assert "infants" in infant.text
    assert result.score == sum(r.points for r in result.reasons)


def test_reasons_cite_the_claims_behind_them() -> None:
    s = scenario(Report(NINE, dt.date(2015, 11, 21)))
    result = s.assess(dt.date(2015, 11, 24))
    by_id = {c.id: c for c in s.claims}
    window, staging, closer, infant = result.reasons
    assert {by_id[i].kind for i in window.claim_ids} == {ClaimKind.APPREHENSION}
    assert {by_id[i].kind for i in staging.claim_ids} == {ClaimKind.STATUS, ClaimKind.TRANSFER}
    assert {by_id[i].effective_values.get("place") for i in closer.claim_ids} == {
        "Shenyang",
        "Tumen",
        None,  # the status claim that puts the group at Tumen
    }
    assert [by_id[i].kind for i in infant.claim_ids] == [ClaimKind.VULNERABILITY]


def test_eight_with_ill_members_and_trafficking_survivors_is_high() -> None:
    s = scenario(Report(EIGHT, dt.date(2017, 4, 20)))
    result = s.assess(dt.date(2017, 4, 23))
    assert result.level is Level.HIGH
    assert codes(result) == [
        ReasonCode.WITHIN_WINDOW,
        ReasonCode.PLACE_UNKNOWN,
        ReasonCode.VULNERABLE,
        ReasonCode.VULNERABLE,
    ]
    # Month precision: the window is measured from the earliest possible day, and both bounds show.
    assert "23 to 53 days ago" in result.reasons[0].text
    assert "ill or injured (2)" in result.reasons[2].text
    assert "trafficking survivors (2)" in result.reasons[3].text
    assert all(r.claim_ids for r in result.reasons if r.points)


# -- each rule ----------------------------------------------------------------------------------


def place_on_chain(*places: str) -> Incident:
    return replace(
        BARE,
        custody_chain=tuple(CustodyStep(FuzzyDate.unknown(), p, None, None) for p in places),
        last_known_place=places[-1],
    )


RULE_CASES = [
    pytest.param(BARE, Level.MEDIUM, [ReasonCode.WITHIN_WINDOW, ReasonCode.PLACE_UNKNOWN], id="inside-window-only"),
    pytest.param(
        replace(BARE, apprehended_date=FuzzyDate.unknown()),
        Level.LOW,
        [ReasonCode.DATE_UNKNOWN, ReasonCode.PLACE_UNKNOWN],
        id="arrest-date-unknown",
    ),
    pytest.param(
        replace(BARE, apprehended_date=FuzzyDate.day(2019, 3, 1)),
        Level.HIGH,
        [ReasonCode.OVERDUE, ReasonCode.PLACE_UNKNOWN],
        id="overdue-floors-at-high",
    ),
    pytest.param(
        place_on_chain("Dandong"),
        Level.HIGH,
        [ReasonCode.WITHIN_WINDOW, ReasonCode.STAGING_POINT],
        id="staging-point-from-gazetteer",
    ),
    pytest.param(
        place_on_chain("Erdaobaihe"),
        Level.HIGH,
        [ReasonCode.WITHIN_WINDOW, ReasonCode.NEAR_BORDER],
        id="within-50-km-of-the-border",
    ),
    pytest.param(
        place_on_chain("Kunming"),
        Level.MEDIUM,
        [ReasonCode.WITHIN_WINDOW],
        id="far-from-the-border",
    ),
    pytest.param(
        place_on_chain("Atlantis Detention House"),
        Level.MEDIUM,
        [ReasonCode.WITHIN_WINDOW, ReasonCode.PLACE_UNKNOWN],
        id="place-not-in-gazetteer",
    ),
    pytest.param(
        place_on_chain("Shenyang", "Dandong"),
        Level.CRITICAL,
        [ReasonCode.WITHIN_WINDOW, ReasonCode.STAGING_POINT, ReasonCode.MOVED_CLOSER],
        id="moved-closer",
    ),
    pytest.param(
        place_on_chain("Dandong", "Shenyang"),
        Level.MEDIUM,
        [ReasonCode.WITHIN_WINDOW],
        id="moved-away-is-not-closer",
    ),
    pytest.param(
        replace(place_on_chain("Dongxing"), apprehended_place="Mong Cai"),
        Level.MEDIUM,
        [ReasonCode.WITHIN_WINDOW],
        id="hop-across-a-river-is-not-closer",
    ),
    pytest.param(
        replace(BARE, vulnerable=((VulnerabilityKind.CHILDREN, 3),)),
        Level.MEDIUM,
        [ReasonCode.WITHIN_WINDOW, ReasonCode.PLACE_UNKNOWN, ReasonCode.VULNERABLE],
        id="children",
    ),
    pytest.param(
        replace(BARE, vulnerable=((VulnerabilityKind.PREGNANT, 1), (VulnerabilityKind.ELDERLY, 1))),
        Level.HIGH,
        [ReasonCode.WITHIN_WINDOW, ReasonCode.PLACE_UNKNOWN, ReasonCode.VULNERABLE, ReasonCode.VULNERABLE],
        id="pregnant-and-elderly",
    ),
    pytest.param(
        replace(BARE, status=Status.MISSING),
        Level.MEDIUM,
        [ReasonCode.WITHIN_WINDOW, ReasonCode.PLACE_UNKNOWN],
        id="missing-is-scored",
    ),
    pytest.param(
        replace(BARE, status=Status.UNKNOWN),
        Level.MEDIUM,
        [ReasonCode.WITHIN_WINDOW, ReasonCode.PLACE_UNKNOWN],
        id="unknown-status-is-scored",
    ),
    pytest.param(
        replace(place_on_chain("Tumen"), status=Status.REPATRIATED),
        Level.LOW,
        [ReasonCode.CLOSED],
        id="repatriated-is-closed",
    ),
    pytest.param(
        replace(BARE, status=Status.REACHED_SAFE_COUNTRY),
        Level.LOW,
        [ReasonCode.CLOSED],
        id="safe-is-closed",
    ),
    pytest.param(
        replace(BARE, status=Status.RELEASED),
        Level.LOW,
        [ReasonCode.CLOSED],
        id="released-is-closed",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("incident", "level", "expected"), RULE_CASES)
def test_each_rule(incident: Incident, level: Level, expected: list[ReasonCode]) -> None:
    result = scenario(Report(incident, dt.date(2019, 6, 3))).assess(BARE_DAY)
    assert codes(result) == expected
    assert result.level is level


@pytest.mark.parametrize(
    "status", [Status.REPATRIATED, Status.RELEASED, Status.REACHED_SAFE_COUNTRY], ids=str
)
def test_closed_cases_are_not_scored(status: Status) -> None:
    s = scenario(Report(replace(NINE, status=status), dt.date(2015, 11, 21)))
    result = s.assess(dt.date(2015, 11, 24))
    assert (result.active, result.score, result.level) == (False, 0, Level.LOW)
    (reason,) = result.reasons
    assert reason.text.startswith("closed: reported " + status.value.replace("_", " "))
    assert reason.claim_ids and set(reason.claim_ids) <= claim_ids(s)


def test_staging_point_named_but_not_in_the_gazetteer_still_counts() -> None:
    def nowhere(name: str) -> Place | None:
        return None

    s = scenario(Report(place_on_chain("Nanping detention house"), dt.date(2019, 6, 3)))
    result = s.assess(BARE_DAY, locate=nowhere)
    assert ReasonCode.STAGING_POINT in codes(result)


def test_vulnerability_points_are_capped() -> None:
    every_kind = tuple((kind, 1) for kind in VulnerabilityKind)
    s = scenario(Report(replace(BARE, vulnerable=every_kind), dt.date(2019, 6, 3)))
    result = s.assess(BARE_DAY)
    points = [r.points for r in result.reasons if r.code is ReasonCode.VULNERABLE]
    assert len(points) == len(VulnerabilityKind)
    assert sum(points) == rules.VULNERABILITY_CAP


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, Level.LOW), (24, Level.LOW), (25, Level.MEDIUM), (49, Level.MEDIUM), (50, Level.HIGH),
     (79, Level.HIGH), (80, Level.CRITICAL), (200, Level.CRITICAL)],
    ids=lambda v: str(v),
)  # fmt: skip
def test_level_thresholds(score: int, level: Level) -> None:
    assert level_for(score, []) is level


def test_a_floor_raises_the_level_but_never_lowers_it() -> None:
    floor = Reason(ReasonCode.OVERDUE, 0, "overdue", floor=Level.HIGH)
    assert level_for(0, [floor]) is Level.HIGH
    assert level_for(100, [floor]) is Level.CRITICAL


# -- time ---------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(days_after=st.integers(min_value=rules.RETURN_WINDOW_DAYS + 1, max_value=4000))
def test_overdue_never_cools_down(days_after: int) -> None:
    s = scenario(Report(NINE, dt.date(2015, 11, 21)))
    first_overdue = s.assess(dt.date(2015, 10, 22) + dt.timedelta(rules.RETURN_WINDOW_DAYS + 1))
    later = s.assess(dt.date(2015, 10, 22) + dt.timedelta(days_after))
    assert later.reason(ReasonCode.OVERDUE) is not None
    assert later.reason(ReasonCode.OVERDUE).text.startswith("overdue: verify status")  # type: ignore[union-attr]
    assert later.level is first_overdue.level is Level.CRITICAL
    assert later.score == first_overdue.score


@settings(max_examples=40, deadline=None)
@given(days_after=st.integers(min_value=rules.RETURN_WINDOW_DAYS + 1, max_value=4000))
def test_a_bare_overdue_case_stays_high(days_after: int) -> None:
    s = scenario(Report(BARE, dt.date(2019, 6, 3)))
    result = s.assess(dt.date(2019, 6, 1) + dt.timedelta(days_after))
    assert result.level is Level.HIGH


def test_silence_alerts_without_lowering_the_score() -> None:
    s = scenario(Report(BARE, dt.date(2019, 6, 3)))
    before = s.assess(dt.date(2019, 6, 3) + dt.timedelta(rules.SILENCE_DAYS - 1))
    after = s.assess(dt.date(2019, 6, 3) + dt.timedelta(rules.SILENCE_DAYS))
    assert not before.silent
    assert after.silent
    silence = after.reason(ReasonCode.SILENCE)
    assert silence is not None and f"no new report for {rules.SILENCE_DAYS} days" in silence.text
    assert silence.points == 0 and set(silence.claim_ids) == claim_ids(s)
    assert (after.score, after.level) == (before.score, before.level)
    assert after.last_report == dt.date(2019, 6, 3)


def test_replay_counts_only_reports_published_by_the_day() -> None:
    first = replace(
        NINE,
        custody_chain=NINE.custody_chain[:1],
        last_known_place="Dongxing",
        status_date=FuzzyDate.day(2015, 10, 26),
        vulnerable=(),
    )
    s = scenario(Report(first, dt.date(2015, 10, 26)), Report(NINE, dt.date(2015, 11, 21)))
    early = s.assess(dt.date(2015, 10, 30))
    late = s.assess(dt.date(2015, 11, 24))
    assert early.level is Level.MEDIUM
    assert codes(early) == [ReasonCode.WITHIN_WINDOW]
    assert late.level is Level.CRITICAL
    assert ReasonCode.STAGING_POINT in codes(late)
    assert early.last_report == dt.date(2015, 10, 26)
    late_only = {c.id for c in s.claims if c.document_sha256 == sha(2)}
    assert not any(set(r.claim_ids) & late_only for r in early.reasons)


def test_a_case_replayed_before_its_first_report_is_not_scored() -> None:
    s = scenario(Report(NINE, dt.date(2015, 11, 21)))
    result = s.assess(dt.date(2015, 11, 1))
    assert (result.level, result.active, codes(result)) == (
        Level.LOW,
        False,
        [ReasonCode.NOT_YET_REPORTED],
    )


def test_assess_cases_puts_the_most_urgent_first() -> None:
    bare = replace(BARE, apprehended_date=FuzzyDate.day(2015, 11, 1))
    claims = claims_from_extraction(Extraction(incidents=(bare,)), sha(1), "v1")
    claims += claims_from_extraction(Extraction(incidents=(NINE,)), sha(2), "v1")
    published = {sha(1): FuzzyDate.day(2015, 11, 2), sha(2): FuzzyDate.day(2015, 11, 21)}
    clusters = [[incident_key(sha(1), 0)], [incident_key(sha(2), 0)]]
    cases = build_cases(clusters, claims, published=published)
    ranked = assess_cases(cases, claims, published, dt.date(2015, 11, 24))
    assert [a.level for a in ranked] == [Level.CRITICAL, Level.MEDIUM]
    assert [a.case_id for a in ranked] == [cases[1].id, cases[0].id]
