"""The contact-report form and API: a first-hand account stored as a confidential document,
every problem reported at once with the typed values kept, hostile text shown as text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from refugewatch.config import Settings
from refugewatch.model.cases import Disclosure
from refugewatch.model.counts import Count
from refugewatch.model.documents import Sensitivity, SourceType
from refugewatch.security.passwords import Role
from refugewatch.services import queries
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from refugewatch.web.contact import parse_count
from refugewatch.web.csrf import CSRF_FIELD
from tests.integration.web_support import (
    add_role_users,
    csrf_headers,
    form_token,
    signed_in,
    web_app,
    with_data_key,
)

XSS = "<img src=x onerror=alert(1)>"
SQLI = "'; DROP TABLE documents; --"
VALID = {
    "relation": "pastor",
    "reliability": "b2",
    "group_size": "about 6",
    "members": f"Min-ji: children\nGrandmother Ri: elderly, ill_or_injured\n{SQLI.replace(';', '')}",
    "apprehended_on": "2024-03",
    "apprehended_place": "Yanji",
    "status": "detained",
    "last_contact": "2024-03-20",
    "last_contact_place": f"Tumen {XSS}",
    "statement": f"They were taken from a flat. {XSS} <script>alert(2)</script> {SQLI}",
    "consent": "un_only",
}


@pytest.fixture
def store(database_url: str) -> Iterator[str]:
    migrate(database_url)
    add_role_users(uow_factory(database_url))
    yield database_url
    dispose_engines()


@pytest.fixture
def settings(store: str, tmp_path: Path) -> Settings:
    passphrase = with_data_key(uow_factory(store), tmp_path)
    return Settings(database_url=store, passphrase_file=passphrase)


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return signed_in(web_app(settings), Role.EDITOR)


def submit(client: TestClient, fields: dict[str, str]) -> tuple[int, str]:
    data = {CSRF_FIELD: form_token(client, "/contact-reports/new"), **fields}
    response = client.post("/contact-reports", data=data, follow_redirects=False)
    return response.status_code, response.headers.get("location", response.text)


def test_the_form_offers_every_field(client: TestClient) -> None:
    page = client.get("/contact-reports/new").text
    for name in VALID:
        assert f'name="{name}"' in page, name
    assert 'value="none" selected' in page, "consent defaults to sharing with no one"


def test_a_report_is_stored_confidential_and_linked(client: TestClient, store: str) -> None:
    status, location = submit(client, VALID)
    assert status == 303 and location.startswith("/documents/")
    sha = location.removeprefix("/documents/")
    detail = queries.get_document(uow_factory(store), sha)
    assert detail.document.sensitivity is Sensitivity.CONFIDENTIAL
    assert detail.document.source_type is SourceType.CONTACT_REPORT
    assert detail.document.ingested_by == "editor"
    assert detail.claims and detail.case_ids
    case = queries.get_case(uow_factory(store), detail.case_ids[0]).case
    assert case.disclosure is Disclosure.NONE, "a report tightens consent, never widens it"
    page = client.get(location).text
    assert "confidential" in page
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    assert str(escape(XSS)) in page and str(escape(SQLI)) in page
    case_page = client.get(f"/cases/{case.id}").text
    assert "<img src=x" not in case_page


def test_problems_are_listed_and_the_values_kept(client: TestClient, store: str) -> None:
    fields = {
        **VALID,
        "reliability": "Z9",
        "group_size": "a few",
        "last_contact": "last spring",
        "members": "Min-ji: toddlers",
        "statement": f"kept {XSS}",
    }
    status, page = submit(client, fields)
    assert status == 422
    for problem in ("admiralty grade", "group size 'a few'", "'last spring'", "'toddlers'"):
        assert str(escape(problem)) in page, problem
    assert str(escape(f"kept {XSS}")) in page and "<img src=x" not in page
    assert 'value="last spring"' in page
    assert queries.list_documents(uow_factory(store)) == []


def test_the_form_needs_the_csrf_token(client: TestClient, store: str) -> None:
    client.get("/contact-reports/new")
    response = client.post("/contact-reports", data={**VALID, CSRF_FIELD: "forged.token"})
    assert response.status_code == 403
    assert queries.list_documents(uow_factory(store)) == []


def test_a_reviewer_may_not_record_reports(settings: Settings) -> None:
    client = signed_in(web_app(settings), Role.REVIEWER)
    assert client.get("/contact-reports/new").status_code == 403


def test_api_contact_report(client: TestClient, store: str) -> None:
    response = client.post("/api/contact-reports", json=VALID, headers=csrf_headers(client))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sensitivity"] == "confidential" and body["source_type"] == "contact_report"
    assert [d.sha256 for d in queries.list_documents(uow_factory(store))] == [body["sha256"]]


def test_api_contact_report_problems(client: TestClient) -> None:
    bad = {**VALID, "relation": "neighbour", "status": "lost"}
    response = client.post("/api/contact-reports", json=bad, headers=csrf_headers(client))
    assert response.status_code == 422
    problems = " ".join(response.json()["error"]["problems"])
    assert "reporter 'neighbour'" in problems and "status 'lost'" in problems


@pytest.mark.parametrize(
    ("size", "expected"),
    [("6", "6"), ("at least 4", "at least 4"), ("5 to 7", "5"), ("up to 9", "up to 9")],
    ids=["exact", "at-least", "range", "up-to"],
)
def test_group_sizes_as_written(client: TestClient, store: str, size: str, expected: str) -> None:
    status, location = submit(client, {**VALID, "group_size": size, "members": ""})
    assert status == 303
    text = client.get(location).text
    assert re.search(rf"Group size: {re.escape(expected)}", text), text[:2000]


@given(st.integers(1, 10_000), st.integers(1, 10_000))
def test_group_size_forms_round_trip(low: int, high: int) -> None:
    low, high = sorted((low, high))
    for text, expected in (
        (str(low), Count.exact(low)),
        (f"at least {low}", Count.at_least(low)),
        (f"about {low}", Count.about(low)),
        (f"up to {high}", Count.up_to(high)),
        (f"{low} to {high}", Count.between(low, high)),
    ):
        problems: list[str] = []
        assert parse_count(text, problems) == expected and problems == [], text


@given(st.one_of(st.text(), st.from_regex(r"(at least |about |up to )?\d{1,6}( to \d{1,6})?")))
def test_any_group_size_text_parses_or_says_why(text: str) -> None:
    problems: list[str] = []
    count = parse_count(text, problems)
    if problems:
        assert count == Count.unknown() and repr(text) in problems[0]
    else:
        assert count != Count.unknown() and (count.high or count.best or count.low or 0) <= 10_000
