"""Server-rendered pages over a real SQLite database filled through the services.

The reports below are written for these tests (not corpus texts). Expectations about cases are
read back from the services, so the tests check the pages, not the extractor's wording.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape as markup_escape

from refugewatch.config import Settings
from refugewatch.errors import ConfigurationError
from refugewatch.model.cases import (
    Case,
    CaseState,
    ChoiceRule,
    Conflict,
    ConflictOption,
    Disclosure,
    SubGroup,
    TimelineEntry,
)
from refugewatch.model.claims import Claim, ClaimKind, Evidence
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Document, Sensitivity, SourceType
from refugewatch.model.extraction import CustodyStep, Span, Status
from refugewatch.security.passwords import Role
from refugewatch.services import queries
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import Outcome, ingest_bytes
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from refugewatch.web.access import ROUTE_ROLES
from refugewatch.web.app import check_routes, route_keys
from refugewatch.web.csrf import CSRF_COOKIE, CSRF_FIELD, CsrfSigner
from refugewatch.web.highlight import anchor_id
from tests.integration.web_support import add_role_users, signed_in, web_app

REPORT_VIETNAM = b"""title: Nine North Koreans held after crossing into Vietnam
published: 2015-10-20
outlet: Border Monitor Test Desk

Vietnamese border guards detained nine North Koreans, among them two children, in Mong Cai on
October 3, 2015. The group was handed over to Chinese police in Dongxing on October 10, 2015.
Activists fear that the nine will be sent back to North Korea.
"""

REPORT_SHENYANG = b"""title: Family of five arrested in Shenyang
published: 2019-03-18
outlet: Rights Network Test Desk

Chinese police arrested five North Korean defectors, including a pregnant woman, at a bus
station in Shenyang on March 12, 2019. They are held at a detention centre in Tumen and face
forced repatriation.
"""

HOSTILE_TITLE = "<script>alert('title')</script> Seven arrested in Dandong"
REPORT_HOSTILE = f"""title: {HOSTILE_TITLE}
published: 2020-01-05

Police in Dandong arrested seven North Koreans <script>alert(1)</script> on January 2, 2020.
<img src=x onerror=alert(2)> The seven remain in detention.
""".encode()

REPORTS = {
    "vietnam.txt": REPORT_VIETNAM,
    "shenyang.txt": REPORT_SHENYANG,
    "hostile.txt": REPORT_HOSTILE,
}


def escape(text: str) -> str:
    """As Jinja2 autoescape writes it."""
    return str(markup_escape(text))


CASE_LINK = re.compile(r'href="/cases/([^"?#]+)"')


def fill(url: str, reports: dict[str, bytes]) -> None:
    settings = Settings(database_url=url)
    factory = uow_factory(url)
    for name, data in reports.items():
        result = ingest_bytes(factory, name, data, settings, actor="tester")
        assert result.outcome is Outcome.INGESTED, result.reason
    rebuild_cases(factory, "tester")


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'pages.db'}"
    migrate(url)
    fill(url, REPORTS)
    add_role_users(uow_factory(url))
    yield url
    dispose_engines()


@pytest.fixture(scope="module")
def app(db_url: str) -> FastAPI:
    return web_app(Settings(database_url=db_url))


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return signed_in(app, Role.ADMIN)


@pytest.fixture(scope="module")
def all_cases(db_url: str) -> list[Case]:
    cases = queries.list_cases(uow_factory(db_url))
    assert cases, "the test reports should give at least one case"
    return cases


def case_ids_in(page: str) -> list[str]:
    seen: list[str] = []
    for case_id in CASE_LINK.findall(page):
        if case_id not in seen:
            seen.append(case_id)
    return seen


# --- dashboard, lists ---------------------------------------------------------------------


def test_dashboard_shows_counts_active_cases_and_newest_documents(
    client: TestClient, db_url: str
) -> None:
    board = queries.dashboard(uow_factory(db_url))
    page = client.get("/")
    assert page.status_code == 200
    assert "Cases by status" in page.text
    for status, count in board.cases_by_status.items():
        tile = re.search(
            rf'tile-count">{count}</span>\s*<span class="tile-label">{status.replace("_", " ")}<',
            page.text,
        )
        assert tile, f"no tile for {count} {status}"
    active = page.text.split('id="active"', 1)[1].split("</section>", 1)[0]
    assert case_ids_in(active) == [c.id for c in board.active_cases]
    for document in board.newest_documents:
        assert escape(document.title or document.filename) in page.text


def test_case_list_shows_every_case(client: TestClient, all_cases: list[Case]) -> None:
    page = client.get("/cases")
    assert page.status_code == 200
    assert sorted(case_ids_in(page.text)) == sorted(c.id for c in all_cases)
    for case in all_cases:
        assert escape(case.label) in page.text


@pytest.mark.parametrize("desc", [True, False], ids=["descending", "ascending"])
@pytest.mark.parametrize("key", list(queries.CASE_SORT_KEYS))
def test_case_list_sorts_by_column(client: TestClient, db_url: str, key: str, desc: bool) -> None:
    expected = queries.list_cases(uow_factory(db_url), sort=key, descending=desc)
    page = client.get("/cases", params={"sort": key, "desc": int(desc)})
    assert page.status_code == 200
    assert case_ids_in(page.text) == [c.id for c in expected]
    arrow = "descending" if desc else "ascending"
    assert f'aria-sort="{arrow}"' in page.text
    # Clicking the active column again flips the direction.
    assert f"?sort={key}&amp;desc={int(not desc)}" in page.text


def test_case_list_default_order_is_newest_first(client: TestClient, db_url: str) -> None:
    expected = queries.list_cases(uow_factory(db_url), sort="date", descending=True)
    assert case_ids_in(client.get("/cases").text) == [c.id for c in expected]


@pytest.mark.parametrize(
    ("params", "message"),
    [({"sort": "nonsense"}, "sort must be one of"), ({"desc": "sideways"}, "desc")],
    ids=["unknown-column", "bad-direction"],
)
def test_case_list_rejects_bad_sort(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    page = client.get("/cases", params=params)
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert message in page.text


def test_document_list_shows_every_document(client: TestClient, db_url: str) -> None:
    documents = queries.list_documents(uow_factory(db_url))
    page = client.get("/documents")
    assert page.status_code == 200
    assert len(documents) == len(REPORTS)
    for document in documents:
        assert f'href="/documents/{document.sha256}"' in page.text


# --- case page ----------------------------------------------------------------------------


def test_case_page_shows_state_claims_and_sources(
    client: TestClient, db_url: str, all_cases: list[Case]
) -> None:
    for case in all_cases:
        detail = queries.get_case(uow_factory(db_url), case.id)
        page = client.get(f"/cases/{case.id}")
        assert page.status_code == 200
        text = page.text
        assert escape(case.label) in text
        assert escape(case.state.size.describe()) in text
        assert case.state.status.value.replace("_", " ") in text
        assert detail.claims, "a case is built from claims"
        for claim in detail.claims:
            assert escape(claim.evidence.quote) in text
            assert f"/documents/{claim.document_sha256}#{anchor_id(claim.id)}" in text
        for document in detail.documents:
            assert escape(document.title or document.filename) in text
        for entry in case.state.timeline + case.state.undated:
            assert escape(entry.description) in text
        assert "Disclosure" in text and case.disclosure.value.replace("_", " ") in text


def test_unknown_case_is_a_404_page(client: TestClient) -> None:
    page = client.get("/cases/no-such-case")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "no case with id" in page.text


# --- document page ------------------------------------------------------------------------


def test_document_page_marks_every_claim(client: TestClient, db_url: str) -> None:
    for document in queries.list_documents(uow_factory(db_url)):
        detail = queries.get_document(uow_factory(db_url), document.sha256)
        page = client.get(f"/documents/{document.sha256}")
        assert page.status_code == 200
        assert detail.claims, f"{document.filename}: the reports each state an arrest"
        for claim in detail.claims:
            assert f'<mark id="{anchor_id(claim.id)}"' in page.text
            assert f'href="#{anchor_id(claim.id)}"' in page.text


def test_document_page_accepts_a_sha_prefix(client: TestClient, db_url: str) -> None:
    document = queries.list_documents(uow_factory(db_url))[0]
    page = client.get(f"/documents/{document.sha256[:12]}")
    assert page.status_code == 200
    assert document.sha256 in page.text


def test_unknown_document_is_a_404_page(client: TestClient) -> None:
    page = client.get("/documents/" + "0" * 64)
    assert page.status_code == 404
    assert "no document with id" in page.text


@pytest.mark.parametrize("path", ["/", "/documents", "/cases", "document"], ids=str)
def test_hostile_text_is_shown_as_text(client: TestClient, db_url: str, path: str) -> None:
    if path == "document":
        hostile = next(
            d for d in queries.list_documents(uow_factory(db_url)) if d.filename == "hostile.txt"
        )
        path = f"/documents/{hostile.sha256}"
    page = client.get(path).text
    assert "<script" not in page
    assert "<img" not in page
    assert escape(HOSTILE_TITLE) in page or path == "/cases"
    if path.startswith("/documents/"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=alert(2)&gt;" in page


# --- a case with every feature, written through the store -----------------------------------

CRAFTED_TEXT = (
    "On 4 May 2018 Chinese police detained eight North Koreans in Yanji. "
    "A second report said seven were detained. Two children were among them. "
    "They were moved to Tumen on 9 May 2018. One child was later released."
)


def _span(quote: str) -> tuple[int, int]:
    start = CRAFTED_TEXT.index(quote)
    return start, start + len(quote)


def _claim(sha: str, kind: ClaimKind, values: dict[str, object], quote: str) -> Claim:
    start, end = _span(quote)
    return Claim(
        sha,
        kind,
        values,  # type: ignore[arg-type]
        Evidence(sha, "test-cleaner", start, end, quote),
        incident_key=f"{sha[:12]}#0",
    )


def crafted() -> tuple[Document, list[Claim], Case]:
    sha = "ab" * 32
    document = Document(
        sha256=sha,
        filename="crafted.txt",
        media_type="text/plain",
        original=CRAFTED_TEXT.encode(),
        clean_text=CRAFTED_TEXT,
        cleaner_version="test-cleaner",
        title="Crafted report on Yanji",
        outlet="Test Outlet",
        source_type=SourceType.NEWS,
        published=FuzzyDate.month(2018, 5),
        sensitivity=Sensitivity.CONFIDENTIAL,
        ingested_at=dt.datetime(2018, 6, 1, 12, 0, tzinfo=dt.UTC),
    )
    sentence = "On 4 May 2018 Chinese police detained eight North Koreans in Yanji."
    arrest = _claim(sha, ClaimKind.APPREHENSION, {"people_best": 8, "place": "Yanji"}, sentence)
    # Overlaps the arrest sentence: shares "detained eight North Koreans" with it.
    eight = _claim(sha, ClaimKind.STATUS, {"status": "detained"}, "detained eight North Koreans in")
    seven = _claim(sha, ClaimKind.APPREHENSION, {"people_best": 7}, "seven were detained")
    kids = _claim(sha, ClaimKind.VULNERABILITY, {"kind": "children", "count": 2}, "Two children")
    move = _claim(sha, ClaimKind.TRANSFER, {"place": "Tumen"}, "moved to Tumen on 9 May 2018")
    claims = [arrest, eight, seven, kids, move]
    state = CaseState(
        size=Count.exact(8),
        status=Status.DETAINED,
        status_date=FuzzyDate.day(2018, 5, 9),
        apprehended_date=FuzzyDate.day(2018, 5, 4),
        apprehended_place="Yanji",
        apprehended_country="CN",
        last_known_place="Tumen",
        custody_chain=(
            CustodyStep(
                FuzzyDate.day(2018, 5, 9),
                "Tumen",
                "CN",
                "Chinese police",
                Span(*_span(move.evidence.quote), move.evidence.quote),
            ),
        ),
        vulnerable=(("children", 2),),
        conflicts=(
            Conflict(
                "size",
                (
                    ConflictOption("8", (arrest.id,), (sha,)),
                    ConflictOption("7", (seven.id,), (sha,)),
                ),
                "8",
                ChoiceRule.MOST_PRECISE,
            ),
        ),
        timeline=(
            TimelineEntry(
                FuzzyDate.day(2018, 5, 4), "apprehension", "8 detained in Yanji", arrest.id, sha
            ),
            TimelineEntry(FuzzyDate.month(2018, 5), "transfer", "moved to Tumen", move.id, sha),
        ),
        undated=(
            TimelineEntry(FuzzyDate.unknown(), "vulnerability", "two children", kids.id, sha),
        ),
        subgroups=(SubGroup("the released child", Count.exact(1), Status.RELEASED, (kids.id,)),),
        document_sha256s=(sha,),
    )
    case = Case(
        "case-crafted",
        "Group of 8, Yanji, May 2018",
        (f"{sha[:12]}#0",),
        state,
        Disclosure.PARTNERS,
        "family agreed to share with partner NGOs",
    )
    return document, claims, case


@pytest.fixture(scope="module")
def crafted_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'crafted.db'}"
    migrate(url)
    document, claims, case = crafted()
    with uow_factory(url)() as uow:
        uow.documents.add(document)
        uow.claims.replace_for_document(document.sha256, claims)
        uow.cases.replace_all([case])
        uow.commit()
    add_role_users(uow_factory(url))
    yield signed_in(web_app(Settings(database_url=url)), Role.VIEWER)
    dispose_engines()


def test_case_page_shows_every_part_of_the_case(crafted_client: TestClient) -> None:
    document, claims, case = crafted()
    text = crafted_client.get(f"/cases/{case.id}").text
    expected = [
        "Group of 8, Yanji, May 2018",
        "8",
        "detained",
        "as of 2018-05-09",
        "2018-05-04, Yanji",
        "Tumen",
        "held by Chinese police",
        "2 children",
        "size: shown as <strong>8</strong>",
        "Chosen by rule: most precise",
        "the released child",
        "8 detained in Yanji",
        "2018-05",  # a month stays a month
        "undated",
        "two children",
        "partners",
        "family agreed to share with partner NGOs",
        "confidential",
        "Crafted report on Yanji",
    ]
    for snippet in expected:
        assert snippet in text, snippet
    for option_claim in (claims[0], claims[2]):
        assert f"/documents/{document.sha256}#{anchor_id(option_claim.id)}" in text
    # Dated entries come before undated ones.
    assert text.index("8 detained in Yanji") < text.index("two children")


def test_document_page_nests_overlapping_evidence(crafted_client: TestClient) -> None:
    document, claims, _ = crafted()
    text = crafted_client.get(f"/documents/{document.sha256}").text
    body = text.split('<div class="doc-text">', 1)[1].split("</div>", 1)[0]
    for claim in claims:
        assert body.count(f'id="{anchor_id(claim.id)}"') == 1
    # The status span starts inside the arrest sentence: its mark is nested in the arrest's.
    nested = re.search(r"<mark[^>]*>(<mark[^>]*>)+detained eight North Koreans in", body)
    assert nested, body[:400]
    assert re.sub(r"<[^>]+>", "", body) == escape(CRAFTED_TEXT)


# --- upload -------------------------------------------------------------------------------

NEW_REPORT = b"""title: Three held in Laos
published: 2017-06-30

Lao police detained three North Koreans near the Chinese border on June 28, 2017.
"""


@pytest.fixture
def upload_client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'upload.db'}"
    migrate(url)
    add_role_users(uow_factory(url))
    settings = Settings(database_url=url, max_file_bytes=4096)
    yield signed_in(web_app(settings), Role.EDITOR)
    dispose_engines()


def form_token(client: TestClient) -> str:
    page = client.get("/upload")
    assert page.status_code == 200
    match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
    assert match, "the upload form carries a CSRF token"
    assert client.cookies.get(CSRF_COOKIE) == match.group(1)
    return match.group(1)


def post_files(
    client: TestClient, files: list[tuple[str, bytes]], token: str | None
) -> tuple[int, str]:
    data = {CSRF_FIELD: token} if token is not None else {}
    response = client.post(
        "/upload", data=data, files=[("files", (name, body)) for name, body in files]
    )
    return response.status_code, response.text


def test_upload_ingests_then_reports_duplicates(upload_client: TestClient) -> None:
    token = form_token(upload_client)
    status, text = post_files(upload_client, [("laos.txt", NEW_REPORT)], token)
    assert status == 200
    assert "outcome-ingested" in text and "Cases rebuilt" in text
    assert len(upload_client.get("/documents").text.split('href="/documents/')) == 2

    status, text = post_files(upload_client, [("again.txt", NEW_REPORT)], token)
    assert status == 200
    assert "outcome-duplicate" in text and "already stored" in text
    assert "Cases rebuilt" not in text


@pytest.mark.parametrize(
    ("name", "body", "reason"),
    [
        ("tool.exe", b"MZ\x90\x00binary", "exe"),
        ("empty.txt", b"   \n", ""),
        ("big.txt", b"North Koreans detained. " * 200, "limit"),
    ],
    ids=["unsupported-type", "empty", "over-file-limit"],
)
def test_upload_refuses_with_a_reason(
    upload_client: TestClient, name: str, body: bytes, reason: str
) -> None:
    status, text = post_files(upload_client, [(name, body)], form_token(upload_client))
    assert status == 200
    row = text.split('class="outcome-refused"', 1)
    assert len(row) == 2, "the file is reported as refused"
    assert reason in row[1].split("</tr>", 1)[0]
    assert 'href="/documents/' not in upload_client.get("/documents").text


def test_upload_larger_than_the_body_limit_is_413(upload_client: TestClient) -> None:
    token = form_token(upload_client)
    status, text = post_files(upload_client, [("huge.txt", b"x" * 200_000)], token)
    assert status == 413
    assert "larger than the limit of 4,096 bytes" in text


def test_upload_mixes_outcomes_in_one_form(upload_client: TestClient) -> None:
    token = form_token(upload_client)
    files = [("laos.txt", NEW_REPORT), ("tool.exe", b"MZ"), ("copy.txt", NEW_REPORT)]
    _, text = post_files(upload_client, files, token)
    outcomes = re.findall(r'<span class="outcome outcome-(\w+)">', text)
    assert outcomes == ["ingested", "refused", "duplicate"]


@pytest.mark.parametrize(
    "token", [None, "", "forged.token", "other-app"], ids=["none", "empty", "forged", "foreign"]
)
def test_upload_without_a_valid_csrf_token_is_refused(
    upload_client: TestClient, token: str | None
) -> None:
    form_token(upload_client)  # the browser holds a genuine cookie...
    if token == "other-app":
        token = CsrfSigner().issue()  # ...but the form's token was signed by another secret
    status, text = post_files(upload_client, [("laos.txt", NEW_REPORT)], token)
    assert status == 403
    assert "CSRF" in text
    assert 'href="/documents/' not in upload_client.get("/documents").text


def test_upload_without_the_cookie_is_refused(upload_client: TestClient) -> None:
    token = form_token(upload_client)
    upload_client.cookies.delete(CSRF_COOKIE)
    status, text = post_files(upload_client, [("laos.txt", NEW_REPORT)], token)
    assert status == 403
    assert "CSRF" in text


def test_upload_with_no_file_chosen_is_422(upload_client: TestClient) -> None:
    token = form_token(upload_client)
    status, text = post_files(upload_client, [("", b"")], token)
    assert status == 422
    assert "choose at least one file" in text


# --- protections --------------------------------------------------------------------------

PAGES = ["/", "/cases", "/documents", "/upload", "/cases/no-such-case", "/static/style.css"]


@pytest.mark.parametrize("path", PAGES, ids=str)
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/", "/cases", "/documents", "/upload"], ids=str)
def test_pages_have_no_inline_scripts_or_styles(client: TestClient, path: str) -> None:
    text = client.get(path).text
    assert "<script" not in text
    assert "<style" not in text
    assert " style=" not in text
    assert not re.search(r"\son[a-z]+=", text), "no inline event handlers"


def test_pages_are_not_cached_but_the_stylesheet_may_be(client: TestClient) -> None:
    assert client.get("/cases").headers["cache-control"] == "no-store"
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "cache-control" not in css.headers


def test_untrusted_host_is_refused(app: FastAPI) -> None:
    response = TestClient(app, base_url="http://evil.example").get("/")
    assert response.status_code == 400
    assert "case" not in response.text.lower()


def test_unknown_path_and_wrong_method_render_html_errors(client: TestClient) -> None:
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and "There is nothing at /nowhere" in missing.text
    wrong = client.delete("/cases")
    assert wrong.status_code == 405 and "DELETE is not accepted" in wrong.text


def test_interactive_docs_are_off_but_the_schema_is_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    schema = client.get("/openapi.json")
    assert schema.status_code == 200
    assert "/api/cases/{case_id}" in schema.json()["paths"]


# --- the route-to-role table ----------------------------------------------------------------


def test_every_route_is_in_the_role_table_and_no_entry_is_stale(app: FastAPI) -> None:
    assert route_keys(app.routes) == set(ROUTE_ROLES)


def test_a_route_added_outside_the_table_is_refused(db_url: str) -> None:
    app = web_app(Settings(database_url=db_url))
    app.add_api_route("/unlisted", lambda: {"secret": 1}, methods=["GET"])
    response = signed_in(app, Role.ADMIN).get("/unlisted")
    assert response.status_code == 403
    assert "not listed in the route-to-role table" in response.text


def test_create_app_refuses_routes_that_escape_the_checks(app: FastAPI) -> None:
    extra = FastAPI()
    extra.add_api_route("/unlisted", lambda: None, methods=["POST"])
    with pytest.raises(ConfigurationError) as caught:
        check_routes([*app.routes, *extra.routes])
    assert "POST /unlisted is missing from web.access.ROUTE_ROLES" in str(caught.value)
    assert "without the CSRF dependency" in str(caught.value)


def test_a_viewer_may_read_but_not_upload(app: FastAPI) -> None:
    client = signed_in(app, Role.VIEWER)
    assert client.get("/cases").status_code == 200
    refused = client.get("/upload")
    assert refused.status_code == 403
    assert "needs the editor role" in refused.text
    assert client.post("/upload").status_code == 403


def test_the_signed_in_user_and_role_are_shown(client: TestClient) -> None:
    assert "admin · admin" in client.get("/").text
