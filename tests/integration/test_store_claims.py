"""Claims: round-trips, review decisions applied on read, decisions surviving re-extraction."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refugewatch.errors import StorageError, ValidationError
from refugewatch.model.claims import Claim, ClaimKind, ReviewState, Scalar
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Sensitivity
from refugewatch.model.extraction import Confidence
from refugewatch.store.protocols import ReviewDecision
from tests.integration.conftest import UowFactory, make_claim, make_document

DOCUMENT = make_document("claims")
APPREHENSION = make_claim(
    DOCUMENT,
    {
        "people_low": 9,
        "people_best": 9,
        "people_high": None,
        "people_qualifier": "at_least",
        "place": "Shenyang",
        "country": "CN",
        "custodian": None,
    },
    date=FuzzyDate.month(2019, 3),
    confidence=Confidence.HIGH,
    rule="count-verb-place",
    incident_key=f"{DOCUMENT.sha256[:12]}#0",
    sensitivity=Sensitivity.CONFIDENTIAL,
    reliability="B2",
)
TRANSFER = make_claim(
    DOCUMENT,
    {"place": "Dandong", "country": "CN", "custodian": "border police"},
    kind=ClaimKind.TRANSFER,
    date=FuzzyDate.between(dt.date(2019, 3, 20), dt.date(2019, 4, 2)),
    incident_key=f"{DOCUMENT.sha256[:12]}#0",
    seq=1,
)
STATUS = make_claim(
    DOCUMENT,
    {"status": "detained", "last_known_place": "Dandong"},
    kind=ClaimKind.STATUS,
    incident_key=f"{DOCUMENT.sha256[:12]}#0",
)


def _store(make_uow: UowFactory, claims: list[Claim]) -> None:
    with make_uow() as uow:
        if not uow.documents.exists(DOCUMENT.sha256):
            uow.documents.add(DOCUMENT)
        uow.claims.replace_for_document(DOCUMENT.sha256, claims)
        uow.commit()


def _decide(make_uow: UowFactory, claim: Claim, state: ReviewState, **kw: object) -> None:
    decision = ReviewDecision(DOCUMENT.sha256, claim.fingerprint, state, "rev", "checked", **kw)  # type: ignore[arg-type]
    with make_uow() as uow:
        uow.claims.record_decision(decision)
        uow.commit()


def test_claims_round_trip_in_extraction_order(make_uow: UowFactory) -> None:
    _store(make_uow, [APPREHENSION, TRANSFER, STATUS])
    with make_uow() as uow:
        assert uow.claims.for_document(DOCUMENT.sha256) == [APPREHENSION, TRANSFER, STATUS]
        assert uow.claims.list() == [APPREHENSION, TRANSFER, STATUS]
        assert uow.claims.list(ClaimKind.TRANSFER) == [TRANSFER]
        assert uow.claims.get(TRANSFER.id) == TRANSFER
        assert uow.claims.get("no-such-claim") is None


def test_identical_claims_of_two_incidents_are_both_kept(make_uow: UowFactory) -> None:
    """Two incidents told in one sentence can give status claims with the same fingerprint."""
    twin = replace(STATUS, incident_key=f"{DOCUMENT.sha256[:12]}#1")
    assert twin.id == STATUS.id
    _store(make_uow, [STATUS, twin])
    with make_uow() as uow:
        stored = uow.claims.for_document(DOCUMENT.sha256)
    assert [c.incident_key for c in stored] == [STATUS.incident_key, twin.incident_key]


def test_review_decisions_are_applied_on_every_read(make_uow: UowFactory) -> None:
    _store(make_uow, [APPREHENSION, TRANSFER, STATUS])
    _decide(make_uow, APPREHENSION, ReviewState.EDITED, edited_values={"people_best": 8})
    _decide(make_uow, TRANSFER, ReviewState.REJECTED)
    with make_uow() as uow:
        by_id = {c.id: c for c in uow.claims.list()}
        single = uow.claims.get(APPREHENSION.id)
        for_doc = uow.claims.for_document(DOCUMENT.sha256)
    expected_edit = replace(
        APPREHENSION, review=ReviewState.EDITED, edited_values={"people_best": 8}
    )
    assert by_id[APPREHENSION.id] == expected_edit == single == for_doc[0]
    assert by_id[TRANSFER.id].review is ReviewState.REJECTED
    assert not by_id[TRANSFER.id].counts_for_case
    assert by_id[STATUS.id].review is ReviewState.PROPOSED


def test_latest_decision_wins_and_history_is_kept(make_uow: UowFactory) -> None:
    _store(make_uow, [STATUS])
    t0 = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    _decide(make_uow, STATUS, ReviewState.REJECTED, decided_at=t0 + dt.timedelta(hours=1))
    _decide(make_uow, STATUS, ReviewState.ACCEPTED, decided_at=t0 + dt.timedelta(hours=2))
    # Recorded last but decided earlier (an import of older decisions): it does not win.
    _decide(make_uow, STATUS, ReviewState.REJECTED, decided_at=t0)
    with make_uow() as uow:
        assert uow.claims.for_document(DOCUMENT.sha256)[0].review is ReviewState.ACCEPTED
        history = uow.claims.decisions()
    assert [d.decided_at for d in history] == [t0 + dt.timedelta(hours=h) for h in (0, 1, 2)]


def test_decisions_survive_re_extraction(make_uow: UowFactory) -> None:
    _store(make_uow, [APPREHENSION, STATUS])
    _decide(make_uow, STATUS, ReviewState.ACCEPTED)
    moved = replace(STATUS, evidence=replace(STATUS.evidence, start=100, end=138))
    assert moved.fingerprint == STATUS.fingerprint
    _store(make_uow, [moved])
    with make_uow() as uow:
        (stored,) = uow.claims.for_document(DOCUMENT.sha256)
        assert len(uow.claims.decisions()) == 1
    assert stored == replace(moved, review=ReviewState.ACCEPTED)


@pytest.mark.parametrize(
    ("state", "edited", "problem"),
    [
        pytest.param(ReviewState.EDITED, None, "corrected values", id="edit-without-values"),
        pytest.param(ReviewState.ACCEPTED, {"x": 1}, "'edited' state", id="values-without-edit"),
    ],
)
def test_inconsistent_decisions_are_refused(
    make_uow: UowFactory, state: ReviewState, edited: dict[str, Scalar] | None, problem: str
) -> None:
    _store(make_uow, [STATUS])
    with make_uow() as uow, pytest.raises(ValidationError, match=problem):
        uow.claims.record_decision(
            ReviewDecision(DOCUMENT.sha256, STATUS.fingerprint, state, "rev", "x", edited)
        )


def test_claim_of_another_document_is_refused(make_uow: UowFactory) -> None:
    stranger = replace(STATUS, document_sha256="f" * 64)
    with make_uow() as uow, pytest.raises(ValidationError, match="belongs to document"):
        uow.claims.replace_for_document(DOCUMENT.sha256, [stranger])


@pytest.mark.parametrize("bad", [math.nan, math.inf], ids=["nan", "infinity"])
def test_non_finite_numbers_are_refused(make_uow: UowFactory, bad: float) -> None:
    with make_uow() as uow:
        uow.documents.add(DOCUMENT)
        with pytest.raises(StorageError, match="cannot be stored"):
            uow.claims.replace_for_document(DOCUMENT.sha256, [replace(STATUS, values={"x": bad})])


def test_nul_in_a_quote_is_refused_on_every_backend(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.documents.add(DOCUMENT)
        with pytest.raises(StorageError, match="NUL"):
            uow.claims.replace_for_document(
                DOCUMENT.sha256, [make_claim(DOCUMENT, {}, quote="a\x00")]
            )


# Claim values as extraction produces them: short keys, scalar values. Text excludes lone
# surrogates (not encodable as UTF-8, so no document can contain them); values may hold NUL (JSON
# escapes it) but quotes, being clean text, may not.
VALUE_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.just("a\x00b")
QUOTE_TEXT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    VALUE_TEXT,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=st.dictionaries(VALUE_TEXT, SCALARS, max_size=5), quote=QUOTE_TEXT)
def test_claim_values_round_trip(
    make_uow: UowFactory, values: dict[str, Scalar], quote: str
) -> None:
    claim = make_claim(DOCUMENT, values, quote=quote)
    _store(make_uow, [claim])
    with make_uow() as uow:
        (stored,) = uow.claims.for_document(DOCUMENT.sha256)
    assert stored == claim
    assert {k: type(v) for k, v in stored.values.items()} == {k: type(v) for k, v in values.items()}
