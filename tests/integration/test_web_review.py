"""Review through the web: claim decisions, merge, split, attach and consent from the case page
forms and the JSON API, each leaving its audit events in the case history. SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from refugewatch.config import Settings
from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.claims import ClaimKind, ReviewState
from refugewatch.security.passwords import Role
from refugewatch.services import queries
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import Outcome, ingest_bytes
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from refugewatch.web.csrf import CSRF_FIELD
from tests.integration.web_support import add_role_users, csrf_headers, signed_in, web_app

REPORTS = {
    "laos.txt": b"""title: Three held in Laos
published: 2017-06-30

Lao police detained three North Koreans in Vientiane on June 28, 2017.
""",
    "hunchun.txt": b"""title: Four detained in Hunchun
published: 2022-02-14

Chinese border police detained four North Koreans in Hunchun on February 10, 2022.
""",
}
# Stored and shown as text, never run as markup or SQL.
HOSTILE_REASON = "<script>alert('r')</script> ' OR 1=1; DROP TABLE claims; --"


@pytest.fixture
def store(database_url: str) -> Iterator[str]:
    migrate(database_url)
    settings = Settings(database_url=database_url)
    factory = uow_factory(database_url)
    for name, data in REPORTS.items():
        assert ingest_bytes(factory, name, data, settings).outcome is Outcome.INGESTED
    rebuild_cases(factory, "tester")
    add_role_users(factory)
    yield database_url
    dispose_engines()


@pytest.fixture
def client(store: str) -> TestClient:
    return signed_in(web_app(Settings(database_url=store)), Role.REVIEWER)


def cases(url: str) -> list[Case]:
    found = queries.list_cases(uow_factory(url), sort="label")
    assert len(found) == 2, "each report is its own group"
    return found


def token(client: TestClient, case_id: str) -> str:
    page = client.get(f"/cases/{case_id}")
    match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def post(client: TestClient, path: str, data: dict[str, object], case_id: str) -> tuple[int, str]:
    form = {CSRF_FIELD: token(client, case_id), **data}
    response = client.post(path, data=form, follow_redirects=False)
    return response.status_code, response.headers.get("location", response.text)


def history(client: TestClient, case_id: str) -> str:
    page = client.get(f"/cases/{case_id}").text
    return page.split('id="history"', 1)[1]


def actions(url: str, case_id: str) -> list[str]:
    with uow_factory(url)() as uow:
        return [e.action for e in uow.audit.list(target=case_id)]


def apprehension(url: str, case_id: str) -> str:
    claims = queries.get_case(uow_factory(url), case_id).claims
    return next(c.id for c in claims if c.kind is ClaimKind.APPREHENSION)


def test_a_reviewer_accepts_a_claim(client: TestClient, store: str) -> None:
    case = cases(store)[0]
    claim_id = apprehension(store, case.id)
    path = f"/cases/{case.id}/claims/{claim_id}/review"
    data = {"decision": "accept", "reason": HOSTILE_REASON}
    status, location = post(client, path, data, case.id)
    assert status == 303 and location.endswith(f"/cases/{case.id}#claim-{claim_id}")
    with uow_factory(store)() as uow:
        claim = uow.claims.get(claim_id)
    assert claim is not None and claim.review is ReviewState.ACCEPTED
    assert "claim.accept" in actions(store, case.id)
    shown = history(client, case.id)
    assert str(escape(HOSTILE_REASON)) in shown
    assert "<script>alert" not in shown


def test_rejecting_the_only_arrest_leads_to_the_document(client: TestClient, store: str) -> None:
    case = cases(store)[0]
    claim_id = apprehension(store, case.id)
    data = {"decision": "reject", "reason": "not an arrest"}
    status, location = post(client, f"/cases/{case.id}/claims/{claim_id}/review", data, case.id)
    assert status == 303 and location.startswith("/documents/")
    assert "claim.reject" in actions(store, claim_id)
    assert "claim.reject" in actions(store, case.id), "the old case keeps the event"
    assert "rejected" in client.get(location).text


def test_a_reviewer_edits_a_value(client: TestClient, store: str) -> None:
    case = cases(store)[0]
    claim_id = apprehension(store, case.id)
    page = client.get(f"/cases/{case.id}").text
    assert 'name="value.place"' in page
    data = {"decision": "edit", "reason": "the report misspelt the town", "value.place": "Muang"}
    status, _ = post(client, f"/cases/{case.id}/claims/{claim_id}/review", data, case.id)
    assert status == 303
    with uow_factory(store)() as uow:
        claim = uow.claims.get(claim_id)
    assert claim is not None and claim.review is ReviewState.EDITED
    assert claim.effective_values["place"] == "Muang"
    assert claim.values.get("place") != "Muang", "the original reading stays on record"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"decision": "accept", "reason": " "}, "give a reason"),
        ({"decision": "edit", "reason": "r"}, "change at least one value"),
        ({"decision": "edit", "reason": "r", "value.people_best": "many"}, "whole number"),
        ({"decision": "shrug", "reason": "r"}, "not one of accept, reject, edit"),
    ],
    ids=["no-reason", "edit-nothing", "edit-not-a-number", "unknown-decision"],
)
def test_a_bad_review_is_refused_with_the_problem(
    client: TestClient, store: str, data: dict[str, object], problem: str
) -> None:
    case = cases(store)[0]
    claim_id = apprehension(store, case.id)
    status, text = post(client, f"/cases/{case.id}/claims/{claim_id}/review", data, case.id)
    assert status == 422
    assert problem in text
    assert not any(a.startswith("claim.") for a in actions(store, case.id))


def test_merge_then_split_through_the_forms(client: TestClient, store: str) -> None:
    first, second = cases(store)
    status, location = post(
        client,
        f"/cases/{first.id}/merge",
        {"other": second.id, "reason": "same group, two reports"},
        first.id,
    )
    assert status == 303
    merged_id = location.split("/cases/", 1)[1].split("#", 1)[0]
    merged = queries.list_cases(uow_factory(store))
    assert len(merged) == 1 and merged[0].id == merged_id
    assert "case.merge" in actions(store, first.id) and "case.merge" in actions(store, second.id)
    page = client.get(f"/cases/{merged_id}").text
    assert "Split off incidents" in page
    moving = sorted(merged[0].incident_keys)[-1]
    status, location = post(
        client,
        f"/cases/{merged_id}/split",
        {"incident": moving, "reason": "different people after all"},
        merged_id,
    )
    assert status == 303
    assert len(queries.list_cases(uow_factory(store))) == 2
    assert "case.split" in actions(store, merged_id)
    assert "case.split" in history(client, merged_id)


def test_attach_a_document_through_the_form(client: TestClient, store: str) -> None:
    first, second = cases(store)
    sha = second.state.document_sha256s[0]
    status, _location = post(
        client,
        f"/cases/{first.id}/attach",
        {"document": sha[:12], "reason": "linking missed it"},
        first.id,
    )
    assert status == 303
    remaining = queries.list_cases(uow_factory(store))
    assert len(remaining) == 1
    assert "case.attach" in actions(store, remaining[0].id)


def test_consent_is_set_through_the_form(client: TestClient, store: str) -> None:
    case = cases(store)[0]
    data = {"level": "partners", "note": "<b>sister</b> agreed on the phone", "reason": "call"}
    status, location = post(client, f"/cases/{case.id}/disclosure", data, case.id)
    assert status == 303 and location.endswith("#consent")
    updated = queries.get_case(uow_factory(store), case.id).case
    assert updated.disclosure is Disclosure.PARTNERS
    page = client.get(f"/cases/{case.id}").text
    assert "&lt;b&gt;sister&lt;/b&gt;" in page and "<b>sister" not in page
    assert "case.disclosure" in history(client, case.id)


def test_an_unknown_disclosure_is_refused(client: TestClient, store: str) -> None:
    case = cases(store)[0]
    data = {"level": "everyone", "reason": "r"}
    status, text = post(client, f"/cases/{case.id}/disclosure", data, case.id)
    assert status == 422 and "not one of none, un_only, partners, public" in text


FORMS = ["claims/{claim}/review", "merge", "split", "attach", "disclosure"]


@pytest.mark.parametrize("form", FORMS, ids=str)
def test_every_review_form_needs_the_csrf_token(client: TestClient, store: str, form: str) -> None:
    case = cases(store)[0]
    path = f"/cases/{case.id}/" + form.format(claim=apprehension(store, case.id))
    client.get(f"/cases/{case.id}")
    data = {"decision": "accept", "reason": "r", "level": "public", CSRF_FIELD: "forged.x"}
    response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 403 and "CSRF" in response.text
    assert actions(store, case.id) == [a for a in actions(store, case.id) if a == "case.create"]


# --- the JSON API -------------------------------------------------------------------------


def test_api_review_and_case_actions(client: TestClient, store: str) -> None:
    first, second = cases(store)
    claim_id = apprehension(store, first.id)
    headers = csrf_headers(client)
    reviewed = client.post(
        f"/api/claims/{claim_id}/review",
        json={
            "decision": "edit",
            "reason": HOSTILE_REASON,
            "edits": {"custodian": "border police"},
        },
        headers=headers,
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["review"] == "edited"
    disclosure = client.post(
        f"/api/cases/{first.id}/disclosure",
        json={"level": "un_only", "reason": "asked the family"},
        headers=headers,
    )
    assert disclosure.status_code == 200 and disclosure.json()[0]["disclosure"] == "un_only"
    merged = client.post(
        f"/api/cases/{first.id}/merge",
        json={"other": second.id, "reason": "same people"},
        headers=headers,
    )
    assert merged.status_code == 200
    merged_id = merged.json()[0]["id"]
    assert merged.json()[0]["disclosure"] == "none", "a merge keeps the stricter consent"
    key = sorted(queries.list_cases(uow_factory(store))[0].incident_keys)[-1]
    split = client.post(
        f"/api/cases/{merged_id}/split",
        json={"incident_keys": [key], "reason": "not the same"},
        headers=headers,
    )
    assert split.status_code == 200 and len(split.json()) == 2
    events = client.get(f"/api/cases/{merged_id}").json()["history"]
    assert {"claim.edit", "case.merge", "case.split"} <= {e["action"] for e in events}
    assert HOSTILE_REASON in {e["reason"] for e in events}


def test_api_review_without_the_header_is_refused(client: TestClient, store: str) -> None:
    case = cases(store)[0]
    claim_id = apprehension(store, case.id)
    client.get("/api/csrf")
    response = client.post(
        f"/api/claims/{claim_id}/review", json={"decision": "accept", "reason": "r"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["type"] == "AccessDeniedError"


def test_api_review_problems_are_listed(client: TestClient, store: str) -> None:
    case = cases(store)[0]
    claim_id = apprehension(store, case.id)
    response = client.post(
        f"/api/claims/{claim_id}/review",
        json={"decision": "edit", "reason": "", "edits": {"people_best": -1}},
        headers=csrf_headers(client),
    )
    assert response.status_code == 422
    problems = response.json()["error"]["problems"]
    assert any("reason" in p for p in problems) and any("people_best" in p for p in problems)
