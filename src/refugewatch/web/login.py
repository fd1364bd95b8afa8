"""Sign in and sign out.

Signing in checks the password through services.protection_users.authenticate (argon2id, the
per-account lockout, one message for every failure so user names cannot be probed), after a
per-address limit on attempts. Success starts a new server-side session and sets its cookie;
signing out ends the session on the server and clears the cookie. Both forms carry the CSRF token
(a forged login would sign the victim into an attacker's account). Passwords are never logged,
echoed back into the form or put in an error message.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from refugewatch.errors import LoginFailedError, TooManyRequestsError
from refugewatch.services.protection_users import authenticate, get_user
from refugewatch.store.protocols import User
from refugewatch.web.csrf import require_csrf
from refugewatch.web.rendering import render_page
from refugewatch.web.sessions import MAX_LIFETIME, SESSION_COOKIE
from refugewatch.web.state import (
    login_limiter_of,
    passwords_of,
    sessions_of,
    settings_of,
    uow_factory_of,
)

HOME = "/"
# Longest user name the form passes on (the service allows 64; more is not a user name).
MAX_USERNAME_FIELD = 256
# The service refuses passwords over 1024 characters; the form stops there too.
MAX_PASSWORD_FIELD = 1024
UNKNOWN_ADDRESS = "unknown"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another site."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(c in target for c in "\r\n\t\\")
    ):
        return HOME
    return target


def resolve_user(request: Request) -> User | None:
    """The signed-in, enabled user of this request's session cookie, else None."""
    username = sessions_of(request).user_of(request.cookies.get(SESSION_COOKIE))
    if username is None:
        return None
    user = get_user(uow_factory_of(request), username)
    if user is None or user.disabled:
        sessions_of(request).end_all_of(username)
        return None
    return user


def login_form(request: Request, next: str | None = None) -> Response:
    if request.state.user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, next, message=None)


def _form(
    request: Request,
    next_path: str | None,
    message: str | None,
    username: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    context = {"next": safe_next(next_path), "message": message, "username": username}
    return render_page(request, "login.html", context, status_code=status_code)


def _address(request: Request) -> str:
    return request.client.host if request.client else UNKNOWN_ADDRESS


async def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=MAX_USERNAME_FIELD)] = "",
    password: Annotated[str, Form(max_length=MAX_PASSWORD_FIELD)] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    limiter, address = login_limiter_of(request), _address(request)
    wait = limiter.wait_seconds(address)
    if wait:
        raise TooManyRequestsError(
            f"too many sign-in attempts from this address; wait {wait} seconds", wait
        )
    try:
        user = await run_in_threadpool(
            authenticate,
            uow_factory_of(request),
            username.strip(),
            password,
            passwords=passwords_of(request),
        )
    except LoginFailedError as exc:
        limiter.record_failure(address)
        refusal = _form(request, next, str(exc), username=username.strip(), status_code=401)
        if exc.retry_after:
            refusal.headers["Retry-After"] = str(exc.retry_after)
        return refusal
    sessions = sessions_of(request)
    sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(safe_next(next), status_code=303)
    _set_session_cookie(request, response, sessions.start(user.username))
    return response


def _set_session_cookie(request: Request, response: Response, session_id: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(MAX_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=settings_of(request).cookie_secure,
        path="/",
    )


def logout(request: Request) -> Response:
    sessions_of(request).end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings_of(request).cookie_secure,
    )
    return response


def add_routes(app: FastAPI) -> None:
    app.add_api_route(
        "/login", login_form, name="login", response_class=HTMLResponse, include_in_schema=False
    )
    app.add_api_route(
        "/login",
        login_submit,
        methods=["POST"],
        name="login_submit",
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_csrf)],
    )
    app.add_api_route(
        "/logout",
        logout,
        methods=["POST"],
        name="logout",
        include_in_schema=False,
        dependencies=[Depends(require_csrf)],
    )
