"""Document list and document page (clean text with every claim's evidence highlighted)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from refugewatch.security.crypto import FieldCipher
from refugewatch.security.passwords import Role, allows
from refugewatch.services import queries
from refugewatch.services.protection_users import user_role
from refugewatch.services.review import ADMIRALTY_GRADES
from refugewatch.web.highlight import anchor_id, highlight, marks_for_claims
from refugewatch.web.present import describe_claim
from refugewatch.web.rendering import render_page
from refugewatch.web.state import cipher_of, uow_factory_of, user_of


def documents_page(request: Request) -> HTMLResponse:
    documents = queries.list_documents(uow_factory_of(request))
    return render_page(request, "documents.html", {"documents": documents})


# Who reads a sealed (confidential) document's text, when the data key is unlocked: those who
# review it. Viewers see its metadata and claims, not the account itself. Each read is audited.
REVEAL_ROLE = Role.REVIEWER


def readable_cipher(request: Request) -> FieldCipher | None:
    """The data key if this user may read sealed text, else None (placeholder text shown)."""
    allowed = allows(user_role(user_of(request)), REVEAL_ROLE)
    return cipher_of(request) if allowed else None


def document_page(request: Request, sha: str) -> HTMLResponse:
    detail = queries.get_document(
        uow_factory_of(request),
        sha,
        cipher=readable_cipher(request),
        actor=user_of(request).username,
    )
    text = detail.document.clean_text
    marks, _unlocated = marks_for_claims(
        text, detail.claims, [describe_claim(c) for c in detail.claims]
    )
    context = {
        "detail": detail,
        "document": detail.document,
        "body": highlight(text, marks),
        "located": {m.anchor for m in marks},
        "anchor": anchor_id,
        "grades": ADMIRALTY_GRADES,
    }
    return render_page(request, "document.html", context)


def add_routes(app: FastAPI) -> None:
    app.add_api_route(
        "/documents",
        documents_page,
        name="documents",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    app.add_api_route(
        "/documents/{sha}",
        document_page,
        name="document",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
