"""Ingest files: load, store original + clean text, extract claims. One bad file never stops a batch."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from refugewatch.config import Settings
from refugewatch.errors import FileTooLargeError, IngestError, RefugewatchError
from refugewatch.extract.pipeline import extract
from refugewatch.ingest import discover, load_document
from refugewatch.ingest.published import date_from_url
from refugewatch.model.claims import Claim, claims_from_extraction
from refugewatch.model.documents import Document, Sensitivity, SourceType
from refugewatch.model.extraction import Extraction
from refugewatch.security.crypto import FieldCipher
from refugewatch.services.audit import record
from refugewatch.services.contact import contact_claims
from refugewatch.services.protection_keys import (
    LOCKED_MESSAGE,
    is_sealed,
    reveal_document,
    seal_document,
    seal_quotes,
    sha256_text,
)
from refugewatch.store.protocols import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
Progress = Callable[[int, int, str], None]


class Outcome(StrEnum):
    INGESTED = "ingested"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass(frozen=True)
class FileResult:
    name: str
    outcome: Outcome
    sha256: str | None = None
    reason: str | None = None
    claims: int = 0


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome is outcome)

    def summary(self) -> str:
        counts = Counter(r.outcome for r in self.results)
        return ", ".join(f"{counts.get(o, 0)} {o.value}" for o in Outcome)


def extract_document(document: Document) -> Extraction:
    """Run the pure extractor; an undated page's own URL date anchors year-less dates."""
    anchor = None
    if not document.published.is_known and document.url:
        anchor = date_from_url(document.url)
    return extract(
        document.clean_text, document.published, language=document.language, anchor=anchor
    )


def document_claims(document: Document) -> list[Claim]:
    """Run the pure extractor on a document and split the result into claims.

    Contact reports are not news: their claims come from the recorded form fields, rebuilt from
    the stored text, so re-extraction gives the same claims as recording did.
    """
    if document.source_type is SourceType.CONTACT_REPORT:
        return contact_claims(document)
    extraction = extract_document(document)
    return claims_from_extraction(
        extraction,
        document.sha256,
        document.cleaner_version,
        sensitivity=document.sensitivity,
        reliability=document.reliability,
    )


def ingest_paths(
    uow_factory: UowFactory,
    paths: Sequence[Path],
    settings: Settings,
    progress: Progress | None = None,
    *,
    cipher: FieldCipher | None = None,
    confidential: bool = False,
) -> IngestReport:
    """Ingest files; `confidential` marks them all so (stored encrypted, needs `cipher`)."""
    found = discover(list(paths))
    report = IngestReport([FileResult(str(p), Outcome.REFUSED, reason=r) for p, r in found.skipped])
    total = len(found.documents)
    protection = _Protection(cipher, confidential)
    for done, path in enumerate(found.documents, start=1):
        report.results.append(_ingest_path(uow_factory, path, settings, protection))
        if progress:
            progress(done, total, path.name)
    return report


@dataclass(frozen=True)
class _Protection:
    cipher: FieldCipher | None = None
    confidential: bool = False


def _ingest_path(
    uow_factory: UowFactory, path: Path, settings: Settings, protection: _Protection
) -> FileResult:
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise FileTooLargeError(
                f"{path.name} is {size:,} bytes, over the limit of {settings.max_file_bytes:,}"
                " (REFUGEWATCH_MAX_FILE_BYTES)"
            )
        data = path.read_bytes()
    except OSError as exc:
        return FileResult(str(path), Outcome.REFUSED, reason=f"cannot read file: {exc.strerror}")
    except IngestError as exc:
        return FileResult(str(path), Outcome.REFUSED, reason=str(exc))
    return ingest_bytes(
        uow_factory,
        path.name,
        data,
        settings,
        display_name=str(path),
        cipher=protection.cipher,
        confidential=protection.confidential,
    )


def ingest_bytes(
    uow_factory: UowFactory,
    filename: str,
    data: bytes,
    settings: Settings,
    *,
    display_name: str | None = None,
    actor: str | None = None,
    cipher: FieldCipher | None = None,
    confidential: bool = False,
) -> FileResult:
    """Ingest one file's bytes (CLI batch or web upload). Never raises for a bad file.

    A confidential document (`confidential`, or one the loader marks so) is stored encrypted
    under `cipher` and refused without it; extraction runs on its text in memory."""
    name = display_name or filename
    try:
        document = load_document(
            filename,
            data,
            max_bytes=settings.max_file_bytes,
            ingested_by=actor or settings.user,
            now=dt.datetime.now(dt.UTC),
        )
    except IngestError as exc:
        return FileResult(name, Outcome.REFUSED, reason=str(exc))
    if confidential:
        document = replace(document, sensitivity=Sensitivity.CONFIDENTIAL)
    if document.sensitivity is Sensitivity.CONFIDENTIAL and cipher is None:
        return FileResult(name, Outcome.REFUSED, reason=f"confidential: {LOCKED_MESSAGE}")
    return _store_document(uow_factory, document, name, actor or settings.user, cipher)


def _store_document(
    uow_factory: UowFactory,
    document: Document,
    name: str,
    actor: str,
    cipher: FieldCipher | None = None,
) -> FileResult:
    with uow_factory() as uow:
        if uow.documents.exists(document.sha256):
            return FileResult(name, Outcome.DUPLICATE, sha256=document.sha256)
        claims = document_claims(document)
        try:
            if document.sensitivity is Sensitivity.CONFIDENTIAL:
                seal_document(uow, cipher, document)
                claims = seal_quotes(claims)
            else:
                uow.documents.add(document)
            uow.claims.replace_for_document(document.sha256, claims)
            record(uow, actor, "document.ingest", document.sha256, after=_audit_view(document))
            uow.commit()
        except RefugewatchError as exc:
            uow.rollback()
            if uow.documents.exists(document.sha256):  # a concurrent writer stored it first
                return FileResult(name, Outcome.DUPLICATE, sha256=document.sha256)
            return FileResult(name, Outcome.REFUSED, reason=str(exc))
    return FileResult(name, Outcome.INGESTED, sha256=document.sha256, claims=len(claims))


def _audit_view(document: Document) -> dict[str, object]:
    """What the audit log keeps of a document: identity and metadata, never its text (and only
    a hash of a confidential document's file name, which may name a person)."""
    confidential = document.sensitivity is Sensitivity.CONFIDENTIAL
    return {
        "sha256": document.sha256,
        "filename": sha256_text(document.filename) if confidential else document.filename,
        "media_type": document.media_type,
        "sensitivity": document.sensitivity.value,
        "cleaner_version": document.cleaner_version,
    }


def reextract_all(uow_factory: UowFactory, actor: str, cipher: FieldCipher | None = None) -> int:
    """Re-run extraction over every stored document; review decisions survive (by fingerprint).

    Encrypted documents are re-extracted from their decrypted text (audited) when `cipher` is
    given, and left as they are otherwise: their stored text is only a placeholder."""
    with uow_factory() as uow:
        documents = uow.documents.list()
        done = 0
        for stored in documents:
            if is_sealed(stored) and cipher is None:
                continue
            document = reveal_document(uow, cipher, stored, actor, "re-extraction")
            claims = document_claims(document)
            if is_sealed(stored):
                claims = seal_quotes(claims)
            uow.claims.replace_for_document(document.sha256, claims)
            done += 1
        record(uow, actor, "claims.reextract", "*", after={"documents": done})
        uow.commit()
    return done
