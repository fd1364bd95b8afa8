"""Audit chain checks and signed checkpoints (security.signing) over the stored chain.

The checkpoint signing key lives in a file outside the database (REFUGEWATCH_AUDIT_KEY_FILE),
created owner-only on the first checkpoint; checkpoints are appended, one JSON per line, to a
file meant to be copied off the machine. A chain shorter than a checkpoint, or different at a
signed event, shows truncation or rewriting that the hash chain alone cannot.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from refugewatch.errors import CryptoError, TamperedDataError, ValidationError
from refugewatch.security.signing import (
    ChainReport,
    Checkpoint,
    create_signing_key,
    load_public_key,
    load_signing_key,
    public_key_pem,
    sign_checkpoint,
    verify_chain,
)
from refugewatch.services.audit import record
from refugewatch.services.protection_exports import write_new_file
from refugewatch.store.protocols import AuditEvent, UnitOfWork

UowFactory = Callable[[], UnitOfWork]
CHAIN_ID_SETTING = "audit_chain_id"
# 128 random bits: checkpoints name the chain they belong to, so one copied from another
# database is recognised.
CHAIN_ID_BYTES = 16
AUDIT_EXPORT_FORMAT = "refugewatch-audit-export"


@dataclass(frozen=True)
class Verification:
    report: ChainReport
    events: int
    checkpoints: int
    chain_id: str | None


def read_checkpoints(path: Path | None) -> list[Checkpoint]:
    """Every checkpoint in the file (none when it does not exist yet)."""
    if path is None or not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TamperedDataError(f"cannot read the checkpoints file {path}: {exc}") from None
    return [Checkpoint.from_json(line) for line in lines if line.strip()]


def verification_key(
    key_file: Path | None, public_key_file: Path | None = None
) -> Ed25519PublicKey | None:
    """The public key that checks checkpoints: given as a file, or the signing key's half."""
    if public_key_file is not None:
        try:
            return load_public_key(public_key_file.read_bytes())
        except OSError as exc:
            raise CryptoError(f"cannot read {public_key_file}: {exc.strerror}") from None
    if key_file is not None and key_file.exists():
        return load_signing_key(key_file).public_key()
    return None


def verify_audit(
    uow_factory: UowFactory,
    checkpoints_file: Path | None,
    public_key: Ed25519PublicKey | None,
) -> Verification:
    """Hash chain and every checkpoint; problems in words (empty when nothing was tampered)."""
    with uow_factory() as uow:
        events = uow.audit.list()
        chain_id = uow.protection.get_setting(CHAIN_ID_SETTING)
    checkpoints = read_checkpoints(checkpoints_file)
    if checkpoints and public_key is None:
        raise ValidationError(
            [
                "checkpoints exist but no key to check them: set REFUGEWATCH_AUDIT_KEY_FILE "
                "or give --public-key"
            ]
        )
    report = verify_chain(events, checkpoints, public_key, chain_id or "")
    return Verification(report, len(events), len(checkpoints), chain_id)


def checkpoint(
    uow_factory: UowFactory,
    key_file: Path,
    checkpoints_file: Path,
    actor: str,
    now: dt.datetime | None = None,
) -> Checkpoint:
    """Sign the chain's head (creating the key on first use) and append it to the file."""
    if not key_file.exists():
        create_signing_key(key_file)
    key = load_signing_key(key_file)
    at = now or dt.datetime.now(dt.UTC)
    with uow_factory() as uow:
        chain_id = _chain_id(uow)
        head = record(uow, actor, "audit.checkpoint", "audit", after={"chain_id": chain_id})
        if head.seq is None or head.hash is None:
            raise TamperedDataError("the audit log did not chain the checkpoint event")
        signed = sign_checkpoint(key, chain_id, head.seq, head.hash, at)
        uow.commit()
    with checkpoints_file.open("a", encoding="utf-8") as handle:
        handle.write(signed.to_json() + "\n")
    return signed


def _chain_id(uow: UnitOfWork) -> str:
    chain_id = uow.protection.get_setting(CHAIN_ID_SETTING)
    if chain_id is None:
        chain_id = secrets.token_hex(CHAIN_ID_BYTES)
        uow.protection.set_setting(CHAIN_ID_SETTING, chain_id)
    return chain_id


def export_audit(
    uow_factory: UowFactory,
    destination: Path,
    checkpoints_file: Path | None,
    key_file: Path | None,
) -> int:
    """Write every event (hashes only for confidential values), the checkpoints and the public
    key to a new file a third party can verify with; returns the number of events."""
    with uow_factory() as uow:
        events = uow.audit.list()
        chain_id = uow.protection.get_setting(CHAIN_ID_SETTING)
    public = verification_key(key_file)
    body = {
        "format": AUDIT_EXPORT_FORMAT,
        "version": 1,
        "chain_id": chain_id,
        "events": [_event_json(e) for e in events],
        "checkpoints": [json.loads(cp.to_json()) for cp in read_checkpoints(checkpoints_file)],
        "public_key": public_key_pem(public).decode("ascii") if public else None,
    }
    write_new_file(destination, json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"))
    return len(events)


def _event_json(event: AuditEvent) -> dict[str, object]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat() if event.at else None,
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "details": event.details,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
