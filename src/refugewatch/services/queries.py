"""Read-only views for the CLI and web: case lists, a case with its claims and sources, documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from refugewatch.cases import case_as_of
from refugewatch.errors import NotFoundError
from refugewatch.model.cases import Case
from refugewatch.model.claims import Claim
from refugewatch.model.documents import Document
from refugewatch.model.extraction import ACTIVE_STATUSES
from refugewatch.security.crypto import FieldCipher
from refugewatch.services.protection_keys import is_sealed, reveal_document
from refugewatch.store.protocols import AuditEvent, UnitOfWork

UowFactory = Callable[[], UnitOfWork]
_MIN_DATE = dt.date.min  # undated cases sort last when newest-first

# Sort keys the case list accepts (web column headers and `refugewatch cases --sort`).
CASE_SORT_KEYS: dict[str, Callable[[Case], object]] = {
    "label": lambda c: c.label.casefold(),
    "size": lambda c: c.state.size.headline or 0,
    "status": lambda c: c.state.status.value,
    "date": lambda c: c.state.apprehended_date.earliest or _MIN_DATE,
    "sources": lambda c: len(c.state.document_sha256s),
}


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    claims: list[Claim]
    documents: list[Document]
    history: list[AuditEvent]


@dataclass(frozen=True)
class DocumentDetail:
    document: Document
    claims: list[Claim]
    case_ids: list[str]


@dataclass(frozen=True)
class Dashboard:
    active_cases: list[Case]
    cases_by_status: dict[str, int]
    newest_documents: list[Document]
    document_count: int


def list_cases(uow_factory: UowFactory, sort: str = "date", descending: bool = True) -> list[Case]:
    if sort not in CASE_SORT_KEYS:
        raise NotFoundError(f"unknown sort key {sort!r}; use one of {', '.join(CASE_SORT_KEYS)}")
    with uow_factory() as uow:
        cases = uow.cases.list()
    return sorted(cases, key=CASE_SORT_KEYS[sort], reverse=descending)  # type: ignore[arg-type]


def get_case(uow_factory: UowFactory, case_id: str, as_of: dt.date | None = None) -> CaseDetail:
    """A case with its claims, sources and history; with `as_of`, the case as it stood that day
    (only documents published by then count)."""
    with uow_factory() as uow:
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFoundError(f"no case with id {case_id!r}")
        keys = set(case.incident_keys)
        claims = [c for c in uow.claims.list() if c.incident_key in keys]
        docs = [d for sha in case.state.document_sha256s if (d := uow.documents.get(sha))]
        history = uow.audit.list(target=case.id)
    if as_of is not None:
        case = _replayed(case, claims, docs, as_of)
        claims = [c for c in claims if c.document_sha256 in case.state.document_sha256s]
        docs = [d for d in docs if d.sha256 in case.state.document_sha256s]
    return CaseDetail(case, claims, docs, history)


def _replayed(case: Case, claims: list[Claim], docs: list[Document], as_of: dt.date) -> Case:
    published = {d.sha256: d.published for d in docs}
    outlets = {d.sha256: o for d in docs if (o := d.collector or d.outlet)}
    return replace(case, state=case_as_of(case, claims, published, as_of, outlets=outlets))


def list_documents(
    uow_factory: UowFactory, limit: int | None = None, offset: int = 0
) -> list[Document]:
    """Newest first, without the original bytes (listings never need them)."""
    with uow_factory() as uow:
        return uow.documents.list(limit=limit, offset=offset, with_originals=False)


def get_document(
    uow_factory: UowFactory,
    sha256_or_prefix: str,
    *,
    cipher: FieldCipher | None = None,
    actor: str = "local",
) -> DocumentDetail:
    """A document with its claims and cases. An encrypted one shows placeholder text unless
    `cipher` is given; then it is decrypted and the read is recorded as an audit event."""
    with uow_factory() as uow:
        document = uow.documents.get(sha256_or_prefix)
        if document is None:
            raise NotFoundError(f"no document with id {sha256_or_prefix!r}")
        if cipher is not None and is_sealed(document):
            document = reveal_document(uow, cipher, document, actor, "document view")
            uow.commit()
        claims = uow.claims.for_document(document.sha256)
        keys = {c.incident_key for c in claims if c.incident_key}
        case_ids = [c.id for c in uow.cases.list() if keys.intersection(c.incident_keys)]
    claims.sort(key=lambda c: (c.evidence.start, c.kind.value, c.seq))
    return DocumentDetail(document, claims, case_ids)


def dashboard(uow_factory: UowFactory, newest: int = 10) -> Dashboard:
    with uow_factory() as uow:
        cases = uow.cases.list()
        documents = uow.documents.list(limit=newest, with_originals=False)
        total = uow.documents.count()
    by_status: dict[str, int] = {}
    for case in cases:
        by_status[case.state.status.value] = by_status.get(case.state.status.value, 0) + 1
    active = [c for c in cases if c.state.status in ACTIVE_STATUSES]
    active.sort(key=CASE_SORT_KEYS["date"], reverse=True)  # type: ignore[arg-type]
    return Dashboard(active, by_status, documents, total)
