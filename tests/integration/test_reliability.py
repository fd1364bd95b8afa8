"""A reviewer's reliability grade (admiralty A1..F6) for a document and its claims, on both
backends: the store update, the service's validation and audit events, the grade surviving
re-ingest, re-extraction and rebuilds, and the `refugewatch reliability` command.

The reports are short texts written for these tests (not corpus documents).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from refugewatch.cli import app
from refugewatch.config import Settings
from refugewatch.errors import NotFoundError, ValidationError
from refugewatch.model.claims import Claim
from refugewatch.model.documents import DEFAULT_RELIABILITY, Document, SourceType
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import Outcome, ingest_bytes, reextract_all
from refugewatch.services.review import ADMIRALTY_GRADES, set_reliability
from refugewatch.store.protocols import AuditEvent
from refugewatch.store.sql import SqlUnitOfWork, dispose_engines, migrate, uow_factory

Factory = Callable[[], SqlUnitOfWork]
REVIEWER = "reviewer-lee"
# Loaded as news (outlet and published header), so its default grade is news's.
HELD_IN_HUNCHUN = b"""title: Five detained in Hunchun
published: 2022-02-14
outlet: Border Monitor

Chinese border police detained five North Koreans in Hunchun on February 10, 2022.
They are held at a detention centre in Hunchun and face forced return.
"""
HELD_IN_VIENTIANE = b"""title: Three held in Laos
published: 2017-06-30
outlet: Mekong Daily

Lao police detained three North Koreans in Vientiane on June 28, 2017.
"""


@pytest.fixture
def store(database_url: str) -> Iterator[Factory]:
    migrate(database_url)
    yield uow_factory(database_url)
    dispose_engines()


@pytest.fixture
def sha(store: Factory) -> str:
    """The Hunchun report ingested (its default grade) and its case built; a second report beside
    it shows that grading one document leaves the other alone."""
    settings = Settings()
    shas = []
    for name, data in (("hunchun.txt", HELD_IN_HUNCHUN), ("laos.txt", HELD_IN_VIENTIANE)):
        result = ingest_bytes(store, name, data, settings, actor="ingester")
        assert result.outcome is Outcome.INGESTED and result.sha256, result.reason
        shas.append(result.sha256)
    rebuild_cases(store, "ingester")
    return shas[0]


def _document(store: Factory, sha: str) -> Document:
    with store() as uow:
        document = uow.documents.get(sha)
    assert document is not None
    return document


def _claims(store: Factory, sha: str) -> list[Claim]:
    with store() as uow:
        claims = uow.claims.for_document(sha)
    assert claims, "the test report must yield claims"
    return claims


def _events(store: Factory, target: str) -> list[AuditEvent]:
    with store() as uow:
        return [e for e in uow.audit.list(target=target) if e.action == "document.reliability"]


def _case_ids(store: Factory, sha: str) -> list[str]:
    with store() as uow:
        return [
            c.id for c in uow.cases.list() if any(k.startswith(sha[:12]) for k in c.incident_keys)
        ]


def _grades(store: Factory, sha: str) -> set[str | None]:
    return {c.reliability for c in _claims(store, sha)}


# --- the starting point --------------------------------------------------------------------------


def test_ingest_grades_by_source_type(store: Factory, sha: str) -> None:
    document = _document(store, sha)
    default = DEFAULT_RELIABILITY[document.source_type]
    assert document.reliability == default
    assert _grades(store, sha) == {default}
    assert default != "A1", "the tests below need a grade that differs from the default"


# --- the store -----------------------------------------------------------------------------------


def test_store_updates_the_document_and_every_claim(store: Factory, sha: str) -> None:
    other = next(d.sha256 for d in _all_documents(store) if d.sha256 != sha)
    before_other = _grades(store, other)
    with store() as uow:
        uow.documents.set_reliability(sha, "D4")
        uow.commit()
    assert _document(store, sha).reliability == "D4"
    assert _grades(store, sha) == {"D4"}
    assert _grades(store, other) == before_other


def test_store_rolls_back_without_commit(store: Factory, sha: str) -> None:
    default = _document(store, sha).reliability
    with store() as uow:
        uow.documents.set_reliability(sha, "D4")
    assert _document(store, sha).reliability == default
    assert _grades(store, sha) == {default}


def test_store_refuses_an_unknown_document(store: Factory, sha: str) -> None:
    with store() as uow, pytest.raises(NotFoundError, match="no document"):
        uow.documents.set_reliability("0" * 64, "D4")


def _all_documents(store: Factory) -> list[Document]:
    with store() as uow:
        return uow.documents.list(with_originals=False)


# --- the service ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_grade", "stored"),
    [("A1", "A1"), ("F6", "F6"), (" b3 ", "B3"), ("e5", "E5")],
    ids=["best", "worst", "spaces-and-lower-case", "lower-case"],
)
def test_a_reviewer_grades_a_document(
    store: Factory, sha: str, given_grade: str, stored: str
) -> None:
    graded = set_reliability(store, sha[:12], given_grade, actor=REVIEWER, reason="checked")
    assert graded.sha256 == sha and graded.reliability == stored
    assert _document(store, sha).reliability == stored
    assert _grades(store, sha) == {stored}


def test_the_grade_is_audited_on_the_document_and_its_case(store: Factory, sha: str) -> None:
    default = _document(store, sha).reliability
    set_reliability(store, sha, "A1", actor=REVIEWER, reason="confirmed by the church group")
    case_ids = _case_ids(store, sha)
    assert len(case_ids) == 1
    for target in (sha, case_ids[0]):
        events = _events(store, target)
        assert len(events) == 1, target
        event = events[0]
        assert event.actor == REVIEWER and event.reason == "confirmed by the church group"
        assert json.loads(event.before) == {"reliability": default}
        assert json.loads(event.after) == {"reliability": "A1"}
        assert event.details["document"] == sha
    with store() as uow:
        rebuilds = [e for e in uow.audit.list(target="*") if e.actor == REVIEWER]
    assert [e.action for e in rebuilds] == ["cases.rebuild"], "rebuilt in the same transaction"


@pytest.mark.parametrize(
    ("grade", "actor", "reason", "expected"),
    [
        ("G1", REVIEWER, "why", ["not an admiralty grade"]),
        ("A7", REVIEWER, "why", ["not an admiralty grade"]),
        ("A0", REVIEWER, "why", ["not an admiralty grade"]),
        ("", REVIEWER, "why", ["not an admiralty grade"]),
        ("B22", REVIEWER, "why", ["not an admiralty grade"]),
        ("2B", REVIEWER, "why", ["not an admiralty grade"]),
        ("Z9", " ", "", ["who is making", "give a reason", "not an admiralty grade"]),
        ("A1", REVIEWER, "  ", ["give a reason"]),
    ],
    ids=["letter", "digit-high", "digit-zero", "empty", "too-long", "reversed", "all", "reason"],
)
def test_invalid_requests_list_every_problem(
    store: Factory, sha: str, grade: str, actor: str, reason: str, expected: list[str]
) -> None:
    default = _document(store, sha).reliability
    with pytest.raises(ValidationError) as caught:
        set_reliability(store, sha, grade, actor=actor, reason=reason)
    problems = caught.value.problems
    assert len(problems) == len(expected)
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem
    assert _document(store, sha).reliability == default
    assert _grades(store, sha) == {default}
    assert _events(store, sha) == []


def test_the_same_grade_again_is_refused(store: Factory, sha: str) -> None:
    current = _document(store, sha).reliability
    with pytest.raises(ValidationError, match="already graded"):
        set_reliability(store, sha, current.lower(), actor=REVIEWER, reason="again")


def test_an_unknown_document_is_not_found(store: Factory, sha: str) -> None:
    with pytest.raises(NotFoundError, match="no document"):
        set_reliability(store, "f" * 12, "A1", actor=REVIEWER, reason="why")


@given(st.text(max_size=4))
def test_only_the_36_grades_pass(text: str) -> None:
    """The validation the service applies, checked on arbitrary text without a database."""
    normalised = text.strip().upper()
    valid = len(normalised) == 2 and normalised[0] in "ABCDEF" and normalised[1] in "123456"
    assert (normalised in ADMIRALTY_GRADES) is valid


def test_the_scale_has_36_grades_in_order() -> None:
    assert len(ADMIRALTY_GRADES) == 36 == len(set(ADMIRALTY_GRADES))
    assert ADMIRALTY_GRADES[0] == "A1" and ADMIRALTY_GRADES[-1] == "F6"
    assert set(DEFAULT_RELIABILITY.values()) <= set(ADMIRALTY_GRADES)
    assert DEFAULT_RELIABILITY[SourceType.UNKNOWN] == "F6"


# --- the grade lasts -----------------------------------------------------------------------------


def test_the_grade_survives_reextraction_and_rebuild(store: Factory, sha: str) -> None:
    set_reliability(store, sha, "A1", actor=REVIEWER, reason="confirmed")
    assert reextract_all(store, "maintainer") >= 1
    assert _grades(store, sha) == {"A1"}, "new claims take the document's (reviewer's) grade"
    rebuild_cases(store, "maintainer")
    assert _document(store, sha).reliability == "A1"
    assert _grades(store, sha) == {"A1"}


def test_re_ingesting_the_same_bytes_keeps_the_grade(store: Factory, sha: str) -> None:
    set_reliability(store, sha, "E5", actor=REVIEWER, reason="doubtful outlet")
    again = ingest_bytes(store, "hunchun-again.txt", HELD_IN_HUNCHUN, Settings(), actor="x")
    assert again.outcome is Outcome.DUPLICATE and again.sha256 == sha
    assert _document(store, sha).reliability == "E5"
    assert _grades(store, sha) == {"E5"}


def test_a_later_grade_replaces_the_earlier(store: Factory, sha: str) -> None:
    set_reliability(store, sha, "A1", actor=REVIEWER, reason="first look")
    set_reliability(store, sha, "C4", actor="reviewer-park", reason="second opinion")
    assert _document(store, sha).reliability == "C4"
    events = _events(store, sha)
    assert [json.loads(e.after)["reliability"] for e in events] == ["A1", "C4"]
    assert json.loads(events[1].before) == {"reliability": "A1"}


# --- the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    monkeypatch.setenv("REFUGEWATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("REFUGEWATCH_USER", REVIEWER)
    runner = CliRunner()

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_cli_grades_a_document(cli: Callable[..., str], store: Factory, sha: str) -> None:
    out = cli("reliability", sha[:12], "b1", "--reason", "named eyewitness")
    assert f"document {sha[:12]}: reliability B1" in out
    assert _grades(store, sha) == {"B1"}
    docs = json.loads(cli("documents", "--json"))
    assert {d["id"]: d["reliability"] for d in docs}[sha] == "B1"
    events = _events(store, sha)
    assert len(events) == 1 and events[0].actor == REVIEWER


def test_cli_reports_every_problem(cli: Callable[..., str], store: Factory, sha: str) -> None:
    out = cli("reliability", sha[:12], "Z9", "--reason", " ", code=ValidationError.exit_code)
    flat = " ".join(out.split())  # the console wraps long lines
    assert "not an admiralty grade" in flat and "give a reason" in flat
    assert _events(store, sha) == []


def test_cli_unknown_document(cli: Callable[..., str], store: Factory, sha: str) -> None:
    out = cli("reliability", "0" * 12, "A1", "--reason", "why", code=NotFoundError.exit_code)
    assert "no document" in out
