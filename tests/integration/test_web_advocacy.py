"""Urgency and letters through the web: alerts and levels on the dashboard, the case's level and
reasons, letter downloads (and the consent refusal), interventions and their status. Both
backends."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from pypdf import PdfReader

from refugewatch.config import Settings
from refugewatch.model.cases import Case, Disclosure
from refugewatch.security.passwords import Role
from refugewatch.services import advocacy, queries, urgency
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import Outcome, ingest_bytes
from refugewatch.services.review import set_disclosure
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from refugewatch.web.csrf import CSRF_FIELD
from tests.integration.web_support import add_role_users, csrf_headers, signed_in, web_app

# Recent dates, so the group is active and (re)assessed within the dashboard's week.
TODAY = dt.date.today()
ARREST = TODAY - dt.timedelta(days=3)
REPORT = f"""title: Seventeen North Koreans detained in Shenyang
published: {TODAY.isoformat()}

Chinese police detained seventeen North Koreans, including two children, in Shenyang on
{ARREST.strftime("%B")} {ARREST.day}, {ARREST.year}. They face forced repatriation.
""".encode()


@pytest.fixture
def store(database_url: str) -> Iterator[str]:
    migrate(database_url)
    factory = uow_factory(database_url)
    settings = Settings(database_url=database_url)
    assert ingest_bytes(factory, "shenyang.txt", REPORT, settings).outcome is Outcome.INGESTED
    rebuild_cases(factory, "tester")
    add_role_users(factory)
    yield database_url
    dispose_engines()


@pytest.fixture
def client(store: str) -> TestClient:
    return signed_in(web_app(Settings(database_url=store)), Role.EDITOR)


def the_case(url: str) -> Case:
    cases = queries.list_cases(uow_factory(url))
    assert len(cases) == 1
    return cases[0]


def consent(url: str, level: Disclosure) -> None:
    set_disclosure(
        uow_factory(url), the_case(url).id, level, "family agreed", actor="t", reason="call"
    )


def form_token(client: TestClient, case_id: str) -> str:
    match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', client.get(f"/cases/{case_id}").text)
    assert match
    return match.group(1)


def letter(client: TestClient, case_id: str, kind: str, fmt: str) -> tuple[int, bytes, str]:
    data = {CSRF_FIELD: form_token(client, case_id), "kind": kind, "format": fmt}
    response = client.post(f"/cases/{case_id}/letters", data=data)
    return response.status_code, response.content, response.headers.get("content-type", "")


def test_dashboard_shows_alerts_first_then_urgency(client: TestClient, store: str) -> None:
    since = TODAY - dt.timedelta(days=urgency.DEFAULT_ALERT_LOOKBACK_DAYS)
    alerts = urgency.alerts_since(uow_factory(store), since, TODAY)
    assessed = urgency.assess_all(uow_factory(store), TODAY, active_only=True)
    assert alerts and assessed, "a fresh arrest is news and an active case"
    page = client.get("/").text
    assert page.index('id="alerts"') < page.index('id="urgency"') < page.index('id="by-status"')
    shown = page.split('id="alerts"', 1)[1].split("</section>", 1)[0]
    for alert in alerts:
        assert f'href="/cases/{alert.case_id}">{escape(alert.label)}</a>' in shown
        assert str(escape(alert.text.removeprefix(f"{alert.label}: "))) in shown
    for assessment in assessed:
        assert f'<span class="level level-{assessment.level.value}">' in page
        for reason in assessment.reasons:
            assert str(escape(reason.text)) in page
    counts = urgency.level_counts(assessed)
    for level, count in counts.items():
        assert re.search(rf'level-{level}"><span class="tile-count">{count}<', page), level


def test_case_page_shows_level_score_and_reasons_linked_to_claims(
    client: TestClient, store: str
) -> None:
    case = the_case(store)
    assessment = urgency.assess_one(uow_factory(store), case.id, TODAY)
    page = client.get(f"/cases/{case.id}").text
    section = page.split('id="urgency"', 1)[1].split("</section>", 1)[0]
    assert f"level-{assessment.level.value}" in section
    assert f"score {assessment.score}" in section
    for reason in assessment.reasons:
        assert str(escape(reason.text)) in section
        for claim_id in reason.claim_ids:
            assert f'href="#claim-{claim_id}"' in section
            assert f'id="claim-{claim_id}"' in page


def test_api_urgency_and_alerts_match_the_services(client: TestClient, store: str) -> None:
    assessed = urgency.assess_all(uow_factory(store), TODAY, active_only=True)
    assert client.get("/api/urgency").json() == [urgency.assessment_json(a) for a in assessed]
    since = TODAY - dt.timedelta(days=7)
    expected = [
        urgency.alert_json(a) for a in urgency.alerts_since(uow_factory(store), since, TODAY)
    ]
    assert client.get("/api/alerts").json() == expected
    later = client.get(
        "/api/alerts", params={"since": TODAY.isoformat(), "as_of": TODAY.isoformat()}
    )
    assert later.status_code == 200
    wrong = client.get("/api/alerts", params={"since": "2030-01-01", "as_of": "2020-01-01"})
    assert wrong.status_code == 422


def test_a_letter_downloads_as_pdf_with_the_group_size(client: TestClient, store: str) -> None:
    consent(store, Disclosure.PUBLIC)
    case = the_case(store)
    status, body, media = letter(client, case.id, "letter", "pdf")
    assert status == 200, body[:300]
    assert media == "application/pdf" and body.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "17" in text or "seventeen" in text.lower()
    items = advocacy.interventions(uow_factory(store), case.id)
    assert [i.kind for i in items] == ["letter"]
    page = client.get(f"/cases/{case.id}").text
    assert items[0].id in page and "intervention.draft" in page


@pytest.mark.parametrize(
    ("kind", "fmt", "media"),
    [("un_appeal", "md", "text/markdown"), ("press_summary", "html", "text/html")],
    ids=["un-appeal-md", "press-html"],
)
def test_other_drafts_and_formats(
    client: TestClient, store: str, kind: str, fmt: str, media: str
) -> None:
    consent(store, Disclosure.PUBLIC)
    case = the_case(store)
    status, body, content_type = letter(client, case.id, kind, fmt)
    assert status == 200 and content_type.startswith(media)
    assert b"Shenyang" in body


@pytest.mark.parametrize(
    ("level", "kind"),
    [
        (Disclosure.NONE, "letter"),
        (Disclosure.UN_ONLY, "press_summary"),
        (Disclosure.NONE, "un_appeal"),
    ],
    ids=["none-letter", "un-only-press", "none-un"],
)
def test_a_draft_without_consent_is_refused_with_the_reason(
    client: TestClient, store: str, level: Disclosure, kind: str
) -> None:
    consent(store, level)
    case = the_case(store)
    status, body, _ = letter(client, case.id, kind, "pdf")
    assert status == 403
    assert b"record the family&#39;s or reporter&#39;s consent first" in body
    assert advocacy.interventions(uow_factory(store), case.id) == []


def test_api_letter_and_consent_refusal(client: TestClient, store: str) -> None:
    case = the_case(store)
    refused = client.post(
        f"/api/cases/{case.id}/letters", json={"kind": "letter"}, headers=csrf_headers(client)
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["type"] == "ConsentRequiredError"
    consent(store, Disclosure.PUBLIC)
    made = client.post(
        f"/api/cases/{case.id}/letters",
        json={"kind": "letter", "format": "pdf"},
        headers=csrf_headers(client),
    )
    assert made.status_code == 200 and made.content.startswith(b"%PDF")
    listed = client.get(f"/api/cases/{case.id}/interventions").json()
    assert [i["id"] for i in listed] == [made.headers["x-intervention-id"]]


def test_intervention_status_moves_on_through_the_form(client: TestClient, store: str) -> None:
    consent(store, Disclosure.PUBLIC)
    case = the_case(store)
    letter(client, case.id, "letter", "md")
    item = advocacy.interventions(uow_factory(store), case.id)[0]
    path = f"/cases/{case.id}/interventions/{item.id}/status"
    data = {CSRF_FIELD: form_token(client, case.id), "status": "sent", "on": ""}
    response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:400]
    assert advocacy.get_intervention(uow_factory(store), item.id).status.value == "sent"
    reply = "<script>alert('reply')</script> thank you"
    data = {CSRF_FIELD: form_token(client, case.id), "status": "replied", "reply": reply}
    assert client.post(path, data=data, follow_redirects=False).status_code == 303
    stored = advocacy.get_intervention(uow_factory(store), item.id)
    assert stored.status.value == "replied" and stored.reply == reply
    back = {CSRF_FIELD: form_token(client, case.id), "status": "sent"}
    refused = client.post(path, data=back)
    assert refused.status_code == 422
    assert "it can next be marked published, not sent" in refused.text
    page = client.get(f"/cases/{case.id}").text
    assert "reply recorded" in page and "<script>alert('reply')" not in page
    assert "intervention.status" in client.get(f"/cases/{case.id}").text


def test_api_intervention_status(client: TestClient, store: str) -> None:
    consent(store, Disclosure.PUBLIC)
    case = the_case(store)
    letter(client, case.id, "letter", "md")
    item = advocacy.interventions(uow_factory(store), case.id)[0]
    moved = client.post(
        f"/api/interventions/{item.id}/status",
        json={"status": "published"},
        headers=csrf_headers(client),
    )
    assert moved.status_code == 200 and moved.json()["status"] == "published"
    again = client.post(
        f"/api/interventions/{item.id}/status",
        json={"status": "sent"},
        headers=csrf_headers(client),
    )
    assert again.status_code == 422
    assert "that status is final" in again.json()["error"]["problems"][0]
