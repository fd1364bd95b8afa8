"""Grading a document's reliability through the web: the document page form and the JSON API,
refused to viewers and without the CSRF token, shown on the document page and in the case page's
list of sources. SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from refugewatch.config import Settings
from refugewatch.model.documents import Document
from refugewatch.security.passwords import Role
from refugewatch.services import queries
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import Outcome, ingest_bytes
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from refugewatch.web.csrf import CSRF_FIELD
from tests.integration.web_support import add_role_users, csrf_headers, signed_in, web_app

REPORT = b"""title: Four detained in Hunchun
published: 2022-02-14

Chinese border police detained four North Koreans in Hunchun on February 10, 2022.
"""
# Stored and shown as text, never run as markup.
HOSTILE_REASON = "<script>alert('g')</script> graded after a call"
GRADE_IN_FORM = re.compile(r'<select id="grade" name="grade">')
SELECTED = re.compile(r'<option value="([A-F][1-6])" selected>')


@pytest.fixture
def store(database_url: str) -> Iterator[tuple[str, str]]:
    """(database url, the report's sha256), its case built, a user of every role."""
    migrate(database_url)
    settings = Settings(database_url=database_url)
    factory = uow_factory(database_url)
    result = ingest_bytes(factory, "hunchun.txt", REPORT, settings)
    assert result.outcome is Outcome.INGESTED and result.sha256
    rebuild_cases(factory, "tester")
    add_role_users(factory)
    yield database_url, result.sha256
    dispose_engines()


def client_for(store: tuple[str, str], role: Role) -> TestClient:
    return signed_in(web_app(Settings(database_url=store[0])), role)


def document(url: str, sha: str) -> Document:
    with uow_factory(url)() as uow:
        found = uow.documents.get(sha)
    assert found is not None
    return found


def claim_grades(url: str, sha: str) -> set[str | None]:
    with uow_factory(url)() as uow:
        return {c.reliability for c in uow.claims.for_document(sha)}


def case_id(url: str) -> str:
    cases = queries.list_cases(uow_factory(url))
    assert len(cases) == 1
    return cases[0].id


def reliability_events(url: str, target: str) -> list[str]:
    with uow_factory(url)() as uow:
        return [
            e.after for e in uow.audit.list(target=target) if e.action == "document.reliability"
        ]


def page_token(client: TestClient, sha: str) -> str:
    page = client.get(f"/documents/{sha}")
    match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def post_form(
    client: TestClient, sha: str, data: dict[str, str], *, token: bool = True
) -> tuple[int, str]:
    form = {CSRF_FIELD: page_token(client, sha), **data} if token else data
    response = client.post(f"/documents/{sha}/reliability", data=form, follow_redirects=False)
    return response.status_code, response.headers.get("location", response.text)


# --- the document page form ----------------------------------------------------------------------


def test_a_reviewer_grades_from_the_document_page(store: tuple[str, str]) -> None:
    url, sha = store
    client = client_for(store, Role.REVIEWER)
    page = client.get(f"/documents/{sha}").text
    assert GRADE_IN_FORM.search(page)
    default = document(url, sha).reliability
    assert SELECTED.findall(page) == [default], "the form starts at the current grade"
    status, location = post_form(client, sha, {"grade": "A2", "reason": HOSTILE_REASON})
    assert status == 303 and location.endswith(f"/documents/{sha}#reliability")
    assert document(url, sha).reliability == "A2"
    assert claim_grades(url, sha) == {"A2"}
    for target in (sha, case_id(url)):
        assert [json.loads(a) for a in reliability_events(url, target)] == [{"reliability": "A2"}]
    shown = client.get(f"/documents/{sha}").text
    assert re.search(r'id="reliability"><span class="reliability">A2</span>', shown)
    assert SELECTED.findall(shown) == ["A2"]


def test_the_grade_shows_in_the_case_page_sources(store: tuple[str, str]) -> None:
    url, sha = store
    client = client_for(store, Role.REVIEWER)
    post_form(client, sha, {"grade": "D5", "reason": "unconfirmed rumour"})
    page = client.get(f"/cases/{case_id(url)}").text
    sources = page.split('id="sources"', 1)[1].split("</section>", 1)[0]
    assert '<td class="reliability">D5</td>' in sources
    history = page.split('id="history"', 1)[1]
    assert "<td>document.reliability</td><td>unconfirmed rumour</td>" in history


def test_the_reason_is_shown_escaped_in_the_case_history(store: tuple[str, str]) -> None:
    url, sha = store
    client = client_for(store, Role.REVIEWER)
    post_form(client, sha, {"grade": "B3", "reason": HOSTILE_REASON})
    history = client.get(f"/cases/{case_id(url)}").text.split('id="history"', 1)[1]
    assert str(escape(HOSTILE_REASON)) in history
    assert "<script>alert" not in history


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({"grade": "G9", "reason": "why"}, ["not an admiralty grade"]),
        ({"grade": "A1", "reason": ""}, ["give a reason"]),
        ({"grade": "", "reason": ""}, ["give a reason", "not an admiralty grade"]),
    ],
    ids=["bad-grade", "no-reason", "both"],
)
def test_form_problems_are_listed(
    store: tuple[str, str], data: dict[str, str], fragments: list[str]
) -> None:
    url, sha = store
    default = document(url, sha).reliability
    status, text = post_form(client_for(store, Role.REVIEWER), sha, data)
    assert status == 422
    flat = " ".join(text.split())
    for fragment in fragments:
        assert fragment in flat
    assert document(url, sha).reliability == default


def test_viewers_see_the_grade_but_no_form(store: tuple[str, str]) -> None:
    url, sha = store
    page = client_for(store, Role.VIEWER).get(f"/documents/{sha}").text
    assert f'<span class="reliability">{document(url, sha).reliability}</span>' in page
    assert not GRADE_IN_FORM.search(page)


def test_a_viewer_posting_the_form_is_refused(store: tuple[str, str]) -> None:
    url, sha = store
    default = document(url, sha).reliability
    status, _ = post_form(client_for(store, Role.VIEWER), sha, {"grade": "A1", "reason": "why"})
    assert status == 403
    assert document(url, sha).reliability == default
    assert reliability_events(url, sha) == []


def test_the_form_without_the_csrf_token_is_refused(store: tuple[str, str]) -> None:
    url, sha = store
    default = document(url, sha).reliability
    client = client_for(store, Role.REVIEWER)
    status, text = post_form(client, sha, {"grade": "A1", "reason": "why"}, token=False)
    assert status == 403 and "CSRF" in text
    assert document(url, sha).reliability == default


# --- the API -------------------------------------------------------------------------------------


def test_api_grades_a_document(store: tuple[str, str]) -> None:
    url, sha = store
    client = client_for(store, Role.REVIEWER)
    response = client.post(
        f"/api/documents/{sha[:12]}/reliability",
        json={"grade": "c2", "reason": "second source agrees"},
        headers=csrf_headers(client),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sha256"] == sha and body["reliability"] == "C2"
    detail = client.get(f"/api/documents/{sha}").json()
    assert detail["reliability"] == "C2"
    assert {c["reliability"] for c in detail["claims"]} == {"C2"}
    assert claim_grades(url, sha) == {"C2"}


def test_api_problems_are_listed(store: tuple[str, str]) -> None:
    _, sha = store
    client = client_for(store, Role.REVIEWER)
    response = client.post(
        f"/api/documents/{sha}/reliability",
        json={"grade": "A0", "reason": " "},
        headers=csrf_headers(client),
    )
    assert response.status_code == 422
    problems = response.json()["error"]["problems"]
    assert any("admiralty" in p for p in problems) and any("reason" in p for p in problems)


def test_api_unknown_document_is_not_found(store: tuple[str, str]) -> None:
    client = client_for(store, Role.REVIEWER)
    response = client.post(
        f"/api/documents/{'0' * 64}/reliability",
        json={"grade": "A1", "reason": "why"},
        headers=csrf_headers(client),
    )
    assert response.status_code == 404


def test_api_refuses_a_viewer(store: tuple[str, str]) -> None:
    url, sha = store
    default = document(url, sha).reliability
    client = client_for(store, Role.VIEWER)
    response = client.post(
        f"/api/documents/{sha}/reliability",
        json={"grade": "A1", "reason": "why"},
        headers=csrf_headers(client),
    )
    assert response.status_code == 403
    assert document(url, sha).reliability == default


def test_api_without_the_csrf_header_is_refused(store: tuple[str, str]) -> None:
    url, sha = store
    default = document(url, sha).reliability
    client = client_for(store, Role.REVIEWER)
    client.get("/api/csrf")
    response = client.post(
        f"/api/documents/{sha}/reliability", json={"grade": "A1", "reason": "why"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["type"] == "AccessDeniedError"
    assert document(url, sha).reliability == default
