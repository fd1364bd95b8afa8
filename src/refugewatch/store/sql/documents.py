"""Documents and their original bytes (kept in a separate table so listings stay light)."""

from __future__ import annotations

import builtins
import re

import sqlalchemy as sa

from refugewatch.errors import (
    DuplicateDocumentError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from refugewatch.model.documents import Document
from refugewatch.store.protocols import SealedDocument
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder, storage_error
from refugewatch.store.sql.tables import claims, document_originals, documents

# Shortest prefix accepted as a document id: 8 hex digits leave a 1-in-4-billion chance that two
# documents share it, and the lookup still refuses a prefix that does match two.
MIN_PREFIX_LENGTH = 8
SHA256_HEX = re.compile(r"[0-9a-f]{8,64}")


class SqlDocumentRepository:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def add(self, document: Document) -> None:
        """Store a new document; one that another writer stored first raises DuplicateDocumentError.

        Services call exists() first, so this only fires when two writers race for the same bytes;
        a savepoint keeps the rest of the unit of work usable after it.
        """
        row = mapping.document_row(document, self._db.clock())
        self._insert(document, row, mapping.original_row(document))

    def _insert(self, document: Document, row: mapping.Json, original: mapping.Json) -> None:
        try:
            with self._db.connection.begin_nested():
                self._db.connection.execute(documents.insert(), row)
                self._db.connection.execute(document_originals.insert(), original)
        except sa.exc.IntegrityError as exc:
            if self.exists(document.sha256):
                raise DuplicateDocumentError(
                    f"document {document.short_id} ({document.filename}) is already stored; "
                    "another ingest added the same bytes at the same time"
                ) from exc
            raise storage_error(f"could not store document {document.short_id}", exc) from exc
        except sa.exc.DBAPIError as exc:
            raise storage_error(f"could not store document {document.short_id}", exc) from exc

    def add_sealed(self, document: Document, sealed: SealedDocument) -> None:
        """Store a confidential document as ciphertext only (original and clean text)."""
        if sealed.sha256 != document.sha256:
            raise StorageError("the sealed texts belong to another document")
        row, original = mapping.sealed_document_rows(
            document, sealed.original, sealed.clean_text, self._db.clock()
        )
        self._insert(document, row, original)

    def sealed(self, sha256: str) -> SealedDocument | None:
        """The ciphertexts of a sealed document; None when it is stored in the clear."""
        query = (
            sa.select(documents.c.clean_text_ciphertext, document_originals.c.bytes)
            .join(document_originals, document_originals.c.sha256 == documents.c.sha256)
            .where(documents.c.sha256 == sha256, document_originals.c.encrypted.is_(True))
        )
        row = self._db.execute(query).first()
        if row is None or row.clean_text_ciphertext is None:
            return None
        return SealedDocument(sha256, bytes(row.bytes), bytes(row.clean_text_ciphertext))

    def set_reliability(self, sha256: str, grade: str) -> None:
        """Set the document's admiralty grade and its claims' (claims carry their own copy so
        listings and outputs need no join); an unknown sha256 raises NotFoundError."""
        key = sha256.strip().lower()
        updated = self._db.execute(
            documents.update().where(documents.c.sha256 == key).values(reliability=grade)
        )
        if updated.rowcount == 0:
            raise NotFoundError(f"there is no document {sha256!r}")
        self._db.execute(
            claims.update().where(claims.c.document_sha256 == key).values(reliability=grade)
        )

    def exists(self, sha256: str) -> bool:
        query = sa.select(documents.c.sha256).where(documents.c.sha256 == sha256.lower())
        return self._db.execute(query).first() is not None

    def get(self, sha256_or_prefix: str) -> Document | None:
        """By full sha256 or a unique prefix of at least 8 hex digits (an ambiguous one is refused)."""
        key = sha256_or_prefix.strip().lower()
        if not SHA256_HEX.fullmatch(key):
            return None
        # Full ids use the primary key directly; prefixes (hex only, so no LIKE wildcards) scan.
        match = documents.c.sha256 == key if len(key) == 64 else documents.c.sha256.startswith(key)
        rows = self._db.execute(sa.select(documents).where(match).limit(2)).mappings().all()
        if len(rows) > 1:
            raise ValidationError(
                [f"{sha256_or_prefix!r} matches more than one document; give more of its sha256"]
            )
        if not rows:
            return None
        return mapping.document_from_row(rows[0], self.original(rows[0]["sha256"]))

    def original(self, sha256: str) -> bytes:
        """The original bytes of a stored document."""
        row = (
            self._db.execute(
                sa.select(document_originals).where(document_originals.c.sha256 == sha256)
            )
            .mappings()
            .first()
        )
        return mapping.original_bytes(sha256, row)

    def list(
        self, limit: int | None = None, offset: int = 0, *, with_originals: bool = True
    ) -> list[Document]:
        """Newest ingested first. with_originals=False leaves `original` empty (b"") for listings
        that never show the bytes, so large PDFs are not read for nothing."""
        query = (
            sa.select(documents)
            .order_by(documents.c.ingested_at.desc(), documents.c.sha256)
            .limit(limit)
            .offset(offset)
        )
        rows = self._db.execute(query).mappings().all()
        originals = self._originals([r["sha256"] for r in rows]) if with_originals else {}
        return [mapping.document_from_row(row, originals.get(row["sha256"], b"")) for row in rows]

    def _originals(self, sha256s: builtins.list[str]) -> dict[str, bytes]:
        if not sha256s:
            return {}
        rows = self._db.execute(
            sa.select(document_originals).where(document_originals.c.sha256.in_(sha256s))
        ).mappings()
        found = {row["sha256"]: row for row in rows}
        return {sha: mapping.original_bytes(sha, found.get(sha)) for sha in sha256s}

    def count(self) -> int:
        return int(self._db.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one())
