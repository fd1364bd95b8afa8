"""Unit of work: commit, rollback, and several writers at once (threads and processes)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable

import pytest

from refugewatch.errors import DuplicateDocumentError, StorageError
from refugewatch.store.protocols import AuditEvent
from refugewatch.store.sql import SqlUnitOfWork, dispose_engines, uow_factory
from tests.integration.conftest import UowFactory, make_document

# Writers per concurrency test: enough to overlap on 2 cores, few enough to stay quick.
WRITERS = 4
DOCUMENTS_PER_WRITER = 5


def test_commit_persists(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.documents.add(make_document("kept"))
        uow.commit()
    with make_uow() as uow:
        assert uow.documents.count() == 1


def test_leaving_without_commit_rolls_back(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.documents.add(make_document("forgotten"))
    with make_uow() as uow:
        assert uow.documents.count() == 0


def test_exception_rolls_back_everything_since_the_last_commit(make_uow: UowFactory) -> None:
    with pytest.raises(RuntimeError, match="crash"), make_uow() as uow:
        uow.documents.add(make_document("committed"))
        uow.commit()
        uow.documents.add(make_document("lost"))
        uow.audit.append(AuditEvent("tester", "document.add", "lost"))
        raise RuntimeError("crash mid-ingest")
    with make_uow() as uow:
        assert [d.filename for d in uow.documents.list()] == ["committed.txt"]
        assert uow.audit.list() == []


def test_explicit_rollback_then_continue(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.documents.add(make_document("dropped"))
        uow.rollback()
        uow.documents.add(make_document("second-try"))
        uow.commit()
    with make_uow() as uow:
        assert [d.filename for d in uow.documents.list()] == ["second-try.txt"]


def test_repositories_outside_the_with_block_say_so(make_uow: UowFactory) -> None:
    uow = make_uow()
    with pytest.raises(StorageError, match="inside a `with` block"):
        uow.documents.count()


def test_factory_shares_one_engine_per_url(migrated_url: str) -> None:
    try:
        first, second = uow_factory(migrated_url), uow_factory(migrated_url)
        assert first()._engine is second()._engine
        with first() as uow:
            uow.documents.add(make_document("via-factory"))
            uow.commit()
        with second() as uow:
            assert uow.documents.count() == 1
    finally:
        dispose_engines()


def _write_documents(make: Callable[[], SqlUnitOfWork], writer: int) -> None:
    """One ingest worker: exists() check, add, audit, commit, per document."""
    with make() as uow:
        for i in range(DOCUMENTS_PER_WRITER):
            document = make_document(f"w{writer}-d{i}")
            if not uow.documents.exists(document.sha256):
                uow.documents.add(document)
                uow.audit.append(AuditEvent(f"worker{writer}", "document.add", document.sha256))
            uow.commit()


def _run_threads(target: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(writer: int) -> None:
        try:
            target(writer)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_writer_threads_all_succeed(make_uow: UowFactory) -> None:
    errors = _run_threads(lambda writer: _write_documents(make_uow, writer))
    assert errors == []
    with make_uow() as uow:
        assert uow.documents.count() == WRITERS * DOCUMENTS_PER_WRITER
        assert len(uow.audit.list()) == WRITERS * DOCUMENTS_PER_WRITER
        assert uow.audit_chain.verify_chain() == []


def test_writers_racing_for_the_same_document_store_it_once(make_uow: UowFactory) -> None:
    shared = make_document("everyone-has-it")

    def ingest(_writer: int) -> None:
        with make_uow() as uow:
            if not uow.documents.exists(shared.sha256):
                uow.documents.add(shared)
            uow.commit()

    errors = _run_threads(ingest)
    # SQLite serialises whole units of work, so exists() sees the winner; on PostgreSQL a loser
    # may pass exists() and then gets the clear duplicate error, never a raw database error.
    assert all(isinstance(e, DuplicateDocumentError) for e in errors)
    with make_uow() as uow:
        assert uow.documents.count() == 1


def _process_writer(url: str, writer: int) -> None:
    _write_documents(uow_factory(url), writer)
    dispose_engines()


def test_concurrent_writer_processes_all_succeed(migrated_url: str, make_uow: UowFactory) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_process_writer, args=(migrated_url, w)) for w in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * WRITERS
    with make_uow() as uow:
        assert uow.documents.count() == WRITERS * DOCUMENTS_PER_WRITER
        assert uow.audit_chain.verify_chain() == []


def test_opening_the_same_unit_of_work_twice_is_refused(make_uow: UowFactory) -> None:
    uow = make_uow()
    with uow, pytest.raises(StorageError, match="already open"), uow:
        pass
