"""First-hand contact reports: the template, its claims, linking beside public news, consent.

The news report and the calls are written for these tests (not corpus texts).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.config import Settings
from refugewatch.errors import CryptoError, ValidationError
from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.claims import ClaimKind
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Sensitivity, SourceType
from refugewatch.model.extraction import Status, VulnerabilityKind
from refugewatch.security.crypto import FieldCipher
from refugewatch.security.keys import generate_data_key
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.contact import (
    ContactReport,
    GroupMember,
    ReporterRelation,
    contact_claims,
    contact_report_problems,
    parse_contact_report,
    record_contact_report,
    render_contact_report,
    tidy,
)
from refugewatch.services.ingest import ingest_bytes, reextract_all
from refugewatch.services.protection_keys import quote_tag, reveal_document, seal_quotes
from refugewatch.services.review import review_claim, set_disclosure
from refugewatch.store.sql import SqlUnitOfWork, dispose_engines, migrate, uow_factory

Factory = Callable[[], SqlUnitOfWork]
RESEARCHER = "researcher-park"

NEWS = """Nine North Koreans arrested in Mong Cai
Published: 2025-10-06
Outlet: Border Monitor

Vietnamese border police arrested nine North Koreans, including two children, in Mong Cai on \
October 3, 2025, as they tried to cross into China, a rights group said on Monday.
The group is being held at a police station in Mong Cai and faces repatriation.
"""
STATEMENT = (
    "The caller's sister phoned from a borrowed handset the evening before the arrest. "
    "She said all nine were together in a guesthouse near the river, the two children too."
)
CALL = ContactReport(
    relation=ReporterRelation.RELATIVE,
    reliability="B2",
    group_size=Count.exact(9),
    status=Status.DETAINED,
    last_contact=FuzzyDate.day(2025, 10, 2),
    statement=STATEMENT,
    consent=Disclosure.UN_ONLY,
    received_at=dt.datetime(2025, 10, 5, 9, 30, tzinfo=dt.UTC),
    last_contact_place="Móng Cái",
    members=(
        GroupMember("Sister A"),
        GroupMember("Child B", (VulnerabilityKind.CHILDREN,)),
        GroupMember("Child C", (VulnerabilityKind.CHILDREN, VulnerabilityKind.ILL_OR_INJURED)),
    ),
    apprehended_on=FuzzyDate.day(2025, 10, 3),
    apprehended_place="Mong Cai",
)
# A different group entirely: a pastor reporting four people missing in Laos.
OTHER_CALL = dataclasses.replace(
    CALL,
    relation=ReporterRelation.PASTOR,
    reliability="C3",
    group_size=Count.about(4),
    status=Status.MISSING,
    last_contact=FuzzyDate.month(2025, 8),
    last_contact_place="Laos",
    members=(),
    apprehended_on=FuzzyDate.unknown(),
    apprehended_place=None,
    statement="No word from them since they left the safe house in August.",
)


@pytest.fixture
def store(database_url: str) -> Iterator[Factory]:
    migrate(database_url)
    yield uow_factory(database_url)
    dispose_engines()


# Contact reports are sealed under the data key; tests hold one in memory.
CIPHER = FieldCipher(generate_data_key())


@pytest.fixture
def news_sha(store: Factory) -> str:
    result = ingest_bytes(store, "news.txt", NEWS.encode(), Settings(), actor="ingester")
    assert result.sha256 is not None, result.reason
    rebuild_cases(store, "ingester")
    return result.sha256


def _case_of(store: Factory, sha: str) -> Case | None:
    key = f"{sha[:12]}#0"
    with store() as uow:
        return next((c for c in uow.cases.list() if key in c.incident_keys), None)


def test_contact_report_links_to_the_news_case_as_a_confidential_source(
    store: Factory, news_sha: str
) -> None:
    document = record_contact_report(store, CALL, actor=RESEARCHER, cipher=CIPHER)

    assert document.sensitivity is Sensitivity.CONFIDENTIAL
    assert document.source_type is SourceType.CONTACT_REPORT
    assert document.media_type == "text/plain"
    assert document.sha256 == hashlib.sha256(document.clean_text.encode()).hexdigest()
    assert document.original == document.clean_text.encode()
    assert document.reliability == "B2"
    news_case, contact_case = _case_of(store, news_sha), _case_of(store, document.sha256)
    assert news_case is not None and contact_case is not None
    assert news_case.id == contact_case.id
    assert set(contact_case.state.document_sha256s) == {news_sha, document.sha256}
    with store() as uow:
        stored = uow.documents.get(document.sha256)
        claims = uow.claims.for_document(document.sha256)
    assert stored is not None and stored.sensitivity is Sensitivity.CONFIDENTIAL
    assert claims and all(c.sensitivity is Sensitivity.CONFIDENTIAL for c in claims)
    assert all(c.reliability == "B2" for c in claims)


def test_claims_come_from_the_fields_with_exact_evidence(store: Factory, news_sha: str) -> None:
    document = record_contact_report(store, CALL, actor=RESEARCHER, cipher=CIPHER)
    with store() as uow:
        claims = uow.claims.for_document(document.sha256)
    text = document.clean_text
    for claim in claims:
        # Stored quotes are hashes of the sealed text's slices, never the words themselves.
        assert quote_tag(text[claim.evidence.start : claim.evidence.end]) == claim.evidence.quote
        assert STATEMENT not in claim.evidence.quote
    by_kind = {c.kind: c for c in claims}
    assert set(by_kind) == {ClaimKind.APPREHENSION, ClaimKind.STATUS, ClaimKind.VULNERABILITY}
    head = by_kind[ClaimKind.APPREHENSION]
    assert head.values["people_best"] == 9 and head.values["people_qualifier"] == "exact"
    assert (head.values["place"], head.values["country"]) == ("Mong Cai", "VN")
    assert head.date == FuzzyDate.day(2025, 10, 3)
    status = by_kind[ClaimKind.STATUS]
    assert status.values == {"status": "detained", "last_known_place": "Mong Cai"}
    assert status.date == FuzzyDate.day(2025, 10, 2)
    vulnerable = {
        c.values["kind"]: c.values["count"] for c in claims if c.kind is ClaimKind.VULNERABILITY
    }
    assert vulnerable == {"children": 2, "ill_or_injured": 1}


def test_group_known_only_by_country_and_missing(store: Factory) -> None:
    document = record_contact_report(store, OTHER_CALL, actor=RESEARCHER, cipher=CIPHER)
    with store() as uow:
        claims = {c.kind: c for c in uow.claims.for_document(document.sha256)}
    head = claims[ClaimKind.APPREHENSION]
    assert (head.values["place"], head.values["country"]) == (None, "LA")
    assert head.values["people_qualifier"] == "about"
    assert claims[ClaimKind.STATUS].values["status"] == "missing"
    assert ClaimKind.VULNERABILITY not in claims
    case = _case_of(store, document.sha256)
    assert case is not None and case.state.status is Status.MISSING


def test_stricter_consent_tightens_the_linked_case(store: Factory, news_sha: str) -> None:
    news_case = _case_of(store, news_sha)
    assert news_case is not None
    set_disclosure(
        store, news_case.id, Disclosure.PUBLIC, "already public", actor="lead", reason="news"
    )

    document = record_contact_report(store, CALL, actor=RESEARCHER, cipher=CIPHER)

    case = _case_of(store, document.sha256)
    assert case is not None and case.disclosure is Disclosure.UN_ONLY
    assert document.short_id in (case.consent_note or "")
    with store() as uow:
        history = uow.audit.list(target=case.id)
    actions = [e.action for e in history]
    assert "case.contact_report" in actions
    tightened = [e for e in history if e.action == "case.disclosure" and e.actor == RESEARCHER]
    assert [json.loads(e.after or "{}")["disclosure"] for e in tightened] == ["un_only"]
    rebuild_cases(store, "ingester")
    rebuilt = _case_of(store, document.sha256)
    assert rebuilt is not None and rebuilt.disclosure is Disclosure.UN_ONLY


def test_looser_consent_leaves_a_stricter_case_alone(store: Factory, news_sha: str) -> None:
    document = record_contact_report(
        store, dataclasses.replace(CALL, consent=Disclosure.PUBLIC), actor=RESEARCHER, cipher=CIPHER
    )
    case = _case_of(store, document.sha256)
    assert case is not None and case.disclosure is Disclosure.NONE


def test_audit_never_holds_the_account(store: Factory, news_sha: str) -> None:
    document = record_contact_report(store, CALL, actor=RESEARCHER, cipher=CIPHER)
    with store() as uow:
        status = next(
            c for c in uow.claims.for_document(document.sha256) if c.kind is ClaimKind.STATUS
        )
    review_claim(
        store,
        status.id,
        "edit",
        actor="reviewer",
        reason="second call",
        edits={"last_known_place": "Hai Phong"},
    )
    with store() as uow:
        events = uow.audit.list()
    dumped = json.dumps([(e.before, e.after, e.details) for e in events])
    for secret in ("guesthouse", "Sister A", "Child B", "Hai Phong", "Mong Cai"):
        assert secret not in dumped, secret
    edit = next(e for e in events if e.action == "claim.edit" and e.target == status.id)
    assert "values_sha256" in json.loads(edit.after or "{}")


def test_recording_the_same_report_twice_is_a_no_op(store: Factory) -> None:
    first = record_contact_report(store, CALL, actor=RESEARCHER, cipher=CIPHER)
    again = record_contact_report(store, CALL, actor=RESEARCHER, cipher=CIPHER)
    assert again.sha256 == first.sha256
    with store() as uow:
        assert uow.documents.count() == 1
        assert [e.action for e in uow.audit.list()].count("document.contact_report") == 1


def test_claims_derived_again_from_the_stored_text_are_identical(store: Factory) -> None:
    document = record_contact_report(store, CALL, actor=RESEARCHER, cipher=CIPHER)
    with store() as uow:
        stored = uow.documents.get(document.sha256)
        claims = uow.claims.for_document(document.sha256)
        assert stored is not None
        revealed = reveal_document(uow, CIPHER, stored, RESEARCHER, "test")
    again = seal_quotes(contact_claims(revealed))
    assert [c.fingerprint for c in again] == [c.fingerprint for c in claims]


def test_a_contact_report_needs_the_data_key_and_is_stored_sealed(store: Factory) -> None:
    with pytest.raises(CryptoError):
        record_contact_report(store, CALL, actor=RESEARCHER)
    with store() as uow:
        assert uow.documents.count() == 0
    document = record_contact_report(store, CALL, actor=RESEARCHER, cipher=CIPHER)
    with store() as uow:
        stored = uow.documents.get(document.sha256)
    assert stored is not None and STATEMENT not in stored.clean_text
    assert STATEMENT.encode() not in stored.original


def test_reextraction_keeps_the_structured_claims(store: Factory) -> None:
    document = record_contact_report(store, CALL, actor=RESEARCHER, cipher=CIPHER)
    with store() as uow:
        before = [c.fingerprint for c in uow.claims.for_document(document.sha256)]
    reextract_all(store, "ingester", cipher=CIPHER)
    with store() as uow:
        after = [c.fingerprint for c in uow.claims.for_document(document.sha256)]
    assert after == before


def test_invalid_report_lists_every_problem(store: Factory) -> None:
    bad = dataclasses.replace(
        CALL,
        reliability="good",
        group_size=Count(3, 5, 4, Count.exact(1).qualifier),
        last_contact=FuzzyDate.unknown(),
        apprehended_on=FuzzyDate.day(2025, 12, 1),
        statement="   ",
        members=(GroupMember("Kim; Lee"), *CALL.members),
        received_at=dt.datetime(2025, 10, 5, 9, 30, tzinfo=dt.UTC),
    )
    with pytest.raises(ValidationError) as caught:
        record_contact_report(store, bad, actor=" ")
    problems = caught.value.problems
    for fragment in (
        "admiralty",
        "group size",
        "last in contact",
        "after the call",
        "what was said",
        "member 1",
        "who took the call",
    ):
        assert any(fragment in p for p in problems), (fragment, problems)
    with store() as uow:
        assert uow.documents.count() == 0


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        pytest.param({"received_at": dt.datetime(2025, 10, 5)}, "time zone", id="naive-time"),
        pytest.param({"members": (GroupMember("A"),) * 10}, "at most 9", id="too-many-members"),
        pytest.param({"last_contact_place": "Mong\nCai"}, "one line", id="two-line-place"),
        pytest.param({"relation": "cousin"}, "relation", id="untyped-relation"),
        pytest.param(
            {"last_contact": FuzzyDate(None, None, FuzzyDate.day(2025, 1, 1).precision)},
            "day, a month",
            id="malformed-date",
        ),
    ],
)
def test_single_problems_are_named(change: dict[str, object], fragment: str) -> None:
    problems = contact_report_problems(tidy(dataclasses.replace(CALL, **change)))  # type: ignore[arg-type]
    assert any(fragment in p for p in problems), problems


# --- the template (pure) -------------------------------------------------------------------------

line = (
    st.text(
        st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters=";[],"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(lambda s: bool(s) and s not in ("unknown", "none listed") and s.isprintable())
)
counts = st.one_of(
    st.integers(0, 500).map(Count.exact),
    st.integers(0, 500).map(Count.at_least),
    st.integers(0, 500).map(Count.about),
    st.integers(0, 500).map(Count.up_to),
    st.tuples(st.integers(0, 250), st.integers(251, 500)).map(lambda t: Count.between(*t)),
    st.just(Count.unknown()),
)
days = st.dates(dt.date(2000, 1, 1), dt.date(2025, 12, 31))
fuzzy_dates = st.one_of(
    days.map(FuzzyDate.from_date),
    days.map(lambda d: FuzzyDate.month(d.year, d.month)),
    days.map(lambda d: FuzzyDate.year(d.year)),
    st.tuples(days, days).filter(lambda t: t[0] != t[1]).map(lambda t: FuzzyDate.between(*t)),
)
members = st.lists(
    st.builds(
        GroupMember, line, st.lists(st.sampled_from(VulnerabilityKind), unique=True).map(tuple)
    ),
    max_size=4,
).map(tuple)
reports = st.builds(
    ContactReport,
    relation=st.sampled_from(ReporterRelation),
    reliability=st.sampled_from(["A1", "B2", "C3", "F6"]),
    group_size=counts,
    status=st.sampled_from(Status),
    last_contact=fuzzy_dates,
    statement=st.text(min_size=1).map(str.strip).filter(lambda s: bool(s) and "\x00" not in s),
    consent=st.sampled_from(Disclosure),
    received_at=st.datetimes(
        dt.datetime(2026, 1, 1), dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC)
    ),
    last_contact_place=st.none() | line,
    members=members,
    apprehended_on=st.just(FuzzyDate.unknown()) | fuzzy_dates,
    apprehended_place=st.none() | line,
)


@given(reports)
def test_template_round_trips(report: ContactReport) -> None:
    report = tidy(report)
    text = render_contact_report(report)
    assert parse_contact_report(text) == report
    assert text.endswith(report.statement)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Nine North Koreans were arrested.", id="plain-news"),
        pytest.param(
            render_contact_report(CALL).replace("Status: detained\n", ""), id="missing-line"
        ),
        pytest.param(
            render_contact_report(CALL).replace("Status: detained", "Status: jailed"),
            id="bad-status",
        ),
    ],
)
def test_foreign_text_is_not_parsed_as_a_report(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_contact_report(text)
