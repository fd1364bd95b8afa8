"""JSON API for review, urgency, letters, interventions and contact reports.

The same services as the case page and the same route-to-role table; bodies are JSON, and every
state-changing call needs the X-CSRF-Token header (GET /api/csrf) beside the session cookie.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from refugewatch.model.claims import Scalar
from refugewatch.services import advocacy, urgency
from refugewatch.services import review as review_service
from refugewatch.services.advocacy import OutputFormat
from refugewatch.services.contact import record_contact_report
from refugewatch.services.urgency import DEFAULT_ALERT_LOOKBACK_DAYS
from refugewatch.web.advocacy import download, draft_letter
from refugewatch.web.api import ERROR_RESPONSES
from refugewatch.web.contact import report_from_fields
from refugewatch.web.csrf import require_csrf
from refugewatch.web.review import MAX_REASON_CHARS, parse_disclosure
from refugewatch.web.schemas import (
    CaseSummaryOut,
    ClaimOut,
    DocumentSummaryOut,
    case_summary_out,
    claim_out,
    document_summary_out,
)
from refugewatch.web.state import cipher_of, uow_factory_of, user_of

Reason = Annotated[str, Field(max_length=MAX_REASON_CHARS, description="goes into the history")]


class ReviewIn(BaseModel):
    decision: str = Field(description="accept | reject | edit")
    reason: Reason
    edits: dict[str, Scalar] | None = Field(
        default=None, description="with edit: corrected values (only those that change)"
    )


class MergeIn(BaseModel):
    other: str = Field(description="id of the case to merge with")
    reason: Reason


class SplitIn(BaseModel):
    incident_keys: list[str] = Field(description="the incidents to take out into a new case")
    reason: Reason


class AttachIn(BaseModel):
    document: str = Field(description="sha256 of the document, or a unique prefix")
    reason: Reason


class DisclosureIn(BaseModel):
    level: str = Field(description="none | un_only | partners | public")
    note: str | None = Field(default=None, max_length=MAX_REASON_CHARS)
    reason: Reason


class ReliabilityIn(BaseModel):
    grade: str = Field(description="admiralty grade A1..F6: source A-F, information 1-6")
    reason: Reason


class LetterIn(BaseModel):
    kind: str = Field(description="letter | un_appeal | press_summary")
    format: str = Field(default=OutputFormat.PDF.value, description="md | html | pdf")


class StatusIn(BaseModel):
    status: str = Field(description="sent | acknowledged | replied | published")
    reply: str | None = Field(default=None, max_length=20_000)
    on: dt.date | None = None


class ContactReportIn(BaseModel):
    """As the form: members one per line, "pseudonym: vulnerability, ..."."""

    relation: str
    reliability: str
    group_size: str
    status: str
    last_contact: str
    statement: str
    consent: str
    members: str = ""
    last_contact_place: str = ""
    apprehended_on: str = ""
    apprehended_place: str = ""


def actor(request: Request) -> str:
    return user_of(request).username


async def post_review(request: Request, claim_id: str, body: ReviewIn) -> ClaimOut:
    claim = await run_in_threadpool(
        lambda: review_service.review_claim(
            uow_factory_of(request),
            claim_id,
            body.decision,
            actor=actor(request),
            reason=body.reason,
            edits=body.edits,
        )
    )
    return claim_out(claim)


async def post_merge(request: Request, case_id: str, body: MergeIn) -> list[CaseSummaryOut]:
    case = await run_in_threadpool(
        lambda: review_service.merge_cases(
            uow_factory_of(request), case_id, body.other, actor=actor(request), reason=body.reason
        )
    )
    return [case_summary_out(case)]


async def post_split(request: Request, case_id: str, body: SplitIn) -> list[CaseSummaryOut]:
    parts = await run_in_threadpool(
        lambda: review_service.split_case(
            uow_factory_of(request),
            case_id,
            body.incident_keys,
            actor=actor(request),
            reason=body.reason,
        )
    )
    return [case_summary_out(c) for c in parts]


async def post_attach(request: Request, case_id: str, body: AttachIn) -> list[CaseSummaryOut]:
    case = await run_in_threadpool(
        lambda: review_service.attach_document(
            uow_factory_of(request),
            case_id,
            body.document,
            actor=actor(request),
            reason=body.reason,
        )
    )
    return [case_summary_out(case)]


async def post_disclosure(
    request: Request, case_id: str, body: DisclosureIn
) -> list[CaseSummaryOut]:
    case = await run_in_threadpool(
        lambda: review_service.set_disclosure(
            uow_factory_of(request),
            case_id,
            parse_disclosure(body.level),
            body.note,
            actor=actor(request),
            reason=body.reason,
        )
    )
    return [case_summary_out(case)]


async def post_reliability(request: Request, sha: str, body: ReliabilityIn) -> DocumentSummaryOut:
    """Grade a document; its claims take the grade, and re-extraction keeps it."""
    document = await run_in_threadpool(
        lambda: review_service.set_reliability(
            uow_factory_of(request), sha, body.grade, actor=actor(request), reason=body.reason
        )
    )
    return document_summary_out(document)


async def post_letter(request: Request, case_id: str, body: LetterIn) -> Response:
    """The draft as a file (PDF, Markdown or HTML); its intervention id in X-Intervention-Id."""
    drafted = await run_in_threadpool(
        draft_letter, uow_factory_of(request), case_id, body.kind, body.format, actor(request)
    )
    return download(case_id, body.kind, body.format, drafted)


def get_interventions(request: Request, case_id: str) -> list[dict[str, Any]]:
    items = advocacy.interventions(uow_factory_of(request), case_id)
    return [advocacy.intervention_json(i) for i in items]


async def post_status(request: Request, intervention_id: str, body: StatusIn) -> dict[str, Any]:
    moved = await run_in_threadpool(
        lambda: advocacy.set_intervention_status(
            uow_factory_of(request),
            intervention_id,
            body.status,
            actor=actor(request),
            reply=body.reply,
            on=body.on,
        )
    )
    return advocacy.intervention_json(moved)


async def post_contact_report(request: Request, body: ContactReportIn) -> DocumentSummaryOut:
    report = report_from_fields(body.model_dump(), dt.datetime.now(dt.UTC))
    document = await run_in_threadpool(
        lambda: record_contact_report(
            uow_factory_of(request), report, actor=actor(request), cipher=cipher_of(request)
        )
    )
    return document_summary_out(document)


def get_urgency(
    request: Request,
    as_of: Annotated[dt.date | None, Query(description="default today")] = None,
    active_only: bool = True,
) -> list[dict[str, Any]]:
    """Cases by urgency, most urgent first, each with its score and reasons."""
    day = as_of or dt.date.today()
    assessed = urgency.assess_all(uow_factory_of(request), day, active_only=active_only)
    return [urgency.assessment_json(a) for a in assessed]


def get_alerts(
    request: Request,
    since: Annotated[dt.date | None, Query(description="default 7 days before as_of")] = None,
    as_of: Annotated[dt.date | None, Query(description="default today")] = None,
) -> list[dict[str, Any]]:
    """Level changes since `since` and cases silent as of `as_of`."""
    day = as_of or dt.date.today()
    start = since or day - dt.timedelta(days=DEFAULT_ALERT_LOOKBACK_DAYS)
    return [
        urgency.alert_json(a) for a in urgency.alerts_since(uow_factory_of(request), start, day)
    ]


def add_routes(app: FastAPI) -> None:
    reads: tuple[tuple[str, Callable[..., object], str], ...] = (
        ("/api/urgency", get_urgency, "api_urgency"),
        ("/api/alerts", get_alerts, "api_alerts"),
        ("/api/cases/{case_id}/interventions", get_interventions, "api_interventions"),
    )
    for path, endpoint, name in reads:
        app.add_api_route(path, endpoint, name=name, tags=["api"], responses=ERROR_RESPONSES)
    writes: tuple[tuple[str, Callable[..., object], str], ...] = (
        ("/api/claims/{claim_id}/review", post_review, "api_review"),
        ("/api/cases/{case_id}/merge", post_merge, "api_merge"),
        ("/api/cases/{case_id}/split", post_split, "api_split"),
        ("/api/cases/{case_id}/attach", post_attach, "api_attach"),
        ("/api/cases/{case_id}/disclosure", post_disclosure, "api_disclosure"),
        ("/api/documents/{sha}/reliability", post_reliability, "api_reliability"),
        ("/api/cases/{case_id}/letters", post_letter, "api_letter"),
        ("/api/interventions/{intervention_id}/status", post_status, "api_status"),
        ("/api/contact-reports", post_contact_report, "api_contact_report"),
    )
    for path, endpoint, name in writes:
        app.add_api_route(
            path,
            endpoint,
            methods=["POST"],
            name=name,
            tags=["api"],
            dependencies=[Depends(require_csrf)],
            responses=ERROR_RESPONSES,
        )
