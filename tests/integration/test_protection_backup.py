"""Encrypted backups and restores on both backends (and across them), refusing tampering."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from refugewatch.errors import CryptoError, TamperedDataError, ValidationError, WrongKeyError
from refugewatch.security import backup as backup_format
from refugewatch.security.keys import KdfParams
from refugewatch.security.passwords import HashParams, Passwords
from refugewatch.services import protection_backup as backups
from refugewatch.services import protection_keys as keys
from refugewatch.services import protection_users as users
from refugewatch.services.audit import record
from refugewatch.services.queries import get_document
from refugewatch.store.sql import SqlUnitOfWork, create_engine_for, dispose_engines, migrate
from refugewatch.store.sql import uow_factory as make_factory
from refugewatch.store.sql.archive import SqlDatabaseArchive
from tests.integration.conftest import make_claim, make_document

Factory = Callable[[], SqlUnitOfWork]
FAST_KDF = KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)
PASSPHRASE = "correct horse battery staple"
FAST = Passwords(HashParams(time_cost=1, memory_cost_kib=1024, parallelism=1))
# Injection-shaped text in several fields: it must come back byte for byte.
HOSTILE = '\'); DROP TABLE documents; -- "x" OR 1=1 /* 김 */'


@pytest.fixture
def source(database_url: str) -> Iterator[tuple[str, Factory]]:
    migrate(database_url)
    factory = make_factory(database_url)
    _fill(factory)
    yield database_url, factory
    dispose_engines()


@pytest.fixture
def keypair(tmp_path: Path) -> tuple[bytes, bytes]:
    private, public = backups.make_backup_keys(tmp_path / "backup-keys")
    return private.read_bytes(), public.read_bytes()


def _fill(store: Factory) -> None:
    keys.init_keys(store, PASSPHRASE, "admin", FAST_KDF)
    cipher = keys.unlock(store, PASSPHRASE)
    document = make_document("one", title=HOSTILE)
    with store() as uow:
        uow.documents.add(document)
        uow.claims.replace_for_document(
            document.sha256, [make_claim(document, {"people_best": 9, "place": HOSTILE})]
        )
        keys.seal_document(uow, cipher, make_document("secret"))
        record(uow, "mina", "case.note", "case-1", reason=HOSTILE)
        uow.commit()


def _target(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'restored' / 'rw.db'}"


def _backup(source: tuple[str, Factory], public: bytes, path: Path) -> backups.BackupResult:
    url, store = source
    return backups.create_backup(SqlDatabaseArchive(url), store, path, public, "admin")


def test_backup_restores_everything_into_an_empty_database(
    source: tuple[str, Factory], keypair: tuple[bytes, bytes], tmp_path: Path
) -> None:
    private, public = keypair
    archive = tmp_path / "rw.backup"
    result = _backup(source, public, archive)
    assert archive.read_bytes().startswith(backup_format.MAGIC)
    assert b"Clean text of one" not in archive.read_bytes()
    assert oct(os.stat(archive).st_mode & 0o777) == "0o600"
    target = _target(tmp_path)
    counts = backups.restore_backup(
        SqlDatabaseArchive(target), make_factory(target), archive, private, "admin"
    )
    assert counts["documents"] == 2 and counts["audit_events"] == 2
    restored = make_factory(target)
    with restored() as uow:
        titles = sorted(d.title or "" for d in uow.documents.list())
        (claim,) = uow.claims.list()
        actions = [e.action for e in uow.audit.list()]
        chain = uow.audit_chain.verify_chain()
    assert HOSTILE in titles and claim.values["place"] == HOSTILE
    assert actions == ["keys.init", "case.note", "backup.restore"] and chain == []
    cipher = keys.unlock(restored, PASSPHRASE)  # the wrapped key came along
    secret = make_document("secret")
    assert get_document(restored, secret.sha256, cipher=cipher).document.original == secret.original
    assert result.sha256 and len(result.members) == 2


def test_archive_of_each_backend_restores_into_sqlite(
    source: tuple[str, Factory], keypair: tuple[bytes, bytes], tmp_path: Path
) -> None:
    """The archive of either backend restores into a SQLite file (the common recovery)."""
    private, public = keypair
    _backup(source, public, tmp_path / "rw.backup")
    target = _target(tmp_path)
    backups.restore_backup(
        SqlDatabaseArchive(target), make_factory(target), tmp_path / "rw.backup", private, "admin"
    )
    engine = create_engine_for(target)
    with engine.connect() as connection:
        users = connection.execute(sa.text("SELECT count(*) FROM documents")).scalar_one()
    engine.dispose()
    assert users == 2


def test_restore_into_each_backend_from_a_sqlite_archive(
    database_url: str, keypair: tuple[bytes, bytes], tmp_path: Path
) -> None:
    """Into PostgreSQL too: explicit ids are restored, so serial sequences must move past them."""
    private, public = keypair
    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    migrate(source_url)
    source = make_factory(source_url)
    _fill(source)
    users.add_user(source, "mina", "editor", "a long enough password", "admin", passwords=FAST)
    _backup((source_url, source), public, tmp_path / "rw.backup")
    target = make_factory(database_url)
    backups.restore_backup(
        SqlDatabaseArchive(database_url), target, tmp_path / "rw.backup", private, "admin"
    )
    added = users.add_user(target, "jun", "viewer", "a long enough password", "a", passwords=FAST)
    assert added.id == 2 and [u.username for u in users.list_users(target)] == ["jun", "mina"]
    with target() as uow:
        assert uow.documents.count() == 2 and uow.audit_chain.verify_chain() == []


def test_non_empty_target_is_refused(
    source: tuple[str, Factory], keypair: tuple[bytes, bytes], tmp_path: Path
) -> None:
    private, public = keypair
    _backup(source, public, tmp_path / "rw.backup")
    url, store = source
    with pytest.raises(ValidationError, match="not empty"):
        backups.restore_backup(SqlDatabaseArchive(url), store, tmp_path / "rw.backup", private, "a")


@pytest.mark.parametrize("offset", [10, 200, -1], ids=["header", "body", "tag"])
def test_tampered_archive_is_refused(
    source: tuple[str, Factory], keypair: tuple[bytes, bytes], tmp_path: Path, offset: int
) -> None:
    private, public = keypair
    archive = tmp_path / "rw.backup"
    _backup(source, public, archive)
    data = bytearray(archive.read_bytes())
    data[offset] ^= 0x01
    archive.write_bytes(bytes(data))
    target = _target(tmp_path)
    with pytest.raises(CryptoError):
        backups.restore_backup(
            SqlDatabaseArchive(target), make_factory(target), archive, private, "a"
        )
    assert not (tmp_path / "restored" / "rw.db").exists()


def test_wrong_private_key_is_refused(
    source: tuple[str, Factory], keypair: tuple[bytes, bytes], tmp_path: Path
) -> None:
    _, public = keypair
    other, _ = backups.make_backup_keys(tmp_path / "other")
    _backup(source, public, tmp_path / "rw.backup")
    target = _target(tmp_path)
    with pytest.raises(WrongKeyError):
        backups.restore_backup(
            SqlDatabaseArchive(target),
            make_factory(target),
            tmp_path / "rw.backup",
            other.read_bytes(),
            "a",
        )


def test_archive_with_a_broken_audit_chain_restores_nothing(
    source: tuple[str, Factory], keypair: tuple[bytes, bytes], tmp_path: Path
) -> None:
    """A backup made (and so signed by the archive's encryption) after someone edited the log."""
    private, public = keypair
    url, _ = source
    engine = create_engine_for(url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE audit_events SET actor = 'forged' WHERE seq = 1"))
    engine.dispose()
    _backup(source, public, tmp_path / "rw.backup")
    target = _target(tmp_path)
    with pytest.raises(TamperedDataError, match="audit chain is broken"):
        backups.restore_backup(
            SqlDatabaseArchive(target), make_factory(target), tmp_path / "rw.backup", private, "a"
        )
    engine = create_engine_for(target)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM documents")).scalar_one() == 0
    engine.dispose()


@pytest.mark.parametrize(
    "name",
    ["../../etc/evil", "/abs/path", "database/../../x", "a\\b"],
    ids=["climb", "absolute", "nested-climb", "backslash"],
)
def test_archive_members_that_climb_out_are_refused(
    keypair: tuple[bytes, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    private, public = keypair
    with monkeypatch.context() as patched:  # an attacker's writer skips the name check
        patched.setattr(backup_format, "check_member_name", lambda _name: None)
        blob = backup_format.write_backup({name: b"x"}, public)
    (tmp_path / "evil.backup").write_bytes(blob)
    target = _target(tmp_path)
    with pytest.raises(ValidationError, match="not a safe file name"):
        backups.restore_backup(
            SqlDatabaseArchive(target), make_factory(target), tmp_path / "evil.backup", private, "a"
        )


def test_backup_keys_are_never_overwritten(tmp_path: Path) -> None:
    private, _ = backups.make_backup_keys(tmp_path / "k")
    before = private.read_bytes()
    with pytest.raises(ValidationError, match="already exists"):
        backups.make_backup_keys(tmp_path / "k")
    assert private.read_bytes() == before
    assert oct(os.stat(private).st_mode & 0o777) == "0o600"
