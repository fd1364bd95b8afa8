"""Signing in and out: sessions, cookie flags, CSRF on both forms, lockout and the per-address
limit, expiry, and passwords kept out of logs and pages."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.config import Settings
from refugewatch.security.passwords import Role
from refugewatch.services.protection_users import MAX_FAILED_LOGINS, disable_user
from refugewatch.store.sql import dispose_engines, migrate, uow_factory
from refugewatch.web.app import create_app
from refugewatch.web.csrf import CSRF_FIELD
from refugewatch.web.login import safe_next
from refugewatch.web.sessions import (
    IDLE_TIMEOUT,
    MAX_LIFETIME,
    SESSION_COOKIE,
    LoginLimiter,
    SessionStore,
)
from tests.integration.web_support import (
    FAST,
    PASSWORD,
    add_role_users,
    form_token,
    sign_in,
    web_app,
)

WRONG = "not the password at all"


@dataclass
class Clock:
    now: dt.datetime = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def db_url(database_url: str) -> Iterator[str]:
    migrate(database_url)
    add_role_users(uow_factory(database_url))
    yield database_url
    dispose_engines()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db_url: str, clock: Clock) -> FastAPI:
    return web_app(
        Settings(database_url=db_url),
        sessions=SessionStore(clock=clock),
        login_limiter=LoginLimiter(clock=clock, max_attempts=3),
    )


def attempt(client: TestClient, name: str, password: str, **extra: str) -> tuple[int, str]:
    data = {"username": name, "password": password, CSRF_FIELD: form_token(client), **extra}
    response = client.post("/login", data=data, follow_redirects=False)
    return response.status_code, response.headers.get("location", response.text)


def test_sign_in_goes_to_the_page_asked_for(app: FastAPI) -> None:
    client = TestClient(app)
    first = client.get("/cases?sort=size", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/login?next=/cases%3Fsort%3Dsize"
    form = client.get(first.headers["location"]).text
    assert 'name="next" value="/cases?sort=size"' in form
    status, location = attempt(client, "reviewer", PASSWORD, next="/cases?sort=size")
    assert (status, location) == (303, "/cases?sort=size")
    assert client.get("/cases").status_code == 200


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
    ids=["scheme-relative", "absolute", "backslash", "javascript", "empty"],
)
def test_sign_in_never_redirects_off_site(app: FastAPI, target: str) -> None:
    status, location = attempt(TestClient(app), "viewer", PASSWORD, next=target)
    assert (status, location) == (303, "/")


@given(st.text())
def test_safe_next_is_always_a_local_path(target: str) -> None:
    result = safe_next(target)
    assert result.startswith("/") and not result.startswith(("//", "/\\"))
    assert "\n" not in result and "\r" not in result


@pytest.mark.parametrize(
    ("name", "password"), [("viewer", WRONG), ("nobody", PASSWORD)], ids=["wrong", "unknown"]
)
def test_a_failed_sign_in_says_the_same_for_every_cause(
    app: FastAPI, name: str, password: str
) -> None:
    client = TestClient(app)
    status, page = attempt(client, name, password)
    assert status == 401
    assert "wrong user name or password" in page
    assert password not in page
    assert SESSION_COOKIE not in client.cookies


def test_the_session_cookie_is_httponly_strict_and_secure(db_url: str) -> None:
    app = create_app(Settings(database_url=db_url), passwords=FAST)  # cookie_secure default
    client = TestClient(app, base_url="https://testserver")
    form = client.get("/login")
    csrf_cookie = next(c for c in form.headers.get_list("set-cookie") if "csrf" in c).lower()
    assert (
        "secure" in csrf_cookie and "httponly" in csrf_cookie and "samesite=strict" in csrf_cookie
    )
    response = client.post(
        "/login",
        data={"username": "viewer", "password": PASSWORD, CSRF_FIELD: form_token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
    flags = {part.strip().lower() for part in session.split(";")}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    assert f"max-age={int(MAX_LIFETIME.total_seconds())}" in flags


def test_cookies_lose_secure_only_when_configured(app: FastAPI) -> None:
    client = TestClient(app)
    form_token(client)
    response = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": PASSWORD,
            CSRF_FIELD: client.cookies["refugewatch_csrf"],
        },
        follow_redirects=False,
    )
    session = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "secure" not in session.lower()


def test_settings_read_the_cookie_flag() -> None:
    assert Settings.from_env({}).cookie_secure is True
    assert Settings.from_env({"REFUGEWATCH_COOKIE_SECURE": "no"}).cookie_secure is False


def test_logout_ends_the_session_on_the_server(app: FastAPI) -> None:
    client = TestClient(app)
    sign_in(client, "editor")
    stolen = client.cookies[SESSION_COOKIE]
    token = form_token(client, "/upload")
    out = client.post("/logout", data={CSRF_FIELD: token}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    replay = TestClient(app, cookies={SESSION_COOKIE: stolen})
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert replay.get("/api/cases").status_code == 401


@pytest.mark.parametrize("token", [None, "forged.token"], ids=["missing", "forged"])
def test_login_and_logout_need_the_csrf_token(app: FastAPI, token: str | None) -> None:
    client = TestClient(app)
    form_token(client)
    data = {"username": "viewer", "password": PASSWORD}
    if token:
        data[CSRF_FIELD] = token
    assert client.post("/login", data=data, follow_redirects=False).status_code == 403
    assert SESSION_COOKIE not in client.cookies
    sign_in(client, "viewer")
    assert client.post("/logout", data=data, follow_redirects=False).status_code == 403
    assert client.get("/cases").status_code == 200  # still signed in


def test_repeated_failures_lock_the_account(db_url: str) -> None:
    app = web_app(Settings(database_url=db_url))  # the address limit out of the way
    client = TestClient(app)
    for _ in range(MAX_FAILED_LOGINS):
        assert attempt(client, "reviewer", WRONG)[0] == 401
    data = {"username": "reviewer", "password": PASSWORD, CSRF_FIELD: form_token(client)}
    locked = client.post("/login", data=data, follow_redirects=False)
    assert locked.status_code == 401
    assert int(locked.headers["retry-after"]) > 0
    assert "wrong user name or password" in locked.text


def test_one_address_is_slowed_down_across_accounts(app: FastAPI, clock: Clock) -> None:
    client = TestClient(app)
    for name in ("viewer", "editor", "admin"):
        assert attempt(client, name, WRONG)[0] == 401
    status, page = attempt(client, "reviewer", PASSWORD)
    assert status == 429
    assert "too many sign-in attempts" in page
    clock.now += dt.timedelta(minutes=6)
    assert attempt(client, "reviewer", PASSWORD)[0] == 303


def test_a_successful_sign_in_costs_nothing_against_the_limit(app: FastAPI) -> None:
    for _ in range(5):
        assert attempt(TestClient(app), "viewer", PASSWORD)[0] == 303


def test_the_limiter_counts_failures_per_address() -> None:
    limiter = LoginLimiter(max_attempts=1)
    limiter.record_failure("10.0.0.1")
    assert limiter.wait_seconds("10.0.0.1") > 0
    assert limiter.wait_seconds("10.0.0.2") == 0


def test_limiter_memory_is_bounded() -> None:
    limiter = LoginLimiter(max_attempts=1, max_addresses=10)
    for n in range(100):
        limiter.record_failure(f"10.0.0.{n}")
    assert limiter.wait_seconds("10.0.0.99") > 0
    assert limiter.wait_seconds("10.0.0.0") == 0  # forgotten, not kept forever


@pytest.mark.parametrize("idle", [IDLE_TIMEOUT + dt.timedelta(seconds=1)], ids=["idle-timeout"])
def test_sessions_expire_when_idle(app: FastAPI, clock: Clock, idle: dt.timedelta) -> None:
    client = TestClient(app)
    sign_in(client, "viewer")
    clock.now += IDLE_TIMEOUT - dt.timedelta(minutes=1)
    assert client.get("/cases").status_code == 200  # activity keeps it alive
    clock.now += idle
    assert client.get("/cases", follow_redirects=False).status_code == 303


def test_sessions_end_after_their_lifetime_even_when_busy(app: FastAPI, clock: Clock) -> None:
    client = TestClient(app)
    sign_in(client, "viewer")
    step = IDLE_TIMEOUT / 2
    while clock.now - Clock().now < MAX_LIFETIME - step:
        clock.now += step
        assert client.get("/cases").status_code == 200
    clock.now += step * 1.5
    assert client.get("/cases", follow_redirects=False).status_code == 303


def test_a_disabled_account_is_signed_out_at_once(app: FastAPI, db_url: str) -> None:
    client = TestClient(app)
    sign_in(client, "editor")
    assert client.get("/upload").status_code == 200
    disable_user(uow_factory(db_url), "editor", "admin")
    assert client.get("/upload", follow_redirects=False).status_code == 303
    assert attempt(TestClient(app), "editor", PASSWORD)[0] == 401


def test_sign_in_starts_a_new_session_id(app: FastAPI) -> None:
    client = TestClient(app)
    sign_in(client, "viewer")
    first = client.cookies[SESSION_COOKIE]
    client.cookies.delete(SESSION_COOKIE)
    sign_in(client, "viewer")
    assert client.cookies[SESSION_COOKIE] != first


def test_passwords_never_reach_the_log(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = TestClient(app)
    attempt(client, "viewer", WRONG)
    attempt(client, "viewer", PASSWORD)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert WRONG not in logged and PASSWORD not in logged


def test_the_signed_in_user_is_redirected_away_from_the_form(app: FastAPI) -> None:
    client = TestClient(app)
    sign_in(client, "viewer")
    response = client.get("/login?next=/documents", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/documents")


def test_every_role_can_sign_in(app: FastAPI) -> None:
    for role in Role:
        assert attempt(TestClient(app), role.value, PASSWORD)[0] == 303
