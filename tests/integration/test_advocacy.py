"""Advocacy over the store: consent refusal, one intervention and one audit event per draft, the
status lifecycle, and the `letter` / `intervention` commands, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import refugewatch.cli_advocacy  # noqa: F401  (registers the commands on the app)
from refugewatch.cli import app
from refugewatch.config import Settings
from refugewatch.errors import (
    ConsentRequiredError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from refugewatch.model.cases import Disclosure
from refugewatch.outputs import DraftKind
from refugewatch.services.advocacy import (
    draft_for_case,
    get_intervention,
    intervention_json,
    interventions,
    set_intervention_status,
)
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import ingest_paths
from refugewatch.services.review import set_disclosure
from refugewatch.store.protocols import AuditEvent, Intervention, InterventionStatus
from refugewatch.store.sql.mapping import intervention_from_row, intervention_row
from tests.integration.conftest import UowFactory

DAY = dt.date(2015, 11, 24)


@pytest.fixture
def nine(make_uow: UowFactory, corpus_dir: Path) -> UowFactory:
    """The nine at the Tumen garrison (seeds 000 and 004), with no consent recorded yet."""
    paths = [p for n in ("000", "004") for p in sorted((corpus_dir / "seeds").glob(f"{n}_*.txt"))]
    ingest_paths(make_uow, paths, Settings())
    rebuild_cases(make_uow, "tester")
    return make_uow


def case_id_of(make_uow: UowFactory) -> str:
    with make_uow() as uow:
        (case,) = uow.cases.list()
    return case.id


def consent(make_uow: UowFactory, level: Disclosure) -> str:
    case_id = case_id_of(make_uow)
    set_disclosure(make_uow, case_id, level, "family, by phone", actor="tester", reason="consent")
    return case_id


def events(make_uow: UowFactory, case_id: str, action: str) -> list[AuditEvent]:
    with make_uow() as uow:
        return [e for e in uow.audit.list(case_id) if e.action == action]


# -- consent ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "allowed"),
    [
        (Disclosure.NONE, set()),
        (Disclosure.UN_ONLY, {DraftKind.UN_APPEAL}),
        (Disclosure.PARTNERS, {DraftKind.UN_APPEAL}),
        (Disclosure.PUBLIC, set(DraftKind)),
    ],
    ids=str,
)
def test_drafts_need_the_consent_of_their_audience(nine: UowFactory, level: Disclosure, allowed: set[DraftKind]) -> None:  # fmt: skip
    case_id = consent(nine, level)
    for kind in DraftKind:
        if kind in allowed:
            draft_for_case(nine, case_id, kind, "md", actor="tester", as_of=DAY)
            continue
        with pytest.raises(ConsentRequiredError, match=f"consent \\({level.value}\\)"):
            draft_for_case(nine, case_id, kind, "md", actor="tester", as_of=DAY)
    assert {i.kind for i in interventions(nine, case_id)} == {k.value for k in allowed}
    assert len(events(nine, case_id, "intervention.draft")) == len(allowed)


# -- one intervention and one audit event per draft ---------------------------------------------


def test_each_draft_is_an_intervention_and_an_audit_event(nine: UowFactory) -> None:
    case_id = consent(nine, Disclosure.PUBLIC)
    made = [
        draft_for_case(nine, case_id, DraftKind.LETTER, "md", actor="ana", as_of=DAY),
        draft_for_case(nine, case_id, DraftKind.PRESS_SUMMARY, "html", actor="ben", as_of=DAY),
    ]
    stored = interventions(nine, case_id)
    assert [i.id for i in stored] == [m.intervention_id for m in made]
    letter = stored[0]
    assert letter.status is InterventionStatus.DRAFT and letter.date == DAY
    assert letter.sender == "ana" and letter.body == made[0].draft.markdown
    assert letter.addressees == made[0].draft.addressees and len(letter.addressees) == 3
    drafted = events(nine, case_id, "intervention.draft")
    assert [e.details["intervention"] for e in drafted] == [i.id for i in stored]
    after = json.loads(drafted[0].after or "{}")
    assert after["audience"] == "detaining_state" and after["unreviewed"] is True
    assert after["body_sha256"] == hashlib.sha256(letter.body.encode()).hexdigest()
    assert after["claim_ids"] == list(made[0].draft.claim_ids)
    assert "Excellency" not in (drafted[0].after or ""), "the audit log keeps no drafted text"
    assert intervention_json(letter)["title"] == made[0].draft.title


@pytest.mark.parametrize(
    ("kind", "fmt", "lang", "problem"),
    [
        (DraftKind.LETTER, "md", "ko", r"'ko' \(planned next\)"),
        (DraftKind.LETTER, "md", "fr", "en only"),
        (DraftKind.LETTER, "docx", "en", "format 'docx'"),
        ("fax", "md", "en", "draft kind 'fax'"),
    ],
    ids=["korean", "french", "docx", "unknown-kind"],
)
def test_bad_requests_are_refused_and_record_nothing(
    nine: UowFactory, kind: str, fmt: str, lang: str, problem: str
) -> None:
    case_id = consent(nine, Disclosure.PUBLIC)
    with pytest.raises(ValidationError, match=problem):
        draft_for_case(nine, case_id, kind, fmt, actor="t", language=lang)
    assert interventions(nine, case_id) == []


def test_unknown_case_and_intervention_are_not_found(nine: UowFactory) -> None:
    with pytest.raises(NotFoundError, match="no case"):
        draft_for_case(nine, "c-nothere", DraftKind.LETTER, "md", actor="t")
    with pytest.raises(NotFoundError, match="no case"):
        interventions(nine, "c-nothere")
    with pytest.raises(NotFoundError, match="no intervention"):
        set_intervention_status(nine, "iv-nothere", "sent", actor="t")


# -- the status lifecycle -----------------------------------------------------------------------


def test_a_letter_is_sent_then_answered(nine: UowFactory) -> None:
    case_id = consent(nine, Disclosure.PUBLIC)
    made = draft_for_case(nine, case_id, DraftKind.LETTER, "md", actor="ana", as_of=DAY)
    sent_on = dt.date(2015, 11, 25)
    sent = set_intervention_status(nine, made.intervention_id, "sent", actor="ana", on=sent_on)
    assert sent.status is InterventionStatus.SENT and sent.date == sent_on
    reply = "The embassy says the matter is handled according to law."
    replied = set_intervention_status(
        nine, made.intervention_id, InterventionStatus.REPLIED, actor="ben", reply=reply
    )
    assert replied.date == sent_on, "a reply does not re-date the letter"
    stored = get_intervention(nine, made.intervention_id)
    assert stored.reply == reply and stored.status is InterventionStatus.REPLIED
    changes = events(nine, case_id, "intervention.status")
    assert [json.loads(e.after or "{}")["status"] for e in changes] == ["sent", "replied"]
    assert (
        reply not in (changes[1].after or "")
        and json.loads(changes[1].after or "{}")["reply_sha256"]
        == hashlib.sha256(reply.encode()).hexdigest()
    )


@pytest.mark.parametrize(
    ("steps", "then", "reply", "problem"),
    [
        ((), "replied", None, "draft: it can next be marked published or sent, not replied"),
        (("sent",), "draft", None, "not draft"),
        (("sent",), "sent", None, "not sent"),
        (("published",), "sent", None, "that status is final"),
        (("sent",), "acknowledged", "thanks", "only be recorded with the status replied"),
        (("sent",), "replied", "  ", "the reply is empty"),
        ((), "lost", None, "status 'lost' is not one of"),
    ],
    ids=["reply-to-a-draft", "back-to-draft", "sent-twice", "after-published",
         "reply-without-replied", "empty-reply", "unknown-status"],
)  # fmt: skip
def test_status_changes_that_make_no_sense_are_refused(
    nine: UowFactory, steps: tuple[str, ...], then: str, reply: str | None, problem: str
) -> None:
    case_id = consent(nine, Disclosure.PUBLIC)
    made = draft_for_case(nine, case_id, DraftKind.PRESS_SUMMARY, "md", actor="t", as_of=DAY)
    for step in steps:
        set_intervention_status(nine, made.intervention_id, step, actor="t")
    with pytest.raises(ValidationError, match=problem):
        set_intervention_status(nine, made.intervention_id, then, actor="t", reply=reply)
    assert len(events(nine, case_id, "intervention.status")) == len(steps)


def test_the_un_appeal_lists_interventions_already_sent(nine: UowFactory) -> None:
    case_id = consent(nine, Disclosure.PUBLIC)
    letter = draft_for_case(nine, case_id, DraftKind.LETTER, "md", actor="t", as_of=DAY)
    draft_for_case(nine, case_id, DraftKind.PRESS_SUMMARY, "md", actor="t", as_of=DAY)
    set_intervention_status(nine, letter.intervention_id, "sent", actor="t", on=DAY)
    appeal = draft_for_case(nine, case_id, DraftKind.UN_APPEAL, "md", actor="t", as_of=DAY)
    text = " ".join(str(appeal.output).replace("\\", "").split())
    assert "Letter to President of the People's Republic of China" in text
    assert "2015-11-24: sent" in text
    assert "Press summary" not in text, "a draft never sent is not a step taken"


# -- the CLI ------------------------------------------------------------------------------------

Invoke = Callable[..., str]


@pytest.fixture
def cli(nine: UowFactory, migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("REFUGEWATCH_DATABASE_URL", migrated_url)
    monkeypatch.setenv("REFUGEWATCH_USER", "desk")
    runner = CliRunner()

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_cli_letter_without_consent_says_why(cli: Invoke, nine: UowFactory) -> None:
    case_id = case_id_of(nine)
    out = cli("letter", case_id, "--kind", "appeal", code=7)
    assert "consent (none) does not allow" in out and "detaining state" in out
    assert interventions(nine, case_id) == []


def test_cli_letter_to_stdout_and_pdf_to_a_file(cli: Invoke, nine: UowFactory, tmp_path: Path) -> None:  # fmt: skip
    case_id = consent(nine, Disclosure.PUBLIC)
    out = cli("letter", case_id, "--kind", "press", "--as-of", "2015-11-24")
    assert "UNREVIEWED DRAFT" in out and "face forced return to North Korea" in out
    assert "recorded as intervention iv-" in out
    assert "give --out FILE" in cli("letter", case_id, "--kind", "un", "--format", "pdf", code=6)
    pdf = tmp_path / "appeal.pdf"
    cli("letter", case_id, "--kind", "un", "--format", "pdf", "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "--kind 'fax'" in cli("letter", case_id, "--kind", "fax", code=6)
    assert "planned next" in cli("letter", case_id, "--kind", "appeal", "--lang", "zh", code=6)
    assert [i.kind for i in interventions(nine, case_id)] == ["press_summary", "un_appeal"]


def test_cli_intervention_list_and_status(cli: Invoke, nine: UowFactory, tmp_path: Path) -> None:
    case_id = consent(nine, Disclosure.PUBLIC)
    cli("letter", case_id, "--kind", "appeal", "--out", str(tmp_path / "letter.md"))
    (row,) = json.loads(cli("intervention", "list", case_id, "--json"))
    assert row["status"] == "draft" and row["sender"] == "desk" and row["kind"] == "letter"
    assert row["id"] in cli("intervention", "list", case_id)
    assert "sent (2015-11-25)" in cli(
        "intervention", "status", row["id"], "--set", "sent", "--on", "2015-11-25"
    )
    reply = tmp_path / "reply.txt"
    reply.write_text("Received; the matter is under review.", encoding="utf-8")
    cli("intervention", "status", row["id"], "--set", "replied", "--reply-file", str(reply))
    assert get_intervention(nine, row["id"]).reply == "Received; the matter is under review."
    refused = " ".join(cli("intervention", "status", row["id"], "--set", "sent", code=6).split())
    assert "it can next be marked published, not sent" in refused
    missing = cli("intervention", "status", row["id"], "--set", "replied", "--reply-file",
                  str(tmp_path / "nothere.txt"), code=6)  # fmt: skip
    assert "cannot read the reply file" in missing


# -- the repository -----------------------------------------------------------------------------

NO_NUL = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))


def an_intervention(case_id: str, **changes: object) -> Intervention:
    base = Intervention(
        id="iv-0123456789ab",
        case_id=case_id,
        kind=DraftKind.UN_APPEAL.value,
        status=InterventionStatus.DRAFT,
        sender="Ana Lee",
        addressees=("OHCHR Special Procedures Branch", "Quick Response Desk"),
        body="# Urgent appeal\n\nMóng Cái → Tumen, 图们\n",
        date=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_interventions_are_stored_as_given(nine: UowFactory) -> None:
    case_id = case_id_of(nine)
    with nine() as uow:
        added = uow.interventions.add(an_intervention(case_id))
        uow.commit()
    assert added.created_at is not None
    with nine() as uow:
        assert uow.interventions.get(added.id) == added
        assert uow.interventions.list(case_id) == [added] == uow.interventions.list()
        assert uow.interventions.list("c-other") == []


@pytest.mark.parametrize(
    ("changes", "error", "problem"),
    [
        ({"case_id": "c-nothere"}, NotFoundError, "no case"),
        ({"body": "a\x00b"}, StorageError, "NUL"),
    ],
    ids=["unknown-case", "nul-in-body"],
)
def test_interventions_that_cannot_be_stored(
    nine: UowFactory, changes: dict[str, object], error: type[Exception], problem: str
) -> None:
    changes.setdefault("case_id", case_id_of(nine))
    with nine() as uow, pytest.raises(error, match=problem):
        uow.interventions.add(an_intervention(**changes))  # type: ignore[arg-type]


def test_the_same_id_twice_and_updating_a_missing_one_are_refused(nine: UowFactory) -> None:
    item = an_intervention(case_id_of(nine))
    with nine() as uow:
        uow.interventions.add(item)
        with pytest.raises(StorageError, match="already recorded"):
            uow.interventions.add(item)
        with pytest.raises(NotFoundError, match="no intervention"):
            uow.interventions.update(replace(item, id="iv-nothere"))


@given(body=NO_NUL, sender=NO_NUL, addressees=st.lists(NO_NUL, max_size=3), reply=NO_NUL)
def test_rows_round_trip(body: str, sender: str, addressees: list[str], reply: str) -> None:
    item = an_intervention(
        "c-1", body=body, sender=sender, addressees=tuple(addressees), reply=reply or None,
        status=InterventionStatus.REPLIED, date=DAY,
        created_at=dt.datetime(2015, 11, 24, 8, tzinfo=dt.UTC),
    )  # fmt: skip
    assert item.created_at is not None
    assert intervention_from_row(intervention_row(item, item.created_at)) == item
