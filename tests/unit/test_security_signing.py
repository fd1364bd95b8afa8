"""Audit chain verification and signed checkpoints, against someone who can write the database."""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.errors import CryptoError, TamperedDataError, ValidationError, WrongKeyError
from refugewatch.security.signing import (
    GENESIS_HASH,
    Checkpoint,
    chain_hash,
    create_signing_key,
    key_id,
    load_public_key,
    load_signing_key,
    public_key_pem,
    sign_checkpoint,
    verify_chain,
    verify_checkpoint,
)
from refugewatch.store.protocols import AuditEvent

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
CHAIN = "install-7f3a"


def build_chain(n: int, start: int = 1, prev: str = GENESIS_HASH) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    for seq in range(start, start + n):
        event = AuditEvent(
            actor="reviewer1",
            action="claim.accept",
            target=f"claim:{seq}",
            before='{"state": "proposed"}',
            after='{"state": "accepted"}',
            reason="checked against source",
            at=T0 + dt.timedelta(minutes=seq),
            seq=seq,
            prev_hash=prev,
            details={"n": seq, "ok": True},
        )
        event = replace(event, hash=chain_hash(prev, event))
        events.append(event)
        prev = event.hash or ""
    return events


@pytest.fixture(scope="module")
def key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "audit-signing.pem"
    create_signing_key(path)
    return path


# -- the chain alone -----------------------------------------------------------------------------


def test_intact_chain_verifies() -> None:
    report = verify_chain(build_chain(10))
    assert report.ok and report.head_seq == 10


def test_empty_chain_verifies_to_genesis() -> None:
    report = verify_chain([])
    assert report.ok and report.head_hash == GENESIS_HASH


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor", "someone else"),
        ("action", "claim.reject"),
        ("target", "claim:99"),
        ("before", None),
        ("after", '{"state": "rejected"}'),
        ("reason", "covering tracks"),
        ("at", T0 + dt.timedelta(days=1)),
        ("details", {"n": 5, "ok": False}),
    ],
    ids=lambda v: str(v)[:20],
)
def test_edited_event_is_detected(field: str, value: Any) -> None:
    events = build_chain(8)
    events[4] = replace(events[4], **{field: value})
    report = verify_chain(events)
    assert "event 5: content changed after it was written" in report.problems


def test_edit_with_recomputed_hash_breaks_the_next_link() -> None:
    """The attacker recomputes the edited event's hash; the following event no longer chains."""
    events = build_chain(6)
    edited = replace(events[2], actor="forger")
    events[2] = replace(edited, hash=chain_hash(edited.prev_hash or "", edited))
    assert "event 4: does not chain onto the event before it" in verify_chain(events).problems


@pytest.mark.parametrize("index", [0, 3, 5], ids=["first", "middle", "before-last"])
def test_deleted_event_is_detected(index: int) -> None:
    events = build_chain(7)
    del events[index]
    problems = " ".join(verify_chain(events).problems)
    assert f"event(s) {index + 1} missing" in problems


def test_reordered_events_are_detected() -> None:
    events = build_chain(6)
    events[2], events[3] = events[3], events[2]
    report = verify_chain(events)
    assert not report.ok and any("out of order" in p for p in report.problems)


def test_repeated_event_is_detected() -> None:
    events = build_chain(4)
    assert not verify_chain([*events, events[-1]]).ok


def test_chain_not_starting_at_genesis_is_detected() -> None:
    rebuilt = build_chain(3, prev="f" * 64)
    assert "event 1: does not chain onto the event before it" in verify_chain(rebuilt).problems


def test_fully_rebuilt_chain_passes_alone_but_not_against_a_checkpoint(key_path: Path) -> None:
    """Rewriting history and recomputing every hash defeats the chain; the signature stops it."""
    key = load_signing_key(key_path)
    honest = build_chain(5)
    checkpoint = sign_checkpoint(key, CHAIN, 5, honest[-1].hash or "", T0)
    forged = build_chain(5)
    forged[1] = replace(forged[1], reason="rewritten")
    prev = forged[0].hash or ""
    for i in range(1, 5):
        forged[i] = replace(forged[i], prev_hash=prev)
        forged[i] = replace(forged[i], hash=chain_hash(prev, forged[i]))
        prev = forged[i].hash or ""
    assert verify_chain(forged).ok
    report = verify_chain(forged, [checkpoint], key.public_key(), CHAIN)
    assert any("differs from the checkpoint" in p for p in report.problems)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 12), data=st.data())
def test_any_single_event_edit_is_caught(n: int, data: st.DataObject) -> None:
    events = build_chain(n)
    index = data.draw(st.integers(0, n - 1), label="index")
    reason = data.draw(st.text(max_size=20).filter(lambda r: r != "checked against source"))
    events[index] = replace(events[index], reason=reason)
    assert not verify_chain(events).ok


def test_naive_timestamp_is_reported_not_crashed() -> None:
    events = build_chain(2)
    events[1] = replace(events[1], at=dt.datetime(2024, 1, 1))
    assert any("cannot be hashed" in p for p in verify_chain(events).problems)


# -- agreement with the store ------------------------------------------------------------------

# -- key files -----------------------------------------------------------------------------------


def test_key_file_is_owner_only(key_path: Path) -> None:
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_existing_key_is_never_overwritten(key_path: Path) -> None:
    before = key_path.read_bytes()
    with pytest.raises(CryptoError, match="refusing to overwrite"):
        create_signing_key(key_path)
    assert key_path.read_bytes() == before


def test_group_readable_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    create_signing_key(path)
    os.chmod(path, 0o640)
    with pytest.raises(CryptoError, match="chmod 600"):
        load_signing_key(path)


def test_passphrase_protected_key(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    public = create_signing_key(path, passphrase="a long key passphrase")
    assert b"ENCRYPTED" in path.read_bytes()
    assert key_id(load_signing_key(path, "a long key passphrase").public_key()) == key_id(public)
    with pytest.raises(CryptoError, match="passphrase is wrong"):
        load_signing_key(path, "wrong")


def test_missing_key_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CryptoError, match="cannot read the signing key"):
        load_signing_key(tmp_path / "nope.pem")


def test_public_key_round_trips_through_pem(key_path: Path) -> None:
    public = load_signing_key(key_path).public_key()
    assert key_id(load_public_key(public_key_pem(public))) == key_id(public)


# -- checkpoints -------------------------------------------------------------------------------


def test_checkpoint_round_trips_and_verifies(key_path: Path) -> None:
    key = load_signing_key(key_path)
    checkpoint = sign_checkpoint(key, CHAIN, 10, "a" * 64, T0)
    restored = Checkpoint.from_json(checkpoint.to_json())
    assert restored == checkpoint
    verify_checkpoint(restored, key.public_key())


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 11},
        {"head_hash": "b" * 64},
        {"chain_id": "other"},
        {"at": T0 + dt.timedelta(seconds=1)},
    ],
    ids=["seq", "hash", "chain", "time"],
)
def test_edited_checkpoint_fails_its_signature(key_path: Path, change: dict[str, Any]) -> None:
    key = load_signing_key(key_path)
    checkpoint = replace(sign_checkpoint(key, CHAIN, 10, "a" * 64, T0), **change)
    with pytest.raises(TamperedDataError, match="valid signature"):
        verify_checkpoint(checkpoint, key.public_key())


def test_checkpoint_from_another_key_is_refused(key_path: Path, tmp_path: Path) -> None:
    other_public = create_signing_key(tmp_path / "other.pem")
    checkpoint = sign_checkpoint(load_signing_key(key_path), CHAIN, 1, "a" * 64, T0)
    with pytest.raises(WrongKeyError):
        verify_checkpoint(checkpoint, other_public)


def test_forged_key_id_does_not_help(key_path: Path, tmp_path: Path) -> None:
    real = load_signing_key(key_path)
    create_signing_key(tmp_path / "attacker.pem")
    attacker = load_signing_key(tmp_path / "attacker.pem")
    forged = sign_checkpoint(attacker, CHAIN, 99, "c" * 64, T0)
    forged = replace(forged, key_id=key_id(real.public_key()))
    with pytest.raises(TamperedDataError):
        verify_checkpoint(forged, real.public_key())


@pytest.mark.parametrize(
    "text",
    ["{}", "nonsense", '{"version": 1, "seq": "1"}'],
    ids=["empty", "garbage", "string-seq"],
)
def test_unreadable_checkpoint_is_refused(text: str) -> None:
    with pytest.raises(TamperedDataError, match="not readable"):
        Checkpoint.from_json(text)


def test_truncated_chain_is_detected_by_the_last_checkpoint(key_path: Path) -> None:
    key = load_signing_key(key_path)
    events = build_chain(10)
    checkpoint = sign_checkpoint(key, CHAIN, 10, events[-1].hash or "", T0)
    report = verify_chain(events[:7], [checkpoint], key.public_key(), CHAIN)
    assert any("events 8..10 were cut off" in p for p in report.problems)
    assert verify_chain(events, [checkpoint], key.public_key(), CHAIN).ok


def test_chain_emptied_entirely_is_detected(key_path: Path) -> None:
    key = load_signing_key(key_path)
    checkpoint = sign_checkpoint(key, CHAIN, 3, build_chain(3)[-1].hash or "", T0)
    assert not verify_chain([], [checkpoint], key.public_key(), CHAIN).ok


def test_replayed_old_checkpoint_does_not_hide_truncation(key_path: Path) -> None:
    """The attacker cuts the chain back to an old checkpoint and deletes newer ones from the
    database; the exported copy of the newest checkpoint still shows the cut."""
    key = load_signing_key(key_path)
    events = build_chain(20)
    old = sign_checkpoint(key, CHAIN, 10, events[9].hash or "", T0)
    new = sign_checkpoint(key, CHAIN, 20, events[19].hash or "", T0 + dt.timedelta(hours=1))
    assert verify_chain(events[:10], [old], key.public_key(), CHAIN).ok  # what the DB alone says
    report = verify_chain(events[:10], [old, new], key.public_key(), CHAIN)
    assert any("cut off" in p for p in report.problems)


def test_rollback_signed_later_is_reported(key_path: Path) -> None:
    """A later checkpoint covering fewer events means the chain was rolled back and re-signed."""
    key = load_signing_key(key_path)
    events = build_chain(10)
    first = sign_checkpoint(key, CHAIN, 10, events[9].hash or "", T0)
    later = sign_checkpoint(key, CHAIN, 6, events[5].hash or "", T0 + dt.timedelta(days=1))
    report = verify_chain(events, [first, later], key.public_key(), CHAIN)
    assert any("replayed or rolled back" in p for p in report.problems)


def test_checkpoint_from_another_database_is_refused(key_path: Path) -> None:
    key = load_signing_key(key_path)
    events = build_chain(5)
    foreign = sign_checkpoint(key, "other-install", 5, events[-1].hash or "", T0)
    report = verify_chain(events, [foreign], key.public_key(), CHAIN)
    assert any("copied from another database" in p for p in report.problems)


def test_forked_checkpoints_are_reported(key_path: Path) -> None:
    key = load_signing_key(key_path)
    events = build_chain(5)
    a = sign_checkpoint(key, CHAIN, 5, events[-1].hash or "", T0)
    b = sign_checkpoint(key, CHAIN, 5, "d" * 64, T0 + dt.timedelta(hours=1))
    problems = verify_chain(events, [a, b], key.public_key(), CHAIN).problems
    assert any("forked" in p for p in problems)


def test_checkpoints_need_the_public_key() -> None:
    with pytest.raises(ValidationError, match="public key"):
        verify_chain([], [replace(Checkpoint(CHAIN, 1, "a", T0, "k", b""))])
