"""Upload page: files in, each ingested / duplicate / refused with the reason, cases rebuilt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, File, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from refugewatch.errors import ValidationError
from refugewatch.ingest import SUPPORTED_SUFFIXES
from refugewatch.services.cases import RebuildReport, rebuild_cases
from refugewatch.services.ingest import FileResult, Outcome, ingest_bytes
from refugewatch.web.csrf import require_csrf
from refugewatch.web.rendering import render_page
from refugewatch.web.state import cipher_of, settings_of, uow_factory_of, user_of

# What the file picker offers; ingest itself decides what it can read and says why not.
ACCEPTED_TYPES = ",".join(sorted(SUPPORTED_SUFFIXES))


@dataclass(frozen=True)
class UploadOutcome:
    results: list[FileResult]
    rebuild: RebuildReport | None


def _safe_name(filename: str | None) -> str:
    """The base name only: browsers may send a client path, which is not ours to keep."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "unnamed file"


# The multipart field holding the files. A file input left empty posts a nameless part, which
# arrives as a plain string; it is accepted here and ignored, so the user hears "choose a file".
Uploads = Annotated[
    list[UploadFile | str] | None, File(description="the report files (txt, md, html, pdf)")
]


def _chosen(files: list[UploadFile | str] | None) -> list[StarletteUpload]:
    """Files the user picked, without the empty part a blank file input posts."""
    # Starlette's class: the parser builds those, FastAPI's UploadFile only subclasses it.
    return [f for f in files or [] if isinstance(f, StarletteUpload) and (f.filename or f.size)]


async def ingest_uploads(request: Request, files: list[UploadFile | str] | None) -> UploadOutcome:
    """Ingest each file (one bad file never stops the others), then rebuild cases if needed."""
    chosen = _chosen(files)
    if not chosen:
        raise ValidationError(["choose at least one file to upload"])
    settings, uow_factory = settings_of(request), uow_factory_of(request)
    actor, cipher = user_of(request).username, cipher_of(request)
    results = []
    for upload in chosen:
        data = await upload.read()
        name = _safe_name(upload.filename)
        results.append(
            await run_in_threadpool(
                ingest_bytes, uow_factory, name, data, settings, actor=actor, cipher=cipher
            )
        )
    rebuild = None
    if any(r.outcome is Outcome.INGESTED for r in results):
        rebuild = await run_in_threadpool(rebuild_cases, uow_factory, actor)
    return UploadOutcome(results, rebuild)


def _form_context(request: Request) -> dict[str, object]:
    return {"max_bytes": settings_of(request).max_file_bytes, "accept": ACCEPTED_TYPES}


def upload_form(request: Request) -> HTMLResponse:
    return render_page(request, "upload.html", {**_form_context(request), "outcome": None})


async def upload_submit(request: Request, files: Uploads = None) -> HTMLResponse:
    outcome = await ingest_uploads(request, files)
    context = {**_form_context(request), "outcome": outcome}
    return render_page(request, "upload.html", context)


def add_routes(app: FastAPI) -> None:
    app.add_api_route(
        "/upload", upload_form, name="upload", response_class=HTMLResponse, include_in_schema=False
    )
    app.add_api_route(
        "/upload",
        upload_submit,
        methods=["POST"],
        name="upload_submit",
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_csrf)],
    )
