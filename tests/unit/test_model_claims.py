"""Incidents become claims and back; fingerprints survive moved offsets."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from refugewatch.model.claims import (
    ClaimKind,
    ReviewState,
    claims_from_extraction,
    incident_from_claims,
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

SHA = "ab" * 32

INCIDENT = Incident(
    people=Count.exact(9),
    evidence=Span(10, 60, "Vietnamese police detained nine people in Mong Cai."),
    apprehended_date=FuzzyDate.day(2015, 10, 22),
    apprehended_place="Mong Cai",
    apprehended_country="VN",
    apprehended_by="Vietnamese police",
    custody_chain=(
        CustodyStep(FuzzyDate.day(2015, 10, 24), "Dongxing", "CN", "Chinese police"),
        CustodyStep(FuzzyDate.month(2015, 11), "Tumen", "CN", "military garrison"),
    ),
    status=Status.DETAINED,
    status_date=FuzzyDate.day(2015, 11, 21),
    last_known_place="Tumen",
    vulnerable=((VulnerabilityKind.INFANTS, 1),),
)


def test_incident_splits_into_atomic_claims() -> None:
    claims = claims_from_extraction(Extraction(incidents=(INCIDENT,)), SHA, "c1")
    kinds = [c.kind for c in claims]
    assert kinds.count(ClaimKind.APPREHENSION) == 1
    assert kinds.count(ClaimKind.TRANSFER) == 2
    assert kinds.count(ClaimKind.STATUS) == 1
    assert kinds.count(ClaimKind.VULNERABILITY) == 1
    assert {c.incident_key for c in claims} == {f"{SHA[:12]}#0"}
    assert all(c.evidence.document_sha256 == SHA for c in claims)


def test_claims_rebuild_the_incident() -> None:
    claims = claims_from_extraction(Extraction(incidents=(INCIDENT,)), SHA, "c1")
    rebuilt = incident_from_claims(claims)
    assert rebuilt is not None
    assert rebuilt.people == INCIDENT.people
    assert [s.place for s in rebuilt.custody_chain] == ["Dongxing", "Tumen"]
    assert rebuilt.status is Status.DETAINED
    assert rebuilt.vulnerable == INCIDENT.vulnerable


def test_rejected_apprehension_removes_the_incident() -> None:
    claims = claims_from_extraction(Extraction(incidents=(INCIDENT,)), SHA, "c1")
    reviewed = [
        replace(c, review=ReviewState.REJECTED) if c.kind is ClaimKind.APPREHENSION else c
        for c in claims
    ]
    assert incident_from_claims(reviewed) is None


def test_edited_values_win_over_extracted_ones() -> None:
    claims = claims_from_extraction(Extraction(incidents=(INCIDENT,)), SHA, "c1")
    head = next(c for c in claims if c.kind is ClaimKind.APPREHENSION)
    edited = replace(
        head, review=ReviewState.EDITED, edited_values={**head.values, "people_best": 10}
    )
    rebuilt = incident_from_claims([edited if c is head else c for c in claims])
    assert rebuilt is not None and rebuilt.people.best == 10


@given(st.integers(min_value=0, max_value=10_000), st.text(alphabet=" \n\t", max_size=3))
def test_fingerprint_ignores_offsets_and_whitespace(shift: int, pad: str) -> None:
    claims = claims_from_extraction(Extraction(incidents=(INCIDENT,)), SHA, "c1")
    head = claims[0]
    moved = replace(
        head,
        evidence=replace(
            head.evidence,
            start=head.evidence.start + shift,
            end=head.evidence.end + shift,
            quote=pad + head.evidence.quote.replace(" ", "  ") + pad,
            cleaner_version="c2",
        ),
    )
    assert moved.fingerprint == head.fingerprint
    assert moved.id == head.id
