"""Human review on both backends: claim decisions, merge / split / attach, disclosure, and their
audit events; decisions and overrides surviving re-extraction and rebuilds.

The reports are short texts written for these tests (not corpus documents): two reports of one
group of nine held in Mong Cai, which the linker joins, and one of eleven held in Kunming.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from refugewatch.config import Settings
from refugewatch.errors import NotFoundError, ValidationError
from refugewatch.link import case_id_for
from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.claims import Claim, ClaimKind, ReviewState
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import ingest_bytes, reextract_all
from refugewatch.services.review import (
    Decision,
    attach_document,
    merge_cases,
    review_claim,
    set_disclosure,
    split_case,
)
from refugewatch.store.protocols import AuditEvent
from refugewatch.store.sql import SqlUnitOfWork, dispose_engines, migrate, uow_factory
from refugewatch.store.sql.tables import persons

Factory = Callable[[], SqlUnitOfWork]
REVIEWER = "reviewer-kim"

MONG_CAI_1 = """Nine North Koreans arrested in Mong Cai
Published: 2025-10-06
Outlet: Border Monitor

Vietnamese border police arrested nine North Koreans, including two children, in Mong Cai on \
October 3, 2025, as they tried to cross into China, a rights group said on Monday.
The group is being held at a police station in Mong Cai and faces repatriation.
"""
MONG_CAI_2 = """Vietnam holds North Korean escapees
Published: 2025-10-08
Outlet: Mekong Daily

Police in the northern city of Mong Cai detained nine North Korean defectors on October 3, 2025. \
Activists fear the group, which includes two children, will be handed to China.
"""
KUNMING = """Eleven North Koreans caught in Kunming
Published: 2024-03-20
Outlet: Yunnan Watch

Chinese police detained eleven North Koreans in Kunming on March 14, 2024, according to a church \
group that had sheltered them. They are held in a detention centre in Kunming.
"""


@pytest.fixture
def store(database_url: str) -> Iterator[Factory]:
    migrate(database_url)
    yield uow_factory(database_url)
    dispose_engines()


@pytest.fixture
def shas(store: Factory) -> dict[str, str]:
    """The three reports ingested and linked: name -> document sha256."""
    settings = Settings()
    found = {}
    for name, text in (
        ("mong_cai_1", MONG_CAI_1),
        ("mong_cai_2", MONG_CAI_2),
        ("kunming", KUNMING),
    ):
        result = ingest_bytes(store, f"{name}.txt", text.encode(), settings, actor="ingester")
        assert result.sha256 is not None, result.reason
        found[name] = result.sha256
    rebuild_cases(store, "ingester")
    return found


def _cases(store: Factory) -> list[Case]:
    with store() as uow:
        return uow.cases.list()


def _case_of(store: Factory, sha: str) -> Case:
    key = f"{sha[:12]}#0"
    return next(c for c in _cases(store) if key in c.incident_keys)


def _claim(store: Factory, sha: str, kind: ClaimKind) -> Claim:
    with store() as uow:
        return next(c for c in uow.claims.for_document(sha) if c.kind is kind)


def _events(store: Factory, target: str) -> list[AuditEvent]:
    with store() as uow:
        return uow.audit.list(target=target)


def test_reports_link_as_expected(store: Factory, shas: dict[str, str]) -> None:
    """The starting point every other test relies on: two cases, Mong Cai with two reports."""
    mong_cai = _case_of(store, shas["mong_cai_1"])
    assert _case_of(store, shas["mong_cai_2"]).id == mong_cai.id
    assert _case_of(store, shas["kunming"]).id != mong_cai.id
    assert len(_cases(store)) == 2


# --- claim decisions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "edits", "state"),
    [
        pytest.param("accept", None, ReviewState.ACCEPTED, id="accept"),
        pytest.param("reject", None, ReviewState.REJECTED, id="reject"),
        pytest.param("edit", {"status": "repatriated"}, ReviewState.EDITED, id="edit"),
    ],
)
def test_claim_decision_is_applied_and_audited(
    store: Factory,
    shas: dict[str, str],
    decision: Decision,
    edits: dict[str, str] | None,
    state: ReviewState,
) -> None:
    claim = _claim(store, shas["mong_cai_1"], ClaimKind.STATUS)
    case = _case_of(store, shas["mong_cai_1"])
    started = dt.datetime.now(dt.UTC)

    reviewed = review_claim(
        store,
        claim.id,
        decision,
        actor=REVIEWER,
        reason="checked with the NGO",
        edits=edits,
    )

    assert reviewed.review is state
    assert _claim(store, shas["mong_cai_1"], ClaimKind.STATUS).review is state
    (event,) = _events(store, claim.id)
    assert (event.actor, event.action, event.reason) == (
        REVIEWER,
        f"claim.{decision}",
        "checked with the NGO",
    )
    assert event.at is not None and event.at >= started - dt.timedelta(seconds=1)
    before, after = json.loads(event.before or "{}"), json.loads(event.after or "{}")
    assert before["review"] == "proposed" and after["review"] == state.value
    assert before["values"]["status"] == "detained"
    assert after["values"]["status"] == ("repatriated" if edits else "detained")
    assert event.details["case_id"] == case.id
    on_case = [e for e in _events(store, case.id) if e.action == f"claim.{decision}"]
    assert [e.details["claim_id"] for e in on_case] == [claim.id]


def test_edit_changes_the_case_and_survives_reextraction_and_rebuild(
    store: Factory, shas: dict[str, str]
) -> None:
    claim = _claim(store, shas["kunming"], ClaimKind.APPREHENSION)
    review_claim(
        store,
        claim.id,
        "edit",
        actor=REVIEWER,
        reason="the church group's list names twelve",
        edits={"people_low": 12, "people_best": 12, "people_high": 12},
    )
    assert _case_of(store, shas["kunming"]).state.size.best == 12

    reextract_all(store, "ingester")
    rebuild_cases(store, "ingester")

    again = _claim(store, shas["kunming"], ClaimKind.APPREHENSION)
    assert again.id == claim.id
    assert again.review is ReviewState.EDITED
    assert again.values["people_best"] == 11  # the original stays on record
    assert again.effective_values["people_best"] == 12
    assert _case_of(store, shas["kunming"]).state.size.best == 12


def test_rejecting_a_groups_only_apprehension_removes_its_case_and_keeps_history(
    store: Factory, shas: dict[str, str]
) -> None:
    case = _case_of(store, shas["kunming"])
    claim = _claim(store, shas["kunming"], ClaimKind.APPREHENSION)
    review_claim(store, claim.id, "reject", actor=REVIEWER, reason="the article was retracted")
    rebuild_cases(store, "ingester")
    assert case.id not in {c.id for c in _cases(store)}
    assert [e.action for e in _events(store, case.id)] == ["claim.reject"]


def test_invalid_edit_reports_every_problem_and_records_nothing(
    store: Factory, shas: dict[str, str]
) -> None:
    claim = _claim(store, shas["mong_cai_1"], ClaimKind.APPREHENSION)
    with pytest.raises(ValidationError) as caught:
        review_claim(
            store,
            claim.id,
            "edit",
            actor=REVIEWER,
            reason="  ",
            edits={
                "people_best": "nine",
                "colour": "red",
                "people_qualifier": "roughly",
                "country": "Vietnam",
                "date": "early October",
            },
        )
    problems = caught.value.problems
    assert len(problems) == 6, problems
    for fragment in ("reason", "people_best", "'colour'", "people_qualifier", "country", "date"):
        assert any(fragment in p for p in problems), (fragment, problems)
    assert _events(store, claim.id) == []
    with store() as uow:
        assert uow.claims.decisions() == []


@pytest.mark.parametrize(
    ("kind", "decision", "edits", "fragment"),
    [
        pytest.param(
            ClaimKind.APPREHENSION,
            "edit",
            {"people_low": 12, "people_high": 10},
            "people_low (12)",
            id="count-order",
        ),
        pytest.param(
            ClaimKind.APPREHENSION, "edit", {"people_best": 9}, "changes nothing", id="no-change"
        ),
        pytest.param(ClaimKind.APPREHENSION, "edit", {}, "at least one", id="empty-edit"),
        pytest.param(
            ClaimKind.STATUS,
            "accept",
            {"status": "released"},
            "'edit' decision",
            id="edits-on-accept",
        ),
        pytest.param(ClaimKind.STATUS, "approve", None, "not one of accept", id="unknown-decision"),
        pytest.param(
            ClaimKind.VULNERABILITY, "edit", {"count": None}, "count must be", id="count-required"
        ),
        pytest.param(
            ClaimKind.VULNERABILITY,
            "edit",
            {"date": "2025"},
            "'date' is not a value",
            id="undated-kind",
        ),
        pytest.param(
            ClaimKind.STATUS,
            "edit",
            {"last_known_place": True},
            "last_known_place must",
            id="bool-text",
        ),
    ],
)
def test_invalid_decisions_are_refused(
    store: Factory,
    shas: dict[str, str],
    kind: ClaimKind,
    decision: str,
    edits: dict[str, object] | None,
    fragment: str,
) -> None:
    claim = _claim(store, shas["mong_cai_1"], kind)
    with pytest.raises(ValidationError) as caught:
        review_claim(store, claim.id, decision, actor=REVIEWER, reason="why", edits=edits)  # type: ignore[arg-type]
    assert any(fragment in p for p in caught.value.problems), caught.value.problems


def test_edit_may_correct_the_date_and_clear_a_value(store: Factory, shas: dict[str, str]) -> None:
    claim = _claim(store, shas["kunming"], ClaimKind.APPREHENSION)
    reviewed = review_claim(
        store,
        claim.id,
        "edit",
        actor=REVIEWER,
        reason="police said the 13th",
        edits={"date": "2024-03-13", "custodian": None},
    )
    assert reviewed.effective_values["date"] == "2024-03-13"
    assert reviewed.effective_values["custodian"] is None
    assert _case_of(store, shas["kunming"]).state.apprehended_date.to_edtf() == "2024-03-13"


def test_unknown_claim_is_not_found(store: Factory, shas: dict[str, str]) -> None:
    with pytest.raises(NotFoundError):
        review_claim(store, "no-such-claim", "accept", actor=REVIEWER, reason="why")


# --- merge, split, attach ------------------------------------------------------------------------


def test_merge_joins_two_cases_keeps_the_smallest_key_id_and_survives_rebuilds(
    store: Factory, shas: dict[str, str]
) -> None:
    mong_cai, kunming = _case_of(store, shas["mong_cai_1"]), _case_of(store, shas["kunming"])
    all_keys = sorted({*mong_cai.incident_keys, *kunming.incident_keys})

    merged = merge_cases(
        store, kunming.id, mong_cai.id, actor=REVIEWER, reason="same family, per the pastor"
    )

    assert merged.id == case_id_for(all_keys)
    assert sorted(merged.incident_keys) == all_keys
    assert len(_cases(store)) == 1
    reextract_all(store, "ingester")
    rebuild_cases(store, "ingester")
    assert [sorted(c.incident_keys) for c in _cases(store)] == [all_keys]
    assert _cases(store)[0].id == merged.id
    for case_id in (mong_cai.id, kunming.id):
        (event,) = [e for e in _events(store, case_id) if e.action == "case.merge"]
        assert event.actor == REVIEWER and event.reason == "same family, per the pastor"
        before, after = json.loads(event.before or "{}"), json.loads(event.after or "{}")
        assert {c["id"] for c in before["cases"]} == {mong_cai.id, kunming.id}
        assert after["case"]["id"] == merged.id


def test_merge_keeps_the_stricter_disclosure_and_moves_people(
    store: Factory, shas: dict[str, str]
) -> None:
    mong_cai, kunming = _case_of(store, shas["mong_cai_1"]), _case_of(store, shas["kunming"])
    set_disclosure(
        store, mong_cai.id, Disclosure.PUBLIC, "family agreed", actor=REVIEWER, reason="call"
    )
    set_disclosure(
        store, kunming.id, Disclosure.PARTNERS, "pastor agreed", actor=REVIEWER, reason="call"
    )
    survivor_key = min({*mong_cai.incident_keys, *kunming.incident_keys})
    retired = kunming if survivor_key in mong_cai.incident_keys else mong_cai
    with store() as uow:  # the persons table has no repository yet: write the row directly
        uow._db.execute(
            persons.insert().values(
                id="p-1",
                case_id=retired.id,
                pseudonym="Person One",
                vulnerabilities=[],
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        uow.commit()

    merged = merge_cases(store, mong_cai.id, kunming.id, actor=REVIEWER, reason="same group")

    assert merged.disclosure is Disclosure.PARTNERS
    assert merged.consent_note == "pastor agreed"
    with store() as uow:
        moved = uow._db.execute(sa.select(persons.c.case_id)).scalar_one()
    assert moved == merged.id


def test_merge_refuses_a_case_with_itself_and_unknown_cases(
    store: Factory, shas: dict[str, str]
) -> None:
    case = _case_of(store, shas["kunming"])
    with pytest.raises(ValidationError) as caught:
        merge_cases(store, case.id, case.id, actor=" ", reason="")
    assert len(caught.value.problems) == 3
    with pytest.raises(NotFoundError):
        merge_cases(store, case.id, "c-000000000000", actor=REVIEWER, reason="why")


def test_split_separates_incidents_and_survives_relinking(
    store: Factory, shas: dict[str, str]
) -> None:
    case = _case_of(store, shas["mong_cai_1"])
    set_disclosure(store, case.id, Disclosure.UN_ONLY, None, actor=REVIEWER, reason="consent call")
    second = f"{shas['mong_cai_2'][:12]}#0"

    remaining, split_off = split_case(
        store, case.id, [second], actor=REVIEWER, reason="two boats that day"
    )

    assert split_off.incident_keys == (second,)
    assert second not in remaining.incident_keys
    assert {remaining.disclosure, split_off.disclosure} == {Disclosure.UN_ONLY}
    reextract_all(store, "ingester")
    rebuild_cases(store, "ingester")
    assert _case_of(store, shas["mong_cai_1"]).id != _case_of(store, shas["mong_cai_2"]).id
    assert len(_cases(store)) == 3
    (event,) = [e for e in _events(store, case.id) if e.action == "case.split"]
    assert event.reason == "two boats that day"
    assert {c["id"] for c in json.loads(event.after or "{}")["cases"]} == {
        remaining.id,
        split_off.id,
    }
    new_id = ({remaining.id, split_off.id} - {case.id}).pop()
    assert [e.action for e in _events(store, new_id)] == ["case.split"]


@pytest.mark.parametrize(
    ("keys", "fragment"),
    [
        pytest.param([], "name the incidents", id="none"),
        pytest.param(["ffffffffffff#0"], "is not part of case", id="stranger"),
        pytest.param("all", "at least one incident", id="everything"),
    ],
)
def test_split_refuses_bad_selections(
    store: Factory, shas: dict[str, str], keys: object, fragment: str
) -> None:
    case = _case_of(store, shas["mong_cai_1"])
    chosen = list(case.incident_keys) if keys == "all" else keys
    with pytest.raises(ValidationError) as caught:
        split_case(store, case.id, chosen, actor=REVIEWER, reason="why")  # type: ignore[arg-type]
    assert any(fragment in p for p in caught.value.problems)


def test_attach_moves_a_documents_group_into_a_case_and_survives_rebuild(
    store: Factory, shas: dict[str, str]
) -> None:
    mong_cai = _case_of(store, shas["mong_cai_1"])
    kunming_key = f"{shas['kunming'][:12]}#0"

    joined = attach_document(
        store, mong_cai.id, shas["kunming"][:12], actor=REVIEWER, reason="same people, moved"
    )

    assert kunming_key in joined.incident_keys
    assert set(mong_cai.incident_keys) <= set(joined.incident_keys)
    rebuild_cases(store, "ingester")
    assert len(_cases(store)) == 1
    assert shas["kunming"] in _cases(store)[0].state.document_sha256s
    (event,) = [e for e in _events(store, mong_cai.id) if e.action == "case.attach"]
    assert json.loads(event.before or "{}")["document"] == shas["kunming"]


def test_attach_refuses_a_document_already_in_the_case(
    store: Factory, shas: dict[str, str]
) -> None:
    case = _case_of(store, shas["mong_cai_1"])
    with pytest.raises(ValidationError, match="already part of case"):
        attach_document(store, case.id, shas["mong_cai_2"], actor=REVIEWER, reason="why")
    with pytest.raises(NotFoundError):
        attach_document(store, case.id, "0123456789abcdef", actor=REVIEWER, reason="why")


def test_overrides_replay_in_order_merge_then_split(store: Factory, shas: dict[str, str]) -> None:
    mong_cai, kunming = _case_of(store, shas["mong_cai_1"]), _case_of(store, shas["kunming"])
    merged = merge_cases(store, mong_cai.id, kunming.id, actor=REVIEWER, reason="looked alike")
    split_case(
        store, merged.id, list(kunming.incident_keys), actor=REVIEWER, reason="they were not"
    )
    rebuild_cases(store, "ingester")
    assert sorted(sorted(c.incident_keys) for c in _cases(store)) == sorted(
        [sorted(mong_cai.incident_keys), sorted(kunming.incident_keys)]
    )


# --- disclosure ----------------------------------------------------------------------------------


def test_set_disclosure_is_audited_without_the_note_text(
    store: Factory, shas: dict[str, str]
) -> None:
    case = _case_of(store, shas["kunming"])
    updated = set_disclosure(
        store,
        case.id,
        Disclosure.UN_ONLY,
        "mother agreed on the phone",
        actor=REVIEWER,
        reason="call",
    )
    assert (updated.disclosure, updated.consent_note) == (
        Disclosure.UN_ONLY,
        "mother agreed on the phone",
    )
    rebuild_cases(store, "ingester")
    assert _case_of(store, shas["kunming"]).disclosure is Disclosure.UN_ONLY
    (event,) = _events(store, case.id)
    assert event.action == "case.disclosure"
    assert json.loads(event.after or "{}")["disclosure"] == "un_only"
    assert "mother" not in (event.after or "")


# --- what every rebuild keeps --------------------------------------------------------------------


def test_consent_and_people_follow_a_case_whose_id_moves(
    store: Factory, shas: dict[str, str]
) -> None:
    """A new report whose key sorts first renames the case (case_id_for); a plain rebuild must
    carry the recorded consent and people over instead of resetting or refusing."""
    old = _case_of(store, shas["mong_cai_1"])
    set_disclosure(
        store, old.id, Disclosure.PARTNERS, "pastor agreed", actor=REVIEWER, reason="call"
    )
    with store() as uow:
        uow._db.execute(
            persons.insert().values(
                id="p-1",
                case_id=old.id,
                pseudonym="Person One",
                vulnerabilities=[],
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        uow.commit()
    smallest = min(old.incident_keys)
    repost = next(
        text
        for n in range(2000)
        if hashlib.sha256(
            text := MONG_CAI_1.replace("Border Monitor", f"Repost {n}").encode()
        ).hexdigest()[:12]
        < smallest[:12]
    )
    result = ingest_bytes(store, "repost.txt", repost, Settings(), actor="ingester")
    assert result.sha256 is not None

    rebuild_cases(store, "ingester")

    renamed = _case_of(store, result.sha256)
    assert renamed.id != old.id and old.id not in {c.id for c in _cases(store)}
    assert set(old.incident_keys) < set(renamed.incident_keys)
    assert (renamed.disclosure, renamed.consent_note) == (Disclosure.PARTNERS, "pastor agreed")
    with store() as uow:
        assert uow._db.execute(sa.select(persons.c.case_id)).scalar_one() == renamed.id
