"""Human review: accept, reject or edit a claim; merge, split and attach cases; set disclosure;
grade a document's reliability.

Every action takes who did it and why, is validated as a whole (all problems in one
ValidationError), is written as audit events in the hash chain (the claim's or case's own target,
plus the case id so the case page lists it), and rebuilds the cases in the same transaction, so
the action, its record and the state it causes commit together or not at all.

Decisions about claims attach to claim fingerprints (ClaimRepository.record_decision), so they
survive re-extraction. Grouping decisions are CaseOverride rows replayed on every rebuild
(services.cases.apply_overrides), so they survive re-linking.

Case ids stay derived by link.case_id_for: a case is named after its smallest incident key. A merge
therefore keeps the id of whichever of the two cases holds the smaller smallest key (the other id
is retired: its people and interventions move to the survivor); a split leaves the old id with the
part holding the smallest key and the other part gets a new id. Consent never widens by grouping:
a case made from several earlier cases takes the most restrictive disclosure among them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from itertools import pairwise
from typing import Literal

from refugewatch.errors import NotFoundError, ValidationError
from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.claims import Claim, ClaimKind, ReviewState, Scalar
from refugewatch.model.counts import Qualifier
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Document, Sensitivity
from refugewatch.model.extraction import Measure, Status, VulnerabilityKind
from refugewatch.services.cases import UowFactory, rebuild_in
from refugewatch.store.protocols import (
    AuditEvent,
    CaseOverride,
    OverrideKind,
    ReviewDecision,
    UnitOfWork,
)

Decision = Literal["accept", "reject", "edit"]
DECISION_STATES: Mapping[str, ReviewState] = {
    "accept": ReviewState.ACCEPTED,
    "reject": ReviewState.REJECTED,
    "edit": ReviewState.EDITED,
}

# A reviewer's corrected date, as EDTF ("2015-10", "2015-10-03/2015-10-05"); the fold reads it
# (cases.values.claim_date). Only kinds whose claims carry a date of their own take one.
DATE_KEY = "date"
DATED_KINDS = frozenset(
    {ClaimKind.APPREHENSION, ClaimKind.TRANSFER, ClaimKind.STATUS, ClaimKind.APPEAL}
)
# ISO 3166-1 alpha-2, as the extractor and gazetteer write countries.
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
# Count fields that must stay ordered low <= best <= high after an edit.
COUNT_PREFIXES = ("people_", "count_")

Check = Callable[[Scalar], str | None]  # None when the value is acceptable, else what is wrong


def _text(value: Scalar) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        return "must be non-empty text or null"
    return None if "\n" not in value else "must be a single line"


def _whole(value: Scalar) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return "must be a whole number of 0 or more, or null"
    return None


def _required_whole(value: Scalar) -> str | None:
    return "must be a whole number of 0 or more" if value is None else _whole(value)


def _country(value: Scalar) -> str | None:
    if value is None or (isinstance(value, str) and COUNTRY_CODE.fullmatch(value)):
        return None
    return "must be a two-letter ISO country code such as CN or VN, or null"


def _edtf(value: Scalar) -> str | None:
    if isinstance(value, str):
        try:
            FuzzyDate.parse_edtf(value)
        except ValueError:
            pass
        else:
            return None
    return "must be an EDTF date such as 2015-10-03, 2015-10, 2015 or 2015-10-01/2015-10-05"


def _optional_edtf(value: Scalar) -> str | None:
    return None if value is None else _edtf(value)


def _one_of(choices: type[StrEnum]) -> Check:
    allowed = [c.value for c in choices]

    def check(value: Scalar) -> str | None:
        return None if value in allowed else f"must be one of {', '.join(allowed)}"

    return check


# The value keys a reviewer may correct, per claim kind, and the check each new value must pass.
# Mirrors model.claims._ClaimFactory: a key the fold does not read cannot be "corrected".
EDITABLE_VALUES: Mapping[ClaimKind, Mapping[str, Check]] = {
    ClaimKind.APPREHENSION: {
        "people_low": _whole,
        "people_best": _whole,
        "people_high": _whole,
        "people_qualifier": _one_of(Qualifier),
        "nationality": _country,
        "place": _text,
        "place_id": _text,
        "country": _country,
        "custodian": _text,
        "subset_of": _whole,
    },
    ClaimKind.TRANSFER: {"place": _text, "country": _country, "custodian": _text},
    ClaimKind.STATUS: {"status": _one_of(Status), "last_known_place": _text},
    ClaimKind.VULNERABILITY: {"kind": _one_of(VulnerabilityKind), "count": _required_whole},
    ClaimKind.STATISTIC: {
        "measure": _one_of(Measure),
        "count_low": _whole,
        "count_best": _whole,
        "count_high": _whole,
        "qualifier": _one_of(Qualifier),
        "period_start": _optional_edtf,
        "period_end": _optional_edtf,
        "place": _text,
    },
    ClaimKind.APPEAL: {"sender": _text, "addressee": _text, "asks": _text},
}


# --- claims --------------------------------------------------------------------------------------


def review_claim(
    uow_factory: UowFactory,
    claim_id: str,
    decision: Decision | str,
    *,
    actor: str,
    reason: str,
    edits: Mapping[str, Scalar] | None = None,
) -> Claim:
    """Accept, reject or edit one claim; returns the claim as it now reads (decision applied).

    `decision` is "accept", "reject" or "edit" (any other text is refused with the others' names,
    so the CLI and web forms can pass what the user typed).

    `edits` (only with "edit") corrects some values; the others keep their current reading. The
    original values stay on record, and the decision survives re-extraction of the document.
    """
    with uow_factory() as uow:
        claim = uow.claims.get(claim_id)
        if claim is None:
            raise NotFoundError(f"there is no claim {claim_id!r}; check the id on the case page")
        state, edited = _decide(claim, decision, actor, reason, edits)
        before_cases = uow.cases.list()
        uow.claims.record_decision(
            ReviewDecision(
                document_sha256=claim.document_sha256,
                fingerprint=claim.fingerprint,
                state=state,
                reviewer=actor.strip(),
                reason=reason.strip(),
                edited_values=edited,
                decided_at=dt.datetime.now(dt.UTC),
            )
        )
        reviewed = uow.claims.get(claim_id) or claim
        rebuild_in(uow, actor)
        after_cases = uow.cases.list()
        _record_claim_events(
            uow, decision, claim, reviewed, actor, reason, (before_cases, after_cases)
        )
        uow.commit()
    return reviewed


def _decide(
    claim: Claim,
    decision: str,
    actor: str,
    reason: str,
    edits: Mapping[str, Scalar] | None,
) -> tuple[ReviewState, dict[str, Scalar] | None]:
    """The decision's state and corrected values, or every problem with the request at once."""
    problems = _who_and_why(actor, reason)
    state = DECISION_STATES.get(decision)
    if state is None:
        problems.append(f"decision {decision!r} is not one of accept, reject, edit")
    if state is ReviewState.EDITED:
        problems.extend(_edit_problems(claim, edits or {}))
    elif edits:
        problems.append(f"corrected values go with the 'edit' decision, not {decision!r}")
    if problems or state is None:
        raise ValidationError(problems)
    if state is not ReviewState.EDITED:
        return state, None
    return state, {**claim.effective_values, **(edits or {})}


def _edit_problems(claim: Claim, edits: Mapping[str, Scalar]) -> list[str]:
    if not edits:
        return ["an edit must give at least one corrected value"]
    allowed = dict(EDITABLE_VALUES[claim.kind])
    if claim.kind in DATED_KINDS:
        allowed[DATE_KEY] = _edtf
    problems = []
    for key, value in edits.items():
        check = allowed.get(key)
        if check is None:
            known = ", ".join(sorted(allowed))
            problems.append(f"{key!r} is not a value of a {claim.kind.value} claim ({known})")
        elif (problem := check(value)) is not None:
            problems.append(f"{key} {problem}, got {value!r}")
    merged = {**claim.effective_values, **edits}
    problems.extend(_count_order_problems(merged))
    if not problems and merged == dict(claim.effective_values):
        problems.append("the edit changes nothing; accept the claim instead")
    return problems


def _count_order_problems(values: Mapping[str, Scalar]) -> list[str]:
    problems = []
    for prefix in COUNT_PREFIXES:
        parts = [(name, values.get(prefix + name)) for name in ("low", "best", "high")]
        known = [(name, v) for name, v in parts if isinstance(v, int) and not isinstance(v, bool)]
        for (name_a, a), (name_b, b) in pairwise(known):
            if a > b:
                problems.append(f"{prefix}{name_a} ({a}) must not be above {prefix}{name_b} ({b})")
    return problems


def _record_claim_events(
    uow: UnitOfWork,
    decision: str,
    claim: Claim,
    reviewed: Claim,
    actor: str,
    reason: str,
    cases: tuple[Sequence[Case], Sequence[Case]],
) -> None:
    """One event on the claim, and one on each case it was or now is part of (its history)."""
    case_ids = [c.id for group in cases if (c := _case_holding(group, claim.incident_key))]
    case_ids = list(dict.fromkeys(case_ids))
    before, after = _claim_view(claim), _claim_view(reviewed)
    details: dict[str, Scalar] = {
        "document": claim.document_sha256,
        "kind": claim.kind.value,
        "case_id": case_ids[-1] if case_ids else None,
    }
    action = f"claim.{decision}"
    append_event(uow, actor, action, claim.id, before, after, reason, details)
    for case_id in case_ids:
        append_event(
            uow, actor, action, case_id, before, after, reason, {**details, "claim_id": claim.id}
        )


def _claim_view(claim: Claim) -> dict[str, object]:
    """What the audit log keeps of a claim: its values, or only their hash if confidential."""
    view: dict[str, object] = {"review": claim.review.value}
    values = {DATE_KEY: claim.date.to_edtf_interval(), **claim.effective_values}
    if claim.sensitivity is Sensitivity.CONFIDENTIAL:
        view["values_sha256"] = _digest(values)
    else:
        view["values"] = values
    return view


# --- cases ---------------------------------------------------------------------------------------


def merge_cases(
    uow_factory: UowFactory, case_a: str, case_b: str, *, actor: str, reason: str
) -> Case:
    """Make two cases one. The merged case keeps the id of the case holding the smaller incident
    key (see the module docstring) and the more restrictive of the two disclosures."""
    problems = _who_and_why(actor, reason)
    if case_a == case_b:
        problems.append("a case cannot be merged with itself; choose two different cases")
    with uow_factory() as uow:
        first, second = _existing_case(uow, case_a), _existing_case(uow, case_b)
        _refuse(problems)
        keys = tuple(sorted({*first.incident_keys, *second.incident_keys}))
        override = CaseOverride(OverrideKind.MERGE, keys, actor, reason.strip(), case_id=first.id)
        merged = _apply_override(uow, override, actor)
        survivor = _only(c for c in merged if set(c.incident_keys) & set(keys))
        before = {"cases": [_case_view(first), _case_view(second)]}
        _append_case_events(
            uow,
            "case.merge",
            [first.id, second.id],
            actor,
            reason,
            before,
            {"case": _case_view(survivor)},
        )
        uow.commit()
    return survivor


def split_case(
    uow_factory: UowFactory,
    case_id: str,
    incident_keys: Sequence[str],
    *,
    actor: str,
    reason: str,
) -> list[Case]:
    """Take some incidents out of a case into a case of their own.

    Returns [the case holding the remaining incidents, the case holding the split-off ones]; both
    keep the original case's disclosure. Whichever part holds the smallest key keeps the old id.
    """
    problems = _who_and_why(actor, reason)
    with uow_factory() as uow:
        case = _existing_case(uow, case_id)
        moving = tuple(sorted(set(incident_keys)))
        problems.extend(_split_problems(case, moving))
        _refuse(problems)
        override = CaseOverride(OverrideKind.SPLIT, moving, actor, reason.strip(), case_id=case.id)
        after = _apply_override(uow, override, actor)
        rest = set(case.incident_keys) - set(moving)
        parts = [
            _only(c for c in after if set(c.incident_keys) & keys) for keys in (rest, set(moving))
        ]
        ids = list(dict.fromkeys([case.id, *(p.id for p in parts)]))
        _append_case_events(
            uow,
            "case.split",
            ids,
            actor,
            reason,
            {"case": _case_view(case)},
            {"cases": [_case_view(p) for p in parts]},
        )
        uow.commit()
    return parts


def _split_problems(case: Case, moving: Sequence[str]) -> list[str]:
    if not moving:
        return ["name the incidents to split off (incident keys shown on the case page)"]
    strangers = [k for k in moving if k not in case.incident_keys]
    problems = [f"incident {k} is not part of case {case.id}" for k in strangers]
    if not strangers and len(moving) == len(set(case.incident_keys)):
        problems.append("a split must leave at least one incident in the case")
    return problems


def attach_document(
    uow_factory: UowFactory, case_id: str, document_sha256: str, *, actor: str, reason: str
) -> Case:
    """Put every group a document reports into a case by hand (when linking missed it).

    The document's incidents leave the cases they were in. Returns the case they joined, which
    keeps the more restrictive disclosure of the cases involved.
    """
    problems = _who_and_why(actor, reason)
    with uow_factory() as uow:
        case = _existing_case(uow, case_id)
        document = uow.documents.get(document_sha256)
        if document is None:
            raise NotFoundError(f"there is no document {document_sha256!r}")
        moving = _linkable_keys(uow, document.sha256)
        problems.extend(_attach_problems(case, document.short_id, moving))
        _refuse(problems)
        override = CaseOverride(
            OverrideKind.ATTACH,
            moving,
            actor,
            reason.strip(),
            target_keys=case.incident_keys,
            case_id=case.id,
        )
        joined = _only(
            c for c in _apply_override(uow, override, actor) if moving[0] in c.incident_keys
        )
        ids = list(dict.fromkeys([case.id, joined.id]))
        _append_case_events(
            uow,
            "case.attach",
            ids,
            actor,
            reason,
            {"case": _case_view(case), "document": document.sha256},
            {"case": _case_view(joined)},
        )
        uow.commit()
    return joined


def _linkable_keys(uow: UnitOfWork, document_sha256: str) -> tuple[str, ...]:
    """The document's incidents that take part in linking (their apprehension is not rejected)."""
    claims = uow.claims.for_document(document_sha256)
    heads = {
        c.incident_key
        for c in claims
        if c.incident_key and c.kind is ClaimKind.APPREHENSION and c.counts_for_case
    }
    return tuple(sorted(heads))


def _attach_problems(case: Case, short_id: str, moving: Sequence[str]) -> list[str]:
    if not moving:
        return [
            f"document {short_id} reports no group of people to attach (no apprehension claim "
            "that is not rejected); add or correct its claims first"
        ]
    if set(moving) <= set(case.incident_keys):
        return [f"document {short_id} is already part of case {case.id}"]
    return []


def set_disclosure(
    uow_factory: UowFactory,
    case_id: str,
    level: Disclosure,
    note: str | None,
    *,
    actor: str,
    reason: str,
) -> Case:
    """Record what the family or reporter consented to. The note is audited as a hash only."""
    problems = _who_and_why(actor, reason)
    if not isinstance(level, Disclosure):
        allowed = ", ".join(d.value for d in Disclosure)
        problems.append(f"disclosure {level!r} is not one of {allowed}")
    with uow_factory() as uow:
        case = _existing_case(uow, case_id)
        _refuse(problems)
        uow.cases.set_disclosure(case.id, level, note)
        updated = uow.cases.get(case.id) or case
        append_event(
            uow,
            actor,
            "case.disclosure",
            case.id,
            _disclosure_view(case),
            _disclosure_view(updated),
            reason,
            {},
        )
        uow.commit()
    return updated


# --- documents -----------------------------------------------------------------------------------

# Every grade a reviewer may give, in scale order: source reliability A (reliable) .. F (cannot be
# judged) times information credibility 1 (confirmed) .. 6 (cannot be judged). The same scale as
# model.documents.DEFAULT_RELIABILITY and services.contact.ADMIRALTY_GRADE (which imports this
# module, so the list lives here).
ADMIRALTY_GRADES: tuple[str, ...] = tuple(f"{s}{c}" for s in "ABCDEF" for c in "123456")


def set_reliability(
    uow_factory: UowFactory, document_sha256: str, grade: str, *, actor: str, reason: str
) -> Document:
    """Grade a document on the admiralty scale ("B2"); its claims take the grade with it.

    The grade is stored on the document, which ingest never rewrites, and re-extraction copies it
    from there into the new claims, so a reviewer's grade outlives both. `document_sha256` may be
    a unique prefix. Returns the document as it now reads.
    """
    wanted = grade.strip().upper()
    problems = _who_and_why(actor, reason)
    if wanted not in ADMIRALTY_GRADES:
        problems.append(
            f"reliability {grade!r} is not an admiralty grade: a letter A-F for the source "
            "and a digit 1-6 for the information, such as B2"
        )
    with uow_factory() as uow:
        document = uow.documents.get(document_sha256)
        if document is None:
            raise NotFoundError(f"there is no document {document_sha256!r}; check its sha256")
        if not problems and wanted == document.reliability:
            problems.append(f"document {document.short_id} is already graded {wanted}")
        _refuse(problems)
        graded = _grade_document(uow, document, wanted, actor, reason)
        uow.commit()
    return graded


def _grade_document(
    uow: UnitOfWork, document: Document, grade: str, actor: str, reason: str
) -> Document:
    """Store the grade, rebuild, and record it on the document and every case it informs."""
    keys = {c.incident_key for c in uow.claims.for_document(document.sha256) if c.incident_key}
    before_cases = uow.cases.list()
    uow.documents.set_reliability(document.sha256, grade)
    rebuild_in(uow, actor)
    holding = [c.id for c in (*before_cases, *uow.cases.list()) if keys & set(c.incident_keys)]
    case_ids = list(dict.fromkeys(holding))
    before, after = {"reliability": document.reliability}, {"reliability": grade}
    details: dict[str, Scalar] = {"document": document.sha256, "cases": ",".join(case_ids)}
    action = "document.reliability"
    append_event(uow, actor, action, document.sha256, before, after, reason, details)
    for case_id in case_ids:
        append_event(uow, actor, action, case_id, before, after, reason, details)
    return uow.documents.get(document.sha256) or document


# --- shared steps --------------------------------------------------------------------------------


def _apply_override(uow: UnitOfWork, override: CaseOverride, actor: str) -> list[Case]:
    uow.case_overrides.add(override)
    rebuild_in(uow, actor)
    return uow.cases.list()


def _who_and_why(actor: str, reason: str) -> list[str]:
    problems = []
    if not actor or not actor.strip():
        problems.append("say who is making this change (actor)")
    if not reason or not reason.strip():
        problems.append("give a reason: it goes into the case history")
    return problems


def _refuse(problems: Sequence[str]) -> None:
    if problems:
        raise ValidationError(problems)


def _existing_case(uow: UnitOfWork, case_id: str) -> Case:
    case = uow.cases.get(case_id)
    if case is None:
        raise NotFoundError(f"there is no case {case_id!r}; rebuild the cases or check the id")
    return case


def _case_holding(cases: Sequence[Case], incident_key: str | None) -> Case | None:
    if incident_key is None:
        return None
    return next((c for c in cases if incident_key in c.incident_keys), None)


def _only(cases: Iterable[Case]) -> Case:
    """The case an action produced (the first match: the caller's condition names one case)."""
    found = next(iter(cases), None)
    if found is None:
        raise ValidationError(
            ["the change left no case holding these incidents; rebuild the cases and try again"]
        )
    return found


def _case_view(case: Case) -> dict[str, object]:
    """Membership and consent; not the label, which may come from confidential claims."""
    return {
        "id": case.id,
        "incident_keys": list(case.incident_keys),
        "disclosure": case.disclosure.value,
    }


def _disclosure_view(case: Case) -> dict[str, object]:
    note = case.consent_note
    return {"disclosure": case.disclosure.value, "note_sha256": _digest(note) if note else None}


def _append_case_events(
    uow: UnitOfWork,
    action: str,
    case_ids: Sequence[str],
    actor: str,
    reason: str,
    before: object,
    after: object,
) -> None:
    """The same event on every case involved, so each case page shows it in its history."""
    for case_id in case_ids:
        append_event(
            uow, actor, action, case_id, before, after, reason, {"cases": ",".join(case_ids)}
        )


def append_event(
    uow: UnitOfWork,
    actor: str,
    action: str,
    target: str,
    before: object,
    after: object,
    reason: str,
    details: Mapping[str, Scalar],
) -> None:
    # services.audit.record has no `details`; the links between events need it.
    uow.audit.append(
        AuditEvent(
            actor=actor.strip(),
            action=action,
            target=target,
            before=_json(before),
            after=_json(after),
            reason=reason.strip(),
            at=dt.datetime.now(dt.UTC),
            details=dict(details),
        )
    )


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _digest(value: object) -> str:
    return hashlib.sha256(_json(value).encode()).hexdigest()
