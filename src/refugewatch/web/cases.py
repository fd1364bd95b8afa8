"""Case list (sortable by column) and case page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from refugewatch.errors import ValidationError
from refugewatch.model.documents import Document
from refugewatch.services import queries
from refugewatch.services.queries import CASE_SORT_KEYS
from refugewatch.web.highlight import anchor_id
from refugewatch.web.rendering import render_page
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
