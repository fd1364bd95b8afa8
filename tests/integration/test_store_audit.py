"""Audit log: a hash chain in which an edited or removed event is found by verify_chain()."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from refugewatch.model.audit import GENESIS_HASH, canonical_event_json
from refugewatch.store.protocols import AuditEvent
from refugewatch.store.sql.tables import audit_events
from tests.integration.conftest import UowFactory


def _append(make_uow: UowFactory, n: int) -> list[AuditEvent]:
    with make_uow() as uow:
        written = [
            uow.audit.append(
                AuditEvent(
                    actor="editor1",
                    action="claim.review",
                    target=f"claim:{i % 2}",
                    before='{"state": "proposed"}',
                    after='{"state": "accepted"}',
                    reason="matches the UN communication",
                    details={"n": i, "ratio": 0.5, "ok": True, "note": None},
                )
            )
            for i in range(n)
        ]
        uow.commit()
    return written


def test_append_chains_events(make_uow: UowFactory) -> None:
    written = _append(make_uow, 3)
    assert [e.seq for e in written] == [1, 2, 3]
    assert written[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in written[1:]] == [e.hash for e in written[:-1]]
    first = written[0]
    expected = hashlib.sha256((GENESIS_HASH + canonical_event_json(first)).encode()).hexdigest()
    assert first.hash == expected
    with make_uow() as uow:
        assert uow.audit.list() == written
        assert uow.audit.list(target="claim:1") == [written[1]]
        assert uow.audit_chain.verify_chain() == []


def test_given_time_is_kept_and_hashed(make_uow: UowFactory) -> None:
    at = dt.datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)
    with make_uow() as uow:
        event = uow.audit.append(AuditEvent("admin", "user.create", "user:2", at=at))
        uow.commit()
    with make_uow() as uow:
        (stored,) = uow.audit.list()
        assert stored == event and stored.at == at
        assert uow.audit_chain.verify_chain() == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        pytest.param("reason", "a different reason", id="reason"),
        pytest.param("actor", "someone-else", id="actor"),
        pytest.param("after", None, id="after-cleared"),
    ],
)
def test_edited_event_is_detected(make_uow: UowFactory, column: str, value: object) -> None:
    _append(make_uow, 4)
    with make_uow() as uow:
        uow._db.execute(
            audit_events.update().where(audit_events.c.seq == 2).values({column: value})
        )
        uow.commit()
    with make_uow() as uow:
        assert uow.audit_chain.verify_chain() == ["event 2: content changed after it was written"]


def test_edit_covered_by_a_recomputed_hash_breaks_the_next_link(make_uow: UowFactory) -> None:
    written = _append(make_uow, 3)
    with make_uow() as uow:
        uow._db.execute(audit_events.update().where(audit_events.c.seq == 2).values(hash="f" * 64))
        uow.commit()
    with make_uow() as uow:
        problems = uow.audit_chain.verify_chain()
    assert "event 2: content changed after it was written" in problems
    assert "event 3: does not chain onto the event before it" in problems
    assert written[2].prev_hash != "f" * 64


def test_deleted_event_is_detected(make_uow: UowFactory) -> None:
    _append(make_uow, 5)
    with make_uow() as uow:
        uow._db.execute(audit_events.delete().where(audit_events.c.seq.in_([2, 3])))
        uow.commit()
    with make_uow() as uow:
        assert uow.audit_chain.verify_chain() == [
            "event 4: event(s) 2-3 missing before it",
            "event 4: does not chain onto the event before it",
        ]


def test_appends_after_a_rollback_continue_the_chain(make_uow: UowFactory) -> None:
    _append(make_uow, 1)
    with make_uow() as uow:
        uow.audit.append(AuditEvent("a", "x", "t"))
        uow.rollback()
        uow.audit.append(AuditEvent("a", "y", "t"))
        uow.commit()
    with make_uow() as uow:
        assert [e.action for e in uow.audit.list()] == ["claim.review", "y"]
        assert uow.audit_chain.verify_chain() == []
        count = uow._db.execute(sa.select(sa.func.count()).select_from(audit_events)).scalar()
    assert count == 2
