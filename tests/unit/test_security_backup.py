"""Backups encrypted to a public key, tested as a thief holding the server or the backup file."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.errors import CryptoError, TamperedDataError, ValidationError, WrongKeyError
from refugewatch.security.backup import (
    HEADER_BYTES,
    MAGIC,
    BackupKeyPair,
    check_member_name,
    collect_files,
    generate_backup_keypair,
    load_backup_private_key,
    read_backup,
    read_backup_file,
    write_backup,
    write_backup_file,
)

FILES = {"refugewatch.db": b"SQLite format 3\x00" + b"\x01" * 500, "keys/wrapped.json": b"{}"}
AT = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def pair() -> BackupKeyPair:
    return generate_backup_keypair()


@pytest.fixture(scope="module")
def blob(pair: BackupKeyPair) -> bytes:
    return write_backup(FILES, pair.public_pem, AT)


def test_round_trip(pair: BackupKeyPair, blob: bytes) -> None:
    backup = read_backup(blob, pair.private_pem)
    assert dict(backup.members) == FILES and backup.created_at == AT
    assert [e.name for e in backup.manifest] == sorted(FILES)


MEMBER_NAMES = st.lists(
    st.text(alphabet="abcdefghij_0123456789", min_size=1, max_size=8), min_size=1, max_size=3
).map("/".join)


@settings(max_examples=25, deadline=None)
@given(files=st.dictionaries(MEMBER_NAMES, st.binary(max_size=300), max_size=5))
def test_any_files_round_trip(pair: BackupKeyPair, files: dict[str, bytes]) -> None:
    assert (
        dict(read_backup(write_backup(files, pair.public_pem), pair.private_pem).members) == files
    )


def test_contents_are_not_visible(blob: bytes) -> None:
    assert b"SQLite format" not in blob and b"wrapped.json" not in blob


def test_each_backup_uses_a_new_ephemeral_key(pair: BackupKeyPair) -> None:
    a, b = write_backup(FILES, pair.public_pem, AT), write_backup(FILES, pair.public_pem, AT)
    assert a[: HEADER_BYTES - 12] != b[: HEADER_BYTES - 12] and a[HEADER_BYTES:] != b[HEADER_BYTES:]


def test_public_key_alone_cannot_read_a_backup(pair: BackupKeyPair, blob: bytes) -> None:
    """The machine making backups holds only the public key."""
    with pytest.raises(CryptoError):
        read_backup(blob, pair.public_pem)


def test_wrong_private_key_is_named_clearly(blob: bytes) -> None:
    stranger = generate_backup_keypair()
    with pytest.raises(WrongKeyError, match="different backup key"):
        read_backup(blob, stranger.private_pem)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_single_bit_flip_is_detected(
    pair: BackupKeyPair, blob: bytes, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(blob) - 1), label="byte")
    damaged = bytearray(blob)
    damaged[position] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    with pytest.raises(CryptoError):
        read_backup(bytes(damaged), pair.private_pem)


@pytest.mark.parametrize(
    "cut", [0, len(MAGIC), HEADER_BYTES, HEADER_BYTES + 20, -1], ids=lambda n: f"cut-at-{n}"
)
def test_truncated_backup_is_refused(pair: BackupKeyPair, blob: bytes, cut: int) -> None:
    with pytest.raises(TamperedDataError):
        read_backup(blob[:cut], pair.private_pem)


def test_appended_bytes_are_refused(pair: BackupKeyPair, blob: bytes) -> None:
    with pytest.raises(TamperedDataError):
        read_backup(blob + b"\x00", pair.private_pem)


def test_swapped_ephemeral_key_is_refused(pair: BackupKeyPair, blob: bytes) -> None:
    """An attacker re-encrypts chosen content to the public key and splices in the old header."""
    forged = write_backup({"refugewatch.db": b"planted"}, pair.public_pem, AT)
    spliced = blob[:HEADER_BYTES] + forged[HEADER_BYTES:]
    with pytest.raises(TamperedDataError):
        read_backup(spliced, pair.private_pem)


def test_low_order_ephemeral_point_is_refused(pair: BackupKeyPair, blob: bytes) -> None:
    forged = bytearray(blob)
    start = HEADER_BYTES - 12 - 32
    forged[start : start + 32] = b"\x00" * 32
    with pytest.raises(TamperedDataError):
        read_backup(bytes(forged), pair.private_pem)


def test_not_a_backup_is_refused(pair: BackupKeyPair) -> None:
    with pytest.raises(TamperedDataError, match="not a refugewatch backup"):
        read_backup(b"PK\x03\x04" + b"\x00" * 200, pair.private_pem)


@pytest.mark.parametrize(
    "name",
    ["", "/etc/passwd", "../escape", "a/../../b", "a//b", "./a", "a\\b", "nul\x00byte", "x" * 300],
    ids=[
        "empty",
        "absolute",
        "dotdot",
        "nested-dotdot",
        "empty-part",
        "dot",
        "backslash",
        "nul",
        "long",
    ],
)
def test_unsafe_member_names_are_refused(pair: BackupKeyPair, name: str) -> None:
    with pytest.raises(ValidationError, match="not a safe file name"):
        check_member_name(name)
    with pytest.raises(ValidationError):
        write_backup({name: b"x"}, pair.public_pem)


def test_passphrase_protected_private_key(blob: bytes) -> None:
    pair = generate_backup_keypair("offline key passphrase")
    assert b"ENCRYPTED" in pair.private_pem
    sealed = write_backup(FILES, pair.public_pem)
    assert dict(read_backup(sealed, pair.private_pem, "offline key passphrase").members) == FILES
    with pytest.raises(CryptoError, match="wrong passphrase"):
        load_backup_private_key(pair.private_pem, "guess")


def test_private_key_is_not_in_repr() -> None:
    pair = generate_backup_keypair()
    assert b"PRIVATE" in pair.private_pem and "PRIVATE" not in repr(pair)


def test_file_helpers(pair: BackupKeyPair, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "refugewatch.db").write_bytes(b"db bytes")
    files = collect_files(tmp_path / "data", ["refugewatch.db"])
    target = tmp_path / "backup.rwb"
    digest = write_backup_file(target, files, pair.public_pem)
    assert len(digest) == 64 and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert dict(read_backup_file(target, pair.private_pem).members) == {
        "refugewatch.db": b"db bytes"
    }
    with pytest.raises(CryptoError, match="already exists"):
        write_backup_file(target, files, pair.public_pem)


def test_collect_files_refuses_escaping_names(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        collect_files(tmp_path, ["../secret"])
