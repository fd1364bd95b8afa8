"""The one error renderer: HTML for pages, JSON for /api, the same status mapping for both.

refugewatch.errors carry messages written for researchers; they are shown as they are. Anything
unexpected becomes a plain 500 that reveals no internals (no traceback, no SQL).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from refugewatch.errors import (
    AccessDeniedError,
    FileTooLargeError,
    LoginFailedError,
    LoginRequiredError,
    NotFoundError,
    RefugewatchError,
    TooManyRequestsError,
    ValidationError,
)
from refugewatch.web.rendering import render_page
from refugewatch.web.schemas import ErrorBody, ErrorOut

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Most specific first: the first class the error is an instance of decides the status.
STATUS_BY_ERROR: Sequence[tuple[type[RefugewatchError], int]] = (
    (NotFoundError, 404),
    (ValidationError, 422),
    (LoginRequiredError, 401),
    (LoginFailedError, 401),
    (TooManyRequestsError, 429),
    (AccessDeniedError, 403),
    (FileTooLargeError, 413),
    (RefugewatchError, 400),
)
TITLES: Mapping[int, str] = {
    400: "Request refused",
    401: "Sign in first",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "Upload too large",
    422: "Invalid input",
    429: "Too many attempts",
    500: "Internal error",
}
INTERNAL_ERROR_MESSAGE = (
    "Something went wrong on the server; nothing was changed by this request unless the page"
    " said so. The details are in the server log."
)


def status_for(exc: RefugewatchError) -> int:
    return next(status for cls, status in STATUS_BY_ERROR if isinstance(exc, cls))


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(API_PREFIX) or path == "/openapi.json"


def render_error(request: Request, exc: Exception) -> Response:
    """Map any exception to a response in the format the caller expects."""
    status, message, problems = _describe(request, exc)
    kind = type(exc).__name__
    if wants_json(request):
        body = ErrorOut(error=ErrorBody(type=kind, message=message, problems=problems))
        return JSONResponse(body.model_dump(), status_code=status, headers=_headers(exc))
    context: dict[str, Any] = {
        "status": status,
        "title": TITLES.get(status, "Error"),
        "message": message,
        "problems": problems,
    }
    response = render_page(request, "error.html", context, status_code=status)
    response.headers.update(_headers(exc))
    return response


def _describe(request: Request, exc: Exception) -> tuple[int, str, list[str]]:
    if isinstance(exc, ValidationError):
        return status_for(exc), "Some values are invalid.", list(exc.problems)
    if isinstance(exc, RefugewatchError):
        return status_for(exc), str(exc), []
    if isinstance(exc, RequestValidationError):
        return 422, "Some values in the request are invalid.", _validation_problems(exc)
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, _http_message(request, exc), []
    log.exception("unexpected error serving %s %s", request.method, request.url.path)
    return 500, INTERNAL_ERROR_MESSAGE, []


def _validation_problems(exc: RequestValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        where = " ".join(str(part) for part in error.get("loc", ()) if part != "body")
        problems.append(f"{where}: {error.get('msg', 'invalid')}" if where else error["msg"])
    return problems


def _http_message(request: Request, exc: StarletteHTTPException) -> str:
    if exc.status_code == 404:
        return f"There is nothing at {request.url.path}."
    if exc.status_code == 405:
        return f"{request.method} is not accepted at {request.url.path}."
    return str(exc.detail)


def _headers(exc: Exception) -> dict[str, str]:
    headers = getattr(exc, "headers", None)
    found = dict(headers) if isinstance(headers, Mapping) else {}
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):
        found["Retry-After"] = str(retry_after)
    return found


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through render_error (FastAPI's own handlers would answer in JSON)."""

    async def handle(request: Request, exc: Exception) -> Response:
        return render_error(request, exc)

    for kind in (RefugewatchError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, handle)
