"""Encrypted backups of the whole database (originals included) and restoring them.

The archive is encrypted to an X25519 public key (security.backup): the machine that makes
backups cannot read them. Restoring needs the offline private key, refuses any altered byte,
goes only into an empty database, and checks the audit chain before it commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from refugewatch.errors import ValidationError
from refugewatch.security.backup import (
    generate_backup_keypair,
    load_backup_public_key,
    read_backup_file,
    write_backup_file,
)
from refugewatch.services.audit import record
from refugewatch.services.protection_exports import check_output_path, write_new_file
from refugewatch.store.protocols import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
PRIVATE_KEY_NAME = "backup-private.pem"
PUBLIC_KEY_NAME = "backup-public.pem"


class DatabaseArchive(Protocol):
    """The store's whole-database snapshot/restore (refugewatch.store.sql.archive)."""

    def snapshot(self) -> dict[str, bytes]: ...
    def restore(self, members: Mapping[str, bytes]) -> dict[str, int]: ...


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    members: tuple[str, ...]
    size: int


def make_backup_keys(folder: Path, passphrase: str | None = None) -> tuple[Path, Path]:
    """A new key pair in `folder`: the private key (owner-only) goes offline, the public key
    stays on the server. Existing key files are never overwritten."""
    check_output_path(folder / PRIVATE_KEY_NAME)
    check_output_path(folder / PUBLIC_KEY_NAME)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError([f"cannot create the folder {folder}: {exc.strerror}"]) from None
    pair = generate_backup_keypair(passphrase)
    write_new_file(folder / PRIVATE_KEY_NAME, pair.private_pem)
    write_new_file(folder / PUBLIC_KEY_NAME, pair.public_pem)
    return folder / PRIVATE_KEY_NAME, folder / PUBLIC_KEY_NAME


def create_backup(
    archive: DatabaseArchive,
    uow_factory: UowFactory,
    destination: Path,
    public_key_pem: bytes,
    actor: str,
) -> BackupResult:
    """Snapshot the database, encrypt it to the public key, write it as a new file, log it."""
    check_output_path(destination)
    recipient = load_backup_public_key(public_key_pem)
    members = archive.snapshot()
    sha = write_backup_file(destination, members, recipient)
    size = destination.stat().st_size
    with uow_factory() as uow:
        after = {"sha256": sha, "members": len(members), "bytes": size}
        record(uow, actor, "backup.create", f"backup:{destination.name}", after=after)
        uow.commit()
    return BackupResult(destination, sha, tuple(sorted(members)), size)


def restore_backup(
    archive: DatabaseArchive,
    uow_factory: UowFactory,
    source: Path,
    private_key_pem: bytes,
    actor: str,
    passphrase: str | None = None,
) -> dict[str, int]:
    """Decrypt and check the archive, load it into the empty target, and record the restore."""
    backup = read_backup_file(source, private_key_pem, passphrase)
    counts = archive.restore(backup.members)
    with uow_factory() as uow:
        after = {"sha256": hashlib.sha256(source.read_bytes()).hexdigest(), "rows": counts}
        record(uow, actor, "backup.restore", f"backup:{source.name}", after=after)
        uow.commit()
    return counts
