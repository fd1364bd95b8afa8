"""Store fixtures: a migrated database on each backend and builders for stored objects.

Every store test runs on SQLite and PostgreSQL through tests/conftest.py's `database_url`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator

import pytest

from refugewatch.model.claims import Claim, ClaimKind, Evidence, Values
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Document, Sensitivity, SourceType
from refugewatch.store.sql import SqlUnitOfWork, create_engine_for, migrate
from refugewatch.store.sql.connection import utc_now

UowFactory = Callable[..., SqlUnitOfWork]  # optional `clock=` for time-sensitive tests
CLEANER = "clean-1"


@pytest.fixture
def migrated_url(database_url: str) -> str:
    migrate(database_url)
    return database_url


@pytest.fixture
def make_uow(migrated_url: str) -> Iterator[UowFactory]:
    """Fresh units of work over one engine, disposed before the test database is dropped."""
    engine = create_engine_for(migrated_url)
    yield lambda clock=utc_now: SqlUnitOfWork(engine, clock)
    engine.dispose()


def sha_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_document(name: str, **overrides: object) -> Document:
    original = f"original bytes of {name}\n".encode()
    fields: dict[str, object] = {
        "sha256": hashlib.sha256(original).hexdigest(),
        "filename": f"{name}.txt",
        "media_type": "text/plain",
        "original": original,
        "clean_text": f"Clean text of {name}. Nine people were detained in Shenyang.",
        "cleaner_version": CLEANER,
        "title": f"Report {name}",
        "source_type": SourceType.NGO_RELEASE,
        "published": FuzzyDate.month(2019, 3),
        "language": "en",
        "sensitivity": Sensitivity.PUBLIC,
        "reliability": "B2",
        "ingested_at": dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC),
        "ingested_by": "tester",
    }
    fields.update(overrides)
    return Document(**fields)  # type: ignore[arg-type]


def make_claim(
    document: Document,
    values: Values,
    *,
    kind: ClaimKind = ClaimKind.APPREHENSION,
    quote: str = "Nine people were detained in Shenyang.",
    **overrides: object,
) -> Claim:
    start = document.clean_text.find(quote)
    evidence = Evidence(document.sha256, CLEANER, max(start, 0), max(start, 0) + len(quote), quote)
    claim = Claim(document_sha256=document.sha256, kind=kind, values=values, evidence=evidence)
    fields = {**claim.__dict__, **overrides}
    return Claim(**fields)  # type: ignore[arg-type]
