"""Advocacy over the store: draft a letter, UN appeal or press summary for a case, and track it.

Drafting is outputs' (pure: consent, audience filtering, templates); this module loads the case,
its claims and documents, hands the UN appeal its urgency reasons and the steps already taken,
renders the requested format, and records every draft as an Intervention on the case (status
draft) with an audit event, in one transaction. Status changes (sent, acknowledged, replied,
published) are audited the same way. The audit log keeps hashes of drafted text and replies,
never the text: it is not confidential, a draft may be.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import NamedTuple, TypeVar

from refugewatch.errors import NotFoundError, ValidationError
from refugewatch.model.cases import Case
from refugewatch.model.claims import Claim
from refugewatch.model.documents import Document
from refugewatch.outputs import Draft, DraftKind, DraftOptions, draft, render_pdf
from refugewatch.outputs.draft import AUDIENCE_OF
from refugewatch.outputs.facts import usable_claims
from refugewatch.risk import assess_case
from refugewatch.services.cases import UowFactory
from refugewatch.services.review import append_event
from refugewatch.store.protocols import Intervention, InterventionStatus, UnitOfWork

E = TypeVar("E", bound=StrEnum)


class OutputFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    PDF = "pdf"


# Languages the templates exist in. Korean and Chinese are next (DESIGN.md "Advocacy"); until
# their templates are written and checked by a native speaker, asking for them is an error
# rather than an English letter labelled otherwise.
SUPPORTED_LANGUAGES = ("en",)
PLANNED_LANGUAGES = ("ko", "zh")
# Random, so an intervention id reveals neither how many letters were drafted nor in what order.
ID_PREFIX = "iv-"
ID_BYTES = 6
# Which status may follow which. A draft is sent (letters, appeals) or published (press
# summaries, open letters); a sent one may be acknowledged, answered or later made public. No
# status goes back: a mistaken mark is corrected by a note, the history stays as it happened.
NEXT_STATUSES: Mapping[InterventionStatus, frozenset[InterventionStatus]] = {
    InterventionStatus.DRAFT: frozenset({InterventionStatus.SENT, InterventionStatus.PUBLISHED}),
    InterventionStatus.SENT: frozenset(
        {InterventionStatus.ACKNOWLEDGED, InterventionStatus.REPLIED, InterventionStatus.PUBLISHED}
    ),
    InterventionStatus.ACKNOWLEDGED: frozenset(
        {InterventionStatus.REPLIED, InterventionStatus.PUBLISHED}
    ),
    InterventionStatus.REPLIED: frozenset({InterventionStatus.PUBLISHED}),
    InterventionStatus.PUBLISHED: frozenset(),
}
# Statuses that date the intervention: the day it left the organisation is the day that counts.
DATING_STATUSES = frozenset({InterventionStatus.SENT, InterventionStatus.PUBLISHED})
# How a UN appeal's "steps taken" names an earlier intervention of the case.
KIND_WORDS: Mapping[str, str] = {
    DraftKind.LETTER.value: "Letter",
    DraftKind.UN_APPEAL.value: "Urgent appeal to the UN special procedures",
    DraftKind.PRESS_SUMMARY.value: "Press summary",
}


class DraftedLetter(NamedTuple):
    """A draft, its rendering in the requested format, and the intervention that records it."""

    draft: Draft
    output: str | bytes
    intervention_id: str


def draft_for_case(
    uow_factory: UowFactory,
    case_id: str,
    kind: DraftKind | str,
    fmt: OutputFormat | str,
    *,
    actor: str,
    as_of: dt.date | None = None,
    language: str = "en",
) -> DraftedLetter:
    """Draft `kind` for the case, dated `as_of` (default today), and record it as a draft.

    Raises ConsentRequiredError when the case's consent does not allow the draft's audience,
    DraftingError when no usable claim about the arrest remains, ValidationError for an unknown
    kind, format or language.
    """
    chosen, output_format = _check_request(kind, fmt, language, actor)
    dated = as_of or dt.date.today()
    with uow_factory() as uow:
        case = _existing_case(uow, case_id)
        claims, documents = _case_material(uow, case)
        options = DraftOptions(
            dated=dated,
            steps_taken=steps_taken(uow.interventions.list(case.id)),
            risk_reasons=_risk_reasons(chosen, case, claims, documents, dated),
        )
        result = draft(chosen, case, claims, documents, options)
        output = render(result, output_format)
        intervention = uow.interventions.add(_new_intervention(case, result, actor, dated))
        append_event(
            uow,
            actor,
            "intervention.draft",
            case.id,
            None,
            _draft_view(intervention, result, output_format, output),
            f"{chosen.value.replace('_', ' ')} drafted for the "
            f"{result.audience.value.replace('_', ' ')} audience",
            {"intervention": intervention.id},
        )
        uow.commit()
    return DraftedLetter(result, output, intervention.id)


def _check_request(
    kind: DraftKind | str, fmt: OutputFormat | str, language: str, actor: str
) -> tuple[DraftKind, OutputFormat]:
    problems = []
    if language not in SUPPORTED_LANGUAGES:
        planned = " (planned next)" if language in PLANNED_LANGUAGES else ""
        problems.append(
            f"drafts are written in {', '.join(SUPPORTED_LANGUAGES)} only for now; "
            f"{language!r}{planned} has no templates yet"
        )
    chosen = _member(DraftKind, kind, "draft kind", problems)
    output_format = _member(OutputFormat, fmt, "format", problems)
    if not actor.strip():
        problems.append("say who is drafting (actor)")
    if problems or chosen is None or output_format is None:
        raise ValidationError(problems)
    return chosen, output_format


def _member(kind: type[E], value: E | str, what: str, problems: list[str]) -> E | None:
    try:
        return kind(value)
    except ValueError:
        problems.append(f"{what} {value!r} is not one of {', '.join(kind)}")
        return None


def render(result: Draft, fmt: OutputFormat) -> str | bytes:
    """The draft as Markdown or HTML text, or PDF bytes."""
    if fmt is OutputFormat.PDF:
        return render_pdf(result)
    return result.html if fmt is OutputFormat.HTML else result.markdown


def _case_material(uow: UnitOfWork, case: Case) -> tuple[list[Claim], dict[str, Document]]:
    """The case's own claims and the documents they come from (metadata is what drafts cite)."""
    keys = set(case.incident_keys)
    claims = [c for c in uow.claims.list() if c.incident_key in keys]
    documents: dict[str, Document] = {}
    for sha in sorted({c.document_sha256 for c in claims}):
        document = uow.documents.get(sha)
        if document is not None:
            documents[sha] = document
    return claims, documents


def _risk_reasons(
    kind: DraftKind,
    case: Case,
    claims: Sequence[Claim],
    documents: Mapping[str, Document],
    as_of: dt.date,
) -> tuple[str, ...]:
    """Why the case is urgent, for the UN appeal only, from the same claims the draft may use
    (reviewed ones, else proposed): a reason never states a fact the draft itself could not."""
    if kind is not DraftKind.UN_APPEAL:
        return ()
    chosen, _unreviewed = usable_claims(case, claims)
    published = {sha: d.published for sha, d in documents.items()}
    assessment = assess_case(case, chosen, published, as_of)
    return tuple(r.text for r in assessment.reasons if r.points or r.floor)


def steps_taken(earlier: Sequence[Intervention]) -> tuple[str, ...]:
    """Interventions that left the organisation, in words ("Letter to ..., sent 2015-11-23")."""
    steps = []
    for item in earlier:
        if item.status is InterventionStatus.DRAFT:
            continue
        what = KIND_WORDS.get(item.kind, item.kind.replace("_", " ").capitalize())
        to = f" to {item.addressees[0]}" if item.addressees else ""
        when = f", {item.date.isoformat()}" if item.date else ""
        steps.append(f"{what}{to}{when}: {item.status.value}")
    return tuple(steps)


def _new_intervention(case: Case, result: Draft, actor: str, dated: dt.date) -> Intervention:
    return Intervention(
        id=ID_PREFIX + secrets.token_hex(ID_BYTES),
        case_id=case.id,
        kind=result.kind.value,
        status=InterventionStatus.DRAFT,
        sender=actor.strip(),
        addressees=result.addressees,
        body=result.markdown,
        date=dated,
    )


def _draft_view(
    intervention: Intervention, result: Draft, fmt: OutputFormat, output: str | bytes
) -> dict[str, object]:
    data = output.encode("utf-8") if isinstance(output, str) else output
    return {
        "intervention": intervention.id,
        "kind": intervention.kind,
        "audience": AUDIENCE_OF[result.kind].value,
        "status": intervention.status.value,
        "format": fmt.value,
        "unreviewed": result.unreviewed,
        "claim_ids": list(result.claim_ids),
        "addressees": list(intervention.addressees),
        "body_sha256": _sha256(intervention.body),
        "output_sha256": hashlib.sha256(data).hexdigest(),
    }


# -- tracking -----------------------------------------------------------------------------------


def interventions(uow_factory: UowFactory, case_id: str) -> list[Intervention]:
    """A case's interventions, oldest first."""
    with uow_factory() as uow:
        case = _existing_case(uow, case_id)
        return uow.interventions.list(case.id)


def get_intervention(uow_factory: UowFactory, intervention_id: str) -> Intervention:
    with uow_factory() as uow:
        return _existing_intervention(uow, intervention_id)


def set_intervention_status(
    uow_factory: UowFactory,
    intervention_id: str,
    status: InterventionStatus | str,
    *,
    actor: str,
    reply: str | None = None,
    on: dt.date | None = None,
) -> Intervention:
    """Move an intervention on (sent, acknowledged, replied, published), with the reply's text
    when one came. Sent and published date the intervention (`on`, default today)."""
    problems: list[str] = []
    new = _member(InterventionStatus, status, "status", problems)
    if not actor.strip():
        problems.append("say who is recording this (actor)")
    if reply is not None and not reply.strip():
        problems.append("the reply is empty")
    if reply is not None and new is not InterventionStatus.REPLIED:
        problems.append("a reply can only be recorded with the status replied")
    with uow_factory() as uow:
        current = _existing_intervention(uow, intervention_id)
        if new is not None:
            problems.extend(_transition_problems(current, new))
        if problems or new is None:
            raise ValidationError(problems)
        updated = _moved(current, new, reply, on or dt.date.today())
        uow.interventions.update(updated)
        append_event(
            uow,
            actor,
            "intervention.status",
            current.case_id,
            _status_view(current),
            _status_view(updated),
            f"{KIND_WORDS.get(current.kind, current.kind)} marked {new.value}",
            {"intervention": current.id},
        )
        uow.commit()
    return updated


def _transition_problems(current: Intervention, new: InterventionStatus) -> list[str]:
    allowed = NEXT_STATUSES[current.status]
    if new in allowed:
        return []
    choices = " or ".join(sorted(s.value for s in allowed))
    then = f"it can next be marked {choices}" if choices else "that status is final"
    return [f"intervention {current.id} is {current.status.value}: {then}, not {new.value}"]


def _moved(
    current: Intervention, new: InterventionStatus, reply: str | None, on: dt.date
) -> Intervention:
    return Intervention(
        id=current.id,
        case_id=current.case_id,
        kind=current.kind,
        status=new,
        sender=current.sender,
        addressees=current.addressees,
        body=current.body,
        date=on if new in DATING_STATUSES else current.date,
        reply=reply.strip() if reply is not None else current.reply,
        created_at=current.created_at,
    )


def _status_view(item: Intervention) -> dict[str, object]:
    return {
        "status": item.status.value,
        "date": item.date.isoformat() if item.date else None,
        "reply_sha256": _sha256(item.reply) if item.reply else None,
    }


# -- shared -------------------------------------------------------------------------------------


def _existing_case(uow: UnitOfWork, case_id: str) -> Case:
    case = uow.cases.get(case_id)
    if case is None:
        raise NotFoundError(f"there is no case {case_id!r}; rebuild the cases or check the id")
    return case


def _existing_intervention(uow: UnitOfWork, intervention_id: str) -> Intervention:
    found = uow.interventions.get(intervention_id)
    if found is None:
        raise NotFoundError(
            f"there is no intervention {intervention_id!r}; "
            "`refugewatch intervention list CASE` shows a case's"
        )
    return found


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def intervention_title(item: Intervention) -> str:
    """The draft's heading (its first Markdown title line)."""
    for line in item.body.splitlines():
        if line.startswith("# "):
            return line[2:].strip().replace("\\", "")
    return KIND_WORDS.get(item.kind, item.kind)


def intervention_json(item: Intervention) -> dict[str, object]:
    """For lists: everything but the drafted text and the reply (they may be long)."""
    return {
        "id": item.id,
        "case_id": item.case_id,
        "kind": item.kind,
        "title": intervention_title(item),
        "status": item.status.value,
        "sender": item.sender,
        "addressees": list(item.addressees),
        "date": item.date.isoformat() if item.date else None,
        "has_reply": item.reply is not None,
        "created_at": item.created_at.isoformat() if item.created_at else None,
    }
