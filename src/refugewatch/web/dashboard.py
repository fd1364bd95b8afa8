"""Dashboard page: active cases by status, active cases newest first, newest documents."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from refugewatch.model.extraction import ACTIVE_STATUSES, Status
from refugewatch.services import queries
from refugewatch.web.rendering import render_page
from refugewatch.web.state import uow_factory_of

# Newest documents shown on the dashboard: one screen's worth; the full list is /documents.
NEWEST_DOCUMENTS = 10
# Status order on the dashboard: the ones that still need action first.
STATUS_ORDER: tuple[Status, ...] = (
    Status.DETAINED,
    Status.MISSING,
    Status.UNKNOWN,
    Status.REPATRIATED,
    Status.RELEASED,
    Status.REACHED_SAFE_COUNTRY,
)


def dashboard_page(request: Request) -> HTMLResponse:
    board = queries.dashboard(uow_factory_of(request), newest=NEWEST_DOCUMENTS)
    statuses = [
        (status, board.cases_by_status.get(status.value, 0), status in ACTIVE_STATUSES)
        for status in STATUS_ORDER
    ]
    return render_page(request, "dashboard.html", {"board": board, "statuses": statuses})


def add_routes(app: FastAPI) -> None:
    app.add_api_route(
        "/", dashboard_page, name="dashboard", response_class=HTMLResponse, include_in_schema=False
    )
