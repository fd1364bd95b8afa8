"""Repository and unit-of-work Protocols. Services depend on these, never on SQLAlchemy.

The SQL implementation lives in refugewatch.store.sql; the same store tests run it on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import Protocol, Self

from refugewatch.model.audit import AuditEvent as AuditEvent  # re-exported for repositories
from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.claims import Claim, ClaimKind, ReviewState, Scalar
from refugewatch.model.documents import Document


@dataclass(frozen=True)
class ReviewDecision:
    """A reviewer's decision, attached to a claim fingerprint so it survives re-extraction."""

    document_sha256: str
    fingerprint: str
    state: ReviewState
    reviewer: str
    reason: str
    edited_values: dict[str, Scalar] | None = None
    decided_at: dt.datetime | None = None


class OverrideKind(StrEnum):
    """A reviewer's manual change to how incidents are grouped into cases."""

    MERGE = "merge"  # every case holding one of `incident_keys` becomes one case
    SPLIT = "split"  # `incident_keys` leave their case and form a case of their own
    ATTACH = (
        "attach"  # `incident_keys` (a document's incidents) join the case holding `target_keys`
    )


@dataclass(frozen=True)
class CaseOverride:
    """One manual merge / split / attach, replayed in order on top of every rebuild's linking.

    It names incident keys, which stay put across rebuilds, never only case ids, which move when
    membership changes. `case_id` records the case as the reviewer saw it, for the history.
    """

    kind: OverrideKind
    incident_keys: tuple[str, ...]
    actor: str
    reason: str
    target_keys: tuple[str, ...] = ()  # ATTACH: the keys of the case the incidents join
    case_id: str | None = None
    at: dt.datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class User:
    """A login. `password_hash` is argon2id; `role` is a security.passwords.Role value."""

    username: str
    role: str
    password_hash: str
    disabled: bool = False
    created_at: dt.datetime | None = None
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    last_login_at: dt.datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class PersonRecord:
    """A person in a case: shown by pseudonym; the real identity only as AES-GCM ciphertext."""

    id: str
    case_id: str
    pseudonym: str
    identity_ciphertext: bytes | None = None
    age_band: str | None = None
    sex: str | None = None
    vulnerabilities: tuple[str, ...] = ()
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class SealedValue:
    """One stored ciphertext and where it lives (table, column, row id): what key rotation
    re-encrypts and what the context of its AES-GCM associated data names."""

    table: str
    column: str
    row_id: str
    blob: bytes


# What a sealed (confidential) document shows in place of its text until the protection layer
# decrypts it: readers without the data key see this, never ciphertext or an error.
SEALED_TEXT_PLACEHOLDER = "[confidential text, encrypted: unlock the data key to read it]"
# Flag stored with a sealed document, so listings and pages can say why the text is hidden.
SEALED_FLAG = "encrypted"


@dataclass(frozen=True)
class SealedDocument:
    """The ciphertexts of a confidential document's original bytes and clean text."""

    sha256: str
    original: bytes
    clean_text: bytes


@dataclass(frozen=True)
class ExportEntry:
    """One line of the export log (security.redact.ExportRecord as stored)."""

    export_id: str
    actor: str
    what: str
    audience: str
    at: dt.datetime
    sha256: str
    case_ids: tuple[str, ...] = ()


class InterventionStatus(StrEnum):
    """Where an advocacy action stands (DESIGN.md "Advocacy")."""

    DRAFT = "draft"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    REPLIED = "replied"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Intervention:
    """A letter, UN appeal or press summary tied to a case (HURIDOCS Intervention).

    `kind` is an outputs.DraftKind value; `body` is the Markdown text as drafted (already filtered
    for its audience); `date` is the day it is dated, then the day it was sent or published.
    """

    id: str
    case_id: str
    kind: str
    status: InterventionStatus
    sender: str
    addressees: tuple[str, ...]
    body: str
    date: dt.date | None = None
    reply: str | None = None
    created_at: dt.datetime | None = None


class DocumentRepository(Protocol):
    def add(self, document: Document) -> None: ...
    def exists(self, sha256: str) -> bool: ...
    def get(self, sha256_or_prefix: str) -> Document | None:
        """By full sha256 or a unique prefix of at least 8 hex digits."""
        ...

    def list(
        self, limit: int | None = None, offset: int = 0, *, with_originals: bool = True
    ) -> list[Document]:
        """Newest ingested first; with_originals=False leaves `original` empty (b"") for listings."""
        ...

    def count(self) -> int: ...
    def add_sealed(self, document: Document, sealed: SealedDocument) -> None:
        """Store a confidential document whose original and clean text are ciphertext only."""
        ...

    def sealed(self, sha256: str) -> SealedDocument | None:
        """The ciphertexts of a sealed document, or None for a document stored in the clear."""
        ...

    def set_reliability(self, sha256: str, grade: str) -> None:
        """Set a stored document's admiralty grade and the grade of every claim it holds
        (a reviewer's judgement; the caller has validated `grade`)."""
        ...


class ClaimRepository(Protocol):
    def replace_for_document(self, document_sha256: str, claims: Sequence[Claim]) -> None:
        """Swap a document's extracted claims; review decisions (by fingerprint) are untouched."""
        ...

    def for_document(self, document_sha256: str) -> list[Claim]: ...
    def list(self, kind: ClaimKind | None = None) -> list[Claim]:
        """Every claim with its review decision applied (review / edited_values filled in)."""
        ...

    def get(self, claim_id: str) -> Claim | None: ...
    def record_decision(self, decision: ReviewDecision) -> None: ...
    def decisions(self) -> builtins.list[ReviewDecision]: ...


class CaseRepository(Protocol):
    def replace_all(self, cases: Sequence[Case]) -> None:
        """Store the result of a rebuild; consent/disclosure of surviving case ids is kept."""
        ...

    def list(self) -> list[Case]: ...
    def get(self, case_id: str) -> Case | None: ...
    def set_disclosure(self, case_id: str, disclosure: Disclosure, note: str | None) -> None: ...


class OverrideRepository(Protocol):
    def add(self, override: CaseOverride) -> CaseOverride:
        """Append an override; returns it with id and time filled in."""
        ...

    def list(self) -> list[CaseOverride]:
        """Every override in the order it must be replayed (oldest first)."""
        ...

    def reassign_case_records(self, from_case_id: str, to_case_id: str) -> int:
        """Move people and interventions recorded under one case to another (a merge); returns
        how many rows moved."""
        ...


class AuditLog(Protocol):
    def append(self, event: AuditEvent) -> AuditEvent:
        """Chain and store the event; returns it with seq, prev_hash and hash filled in."""
        ...

    def list(self, target: str | None = None) -> list[AuditEvent]: ...


class UserRepository(Protocol):
    def add(self, user: User) -> User:
        """Store a new user (the name must be free); returns it with id and time filled in."""
        ...

    def get(self, username: str) -> User | None: ...
    def list(self) -> list[User]: ...
    def update(self, user: User) -> None:
        """Save role, hash, disabled flag and login counters of an existing user."""
        ...

    def count(self) -> int: ...


class PersonRepository(Protocol):
    def add(self, person: PersonRecord) -> None: ...
    def get(self, person_id: str) -> PersonRecord | None: ...
    def list(self, case_id: str | None = None) -> list[PersonRecord]: ...


class ProtectionRepository(Protocol):
    """Protection settings (wrapped data key, audit chain id) and every stored ciphertext."""

    def get_setting(self, name: str) -> str | None: ...
    def set_setting(self, name: str, value: str) -> None: ...
    def sealed_values(self) -> list[SealedValue]:
        """Every ciphertext in the database (documents, originals, identities)."""
        ...

    def replace_sealed(self, values: Sequence[SealedValue]) -> None:
        """Overwrite ciphertexts in place (key rotation); each must already exist."""
        ...


class ExportLog(Protocol):
    def add(self, entry: ExportEntry) -> None: ...
    def list(self) -> list[ExportEntry]:
        """Oldest first."""
        ...


class InterventionRepository(Protocol):
    def add(self, intervention: Intervention) -> Intervention:
        """Store a new intervention; returns it with its creation time filled in."""
        ...

    def get(self, intervention_id: str) -> Intervention | None: ...
    def list(self, case_id: str | None = None) -> list[Intervention]:
        """Oldest first (optionally only one case's)."""
        ...

    def update(self, intervention: Intervention) -> None:
        """Save the status, date and reply of an existing intervention."""
        ...


class UnitOfWork(Protocol):
    documents: DocumentRepository
    claims: ClaimRepository
    cases: CaseRepository
    case_overrides: OverrideRepository
    audit: AuditLog
    users: UserRepository
    persons: PersonRepository
    protection: ProtectionRepository
    exports: ExportLog
    interventions: InterventionRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back anything not committed."""
        ...

    def commit(self) -> None: ...
    def rollback(self) -> None: ...
