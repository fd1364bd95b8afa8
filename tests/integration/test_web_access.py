"""The route table, walked: every route refuses anonymous visitors and under-privileged users and
lets the right role through; the table and the app stay in step."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from refugewatch.config import Settings
from refugewatch.security.passwords import ROLE_ORDER, Role
from refugewatch.services import queries
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import Outcome, ingest_bytes
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from refugewatch.web.access import OPEN, ROUTE_ROLES
from refugewatch.web.app import route_keys
from refugewatch.web.csrf import CSRF_FIELD
from tests.integration.web_support import add_role_users, csrf_headers, signed_in, web_app

REPORT = b"""title: Four held in Hunchun
published: 2022-02-14

Chinese border police detained four North Koreans in Hunchun on February 10, 2022.
"""
PARAM = re.compile(r"\{(\w+)\}")
DENIED = {401, 403}


@pytest.fixture(scope="module")
def ids(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('access') / 'access.db'}"
    migrate(url)
    settings = Settings(database_url=url)
    result = ingest_bytes(uow_factory(url), "hunchun.txt", REPORT, settings)
    assert result.outcome is Outcome.INGESTED and result.sha256
    rebuild_cases(uow_factory(url), "tester")
    add_role_users(uow_factory(url))
    case = queries.list_cases(uow_factory(url))[0]
    claim = queries.get_case(uow_factory(url), case.id).claims[0]
    values = {
        "case_id": case.id,
        "claim_id": claim.id,
        "sha": result.sha256,
        "intervention_id": "iv-000000000000",
    }
    yield url, values
    dispose_engines()


@pytest.fixture(scope="module")
def app(ids: tuple[str, dict[str, str]]) -> FastAPI:
    return web_app(Settings(database_url=ids[0]))


def concrete(template: str, values: dict[str, str]) -> str:
    if template == "/static":
        return "/static/style.css"
    return PARAM.sub(lambda m: values[m.group(1)], template)


def call(client: TestClient, method: str, path: str) -> tuple[int, dict[str, str]]:
    """The request with a valid CSRF token and an empty body: access is decided before the
    body is looked at, and an allowed call with nothing in it changes nothing."""
    headers = csrf_headers(client) if method != "GET" else {}
    if method == "GET":
        response = client.get(path, follow_redirects=False)
    elif path.startswith("/api/"):
        response = client.request(method, path, headers=headers, json={})
    else:
        token = headers.get("X-CSRF-Token", "")
        response = client.request(
            method, path, data={CSRF_FIELD: token}, headers=headers, follow_redirects=False
        )
    return response.status_code, dict(response.headers)


ROUTES = sorted(ROUTE_ROLES)
IDS = [f"{method} {path}" for path, method in ROUTES]
# Routes that need a login, and those whose minimum role has a role below it to refuse.
GUARDED = [key for key in ROUTES if ROUTE_ROLES[key] is not OPEN]
ABOVE_LOWEST = [
    key for key in GUARDED if ROUTE_ROLES[key] is not None and ROUTE_ROLES[key] is not ROLE_ORDER[0]
]


def _ids(keys: list[tuple[str, str]]) -> list[str]:
    return [f"{method} {path}" for path, method in keys]


def test_the_table_lists_exactly_the_app_routes(app: FastAPI) -> None:
    assert route_keys(app.routes) == set(ROUTE_ROLES)


def test_anonymous_visitors_reach_only_the_login_form_and_static_files() -> None:
    open_routes = {key for key, role in ROUTE_ROLES.items() if role is OPEN}
    assert open_routes == {("/login", "GET"), ("/login", "POST"), ("/static", "GET")}


@pytest.mark.parametrize(("path", "method"), GUARDED, ids=_ids(GUARDED))
def test_anonymous_is_refused(
    app: FastAPI, ids: tuple[str, dict[str, str]], path: str, method: str
) -> None:
    client = TestClient(app)
    client.get("/login")  # a genuine CSRF cookie, so only the missing login can refuse
    status, headers = call(client, method, concrete(path, ids[1]))
    if path.startswith("/api/") or path == "/openapi.json" or method != "GET":
        assert status == 401
    else:
        assert status == 303
        assert headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(("path", "method"), ABOVE_LOWEST, ids=_ids(ABOVE_LOWEST))
def test_a_role_below_the_minimum_is_refused(
    app: FastAPI, ids: tuple[str, dict[str, str]], path: str, method: str
) -> None:
    minimum = ROUTE_ROLES[(path, method)]
    assert minimum is not None and minimum is not OPEN
    below = ROLE_ORDER[ROLE_ORDER.index(minimum) - 1]
    status, _ = call(signed_in(app, below), method, concrete(path, ids[1]))
    assert status == 403


@pytest.mark.parametrize(("path", "method"), ROUTES, ids=IDS)
def test_the_minimum_role_is_allowed(
    app: FastAPI, ids: tuple[str, dict[str, str]], path: str, method: str
) -> None:
    minimum = ROUTE_ROLES[(path, method)]
    client = TestClient(app) if minimum is None else signed_in(app, minimum)
    client.get("/login")
    status, _ = call(client, method, concrete(path, ids[1]))
    if (path, method) == ("/login", "POST"):
        assert status == 401  # reached the password check (and an empty one fails it)
    else:
        assert status not in DENIED, f"{method} {path} refused {minimum or 'anonymous'}"


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_sees_only_the_links_it_may_use(app: FastAPI, role: Role) -> None:
    page = signed_in(app, role).get("/").text
    assert ('href="/upload"' in page) is (role in (Role.EDITOR, Role.ADMIN))
    assert ('href="/contact-reports/new"' in page) is (role in (Role.EDITOR, Role.ADMIN))
    assert f"{role.value} · {role.value}" in page


def test_the_reviewer_sees_review_forms_and_the_viewer_does_not(
    app: FastAPI, ids: tuple[str, dict[str, str]]
) -> None:
    case_page = f"/cases/{ids[1]['case_id']}"
    assert "Review this claim" in signed_in(app, Role.REVIEWER).get(case_page).text
    viewer_page = signed_in(app, Role.VIEWER).get(case_page).text
    assert "Review this claim" not in viewer_page
    assert "/letters" not in viewer_page


def test_pages_for_anonymous_show_no_navigation(app: FastAPI) -> None:
    page = TestClient(app).get("/login").text
    assert 'href="/cases"' not in page and "Sign out" not in page
