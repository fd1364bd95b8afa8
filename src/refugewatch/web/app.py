"""App factory: pages, API, static files, and the protections every request passes through.

Request path, outermost first: security headers -> trusted hosts -> body size limit ->
session and access check (route-to-role table) -> route (CSRF dependency on state-changing
routes) -> one error renderer for whatever goes wrong.

The data key is unlocked at start only when REFUGEWATCH_PASSPHRASE_FILE is set (a server cannot
answer a prompt); without it, sealed confidential documents show their placeholder text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import BaseRoute

from refugewatch import __version__
from refugewatch.config import Settings
from refugewatch.errors import ConfigurationError
from refugewatch.security.crypto import FieldCipher
from refugewatch.security.passwords import Passwords
from refugewatch.security.secret_files import read_secret_file
from refugewatch.services.protection_keys import unlock
from refugewatch.store.protocols import UnitOfWork
from refugewatch.web import (
    advocacy,
    api,
    api_review,
    cases,
    contact,
    dashboard,
    documents,
    login,
    review,
    upload,
)
from refugewatch.web.access import ROUTE_ROLES, AccessMiddleware
from refugewatch.web.csrf import CsrfSigner, require_csrf
from refugewatch.web.errors import install_error_handlers, render_error
from refugewatch.web.headers import SecurityHeadersMiddleware
from refugewatch.web.limits import BodyLimitMiddleware
from refugewatch.web.rendering import STATIC_DIR, build_templates
from refugewatch.web.sessions import LoginLimiter, SessionStore

# Multipart framing (boundaries, part headers, the CSRF field) on top of the file bytes, so a file
# just under the ingest limit is refused by ingest with its reason rather than by the body limit.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
# Files in one upload form: enough for a folder of reports, few enough to answer in one request.
MAX_FILES_PER_UPLOAD = 100
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def create_app(
    settings: Settings,
    uow_factory: Callable[[], UnitOfWork] | None = None,
    *,
    passwords: Passwords | None = None,
    sessions: SessionStore | None = None,
    login_limiter: LoginLimiter | None = None,
) -> FastAPI:
    """The web app. `passwords`, `sessions` and `login_limiter` are for tests (a fast hasher,
    a controllable clock); a server uses the defaults."""
    if uow_factory is None:
        from refugewatch.store.sql import uow_factory as sql_uow_factory

        uow_factory = sql_uow_factory(settings.database_url)
    app = FastAPI(
        title="refugewatch",
        version=__version__,
        # The interactive docs load scripts from a CDN, which the CSP forbids; the schema stays.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        form_limits={"max_files": MAX_FILES_PER_UPLOAD},
    )
    app.state.settings = settings
    app.state.uow_factory = uow_factory
    app.state.templates = build_templates(app.url_path_for)
    app.state.csrf = CsrfSigner()
    app.state.passwords = passwords
    app.state.sessions = sessions if sessions is not None else SessionStore()
    app.state.login_limiter = login_limiter if login_limiter is not None else LoginLimiter()
    app.state.cipher = unlock_at_start(settings, uow_factory)
    # Routes go straight onto the app (no include_router), so app.routes is the flat list the
    # access check matches against and the role-table test walks.
    modules = (login, dashboard, cases, review, advocacy, documents, upload, contact, api)
    for module in (*modules, api_review):
        module.add_routes(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_handlers(app)
    _add_protections(app, settings)
    check_routes(app.routes)
    return app


def _add_protections(app: FastAPI, settings: Settings) -> None:
    """add_middleware wraps: the last added runs first on the way in."""
    app.add_middleware(
        AccessMiddleware,
        routes=lambda: list(app.router.routes),
        resolve_user=login.resolve_user,
        render_error=render_error,
    )
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_file_bytes + MULTIPART_OVERHEAD_BYTES,
        shown_limit=settings.max_file_bytes,
        render_error=render_error,
    )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.trusted_hosts))
    app.add_middleware(SecurityHeadersMiddleware)


def unlock_at_start(
    settings: Settings, uow_factory: Callable[[], UnitOfWork]
) -> FieldCipher | None:
    """The data key from the passphrase file, or None when no file is configured."""
    if settings.passphrase_file is None:
        return None
    return unlock(uow_factory, read_secret_file(settings.passphrase_file, "passphrase"))


def route_keys(routes: Iterable[BaseRoute]) -> set[tuple[str, str]]:
    """(path template, method) of every route, as ROUTE_ROLES spells them."""
    keys: set[tuple[str, str]] = set()
    for route in routes:
        path = str(getattr(route, "path", ""))
        methods = getattr(route, "methods", None) or {"GET"}  # a mount serves GET (and HEAD)
        keys.update((path, m) for m in methods if m != "HEAD")
    return keys


def check_routes(routes: Iterable[BaseRoute]) -> None:
    """Refuse to build an app whose routes escape the role table or the CSRF check."""
    routes = list(routes)
    problems = [
        f"{method} {path} is missing from web.access.ROUTE_ROLES"
        for path, method in sorted(route_keys(routes) - set(ROUTE_ROLES))
    ]
    problems += [
        f"{' '.join(sorted(route.methods or ()))} {route.path} changes state without the CSRF"
        " dependency"
        for route in routes
        if isinstance(route, APIRoute)
        and (route.methods or set()) & UNSAFE_METHODS
        and not _uses(route.dependant, require_csrf)
    ]
    if problems:
        raise ConfigurationError("web app misconfigured: " + "; ".join(problems))


def _uses(dependant: Dependant, call: Callable[..., object]) -> bool:
    return any(d.call is call or _uses(d, call) for d in dependant.dependencies)
