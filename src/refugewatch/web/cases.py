"""Case list (sortable by column) and case page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from refugewatch.errors import ValidationError
from refugewatch.model.cases import Disclosure
from refugewatch.model.claims import Claim, ClaimKind
from refugewatch.model.documents import Document
from refugewatch.outputs import DraftKind
from refugewatch.services import advocacy, queries, urgency
from refugewatch.services.advocacy import NEXT_STATUSES, OutputFormat, intervention_title
from refugewatch.services.queries import CASE_SORT_KEYS
from refugewatch.web.highlight import anchor_id
from refugewatch.web.present import describe_claim
from refugewatch.web.rendering import render_page
from refugewatch.web.review import current_value, editable_keys, field_text
from refugewatch.web.state import uow_factory_of

DEFAULT_SORT = "date"
# Direction a column sorts in when first clicked: names A-Z; everything else biggest, newest,
# best-sourced first, which is what a researcher scanning for urgent cases wants on top.
DEFAULT_DESCENDING: Mapping[str, bool] = {key: key != "label" for key in CASE_SORT_KEYS}
# Column headers of the case table, in display order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("label", "Case"),
    ("size", "People"),
    ("status", "Status"),
    ("date", "Apprehended"),
    ("sources", "Sources"),
)


@dataclass(frozen=True)
class SortColumn:
    key: str
    title: str
    active: bool
    descending: bool
    next_descending: bool  # what clicking the header will ask for


def sort_order(sort: str, desc: bool | None) -> tuple[str, bool]:
    """Validate the requested sort; an unknown key is the caller's mistake (422), not a 404."""
    if sort not in CASE_SORT_KEYS:
        raise ValidationError([f"sort must be one of {', '.join(CASE_SORT_KEYS)}, not {sort!r}"])
    return sort, DEFAULT_DESCENDING[sort] if desc is None else desc


def sort_columns(sort: str, descending: bool) -> list[SortColumn]:
    return [
        SortColumn(
            key=key,
            title=title,
            active=key == sort,
            descending=descending if key == sort else DEFAULT_DESCENDING[key],
            next_descending=not descending if key == sort else DEFAULT_DESCENDING[key],
        )
        for key, title in COLUMNS
    ]


def cases_page(
    request: Request, sort: str = DEFAULT_SORT, desc: bool | None = None
) -> HTMLResponse:
    key, descending = sort_order(sort, desc)
    cases = queries.list_cases(uow_factory_of(request), sort=key, descending=descending)
    context = {"cases": cases, "columns": sort_columns(key, descending)}
    return render_page(request, "cases.html", context)


# What each letter button says, in the order shown.
LETTER_KINDS: tuple[tuple[DraftKind, str], ...] = (
    (DraftKind.LETTER, "Letter to the detaining state"),
    (DraftKind.UN_APPEAL, "UN urgent appeal"),
    (DraftKind.PRESS_SUMMARY, "Press summary"),
)


@dataclass(frozen=True)
class EditField:
    key: str
    value: str


def edit_fields(claim: Claim) -> list[EditField]:
    return [EditField(k, field_text(current_value(claim, k))) for k in editable_keys(claim)]


def incident_summaries(claims: list[Claim], keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(incident key, what its apprehension claim says) for the split form."""
    heads = {c.incident_key: describe_claim(c) for c in claims if c.kind is ClaimKind.APPREHENSION}
    return [(key, heads.get(key, "no apprehension claim")) for key in sorted(set(keys))]


def review_context(request: Request, case_id: str) -> dict[str, Any]:
    """Urgency, interventions and what the review forms offer."""
    factory = uow_factory_of(request)
    items = advocacy.interventions(factory, case_id)
    return {
        "assessment": urgency.assess_one(factory, case_id, dt.date.today()),
        "interventions": [
            (i, intervention_title(i), sorted(NEXT_STATUSES[i.status])) for i in items
        ],
        "other_cases": [c for c in queries.list_cases(factory, sort="label") if c.id != case_id],
        "letter_kinds": LETTER_KINDS,
        "letter_formats": list(OutputFormat),
        "disclosures": list(Disclosure),
    }


def case_page(request: Request, case_id: str) -> HTMLResponse:
    detail = queries.get_case(uow_factory_of(request), case_id)
    documents: dict[str, Document] = {d.sha256: d for d in detail.documents}
    context = {
        "detail": detail,
        "case": detail.case,
        "state": detail.case.state,
        "documents": documents,
        "claim_docs": {c.id: c.document_sha256 for c in detail.claims},
        "anchor": anchor_id,
        "edit_fields": {c.id: edit_fields(c) for c in detail.claims},
        "incidents": incident_summaries(detail.claims, detail.case.incident_keys),
        **review_context(request, detail.case.id),
    }
    return render_page(request, "case.html", context)


def add_routes(app: FastAPI) -> None:
    app.add_api_route(
        "/cases", cases_page, name="cases", response_class=HTMLResponse, include_in_schema=False
    )
    app.add_api_route(
        "/cases/{case_id}",
        case_page,
        name="case",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
