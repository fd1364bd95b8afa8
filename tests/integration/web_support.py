"""Shared by the web tests: users of every role made through the service, and signing in
through the real login form (CSRF token and all), as a browser does."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from refugewatch.config import Settings
from refugewatch.security.keys import KdfParams
from refugewatch.security.passwords import HashParams, Passwords, Role
from refugewatch.services.protection_keys import init_keys
from refugewatch.services.protection_users import add_user
from refugewatch.store.protocols import UnitOfWork
from refugewatch.web.app import create_app
from refugewatch.web.csrf import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER
from refugewatch.web.sessions import LoginLimiter, SessionStore

# Cheap argon2 parameters: the tests check the flow, not the hash strength.
FAST = Passwords(HashParams(time_cost=1, memory_cost_kib=1024, parallelism=1))
PASSWORD = "correct horse battery staple"
PASSPHRASE = "seven unrelated words guard the data key"
FAST_KDF = KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)
# One user per role, named after it.
ROLE_USERS = {role: role.value for role in Role}
TOKEN_IN_FORM = re.compile(rf'name="{CSRF_FIELD}" value="([^"]+)"')


def add_role_users(uow_factory: Callable[[], UnitOfWork]) -> None:
    for role, name in ROLE_USERS.items():
        add_user(uow_factory, name, role, PASSWORD, "test-setup", passwords=FAST)


def with_data_key(uow_factory: Callable[[], UnitOfWork], folder: Path) -> Path:
    """Create the data key and an owner-only passphrase file (REFUGEWATCH_PASSPHRASE_FILE)."""
    init_keys(uow_factory, PASSPHRASE, "test-setup", kdf=FAST_KDF)
    path = folder / "passphrase"
    path.write_text(PASSPHRASE + "\n")
    path.chmod(0o600)
    return path


def web_app(
    settings: Settings,
    *,
    sessions: SessionStore | None = None,
    login_limiter: LoginLimiter | None = None,
) -> FastAPI:
    """The app over plain http (TestClient's http://testserver keeps no Secure cookies)."""
    from dataclasses import replace

    return create_app(
        replace(settings, cookie_secure=False),
        passwords=FAST,
        sessions=sessions,
        login_limiter=login_limiter,
    )


def form_token(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    match = TOKEN_IN_FORM.search(page.text)
    assert match, f"{path} carries no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    token = form_token(client)
    response = client.post(
        "/login",
        data={"username": name, "password": password, CSRF_FIELD: token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


def signed_in(app: FastAPI, role: Role | None) -> TestClient:
    client = TestClient(app)
    if role is not None:
        sign_in(client, ROLE_USERS[role])
    return client


def csrf_headers(client: TestClient) -> dict[str, str]:
    """The header an API call sends: the token the CSRF cookie holds (GET /api/csrf sets it)."""
    token = client.cookies.get(CSRF_COOKIE)
    if token is None:
        token = client.get("/api/csrf").json()["token"]
    return {CSRF_HEADER: token}
