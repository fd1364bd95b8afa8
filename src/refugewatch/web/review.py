"""Review from the case page: accept, reject or edit a claim; merge, split, attach; consent.
From the document page: its reliability grade.

Each form posts to its own route, which calls services.review (validation, audit events and the
case rebuild happen there, in one transaction) and redirects back to the case page (post/redirect/
get, so a reload never repeats an action). A refusal is an error page listing every problem.
Merges and splits may change the case id; the redirect goes to the case the action produced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from refugewatch.errors import NotFoundError, ValidationError
from refugewatch.model.cases import Disclosure
from refugewatch.model.claims import Claim, Scalar
from refugewatch.services import review as review_service
from refugewatch.services.review import DATE_KEY, DATED_KINDS, EDITABLE_VALUES
from refugewatch.web.csrf import require_csrf
from refugewatch.web.highlight import anchor_id
from refugewatch.web.state import UowFactory, uow_factory_of, user_of

# Form field prefix of a corrected value: value.people_best, value.place, value.date...
VALUE_FIELD_PREFIX = "value."
# Values that are whole numbers; the rest are text (or enum words, checked by the service).
WHOLE_NUMBER_KEYS = frozenset(
    {
        "people_low",
        "people_best",
        "people_high",
        "subset_of",
        "count",
        "count_low",
        "count_best",
        "count_high",
    }
)
# Longest reason or note a form passes on: a paragraph, not a document.
MAX_REASON_CHARS = 2000

Reason = Annotated[str, Form(max_length=MAX_REASON_CHARS)]


def editable_keys(claim: Claim) -> list[str]:
    """The values a reviewer may correct on this claim, in the service's order."""
    keys = list(EDITABLE_VALUES[claim.kind])
    return [*keys, DATE_KEY] if claim.kind in DATED_KINDS else keys


def current_value(claim: Claim, key: str) -> Scalar:
    if key == DATE_KEY:
        return claim.date.to_edtf_interval() or None
    return claim.effective_values.get(key)


def field_text(value: Scalar) -> str:
    """How a value is prefilled in the edit form (empty for none)."""
    return "" if value is None else str(value)


def parse_value(key: str, text: str) -> Scalar:
    """A form field as the service expects it: empty is none, whole-number keys are numbers.

    Text that is not a number stays text, so the service names the problem ("must be a whole
    number") instead of the form silently dropping it."""
    text = text.strip()
    if not text:
        return None
    if key in WHOLE_NUMBER_KEYS and text.isascii() and text.isdigit():
        return int(text)
    return text


def changed_values(claim: Claim, form: Mapping[str, str]) -> dict[str, Scalar]:
    """The corrected values that differ from what the claim now reads."""
    edits: dict[str, Scalar] = {}
    for key in editable_keys(claim):
        raw = form.get(VALUE_FIELD_PREFIX + key)
        if raw is None:
            continue
        value = parse_value(key, raw)
        if value != current_value(claim, key):
            edits[key] = value
    return edits


def text_fields(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def load_claim(uow_factory: UowFactory, claim_id: str) -> Claim:
    with uow_factory() as uow:
        claim = uow.claims.get(claim_id)
    if claim is None:
        raise NotFoundError(f"there is no claim {claim_id!r}; check the id on the case page")
    return claim


def back_to(request: Request, case_id: str, section: str) -> RedirectResponse:
    url = str(request.app.url_path_for("case", case_id=case_id)) + f"#{section}"
    return RedirectResponse(url, status_code=303)


async def review_claim_submit(request: Request, case_id: str, claim_id: str) -> RedirectResponse:
    form = text_fields(await request.form())
    decision = form.get("decision", "")
    uow_factory = uow_factory_of(request)
    claim = await run_in_threadpool(load_claim, uow_factory, claim_id)
    edits = changed_values(claim, form) if decision == "edit" else None
    if decision == "edit" and not edits:
        raise ValidationError(["change at least one value to edit the claim, or accept it"])
    reviewed = await run_in_threadpool(
        lambda: review_service.review_claim(
            uow_factory,
            claim_id,
            decision,
            actor=user_of(request).username,
            reason=form.get("reason", "")[:MAX_REASON_CHARS],
            edits=edits,
        )
    )
    holder = await run_in_threadpool(case_holding, uow_factory, reviewed)
    if holder is None:  # e.g. the only arrest claim rejected: the group is no case any more
        url = str(request.app.url_path_for("document", sha=reviewed.document_sha256))
        return RedirectResponse(f"{url}#{anchor_id(reviewed.id)}", status_code=303)
    return back_to(request, holder, f"claim-{claim_id}")


def case_holding(uow_factory: UowFactory, claim: Claim) -> str | None:
    """The id of the case the claim is part of now (a review may move or dissolve it)."""
    with uow_factory() as uow:
        found = [c.id for c in uow.cases.list() if claim.incident_key in c.incident_keys]
    return found[0] if found else None


async def merge_submit(
    request: Request, case_id: str, other: Annotated[str, Form()] = "", reason: Reason = ""
) -> RedirectResponse:
    if not other.strip():
        raise ValidationError(["choose the case to merge this one with"])
    merged = await run_in_threadpool(
        lambda: review_service.merge_cases(
            uow_factory_of(request),
            case_id,
            other.strip(),
            actor=user_of(request).username,
            reason=reason,
        )
    )
    return back_to(request, merged.id, "history")


async def split_submit(request: Request, case_id: str) -> RedirectResponse:
    form = await request.form()
    keys = [k for k in form.getlist("incident") if isinstance(k, str)]
    reason = form.get("reason")
    parts = await run_in_threadpool(
        lambda: review_service.split_case(
            uow_factory_of(request),
            case_id,
            keys,
            actor=user_of(request).username,
            reason=reason[:MAX_REASON_CHARS] if isinstance(reason, str) else "",
        )
    )
    return back_to(request, parts[0].id, "history")


async def attach_submit(
    request: Request, case_id: str, document: Annotated[str, Form()] = "", reason: Reason = ""
) -> RedirectResponse:
    if not document.strip():
        raise ValidationError(["give the document's id (its sha256 or the first 12 characters)"])
    joined = await run_in_threadpool(
        lambda: review_service.attach_document(
            uow_factory_of(request),
            case_id,
            document.strip().lower(),
            actor=user_of(request).username,
            reason=reason,
        )
    )
    return back_to(request, joined.id, "history")


def parse_disclosure(level: str) -> Disclosure:
    try:
        return Disclosure(level)
    except ValueError:
        allowed = ", ".join(d.value for d in Disclosure)
        raise ValidationError([f"disclosure {level!r} is not one of {allowed}"]) from None


async def disclosure_submit(
    request: Request,
    case_id: str,
    level: Annotated[str, Form()] = "",
    note: Reason = "",
    reason: Reason = "",
) -> RedirectResponse:
    await run_in_threadpool(
        lambda: review_service.set_disclosure(
            uow_factory_of(request),
            case_id,
            parse_disclosure(level),
            note.strip() or None,
            actor=user_of(request).username,
            reason=reason,
        )
    )
    return back_to(request, case_id, "consent")


async def reliability_submit(
    request: Request, sha: str, grade: Annotated[str, Form()] = "", reason: Reason = ""
) -> RedirectResponse:
    graded = await run_in_threadpool(
        lambda: review_service.set_reliability(
            uow_factory_of(request), sha, grade, actor=user_of(request).username, reason=reason
        )
    )
    url = str(request.app.url_path_for("document", sha=graded.sha256))
    return RedirectResponse(f"{url}#reliability", status_code=303)


def add_routes(app: FastAPI) -> None:
    for path, endpoint, name in (
        ("/cases/{case_id}/claims/{claim_id}/review", review_claim_submit, "review_claim"),
        ("/cases/{case_id}/merge", merge_submit, "merge_case"),
        ("/cases/{case_id}/split", split_submit, "split_case"),
        ("/cases/{case_id}/attach", attach_submit, "attach_document"),
        ("/cases/{case_id}/disclosure", disclosure_submit, "set_disclosure"),
        ("/documents/{sha}/reliability", reliability_submit, "set_reliability"),
    ):
        app.add_api_route(
            path,
            endpoint,
            methods=["POST"],
            name=name,
            include_in_schema=False,
            dependencies=[Depends(require_csrf)],
        )
