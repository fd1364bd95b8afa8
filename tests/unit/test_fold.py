"""The case fold: conflicts with their rule, review states, sub-groups, order independence, replay."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.cases import build_cases, case_as_of, fold_case, label_case
from refugewatch.link import case_id_for
from refugewatch.model.cases import CaseState, ChoiceRule, Conflict
from refugewatch.model.claims import (
    Claim,
    ClaimKind,
    ReviewState,
    Scalar,
    claims_from_extraction,
)
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


def sha(n: int) -> str:
    return f"{n:02d}" * 32


BASE = Incident(
    people=Count.exact(9),
    evidence=Span(0, 40, "Police held nine people near the border."),
    apprehended_date=FuzzyDate.day(2015, 10, 22),
    apprehended_place="Mong Cai",
    apprehended_country="VN",
    apprehended_by="Vietnamese police",
    custody_chain=(
        CustodyStep(FuzzyDate.day(2015, 10, 24), "Dongxing", "CN", "Chinese police"),
        CustodyStep(FuzzyDate.day(2015, 11, 16), "Shenyang", "CN", None),
        CustodyStep(FuzzyDate.month(2015, 11), "Tumen", "CN", "military garrison"),
    ),
    status=Status.DETAINED,
    status_date=FuzzyDate.day(2015, 11, 21),
    last_known_place="Tumen",
    vulnerable=((VulnerabilityKind.INFANTS, 1),),
)


def report(n: int, *incidents: Incident) -> list[Claim]:
    return claims_from_extraction(Extraction(incidents=incidents), sha(n), "v1")


def published_on(day: dt.date) -> Incident:
    return replace(BASE, status_date=FuzzyDate.from_date(day))


def conflict(state: CaseState, field: str) -> Conflict:
    (found,) = [c for c in state.conflicts if c.field == field]
    return found


def set_review(
    claims: list[Claim], kind: ClaimKind, review: ReviewState, **edits: Scalar
) -> list[Claim]:
    return [
        replace(c, review=review, edited_values={**c.values, **edits} if edits else None)
        if c.kind is kind
        else c
        for c in claims
    ]


THREE_REPORTS = [
    *report(1, BASE),
    *report(2, replace(published_on(dt.date(2015, 12, 2)), custody_chain=BASE.custody_chain[::2])),
    *report(
        3,
        replace(
            published_on(dt.date(2015, 11, 18)),
            people=Count.exact(10),
            apprehended_date=FuzzyDate.day(2015, 10, 23),
            custody_chain=(CustodyStep(FuzzyDate.unknown(), "Dongxing", "CN", None),),
            last_known_place="Dongxing",
        ),
    ),
]


def test_agreeing_reports_fold_without_conflicts() -> None:
    state = fold_case(report(1, BASE) + report(2, published_on(dt.date(2015, 11, 24))))
    assert state.size == Count.exact(9)
    assert state.conflicts == ()
    assert state.status is Status.DETAINED
    assert state.status_date == FuzzyDate.day(2015, 11, 24)
    assert state.document_sha256s == (sha(1), sha(2))


def test_size_conflict_keeps_every_figure_with_its_sources() -> None:
    state = fold_case(THREE_REPORTS)
    assert (state.size.low, state.size.best, state.size.high) == (9, 9, 10)
    size = conflict(state, "size")
    assert size.chosen == "9" and size.rule is ChoiceRule.MOST_SOURCES
    assert {o.value: o.document_sha256s for o in size.options} == {
        "9": (sha(1), sha(2)),
        "10": (sha(3),),
    }


def test_syndicated_copies_count_as_one_source() -> None:
    outlets = {sha(1): "Wire", sha(2): "Wire", sha(3): "Paper"}
    state = fold_case(THREE_REPORTS, outlets=outlets)
    size = conflict(state, "size")
    assert size.rule is ChoiceRule.MOST_RECENT
    assert size.chosen == "9"  # report 2 (Dec 2) is the latest


def test_date_conflict_chosen_by_sources_and_precision() -> None:
    state = fold_case(THREE_REPORTS)
    dates = conflict(state, "apprehended_date")
    assert (dates.chosen, dates.rule) == ("2015-10-22", ChoiceRule.MOST_SOURCES)
    vague = report(4, replace(BASE, apprehended_date=FuzzyDate.month(2015, 10)))
    state = fold_case(report(1, BASE) + vague + vague[:0])
    dates = conflict(state, "apprehended_date")
    assert (dates.chosen, dates.rule) == ("2015-10-22", ChoiceRule.MOST_PRECISE)
    assert state.apprehended_date == FuzzyDate.day(2015, 10, 22)


def test_status_and_last_place_follow_the_latest_report() -> None:
    returned = replace(
        published_on(dt.date(2016, 1, 5)), status=Status.REPATRIATED, last_known_place="Sinuiju"
    )
    state = fold_case(report(1, BASE) + report(2, BASE) + report(5, returned))
    assert state.status is Status.REPATRIATED
    assert conflict(state, "status").rule is ChoiceRule.MOST_RECENT
    assert state.last_known_place == "Sinuiju"
    assert state.status_date == FuzzyDate.day(2016, 1, 5)


def test_undated_reports_order_statuses_by_the_usual_course() -> None:
    undated = replace(BASE, status_date=FuzzyDate.unknown(), apprehended_date=FuzzyDate.unknown())
    safe = replace(undated, status=Status.REACHED_SAFE_COUNTRY, last_known_place="Seoul")
    state = fold_case(report(1, safe) + report(2, undated))
    assert state.status is Status.REACHED_SAFE_COUNTRY
    assert state.last_known_place == "Seoul"


def test_unknown_status_never_overrides_a_known_one() -> None:
    silent = replace(published_on(dt.date(2016, 3, 1)), status=Status.UNKNOWN)
    state = fold_case(report(1, BASE) + report(2, silent))
    assert state.status is Status.DETAINED


def test_custody_chain_is_merged_in_order_without_duplicates() -> None:
    state = fold_case(THREE_REPORTS)
    assert [s.place for s in state.custody_chain] == ["Dongxing", "Shenyang", "Tumen"]
    assert state.custody_chain[0].date == FuzzyDate.day(2015, 10, 24)
    assert state.last_known_place == "Tumen"


def test_custody_place_spellings_fold_into_the_fuller_name() -> None:
    jilin = replace(
        BASE,
        custody_chain=(CustodyStep(FuzzyDate.unknown(), "Tumen, Jilin", "CN", None),),
    )
    state = fold_case(report(1, BASE) + report(2, jilin))
    # One step, shown with the fuller name (on a tie of spellings the more precise one).
    assert [s.place for s in state.custody_chain] == ["Dongxing", "Shenyang", "Tumen, Jilin"]


@pytest.mark.parametrize(
    ("review", "edits", "expected_size", "rule"),
    [
        pytest.param(ReviewState.REJECTED, {}, Count.exact(9), None, id="rejected ignored"),
        pytest.param(ReviewState.ACCEPTED, {}, None, ChoiceRule.REVIEWER, id="accepted wins"),
        pytest.param(
            ReviewState.EDITED,
            {"people_low": 11, "people_best": 11, "people_high": 11},
            None,
            ChoiceRule.REVIEWER,
            id="edited value used",
        ),
    ],
)
def test_review_states_decide(
    review: ReviewState, edits: dict[str, int], expected_size: Count | None, rule: ChoiceRule | None
) -> None:
    reviewed = set_review(
        report(3, replace(BASE, people=Count.exact(10))), ClaimKind.APPREHENSION, review, **edits
    )
    state = fold_case(report(1, BASE) + report(2, BASE) + reviewed)
    if rule is None:
        assert state.size == expected_size
        assert not [c for c in state.conflicts if c.field == "size"]
        return
    size = conflict(state, "size")
    assert size.rule is rule
    assert state.size.best == (11 if edits else 10)


def test_reviewer_date_correction_is_used() -> None:
    claims = set_review(
        report(1, BASE), ClaimKind.APPREHENSION, ReviewState.EDITED, date="2015-10-21"
    )
    assert fold_case(claims).apprehended_date == FuzzyDate.day(2015, 10, 21)


def test_vulnerable_members_take_the_highest_count_and_keep_the_conflict() -> None:
    two = replace(
        BASE, vulnerable=((VulnerabilityKind.INFANTS, 2), (VulnerabilityKind.CHILDREN, 1))
    )
    state = fold_case(report(1, BASE) + report(2, two))
    assert state.vulnerable == (("children", 1), ("infants", 2))
    infants = conflict(state, "vulnerable.infants")
    assert infants.rule is ChoiceRule.HIGHEST and infants.chosen == "2"


def test_subgroup_keeps_its_own_status_instead_of_a_conflict() -> None:
    parent = replace(published_on(dt.date(2009, 1, 2)), people=Count.exact(19))
    child = replace(
        parent,
        people=Count.exact(3),
        subset_of=0,
        status=Status.RELEASED,
        last_known_place="Payao",
        custody_chain=(),
    )
    state = fold_case(report(1, parent, child))
    assert state.size == Count.exact(19)
    assert state.status is Status.DETAINED
    assert not [c for c in state.conflicts if c.field in ("size", "status")]
    (sub,) = state.subgroups
    assert sub.count == Count.exact(3)
    assert sub.status is Status.RELEASED
    assert sub.label == "Sub-group of 3, Payao"


def test_timeline_orders_dated_claims_and_keeps_undated_apart() -> None:
    undated = replace(BASE, status_date=FuzzyDate.unknown())
    state = fold_case(report(1, BASE) + report(2, undated))
    days = [e.date.earliest for e in state.timeline]
    assert days == sorted(days)  # type: ignore[type-var]
    assert state.timeline[0].kind == "apprehension"
    assert "Mong Cai (VN)" in state.timeline[0].description
    assert all(not e.date.is_known for e in state.undated)
    assert {e.kind for e in state.undated} == {"status", "vulnerability"}
    assert {e.document_sha256 for e in state.timeline} == {sha(1), sha(2)}


def test_label_is_pseudonymous_size_place_and_month() -> None:
    assert label_case(fold_case(THREE_REPORTS)) == "Group of 9, Mong Cai, Oct 2015"
    assert label_case(CaseState()) == "Group of unknown size"
    alone = replace(BASE, people=Count.exact(1), apprehended_place=None)
    assert label_case(fold_case(report(1, alone))) == "One person, Tumen, Oct 2015"
    nowhere = replace(alone, last_known_place=None, custody_chain=())
    assert label_case(fold_case(report(1, nowhere))) == "One person, VN, Oct 2015"
    about = fold_case(report(1, replace(BASE, people=Count.about(60))))
    assert label_case(about).startswith("Group of about 60")


def test_build_cases_groups_claims_by_cluster() -> None:
    other = replace(BASE, people=Count.exact(5), apprehended_place="Yanji")
    claims = THREE_REPORTS + report(7, other)
    keys = sorted({c.incident_key for c in claims if c.incident_key})
    clusters = [
        [k for k in keys if not k.startswith("070707")],
        [k for k in keys if k.startswith("070707")],
    ]
    cases = build_cases(clusters, claims)
    assert [c.id for c in cases] == [case_id_for(c) for c in clusters]
    assert cases[0].label == "Group of 9, Mong Cai, Oct 2015"
    assert cases[1].state.size == Count.exact(5)
    assert cases[1].incident_keys == tuple(clusters[1])


def test_case_as_of_replays_only_what_was_published() -> None:
    published = {
        sha(1): FuzzyDate.day(2015, 11, 21),
        sha(2): FuzzyDate.day(2015, 12, 2),
        sha(3): FuzzyDate.day(2015, 11, 18),
    }
    keys = sorted({c.incident_key for c in THREE_REPORTS if c.incident_key})
    (case,) = build_cases([keys], THREE_REPORTS, published=published)
    early = case_as_of(case, THREE_REPORTS, published, dt.date(2015, 11, 19))
    assert early.document_sha256s == (sha(3),)
    assert early.size == Count.exact(10) and early.last_known_place == "Dongxing"
    later = case_as_of(case, THREE_REPORTS, published, dt.date(2015, 12, 31))
    assert later == fold_case(THREE_REPORTS, published=published)
    assert case_as_of(case, THREE_REPORTS, {}, dt.date(2030, 1, 1)) == fold_case([])


INCIDENTS = st.builds(
    lambda people, day, place, status, chain, infants, rev: (
        replace(
            BASE,
            people=Count.exact(people),
            apprehended_date=FuzzyDate.day(2015, 10, day) if day else FuzzyDate.unknown(),
            apprehended_place=place,
            status=status,
            custody_chain=BASE.custody_chain[:chain],
            vulnerable=((VulnerabilityKind.INFANTS, infants),),
        ),
        rev,
    ),
    st.integers(8, 11),
    st.one_of(st.none(), st.integers(20, 24)),
    st.sampled_from(["Mong Cai", "Móng Cái", "Mong Cai city", "Hanoi", None]),
    st.sampled_from(list(Status)),
    st.integers(0, 3),
    st.integers(0, 2),
    st.sampled_from(list(ReviewState)),
)


@st.composite
def claim_sets(draw: st.DrawFn) -> list[Claim]:
    claims: list[Claim] = []
    for n, (incident, review) in enumerate(draw(st.lists(INCIDENTS, min_size=1, max_size=5))):
        made = report(n + 1, incident)
        claims += set_review(made, draw(st.sampled_from(list(ClaimKind))), review)
    return claims


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_fold_is_order_independent(data: st.DataObject) -> None:
    claims = data.draw(claim_sets())
    shuffled = data.draw(st.permutations(claims))
    assert fold_case(shuffled) == fold_case(claims)
