"""Audit verification and signed checkpoints on both backends, against rows tampered with SQL."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from refugewatch.errors import ValidationError
from refugewatch.services import protection_audit as audit
from refugewatch.services.audit import record
from refugewatch.store.sql import SqlUnitOfWork, create_engine_for, dispose_engines, migrate
from refugewatch.store.sql import uow_factory as make_factory

Factory = Callable[[], SqlUnitOfWork]


@pytest.fixture
def store(database_url: str) -> Iterator[Factory]:
    migrate(database_url)
    factory = make_factory(database_url)
    with factory() as uow:
        for n in range(6):
            record(uow, "mina", "case.note", f"case-{n}", after={"n": n})
        uow.commit()
    yield factory
    dispose_engines()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "keys" / "audit.pem", tmp_path / "keys" / "checkpoints.jsonl"


def _sql(url: str, statement: str) -> None:
    engine = create_engine_for(url)
    with engine.begin() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


def _verify(store: Factory, files: tuple[Path, Path]) -> audit.Verification:
    key_file, checkpoints = files
    return audit.verify_audit(store, checkpoints, audit.verification_key(key_file))


def test_intact_chain_with_checkpoints_verifies(store: Factory, files: tuple[Path, Path]) -> None:
    files[0].parent.mkdir()
    first = audit.checkpoint(store, *files, "admin")
    second = audit.checkpoint(store, *files, "admin")
    assert (first.seq, second.seq) == (7, 8)
    result = _verify(store, files)
    assert result.report.ok and result.events == 8 and result.checkpoints == 2
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        pytest.param(
            "UPDATE audit_events SET actor = 'someone else' WHERE seq = 3",
            "event 3: content changed",
            id="edited",
        ),
        pytest.param("DELETE FROM audit_events WHERE seq = 4", "4 missing", id="deleted"),
        pytest.param(
            "UPDATE audit_events SET after = NULL, hash = prev_hash WHERE seq = 2",
            "event 3: does not chain",
            id="rehashed",
        ),
    ],
)
def test_tampering_inside_the_chain_is_found_without_checkpoints(
    store: Factory, database_url: str, files: tuple[Path, Path], statement: str, problem: str
) -> None:
    _sql(database_url, statement)
    report = _verify(store, files).report
    assert not report.ok and any(problem in p for p in report.problems), report.problems


def test_truncation_is_found_only_with_a_checkpoint(
    store: Factory, database_url: str, files: tuple[Path, Path]
) -> None:
    files[0].parent.mkdir()
    audit.checkpoint(store, *files, "admin")
    _sql(database_url, "DELETE FROM audit_events WHERE seq >= 5")
    assert _verify(store, (files[0], files[1].with_name("none.jsonl"))).report.ok
    report = _verify(store, files).report
    assert any("were cut off" in p for p in report.problems), report.problems


def test_rewriting_a_signed_event_is_found(
    store: Factory, database_url: str, files: tuple[Path, Path]
) -> None:
    files[0].parent.mkdir()
    audit.checkpoint(store, *files, "admin")
    _sql(database_url, "UPDATE audit_events SET hash = prev_hash WHERE seq = 7")
    report = _verify(store, files).report
    assert any("differs from the checkpoint" in p for p in report.problems), report.problems


def test_checkpoints_from_another_database_are_refused(
    store: Factory, database_url: str, files: tuple[Path, Path]
) -> None:
    files[0].parent.mkdir()
    audit.checkpoint(store, *files, "admin")
    _sql(
        database_url, "UPDATE protection_settings SET value = 'other' WHERE name = 'audit_chain_id'"
    )
    report = _verify(store, files).report
    assert any("copied from another database" in p for p in report.problems)


def test_checkpoints_without_a_key_cannot_be_checked(
    store: Factory, files: tuple[Path, Path]
) -> None:
    files[0].parent.mkdir()
    audit.checkpoint(store, *files, "admin")
    with pytest.raises(ValidationError, match="no key to check them"):
        audit.verify_audit(store, files[1], None)


def test_export_holds_events_checkpoints_and_the_public_key(
    store: Factory, files: tuple[Path, Path], tmp_path: Path
) -> None:
    import json

    files[0].parent.mkdir()
    audit.checkpoint(store, *files, "admin")
    out = tmp_path / "audit.json"
    assert audit.export_audit(store, out, files[1], files[0]) == 7
    body = json.loads(out.read_text())
    assert [e["seq"] for e in body["events"]] == list(range(1, 8))
    assert len(body["checkpoints"]) == 1 and "PUBLIC KEY" in body["public_key"]
    assert "PRIVATE" not in out.read_text()
