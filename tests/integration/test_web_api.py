"""JSON API over a database filled through the services, on SQLite and (when set) PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from refugewatch.config import Settings
from refugewatch.security.passwords import Role
from refugewatch.services import queries
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import Outcome, ingest_bytes
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from refugewatch.web.access import ROUTE_ROLES
from refugewatch.web.csrf import CSRF_COOKIE, CSRF_HEADER
from tests.integration.web_support import add_role_users, signed_in, web_app

REPORT_THAILAND = b"""title: Twelve North Koreans arrested in Chiang Rai
published: 2016-07-22
outlet: Mekong Test Wire

Thai immigration police arrested twelve North Koreans, including three children, in Chiang Rai
on July 20, 2016. The group is held at the immigration detention centre in Bangkok.
"""

REPORT_RUSSIA = b"""title: Two workers detained in Vladivostok
published: 2021-11-05
outlet: Far East Test Monitor

Russian police detained two North Korean workers who had fled their work site in Vladivostok
in early November 2021. Their whereabouts are now unknown.
"""

NEW_REPORT = b"""title: Four detained in Hunchun
published: 2022-02-14

Chinese border police detained four North Koreans in Hunchun on February 10, 2022.
"""
MAX_FILE_BYTES = 4096


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    migrate(database_url)
    settings = Settings(database_url=database_url, max_file_bytes=MAX_FILE_BYTES)
    factory = uow_factory(database_url)
    for name, data in (("thailand.txt", REPORT_THAILAND), ("russia.txt", REPORT_RUSSIA)):
        assert ingest_bytes(factory, name, data, settings).outcome is Outcome.INGESTED
    rebuild_cases(factory, "tester")
    add_role_users(factory)
    yield signed_in(web_app(settings), Role.EDITOR)
    dispose_engines()


def csrf(client: TestClient) -> str:
    response = client.get("/api/csrf")
    assert response.status_code == 200
    token: str = response.json()["token"]
    assert response.json()["header"] == CSRF_HEADER
    assert client.cookies.get(CSRF_COOKIE) == token
    return token


def upload(client: TestClient, files: list[tuple[str, bytes]], token: str | None) -> dict[str, Any]:
    headers = {CSRF_HEADER: token} if token is not None else {}
    response = client.post(
        "/api/documents",
        headers=headers,
        files=[("files", (name, body)) for name, body in files],
    )
    body: dict[str, Any] = response.json()
    body["_status"] = response.status_code
    return body


def test_dashboard(client: TestClient, database_url: str) -> None:
    board = queries.dashboard(uow_factory(database_url))
    data = client.get("/api/dashboard").json()
    assert data["document_count"] == 2
    assert data["cases_by_status"] == board.cases_by_status
    assert [c["id"] for c in data["active_cases"]] == [c.id for c in board.active_cases]
    assert {d["filename"] for d in data["newest_documents"]} == {"thailand.txt", "russia.txt"}


@pytest.mark.parametrize("desc", [True, False], ids=["descending", "ascending"])
@pytest.mark.parametrize("key", list(queries.CASE_SORT_KEYS))
def test_case_list_sorting(client: TestClient, database_url: str, key: str, desc: bool) -> None:
    expected = queries.list_cases(uow_factory(database_url), sort=key, descending=desc)
    data = client.get("/api/cases", params={"sort": key, "desc": desc}).json()
    assert [c["id"] for c in data] == [c.id for c in expected]


def test_case_list_item_shape(client: TestClient, database_url: str) -> None:
    cases = queries.list_cases(uow_factory(database_url))
    assert cases, "the test reports each describe an arrest"
    data = client.get("/api/cases").json()
    by_id = {c["id"]: c for c in data}
    for case in cases:
        item = by_id[case.id]
        assert item["label"] == case.label
        assert item["size"]["text"] == case.state.size.describe()
        assert item["size"]["qualifier"] == case.state.size.qualifier.value
        assert item["status"] == case.state.status.value
        assert item["apprehended_date"]["precision"] == case.state.apprehended_date.precision.value
        assert item["sources"] == len(case.state.document_sha256s)


def test_case_detail(client: TestClient, database_url: str) -> None:
    case = queries.list_cases(uow_factory(database_url))[0]
    detail = queries.get_case(uow_factory(database_url), case.id)
    data = client.get(f"/api/cases/{case.id}").json()
    assert data["id"] == case.id
    assert [c["id"] for c in data["claims"]] == [c.id for c in detail.claims]
    for claim in data["claims"]:
        ev = claim["evidence"]
        assert ev["quote"] and ev["start"] < ev["end"]
    assert [d["sha256"] for d in data["documents"]] == [d.sha256 for d in detail.documents]
    assert "original" not in str(data["documents"])
    assert len(data["timeline"]) == len(case.state.timeline)
    assert data["disclosure"] == case.disclosure.value


@pytest.mark.parametrize(
    ("path", "status", "error_type"),
    [
        ("/api/cases/nope", 404, "NotFoundError"),
        ("/api/documents/" + "f" * 64, 404, "NotFoundError"),
        ("/api/cases?sort=weight", 422, "ValidationError"),
        ("/api/documents?limit=0", 422, "RequestValidationError"),
        ("/api/nowhere", 404, "HTTPException"),
    ],
    ids=["case", "document", "sort", "limit", "route"],
)
def test_errors_are_json(client: TestClient, path: str, status: int, error_type: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["type"] == error_type and error["message"]


def test_document_list_and_limit(client: TestClient) -> None:
    assert len(client.get("/api/documents").json()) == 2
    newest = client.get("/api/documents", params={"limit": 1}).json()
    assert len(newest) == 1
    assert set(newest[0]) >= {"sha256", "title", "published", "sensitivity", "reliability"}


def test_document_detail_by_sha_and_prefix(client: TestClient, database_url: str) -> None:
    document = queries.list_documents(uow_factory(database_url))[0]
    full = client.get(f"/api/documents/{document.sha256}").json()
    assert full["clean_text"] == document.clean_text
    assert full["claims"], "each test report states an arrest"
    for claim in full["claims"]:
        ev = claim["evidence"]
        assert document.clean_text[ev["start"] : ev["end"]] == ev["quote"]
    assert client.get(f"/api/documents/{document.sha256[:10]}").json() == full


def test_upload_needs_the_csrf_header(client: TestClient) -> None:
    csrf(client)  # holding the cookie is not enough
    refused = upload(client, [("hunchun.txt", NEW_REPORT)], None)
    assert refused["_status"] == 403
    assert "CSRF" in refused["error"]["message"]
    assert len(client.get("/api/documents").json()) == 2


def test_upload_with_a_token_from_another_cookie_is_refused(client: TestClient) -> None:
    token = csrf(client)
    client.cookies.delete(CSRF_COOKIE)
    csrf(client)
    assert upload(client, [("hunchun.txt", NEW_REPORT)], token)["_status"] == 403


def test_upload_ingested_duplicate_refused(client: TestClient) -> None:
    token = csrf(client)
    files = [("hunchun.txt", NEW_REPORT), ("copy.txt", NEW_REPORT), ("x.exe", b"MZ")]
    data = upload(client, files, token)
    assert data["_status"] == 200
    outcomes = [(r["name"], r["outcome"]) for r in data["results"]]
    assert outcomes == [
        ("hunchun.txt", "ingested"),
        ("copy.txt", "duplicate"),
        ("x.exe", "refused"),
    ]
    assert data["results"][2]["reason"]
    assert data["results"][0]["sha256"] == data["results"][1]["sha256"]
    assert data["rebuild"]["documents"] == 3
    assert len(client.get("/api/documents").json()) == 3

    again = upload(client, [("hunchun.txt", NEW_REPORT)], token)
    assert again["results"][0]["outcome"] == "duplicate"
    assert again["rebuild"] is None


def test_upload_over_the_limit(client: TestClient) -> None:
    token = csrf(client)
    refused = upload(client, [("big.txt", b"detained " * 600)], token)
    assert refused["_status"] == 200
    assert refused["results"][0]["outcome"] == "refused"
    too_large = upload(client, [("huge.txt", b"x" * 500_000)], token)
    assert too_large["_status"] == 413
    assert too_large["error"]["message"].startswith("The upload is larger than the limit")


def test_openapi_documents_the_response_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    # Every API route is documented, and nothing else (pages stay out of the schema).
    api_paths = {path for path, _method in ROUTE_ROLES if path.startswith("/api/")}
    assert set(schema["paths"]) == api_paths
    names = set(schema["components"]["schemas"])
    assert {"CaseOut", "CaseSummaryOut", "DocumentOut", "DashboardOut", "UploadOut"} <= names
    ok = schema["paths"]["/api/cases/{case_id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/CaseOut")
    assert "404" in schema["paths"]["/api/cases/{case_id}"]["get"]["responses"]


def test_api_responses_carry_the_security_headers(client: TestClient) -> None:
    headers = client.get("/api/cases").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"


def test_a_viewer_is_refused_upload_in_json(client: TestClient) -> None:
    client = signed_in(client.app, Role.VIEWER)  # type: ignore[arg-type]
    assert client.get("/api/cases").status_code == 200
    token = csrf(client)
    refused = upload(client, [("hunchun.txt", NEW_REPORT)], token)
    assert refused["_status"] == 403
    assert refused["error"]["type"] == "AccessDeniedError"
    assert "needs the editor role" in refused["error"]["message"]
