"""Dashboard page: alerts first, then active cases by urgency, then by status, newest documents.

Alerts are the level changes and silent cases of the last week as of today (the rhythm of a weekly
case meeting, as `refugewatch alerts`); urgency is recomputed from the claims on every view.
"""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from refugewatch.model.extraction import ACTIVE_STATUSES, Status
from refugewatch.risk import Level
from refugewatch.services import queries, urgency
from refugewatch.services.urgency import DEFAULT_ALERT_LOOKBACK_DAYS
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
    factory = uow_factory_of(request)
    board = queries.dashboard(factory, newest=NEWEST_DOCUMENTS)
    statuses = [
        (status, board.cases_by_status.get(status.value, 0), status in ACTIVE_STATUSES)
        for status in STATUS_ORDER
    ]
    today = dt.date.today()
    since = today - dt.timedelta(days=DEFAULT_ALERT_LOOKBACK_DAYS)
    assessed = urgency.assess_all(factory, today, active_only=True)
    context = {
        "board": board,
        "statuses": statuses,
        "today": today,
        "since": since,
        "alerts": urgency.alerts_since(factory, since, today),
        "levels": [(Level(name), n) for name, n in urgency.level_counts(assessed).items()],
        "assessed": assessed,
    }
    return render_page(request, "dashboard.html", context)


def add_routes(app: FastAPI) -> None:
    app.add_api_route(
        "/", dashboard_page, name="dashboard", response_class=HTMLResponse, include_in_schema=False
    )
