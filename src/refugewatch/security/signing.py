"""Audit chain checks and Ed25519-signed checkpoints of its head.

Every write is an event; hash = sha256(prev_hash + canonical JSON of the event), the first event
chaining onto GENESIS_HASH. That alone shows an edited, removed or reordered event, but not events
cut off the end: whoever can write the database can also delete the last rows. So the head
(seq, hash) is signed now and then with a key kept OUTSIDE the database, and the checkpoints are
exported. A chain shorter than a signed checkpoint, or different at its seq, was tampered with.

The chain's hash is defined once, in refugewatch.model.audit, for the store and for this module.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import itertools
import json
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from refugewatch.errors import CryptoError, TamperedDataError, ValidationError, WrongKeyError
from refugewatch.model.audit import GENESIS_HASH, AuditEvent, chain_hash

# Domain label, so a checkpoint signature can never be passed off as any other signed statement.
CHECKPOINT_LABEL = b"refugewatch/audit-checkpoint/v1\n"
CHECKPOINT_VERSION = 1
# Owner read/write only: anyone else who can read the file can forge checkpoints.
KEY_FILE_MODE = 0o600
# Bits that must be clear on the key file: any group or other permission.
KEY_FILE_FORBIDDEN_BITS = 0o077


# -- signing keys (files outside the database) -------------------------------------------------


def create_signing_key(path: Path, passphrase: str | None = None) -> Ed25519PublicKey:
    """Write a new Ed25519 private key to `path` (owner-only, never overwriting); return its
    public half, which is what verifiers keep."""
    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    try:
        # O_EXCL: an existing key is never replaced (that would orphan every old checkpoint).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    except FileExistsError:
        raise CryptoError(f"{path} already exists; refusing to overwrite a signing key") from None
    os.fchmod(fd, KEY_FILE_MODE)  # umask only narrows the mode above; state it anyway
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key.public_key()


def load_signing_key(path: Path, passphrase: str | None = None) -> Ed25519PrivateKey:
    """Read the private key; refuse a key file other users can read (as ssh does)."""
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as exc:
        raise CryptoError(f"cannot read the signing key at {path}: {exc.strerror}") from None
    if os.name == "posix" and stat.S_IMODE(mode) & KEY_FILE_FORBIDDEN_BITS:
        raise CryptoError(
            f"the signing key {path} can be read by other users "
            f"(mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}"
        )
    secret = passphrase.encode("utf-8") if passphrase else None
    try:
        key = serialization.load_pem_private_key(data, password=secret)
    except (ValueError, TypeError):
        raise CryptoError(
            f"{path} is not an Ed25519 signing key, or its passphrase is wrong"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CryptoError(f"{path} holds a key of another type, not Ed25519")
    return key


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise CryptoError("the checkpoint verification key is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CryptoError("the checkpoint verification key is not an Ed25519 key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# -- checkpoints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: database `chain_id` had head (seq, head_hash) at time `at`."""

    chain_id: str
    seq: int
    head_hash: str
    at: dt.datetime
    key_id: str
    signature: bytes
    version: int = CHECKPOINT_VERSION

    def signed_bytes(self) -> bytes:
        body = {
            "version": self.version,
            "chain_id": self.chain_id,
            "seq": self.seq,
            "head_hash": self.head_hash,
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "key_id": self.key_id,
        }
        return CHECKPOINT_LABEL + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": self.version,
                "chain_id": self.chain_id,
                "seq": self.seq,
                "head_hash": self.head_hash,
                "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                "key_id": self.key_id,
                "signature": base64.b64encode(self.signature).decode("ascii"),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Checkpoint:
        try:
            raw = json.loads(text)
            at = dt.datetime.fromisoformat(raw["at"])
            if at.tzinfo is None or raw["version"] != CHECKPOINT_VERSION:
                raise ValueError("unknown version or time without zone")
            return cls(
                chain_id=str(raw["chain_id"]),
                seq=_whole(raw["seq"]),
                head_hash=str(raw["head_hash"]),
                at=at,
                key_id=str(raw["key_id"]),
                signature=base64.b64decode(raw["signature"], validate=True),
            )
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise TamperedDataError(f"an exported checkpoint is not readable ({exc})") from None


def _whole(value: object) -> int:
    if type(value) is not int:
        raise ValueError(f"seq must be a whole number, got {value!r}")
    return value


def sign_checkpoint(
    key: Ed25519PrivateKey, chain_id: str, seq: int, head_hash: str, at: dt.datetime
) -> Checkpoint:
    if at.tzinfo is None:
        raise ValidationError(["a checkpoint time needs a time zone (use UTC)"])
    unsigned = Checkpoint(chain_id, seq, head_hash, at, key_id(key.public_key()), b"")
    signature = key.sign(unsigned.signed_bytes())
    return Checkpoint(chain_id, seq, head_hash, at, unsigned.key_id, signature)


def verify_checkpoint(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> None:
    if checkpoint.key_id != key_id(public_key):
        raise WrongKeyError(
            f"checkpoint at event {checkpoint.seq} was signed with key {checkpoint.key_id}, "
            f"not with the verification key {key_id(public_key)}"
        )
    try:
        public_key.verify(checkpoint.signature, checkpoint.signed_bytes())
    except InvalidSignature:
        raise TamperedDataError(
            f"the checkpoint at event {checkpoint.seq} does not carry a valid signature; "
            "it was altered or forged"
        ) from None


# -- verifying a chain --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    problems: tuple[str, ...]
    head_seq: int
    head_hash: str

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(
    events: Sequence[AuditEvent],
    checkpoints: Sequence[Checkpoint] = (),
    public_key: Ed25519PublicKey | None = None,
    chain_id: str | None = None,
) -> ChainReport:
    """Every break found, in words; events must be the whole chain in stored order.

    Checkpoints are verified with `public_key` (required when any are given) and compared with the
    chain: a chain that ends before a signed seq was truncated; one that differs at a signed seq
    was rewritten. A checkpoint for another chain_id, or an older checkpoint presented as newer
    than a later one (replay or rollback), is reported too.
    """
    problems, hashes = _walk(events)
    head_seq = max(hashes, default=0)
    if checkpoints:
        if public_key is None:
            raise ValidationError(["checkpoints can only be checked with the public key"])
        problems += _check_checkpoints(checkpoints, hashes, head_seq, public_key, chain_id)
    return ChainReport(tuple(problems), head_seq, hashes.get(head_seq, GENESIS_HASH))


def _walk(events: Sequence[AuditEvent]) -> tuple[list[str], dict[int, str]]:
    problems: list[str] = []
    hashes: dict[int, str] = {}
    expected_seq, prev_hash = 1, GENESIS_HASH
    for event in events:
        problems += _check_event(event, expected_seq, prev_hash)
        if event.seq is not None and event.hash is not None:
            hashes.setdefault(event.seq, event.hash)
        expected_seq = (event.seq or 0) + 1
        prev_hash = event.hash or ""
    return problems, hashes


def _check_event(event: AuditEvent, expected_seq: int, prev_hash: str) -> list[str]:
    problems: list[str] = []
    if event.seq is None or event.seq < expected_seq:
        problems.append(f"event {event.seq}: out of order or repeated (expected {expected_seq})")
    elif event.seq > expected_seq:
        missing = (
            f"{expected_seq}"
            if event.seq == expected_seq + 1
            else f"{expected_seq}..{event.seq - 1}"
        )
        problems.append(f"event {event.seq}: event(s) {missing} missing before it")
    if event.prev_hash != prev_hash:
        problems.append(f"event {event.seq}: does not chain onto the event before it")
    try:
        intact = event.hash == chain_hash(event.prev_hash or "", event)
    except ValidationError as exc:
        problems.append(f"event {event.seq}: cannot be hashed ({exc})")
        return problems
    if not intact:
        problems.append(f"event {event.seq}: content changed after it was written")
    return problems


def _check_checkpoints(
    checkpoints: Sequence[Checkpoint],
    hashes: Mapping[int, str],
    head_seq: int,
    public_key: Ed25519PublicKey,
    chain_id: str | None,
) -> list[str]:
    problems: list[str] = []
    valid: list[Checkpoint] = []
    for cp in checkpoints:
        try:
            verify_checkpoint(cp, public_key)
        except (TamperedDataError, WrongKeyError) as exc:
            problems.append(str(exc))
            continue
        if chain_id is not None and cp.chain_id != chain_id:
            problems.append(
                f"checkpoint at event {cp.seq} belongs to audit chain {cp.chain_id!r}, "
                f"not {chain_id!r}: it was copied from another database"
            )
            continue
        valid.append(cp)
        problems += _compare(cp, hashes, head_seq)
    return problems + _check_order(valid)


def _compare(cp: Checkpoint, hashes: Mapping[int, str], head_seq: int) -> list[str]:
    if cp.seq > head_seq:
        return [
            f"the chain ends at event {head_seq} but a checkpoint signed at {_when(cp)} covers "
            f"event {cp.seq}: events {head_seq + 1}..{cp.seq} were cut off"
        ]
    if cp.seq > 0 and hashes.get(cp.seq) != cp.head_hash:
        return [f"event {cp.seq} differs from the checkpoint signed at {_when(cp)}: rewritten"]
    return []


def _check_order(checkpoints: Sequence[Checkpoint]) -> list[str]:
    """Later checkpoints must never cover fewer events, nor disagree on one seq."""
    problems: list[str] = []
    ordered = sorted(checkpoints, key=lambda cp: (cp.at, cp.seq))
    for earlier, later in itertools.pairwise(ordered):
        if later.seq < earlier.seq:
            problems.append(
                f"checkpoint signed at {_when(later)} covers event {later.seq}, fewer than the "
                f"one signed earlier at {_when(earlier)} (event {earlier.seq}): replayed or "
                "rolled back"
            )
    by_seq: dict[int, str] = {}
    for cp in checkpoints:
        if by_seq.setdefault(cp.seq, cp.head_hash) != cp.head_hash:
            problems.append(f"two signed checkpoints disagree about event {cp.seq}: forked chain")
    return problems


def _when(cp: Checkpoint) -> str:
    return cp.at.astimezone(dt.UTC).isoformat(timespec="seconds")
