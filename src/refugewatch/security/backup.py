"""Backups encrypted to a public key: the machine that makes them cannot read them.

Format (version 1):

    MAGIC (8) || version (1) || recipient key id (16) || ephemeral X25519 public key (32)
    || nonce (12) || AES-256-GCM(payload), associated data = everything before it

key = HKDF-SHA256(X25519(ephemeral private, recipient public), salt = ephemeral || recipient
public, info = label). The ephemeral private key is discarded at once, so a server that is seized
or compromised later holds nothing that opens earlier backups; only the offline private key does.

payload = 4-byte manifest length || manifest JSON || member bytes in manifest order; the manifest
lists each member's name, size and sha256 and is checked again after decryption.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from refugewatch.errors import CryptoError, TamperedDataError, ValidationError, WrongKeyError

MAGIC = b"RWBACKUP"
BACKUP_VERSION = 1
KEY_ID_BYTES = 16
X25519_BYTES = 32
NONCE_BYTES = 12
HEADER_BYTES = len(MAGIC) + 1 + KEY_ID_BYTES + X25519_BYTES + NONCE_BYTES
TAG_BYTES = 16
HKDF_INFO = b"refugewatch/backup/v1"
MANIFEST_FORMAT = "refugewatch-backup-manifest"
# AES-GCM under one nonce is limited to about 64 GiB; stay far below and keep memory bounded.
MAX_BACKUP_BYTES = 8 * 1024**3
# Member names become paths on restore: plain relative POSIX paths only, no way out of the folder.
MAX_MEMBER_NAME_CHARS = 255
# Owner-only, like any other file holding what the backup holds.
BACKUP_FILE_MODE = 0o600


@dataclass(frozen=True)
class BackupKeyPair:
    private_pem: bytes = field(repr=False)  # keep offline; encrypted when a passphrase was given
    public_pem: bytes


@dataclass(frozen=True)
class ManifestEntry:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Backup:
    created_at: dt.datetime
    members: Mapping[str, bytes]
    manifest: tuple[ManifestEntry, ...]


def generate_backup_keypair(passphrase: str | None = None) -> BackupKeyPair:
    """A new X25519 key pair as PEM; put the private half offline, the public half on the server."""
    key = X25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return BackupKeyPair(private_pem, public_pem)


def load_backup_public_key(pem: bytes) -> X25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise CryptoError("the backup public key is not a PEM public key") from None
    if not isinstance(key, X25519PublicKey):
        raise CryptoError("the backup public key is not an X25519 key")
    return key


def load_backup_private_key(pem: bytes, passphrase: str | None = None) -> X25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(
            pem, password=passphrase.encode("utf-8") if passphrase else None
        )
    except (ValueError, TypeError):
        raise CryptoError(
            "the backup private key could not be read: wrong passphrase, or not a key file"
        ) from None
    if not isinstance(key, X25519PrivateKey):
        raise CryptoError("the backup private key is not an X25519 key")
    return key


def backup_key_id(public_key: X25519PublicKey) -> bytes:
    return hashlib.sha256(_raw(public_key)).digest()[:KEY_ID_BYTES]


def write_backup(
    files: Mapping[str, bytes],
    recipient_public_key: X25519PublicKey | bytes,
    created_at: dt.datetime | None = None,
) -> bytes:
    """Encrypt the files to the recipient's public key; see the module doc for the format."""
    recipient = _as_public(recipient_public_key)
    created = created_at or dt.datetime.now(dt.UTC)
    payload = _pack(files, created)
    if len(payload) > MAX_BACKUP_BYTES:
        raise ValidationError([f"a backup holds at most {MAX_BACKUP_BYTES} bytes"])
    ephemeral = X25519PrivateKey.generate()
    header = (
        MAGIC
        + bytes([BACKUP_VERSION])
        + backup_key_id(recipient)
        + _raw(ephemeral.public_key())
        + os.urandom(NONCE_BYTES)
    )
    key = _derive(ephemeral.exchange(recipient), _raw(ephemeral.public_key()), _raw(recipient))
    return header + AESGCM(key).encrypt(header[-NONCE_BYTES:], payload, header)


def read_backup(
    blob: bytes, private_key: X25519PrivateKey | bytes, passphrase: str | None = None
) -> Backup:
    """Decrypt and check a backup; any change to any byte raises TamperedDataError."""
    key = (
        private_key
        if isinstance(private_key, X25519PrivateKey)
        else load_backup_private_key(private_key, passphrase)
    )
    header, sealed = _split(blob)
    recipient = key.public_key()
    if header[len(MAGIC) + 1 : len(MAGIC) + 1 + KEY_ID_BYTES] != backup_key_id(recipient):
        raise WrongKeyError(
            "this backup was encrypted to a different backup key; use the private key whose "
            f"public half has id {header[len(MAGIC) + 1 : len(MAGIC) + 1 + KEY_ID_BYTES].hex()}"
        )
    ephemeral_raw = header[-NONCE_BYTES - X25519_BYTES : -NONCE_BYTES]
    try:
        shared = key.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
    except ValueError:
        raise TamperedDataError("the backup header was altered (invalid ephemeral key)") from None
    aead_key = _derive(shared, ephemeral_raw, _raw(recipient))
    try:
        payload = AESGCM(aead_key).decrypt(header[-NONCE_BYTES:], sealed, header)
    except InvalidTag:
        raise TamperedDataError(
            "the backup was altered or damaged after it was written; it was not restored"
        ) from None
    return _unpack(payload)


def _split(blob: bytes) -> tuple[bytes, bytes]:
    if len(blob) < HEADER_BYTES + TAG_BYTES or not blob.startswith(MAGIC):
        raise TamperedDataError("this is not a refugewatch backup, or it was cut short")
    if blob[len(MAGIC)] != BACKUP_VERSION:
        raise TamperedDataError(
            f"backup format version {blob[len(MAGIC)]} is not one this refugewatch reads"
        )
    return blob[:HEADER_BYTES], blob[HEADER_BYTES:]


def _derive(shared: bytes, ephemeral_raw: bytes, recipient_raw: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral_raw + recipient_raw, info=HKDF_INFO
    )
    return hkdf.derive(shared)


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _as_public(key: X25519PublicKey | bytes) -> X25519PublicKey:
    return key if isinstance(key, X25519PublicKey) else load_backup_public_key(key)


# -- payload: manifest + members ----------------------------------------------------------------


def check_member_name(name: str) -> None:
    """Reject names that could escape the restore folder or confuse a file system."""
    path = PurePosixPath(name)
    bad = (
        not name
        or len(name) > MAX_MEMBER_NAME_CHARS
        or "\x00" in name
        or "\\" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
    )
    if bad:
        raise ValidationError([f"{name!r} is not a safe file name for a backup member"])


def _pack(files: Mapping[str, bytes], created: dt.datetime) -> bytes:
    if created.tzinfo is None:
        raise ValidationError(["the backup time needs a time zone (use UTC)"])
    names = sorted(files)
    for name in names:
        check_member_name(name)
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": BACKUP_VERSION,
        "created_at": created.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "members": [
            {"name": n, "size": len(files[n]), "sha256": hashlib.sha256(files[n]).hexdigest()}
            for n in names
        ],
    }
    encoded = json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return struct.pack(">I", len(encoded)) + encoded + b"".join(files[n] for n in names)


def _unpack(payload: bytes) -> Backup:
    try:
        (length,) = struct.unpack(">I", payload[:4])
        raw = json.loads(payload[4 : 4 + length])
        entries, created = _manifest(raw)
    except (ValueError, KeyError, TypeError, struct.error) as exc:
        raise TamperedDataError(f"the backup manifest is unreadable ({exc})") from None
    members: dict[str, bytes] = {}
    offset = 4 + length
    for entry in entries:
        data = payload[offset : offset + entry.size]
        offset += entry.size
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise TamperedDataError(f"backup member {entry.name!r} does not match its manifest")
        members[entry.name] = data
    if offset != len(payload):
        raise TamperedDataError("the backup holds bytes its manifest does not list")
    return Backup(created, members, tuple(entries))


def _manifest(raw: Any) -> tuple[list[ManifestEntry], dt.datetime]:
    if raw["format"] != MANIFEST_FORMAT or raw["version"] != BACKUP_VERSION:
        raise ValueError("unknown manifest format")
    entries = [
        ManifestEntry(str(m["name"]), int(m["size"]), str(m["sha256"])) for m in raw["members"]
    ]
    for entry in entries:
        check_member_name(entry.name)
        if entry.size < 0:
            raise ValueError(f"negative size for {entry.name!r}")
    if len({e.name for e in entries}) != len(entries):
        raise ValueError("a member name is listed twice")
    return entries, dt.datetime.fromisoformat(raw["created_at"])


# -- file helpers (the only functions here that touch the disk) ---------------------------------


def write_backup_file(
    destination: Path, files: Mapping[str, bytes], recipient_public_key: X25519PublicKey | bytes
) -> str:
    """Write an encrypted backup next to nothing else (owner-only, never overwriting); returns
    its sha256 for the backup log."""
    blob = write_backup(files, recipient_public_key)
    try:
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, BACKUP_FILE_MODE)
    except FileExistsError:
        raise CryptoError(f"{destination} already exists; choose a new backup file name") from None
    with os.fdopen(fd, "wb") as handle:  # a loop of os.write calls; one may write only part
        handle.write(blob)
        handle.flush()
        os.fsync(handle.fileno())
    return hashlib.sha256(blob).hexdigest()


def read_backup_file(
    source: Path, private_key: X25519PrivateKey | bytes, passphrase: str | None = None
) -> Backup:
    try:
        blob = source.read_bytes()
    except OSError as exc:
        raise CryptoError(f"cannot read the backup {source}: {exc.strerror}") from None
    return read_backup(blob, private_key, passphrase)


def collect_files(root: Path, relative_names: list[str]) -> dict[str, bytes]:
    """Read the named files under root into a mapping for write_backup (names are checked)."""
    files: dict[str, bytes] = {}
    for name in relative_names:
        check_member_name(name)
        files[name] = (root / name).read_bytes()
    return files
