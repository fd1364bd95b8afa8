"""JSON API mirroring the pages; the same services, the same access table, the same errors."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request, Response

from refugewatch.services import queries
from refugewatch.web.cases import DEFAULT_SORT, sort_order
from refugewatch.web.csrf import CSRF_HEADER, attach_cookie, require_csrf, token_for
from refugewatch.web.dashboard import NEWEST_DOCUMENTS
from refugewatch.web.documents import readable_cipher
from refugewatch.web.schemas import (
    CaseOut,
    CaseSummaryOut,
    CsrfOut,
    DashboardOut,
    DocumentOut,
    DocumentSummaryOut,
    ErrorOut,
    UploadOut,
    case_out,
    case_summary_out,
    dashboard_out,
    document_out,
    document_summary_out,
    upload_out,
)
from refugewatch.web.state import uow_factory_of, user_of
from refugewatch.web.upload import Uploads, ingest_uploads

# Every error the API can answer with has the same body; documented once for all routes.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (401, "not signed in (sign in through /login; the session cookie goes with each call)"),
        (403, "role not allowed, or CSRF token missing"),
        (404, "no such case or document"),
        (422, "invalid parameters"),
        (429, "too many attempts; wait the Retry-After seconds"),
    )
}
# Upper bound for ?limit on document lists: a page of JSON a client can hold comfortably.
MAX_DOCUMENT_LIMIT = 1000


def get_dashboard(request: Request) -> DashboardOut:
    return dashboard_out(queries.dashboard(uow_factory_of(request), newest=NEWEST_DOCUMENTS))


def get_cases(
    request: Request,
    sort: Annotated[str, Query(description="label | size | status | date | sources")] = (
        DEFAULT_SORT
    ),
    desc: Annotated[bool | None, Query(description="descending; default per column")] = None,
) -> list[CaseSummaryOut]:
    key, descending = sort_order(sort, desc)
    cases = queries.list_cases(uow_factory_of(request), sort=key, descending=descending)
    return [case_summary_out(c) for c in cases]


def get_case(request: Request, case_id: str) -> CaseOut:
    return case_out(queries.get_case(uow_factory_of(request), case_id))


def get_documents(
    request: Request,
    limit: Annotated[int | None, Query(ge=1, le=MAX_DOCUMENT_LIMIT)] = None,
) -> list[DocumentSummaryOut]:
    documents = queries.list_documents(uow_factory_of(request), limit=limit)
    return [document_summary_out(d) for d in documents]


def get_document(request: Request, sha: str) -> DocumentOut:
    """By full sha256 or a unique prefix of at least 8 hex digits. A sealed confidential text is
    decrypted (and the read audited) for reviewers and above when the server holds the key."""
    detail = queries.get_document(
        uow_factory_of(request),
        sha,
        cipher=readable_cipher(request),
        actor=user_of(request).username,
    )
    return document_out(detail)


async def post_documents(request: Request, files: Uploads = None) -> UploadOut:
    """Upload files (multipart field `files`); needs the X-CSRF-Token header (GET /api/csrf)."""
    outcome = await ingest_uploads(request, files)
    return upload_out(outcome.results, outcome.rebuild)


def get_csrf(request: Request, response: Response) -> CsrfOut:
    """A token for state-changing calls; also set as a cookie, which must be sent back with it."""
    token = token_for(request)
    attach_cookie(request, response)
    return CsrfOut(token=token, header=CSRF_HEADER)


def add_routes(app: FastAPI) -> None:
    for path, endpoint, name in (
        ("/api/dashboard", get_dashboard, "api_dashboard"),
        ("/api/cases", get_cases, "api_cases"),
        ("/api/cases/{case_id}", get_case, "api_case"),
        ("/api/documents", get_documents, "api_documents"),
        ("/api/documents/{sha}", get_document, "api_document"),
        ("/api/csrf", get_csrf, "api_csrf"),
    ):
        app.add_api_route(path, endpoint, name=name, tags=["api"], responses=ERROR_RESPONSES)
    app.add_api_route(
        "/api/documents",
        post_documents,
        methods=["POST"],
        name="api_upload",
        tags=["api"],
        dependencies=[Depends(require_csrf)],
        responses={**ERROR_RESPONSES, 413: {"model": ErrorOut, "description": "upload too large"}},
    )
