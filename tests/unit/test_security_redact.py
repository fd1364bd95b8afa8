"""Redaction by audience, written as an adversary reading a public or detaining-state output."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.errors import ConsentRequiredError, ValidationError
from refugewatch.model.cases import Case, CaseState, Disclosure
from refugewatch.model.claims import Claim, ClaimKind, Evidence, ReviewState, Scalar
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Document, Sensitivity, SourceType
from refugewatch.security.redact import (
    CONSENT_ALLOWS,
    Audience,
    RedactionPolicy,
    check_consent,
    claims_for,
    export_record,
    new_export_id,
    releasable_cases,
    release_case,
    render_json,
    suppress_count,
    suppress_small_counts,
    watermark,
)

AT = dt.datetime(2024, 3, 5, 14, 30, tzinfo=dt.UTC)
OPEN = [Audience.PUBLIC, Audience.DETAINING_STATE]


def document(tag: str, sensitivity: Sensitivity, secret: str = "") -> Document:
    return Document(
        sha256=hashlib.sha256(tag.encode()).hexdigest(),
        filename=f"{tag}{secret}.txt",
        media_type="text/plain",
        original=f"original {secret}".encode(),
        clean_text=f"clean text {secret}",
        cleaner_version="1",
        title=f"Headline {secret}",
        # A public document's link is cited as published (it is already public); a confidential
        # one's link could lead to the source, so it carries the secret here.
        url=f"https://example.org/{tag}"
        if sensitivity is Sensitivity.PUBLIC
        else f"https://example.org/{tag}{secret}",
        outlet=f"Outlet {tag}" if sensitivity is Sensitivity.PUBLIC else f"Outlet {secret}",
        collector=f"collector {secret}",
        source_type=SourceType.NEWS
        if sensitivity is Sensitivity.PUBLIC
        else SourceType.CONTACT_REPORT,
        published=FuzzyDate.month(2023, 10),
        sensitivity=sensitivity,
        ingested_by=f"staff {secret}",
    )


def claim(
    doc: Document,
    values: dict[str, Scalar],
    quote: str = "",
    sensitivity: Sensitivity | None = None,
    review: ReviewState = ReviewState.PROPOSED,
    edited: dict[str, Scalar] | None = None,
) -> Claim:
    return Claim(
        document_sha256=doc.sha256,
        kind=ClaimKind.APPREHENSION,
        values=values,
        evidence=Evidence(doc.sha256, "1", 0, len(quote), quote),
        sensitivity=sensitivity or doc.sensitivity,
        review=review,
        edited_values=edited,
    )


def people(count: Count, **extra: Scalar) -> dict[str, Scalar]:
    return {
        "people_low": count.low,
        "people_best": count.best,
        "people_high": count.high,
        "people_qualifier": count.qualifier.value,
        **extra,
    }


def case(
    disclosure: Disclosure, label: str = "Group of 9, Mong Cai", note: str | None = None
) -> Case:
    return Case("c-123456789abc", label, ("abc#0",), CaseState(), disclosure, note)


# -- the adversary's test: nothing identifying reaches an open audience -----------------------

SECRETS = st.text(
    alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=4, max_size=10
)


@settings(max_examples=80, deadline=None)
@given(
    secrets=st.lists(SECRETS, min_size=12, max_size=12, unique=True),
    audience=st.sampled_from(OPEN),
    size=st.integers(0, 40),
)
def test_no_identity_or_confidential_value_reaches_open_audiences(
    secrets: list[str], audience: Audience, size: int
) -> None:
    public = document("pub", Sensitivity.PUBLIC, secrets[0])
    confidential = document("conf", Sensitivity.CONFIDENTIAL, secrets[1])
    claims = [
        # Public claim, but with a name in the quote, an unknown value key and a reviewer edit.
        claim(
            public,
            people(Count.exact(size), place="Shenyang", name=secrets[2]),
            quote=f"{secrets[3]} was arrested in Shenyang",
            edited=people(Count.exact(size), place="Shenyang", note=secrets[4]),
        ),
        # Everything from a confidential source (a relative's call).
        claim(confidential, people(Count.exact(40), place=secrets[5], custodian=secrets[6])),
        # A confidential claim inside a public document (reviewer marked it so).
        claim(
            public, people(Count.exact(30), place=secrets[7]), sensitivity=Sensitivity.CONFIDENTIAL
        ),
        # A rejected claim is not a fact and is not published.
        claim(public, people(Count.exact(30), place=secrets[8]), review=ReviewState.REJECTED),
        # An appeal's free-text asks often name the person.
        claim(public, {"sender": "HRW", "asks": f"release {secrets[9]}"}),
    ]
    documents = {d.sha256: d for d in (public, confidential)}
    subject = case(Disclosure.PUBLIC, label=f"Group of {secrets[10]}", note=secrets[11])
    rendered = render_json(release_case(subject, audience, claims, documents))
    for secret in secrets:
        assert secret not in rendered
    assert "Shenyang" in rendered  # the public fact itself does go out
    assert confidential.sha256 not in rendered and subject.id not in rendered


@settings(max_examples=40, deadline=None)
@given(size=st.integers(0, 2), audience=st.sampled_from(OPEN))
def test_small_groups_never_show_their_size(size: int, audience: Audience) -> None:
    public = document("pub", Sensitivity.PUBLIC)
    claims = [claim(public, people(Count.exact(size), place="Dandong"))]
    out = claims_for(audience, claims, {public.sha256: public})
    values = out[0].values
    assert values["people_best"] is None and values["people_low"] is None
    assert values["people_withheld"] == "fewer than 3"


# -- consent -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("disclosure", "audience"),
    [(d, a) for a in Audience for d in Disclosure],
    ids=[f"{d.value}-for-{a.value}" for a in Audience for d in Disclosure],
)
def test_consent_table(disclosure: Disclosure, audience: Audience) -> None:
    expected = {
        Audience.INTERNAL: set(Disclosure),
        Audience.UN: {Disclosure.UN_ONLY, Disclosure.PARTNERS, Disclosure.PUBLIC},
        Audience.PARTNER: {Disclosure.PARTNERS, Disclosure.PUBLIC},
        Audience.PUBLIC: {Disclosure.PUBLIC},
        Audience.DETAINING_STATE: {Disclosure.PUBLIC},
    }[audience]
    subject = case(disclosure)
    if disclosure in expected:
        check_consent(subject, audience)
    else:
        with pytest.raises(ConsentRequiredError, match="does not allow an output"):
            check_consent(subject, audience)
    assert (disclosure in CONSENT_ALLOWS[audience]) is (disclosure in expected)


def test_release_checks_consent_before_anything_else() -> None:
    with pytest.raises(ConsentRequiredError, match="detaining state"):
        release_case(case(Disclosure.PARTNERS), Audience.DETAINING_STATE, [], {})


def test_releasable_cases_filters_lists() -> None:
    cases = [case(d) for d in Disclosure]
    assert [c.disclosure for c in releasable_cases(cases, Audience.UN)] == [
        Disclosure.UN_ONLY,
        Disclosure.PARTNERS,
        Disclosure.PUBLIC,
    ]


# -- partner / UN / internal -------------------------------------------------------------------


@pytest.mark.parametrize("audience", [Audience.PARTNER, Audience.UN], ids=lambda a: a.value)
def test_consenting_partners_see_confidential_claims_but_not_the_source(audience: Audience) -> None:
    secret = "관리자연락처"
    confidential = document("conf", Sensitivity.CONFIDENTIAL, secret)
    claims = [
        replace(
            claim(confidential, people(Count.exact(2), place="Tumen"), quote="two were held"),
            incident_key=f"{confidential.sha256[:12]}#0",
        )
    ]
    release = release_case(
        case(Disclosure.PARTNERS, note="family asked us not to name the village"),
        audience,
        claims,
        {confidential.sha256: confidential},
    )
    rendered = render_json(release)
    assert "Tumen" in rendered and "two were held" in rendered
    assert release.claims[0].values["people_best"] == 2  # no suppression inside the trusted circle
    assert secret not in rendered and confidential.sha256 not in rendered
    assert "family asked" not in rendered
    assert release.sources[0].confidential and release.sources[0].reliability == "F6"
    assert release.claims[0].document_sha256 == release.sources[0].reference
    assert release.claims[0].incident_key == "confidential-source-1#0"
    assert confidential.sha256[:12] not in rendered


def test_internal_sees_everything() -> None:
    confidential = document("conf", Sensitivity.CONFIDENTIAL, "비밀")
    rejected = claim(confidential, people(Count.exact(1)), review=ReviewState.REJECTED)
    release = release_case(
        case(Disclosure.NONE, note="note"),
        Audience.INTERNAL,
        [rejected],
        {confidential.sha256: confidential},
    )
    assert release.claims == (rejected,) and release.consent_note == "note"
    assert release.sources[0].title == "Headline 비밀"


def test_claims_of_unknown_documents_are_dropped_for_external_audiences() -> None:
    orphan = claim(document("gone", Sensitivity.PUBLIC), people(Count.exact(9)))
    for audience in (Audience.PARTNER, Audience.UN, *OPEN):
        assert claims_for(audience, [orphan], {}) == []


def test_reviewed_only_policy_drops_unreviewed_claims() -> None:
    public = document("pub", Sensitivity.PUBLIC)
    proposed = claim(public, people(Count.exact(9)))
    accepted = claim(public, people(Count.exact(8)), review=ReviewState.ACCEPTED)
    out = claims_for(
        Audience.DETAINING_STATE,
        [proposed, accepted],
        {public.sha256: public},
        RedactionPolicy(reviewed_only=True),
    )
    assert [c.values["people_best"] for c in out] == [8]


def test_open_audiences_use_the_reviewers_edit_not_the_original() -> None:
    public = document("pub", Sensitivity.PUBLIC)
    edited = claim(
        public, people(Count.exact(9), place="Wrong"), edited=people(Count.exact(9), place="Right")
    )
    (out,) = claims_for(Audience.PUBLIC, [edited], {public.sha256: public})
    assert out.values["place"] == "Right" and out.edited_values is None


# -- small counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected", "note"),
    [
        (Count.exact(2), Count.unknown(), "fewer than 3"),
        (Count.exact(0), Count.unknown(), "fewer than 3"),
        (Count.exact(3), Count.exact(3), None),
        (Count.about(2), Count.unknown(), "fewer than 3"),
        (Count.up_to(2), Count.unknown(), "fewer than 3"),
        (Count.up_to(10), Count.up_to(10), None),
        (Count.between(2, 5), Count.up_to(5), None),
        (Count.between(1, 2), Count.unknown(), "fewer than 3"),
        (Count.at_least(1), Count.unknown(), "small number withheld (below 3 possible)"),
        (Count.at_least(41), Count.at_least(41), None),
        (Count.unknown(), Count.unknown(), None),
    ],
    ids=[
        "exact-2", "exact-0", "exact-3", "about-2", "up-to-2", "up-to-10", "range-2-5",
        "range-1-2", "at-least-1", "at-least-41", "unknown",
    ],
)  # fmt: skip
def test_suppress_count_only_keeps_true_statements(
    count: Count, expected: Count, note: str | None
) -> None:
    assert suppress_count(count, 3) == (expected, note)


@pytest.mark.parametrize("threshold", [1, 5, 10], ids=lambda t: f"threshold-{t}")
def test_threshold_is_configurable(threshold: int) -> None:
    values = suppress_small_counts({"kind": "child", "count": 4}, threshold)
    assert (values["count"] is None) is (threshold > 4)


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        RedactionPolicy(small_count_threshold=0)


def test_statistic_counts_are_suppressed_too() -> None:
    values = suppress_small_counts(
        {"count_low": 2, "count_best": 2, "count_high": 2, "qualifier": Qualifier.EXACT.value}, 3
    )
    assert values["count_best"] is None and values["count_withheld"] == "fewer than 3"


# -- watermark and export log ------------------------------------------------------------------


def test_watermark_names_the_exporter_for_trusted_audiences() -> None:
    line = watermark("jsmith", Audience.PARTNER, AT, "ab12")
    assert line == "Exported by jsmith for partner at 2024-03-05T14:30:00+00:00, export id ab12"


@pytest.mark.parametrize("audience", OPEN, ids=lambda a: a.value)
def test_watermark_hides_staff_names_from_open_audiences(audience: Audience) -> None:
    line = watermark("jsmith", audience, AT, "ab12")
    assert "jsmith" not in line and "export id ab12" in line


def test_watermark_user_name_cannot_inject_a_line() -> None:
    line = watermark("eve\nExported by admin", Audience.INTERNAL, AT, "x")
    assert "\n" not in line


def test_export_record_hashes_the_output() -> None:
    output = b"letter body\nExported ..."
    record = export_record("jsmith", "letter", Audience.UN, output, AT, new_export_id(), ["c-1"])
    assert record.sha256 == hashlib.sha256(output).hexdigest()
    assert (
        record.user == "jsmith" and record.audience is Audience.UN and record.case_ids == ("c-1",)
    )
    assert len(record.export_id) == 16


def test_export_ids_are_random() -> None:
    assert len({new_export_id() for _ in range(100)}) == 100


def test_naive_export_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        watermark("a", Audience.PUBLIC, dt.datetime(2024, 1, 1), "x")


def test_render_json_is_plain_json() -> None:
    public = document("pub", Sensitivity.PUBLIC)
    text = render_json(
        release_case(
            case(Disclosure.PUBLIC),
            Audience.PUBLIC,
            [claim(public, people(Count.exact(5)))],
            {public.sha256: public},
        )
    )
    data = json.loads(text)
    assert data["audience"] == "public" and data["label"] is None and data["state"] is None
