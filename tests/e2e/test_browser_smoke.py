"""Browser smoke test: real Chromium against a real server, signing in through the real login
form, failing on any console error or CSP violation. Uses Debian's /usr/bin/chromium (no
Playwright browser download).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, FilePayload, Page, sync_playwright

from refugewatch.config import Settings
from refugewatch.model.cases import Disclosure
from refugewatch.security.passwords import Role
from refugewatch.services import queries
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import Outcome, ingest_bytes
from refugewatch.services.review import set_disclosure
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from tests.integration.web_support import PASSWORD, add_role_users, web_app, with_data_key

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SERVER_START_SECONDS = 15
# A load still in flight when the test navigates on (the favicon, typically) is cancelled by the
# browser; that is not a fault of the page. Blocked (CSP) or broken loads still fail the test.
ABORTED_BY_NAVIGATION = "net::ERR_ABORTED"
REPORTS = {
    "yanji.txt": b"""title: Six North Koreans detained in Yanji
published: 2018-09-14
outlet: Browser Test Wire

Chinese police detained six North Koreans, including an elderly woman, in Yanji on September 9,
2018. They were taken to a detention centre in Tumen and are at risk of forced return.
""",
    "bangkok.txt": b"""title: <b>Eleven</b> held in Bangkok
published: 2017-02-03

Thai police arrested eleven North Koreans in Bangkok on January 30, 2017 <script>alert(1)</script>.
""",
}
UPLOAD = b"""title: Three detained in Dandong
published: 2023-04-02

Chinese police detained three North Koreans in Dandong on March 30, 2023.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'browser.db'}"
    migrate(url)
    settings = Settings(database_url=url)
    for name, data in REPORTS.items():
        result = ingest_bytes(uow_factory(url), name, data, settings)
        assert result.outcome is Outcome.INGESTED, result.reason
    rebuild_cases(uow_factory(url), "tester")
    add_role_users(uow_factory(url))
    for case in queries.list_cases(uow_factory(url)):  # so letters may be drafted
        set_disclosure(uow_factory(url), case.id, Disclosure.PUBLIC, None, actor="t", reason="ok")
    settings = Settings(database_url=url, passphrase_file=with_data_key(uow_factory(url), folder))
    port = free_port()
    app = web_app(settings)  # plain http on 127.0.0.1: REFUGEWATCH_COOKIE_SECURE=no
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not instance.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)
    dispose_engines()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield instance
        instance.close()


# Reports every CSP violation, on every page the tab visits, to the test through a binding;
# Playwright's init scripts are exempt from the page's CSP.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.reportCspViolation(e.violatedDirective + ' ' + e.blockedURI + ' on ' + location.pathname);
});
"""


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=server, accept_downloads=True)
    problems: list[str] = []
    context.expose_function("reportCspViolation", lambda text: problems.append(f"CSP: {text}"))
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    tab.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on(
        "requestfailed",
        lambda r: (
            None
            if r.failure == ABORTED_BY_NAVIGATION
            else problems.append(f"request failed ({r.failure}): {r.url}")
        ),
    )
    tab.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    sign_in(tab, Role.ADMIN)
    yield tab
    tab.wait_for_timeout(100)  # let late violation reports arrive
    context.close()
    assert not problems, "\n".join(problems)


def sign_in(page: Page, role: Role) -> None:
    """Through the real form: anonymous, the app sends the browser to /login and back."""
    page.goto("/cases")
    assert "/login?next=/cases" in page.url
    page.fill("#username", role.value)
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url("**/cases")
    assert page.locator("header.site .user").inner_text() == f"{role.value} · {role.value}"


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # The stylesheet loaded and applied: the header gets its background from style.css.
    background = page.eval_on_selector("header.site", "el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(244, 246, 248)", f"{path}: stylesheet not applied"


def test_every_page_type_renders_cleanly(page: Page) -> None:
    for path in ("/", "/cases", "/documents", "/upload", "/contact-reports/new"):
        visit(page, path)
    page.goto("/cases")
    page.click("table.data a[href^='/cases/']")
    assert page.locator("h2#claims").is_visible()
    page.goto("/documents")
    page.click("table.data a[href^='/documents/']")
    assert page.locator(".doc-text mark").count() > 0


def test_hostile_text_stays_text(page: Page) -> None:
    visit(page, "/documents")
    page.click("text=<b>Eleven</b> held in Bangkok")
    assert page.locator("h1 b").count() == 0
    assert "<script>alert(1)</script>" in page.inner_text(".doc-text")


def test_clicking_a_sort_header_sorts(page: Page) -> None:
    visit(page, "/cases")
    page.click("th a.sort:has-text('People')")
    page.wait_for_url("**/cases?sort=size*")
    assert page.get_attribute("th[aria-sort]", "aria-sort") == "descending"
    page.click("th a.sort:has-text('People')")
    page.wait_for_url("**desc=0")
    assert page.get_attribute("th[aria-sort]", "aria-sort") == "ascending"


def test_claim_link_jumps_to_the_highlighted_evidence(page: Page) -> None:
    visit(page, "/documents")
    page.click("table.data a[href^='/documents/']")
    page.click("text=show in text >> nth=0")
    assert "#span-" in page.url
    assert page.locator("mark:target").count() == 1


def test_upload_through_the_form(page: Page) -> None:
    file: FilePayload = {"name": "dandong.txt", "mimeType": "text/plain", "buffer": UPLOAD}
    visit(page, "/upload")
    page.set_input_files("#files", files=[file])
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#results")
    assert page.inner_text("span.outcome") == "ingested"
    assert page.locator("text=Cases rebuilt").count() == 1

    page.set_input_files("#files", files=[file])
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#results")
    assert page.inner_text("span.outcome") == "duplicate"


def test_a_review_action_through_the_case_page(page: Page) -> None:
    visit(page, "/cases")
    page.click("table.data a[href^='/cases/']")
    case_url = page.url
    first = page.locator("article.claim").first
    first.locator("summary").click()
    first.locator("textarea[name=reason]").fill("checked against the source <b>ok</b>")
    first.locator("button[value=accept]").click()
    page.wait_for_url(case_url.split("#")[0] + "#claim-*")
    assert page.locator("article.claim.claim-accepted").count() >= 1
    history = page.inner_text("section[aria-labelledby=history]")
    assert "claim.accept" in history and "checked against the source <b>ok</b>" in history


def test_a_letter_downloads_from_the_case_page(page: Page) -> None:
    visit(page, "/cases")
    page.click("table.data a:has-text('Yanji')")  # a case with public consent (fixture)
    page.select_option("#letter-format", "pdf")
    with page.expect_download() as info:
        page.click("form.letters button[value=letter]")
    download = info.value
    assert download.suggested_filename.endswith("-letter.pdf")
    path = download.path()
    assert path is not None and Path(path).read_bytes().startswith(b"%PDF")
    page.reload()
    assert page.locator("#interventions + table .istatus").first.inner_text() == "draft"


def test_sign_out_ends_the_session(page: Page) -> None:
    visit(page, "/")
    page.click("form.logout button")
    page.wait_for_url("**/login")
    page.goto("/documents")
    assert "/login?next=/documents" in page.url
