"""Letters from the case page, and the interventions they become.

A letter button drafts through services.advocacy (consent checked there: a case without the
audience's consent is refused with the reason, nothing drafted) and answers with the file as a
download; each draft is recorded as an intervention of the case. The status form moves an
intervention on (sent, acknowledged, replied, published) in the order the service allows.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from refugewatch.services import advocacy
from refugewatch.services.advocacy import DraftedLetter, OutputFormat
from refugewatch.web.csrf import require_csrf
from refugewatch.web.review import back_to
from refugewatch.web.state import UowFactory, uow_factory_of, user_of

MEDIA_TYPES = {
    OutputFormat.MARKDOWN: "text/markdown; charset=utf-8",
    OutputFormat.HTML: "text/html; charset=utf-8",
    OutputFormat.PDF: "application/pdf",
}
INTERVENTION_HEADER = "X-Intervention-Id"
# Characters kept in a download's file name; anything else (quotes, slashes, spaces) becomes "-".
UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
# A reply pasted into the status form: a letter's length, not a book.
MAX_REPLY_CHARS = 20_000


def draft_letter(
    uow_factory: UowFactory, case_id: str, kind: str, fmt: str, actor: str
) -> DraftedLetter:
    return advocacy.draft_for_case(uow_factory, case_id, kind, fmt, actor=actor)


def download(case_id: str, kind: str, fmt: str, drafted: DraftedLetter) -> Response:
    """The draft as an attachment (never rendered inside the app's own pages)."""
    output_format = OutputFormat(fmt)
    name = UNSAFE_FILENAME_CHARS.sub("-", f"{case_id}-{kind}.{output_format.value}")
    body = drafted.output.encode("utf-8") if isinstance(drafted.output, str) else drafted.output
    return Response(
        body,
        media_type=MEDIA_TYPES[output_format],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            INTERVENTION_HEADER: drafted.intervention_id,
        },
    )


async def letter_submit(
    request: Request,
    case_id: str,
    kind: Annotated[str, Form()] = "",
    format: Annotated[str, Form()] = OutputFormat.PDF.value,
) -> Response:
    actor = user_of(request).username
    drafted = await run_in_threadpool(
        draft_letter, uow_factory_of(request), case_id, kind, format, actor
    )
    return download(case_id, kind, format, drafted)


async def status_submit(
    request: Request,
    intervention_id: str,
    status: Annotated[str, Form()] = "",
    reply: Annotated[str, Form(max_length=MAX_REPLY_CHARS)] = "",
    on: Annotated[dt.date | None, Form()] = None,
) -> RedirectResponse:
    moved = await run_in_threadpool(
        lambda: advocacy.set_intervention_status(
            uow_factory_of(request),
            intervention_id,
            status,
            actor=user_of(request).username,
            reply=reply if reply.strip() else None,
            on=on,
        )
    )
    return back_to(request, moved.case_id, "interventions")


def add_routes(app: FastAPI) -> None:
    app.add_api_route(
        "/cases/{case_id}/letters",
        letter_submit,
        methods=["POST"],
        name="case_letter",
        include_in_schema=False,
        dependencies=[Depends(require_csrf)],
    )
    app.add_api_route(
        "/cases/{case_id}/interventions/{intervention_id}/status",
        status_submit,
        methods=["POST"],
        name="intervention_status",
        include_in_schema=False,
        dependencies=[Depends(require_csrf)],
    )
