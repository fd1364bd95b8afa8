"""Encryption at rest on both backends: the data key, sealed documents and identities, rotation,
audited decryption, and what a reader without the key sees."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from refugewatch.config import Settings
from refugewatch.errors import CryptoError, ValidationError, WrongPassphraseError
from refugewatch.model.cases import Case
from refugewatch.security.keys import KdfParams
from refugewatch.services import protection_keys as keys
from refugewatch.services.ingest import Outcome, ingest_bytes, ingest_paths, reextract_all
from refugewatch.services.queries import get_document, list_documents
from refugewatch.store.protocols import SEALED_TEXT_PLACEHOLDER
from refugewatch.store.sql import SqlUnitOfWork, create_engine_for, dispose_engines, migrate
from refugewatch.store.sql import uow_factory as make_factory

# The cheapest argon2id argon2 accepts: these tests check wiring, not the cost of a guess.
FAST_KDF = KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)
PASSPHRASE = "correct horse battery staple"
SECRET_TEXT = (
    "Five North Korean defectors, among them Pak Sun-hui, were arrested by Chinese police in "
    "Tumen on 3 March 2024. They are held at the Tumen border detention centre and face forced "
    "repatriation."
)
Factory = Callable[[], SqlUnitOfWork]


@pytest.fixture
def store(database_url: str) -> Iterator[Factory]:
    migrate(database_url)
    yield make_factory(database_url)
    dispose_engines()


@pytest.fixture
def cipher(store: Factory) -> keys.FieldCipher:
    keys.init_keys(store, PASSPHRASE, "admin", FAST_KDF)
    return keys.unlock(store, PASSPHRASE)


def _raw_bytes(url: str) -> bytes:
    """Everything stored in the text and binary columns, as one byte string to search."""
    engine = create_engine_for(url)
    chunks: list[bytes] = []
    try:
        with engine.connect() as connection:
            for table in ("documents", "document_originals", "claims", "audit_events", "persons"):
                for row in connection.execute(sa.text(f"SELECT * FROM {table}")):
                    for value in row:
                        if isinstance(value, bytes | memoryview):
                            chunks.append(bytes(value))
                        elif value is not None:
                            chunks.append(str(value).encode())
    finally:
        engine.dispose()
    return b"\n".join(chunks)


def _ingest_secret(store: Factory, cipher: keys.FieldCipher | None) -> str:
    result = ingest_bytes(
        store, "call.txt", SECRET_TEXT.encode(), Settings(), cipher=cipher, confidential=True
    )
    assert result.outcome is Outcome.INGESTED, result.reason
    assert result.sha256 is not None
    return result.sha256


def test_key_is_stored_wrapped_and_unlocks_only_with_its_passphrase(
    store: Factory, database_url: str
) -> None:
    status = keys.init_keys(store, PASSPHRASE, "admin", FAST_KDF)
    assert status.initialised and status.key_id and status.kdf == FAST_KDF
    with pytest.raises(WrongPassphraseError):
        keys.unlock(store, "not the passphrase at all")
    assert keys.unlock(store, PASSPHRASE).key_id.hex() == status.key_id
    with pytest.raises(CryptoError, match="already exists"):
        keys.init_keys(store, PASSPHRASE, "admin", FAST_KDF)
    with store() as uow:
        wrapped = json.loads(uow.protection.get_setting(keys.WRAPPED_KEY_SETTING) or "{}")
    assert wrapped["kdf"]["algorithm"] == "argon2id" and "ciphertext" in wrapped


@pytest.mark.parametrize("short", ["", "short pass"], ids=["empty", "eleven-chars"])
def test_short_passphrase_is_refused(store: Factory, short: str) -> None:
    with pytest.raises(ValidationError, match="at least 12"):
        keys.init_keys(store, short, "admin", FAST_KDF)


def test_unlock_without_a_key_says_to_create_one(store: Factory) -> None:
    with pytest.raises(CryptoError, match="keys init"):
        keys.unlock(store, PASSPHRASE)


def test_confidential_document_is_ciphertext_at_rest(
    store: Factory, cipher: keys.FieldCipher, database_url: str
) -> None:
    sha = _ingest_secret(store, cipher)
    raw = _raw_bytes(database_url)
    # Neither the text, a quote of it, nor the file name is stored in the clear anywhere.
    assert b"Pak Sun-hui" not in raw and b"among them" not in raw and b"call.txt" not in raw
    with store() as uow:
        sealed = uow.documents.sealed(sha)
        stored = uow.documents.get(sha)
    assert sealed is not None and b"Pak" not in sealed.clean_text + sealed.original
    assert stored is not None and stored.clean_text == SEALED_TEXT_PLACEHOLDER
    assert stored.original == b"" and keys.is_sealed(stored)


def test_confidential_ingest_without_the_key_is_refused_and_stores_nothing(
    store: Factory, tmp_path: Path
) -> None:
    report_file = tmp_path / "call.txt"
    report_file.write_text(SECRET_TEXT, encoding="utf-8")
    report = ingest_paths(store, [report_file], Settings(), confidential=True)
    assert [r.outcome for r in report.results] == [Outcome.REFUSED]
    assert "data key is locked" in (report.results[0].reason or "")
    with store() as uow:
        assert uow.documents.count() == 0 and uow.audit.list() == []


def test_extraction_runs_on_the_decrypted_text(store: Factory, cipher: keys.FieldCipher) -> None:
    sha = _ingest_secret(store, cipher)
    with store() as uow:
        claims = uow.claims.for_document(sha)
    assert claims, "the extractor saw the real text, not the placeholder"
    assert all(c.sensitivity.value == "confidential" for c in claims)


def test_quotes_are_recovered_from_the_decrypted_text(
    store: Factory, cipher: keys.FieldCipher
) -> None:
    sha = _ingest_secret(store, cipher)
    detail = get_document(store, sha, cipher=cipher)
    for claim in detail.claims:
        real = detail.document.clean_text[claim.evidence.start : claim.evidence.end]
        assert real and claim.evidence.quote == keys.quote_tag(real)


def test_without_the_key_readers_see_a_placeholder_and_nothing_is_audited(
    store: Factory, cipher: keys.FieldCipher
) -> None:
    sha = _ingest_secret(store, cipher)
    detail = get_document(store, sha)
    assert detail.document.clean_text == SEALED_TEXT_PLACEHOLDER
    assert [d.clean_text for d in list_documents(store)] == [SEALED_TEXT_PLACEHOLDER]
    with store() as uow:
        assert [e.action for e in uow.audit.list()] == ["keys.init", "document.ingest"]


def test_every_decryption_is_audited_with_a_hash_not_the_text(
    store: Factory, cipher: keys.FieldCipher
) -> None:
    sha = _ingest_secret(store, cipher)
    for _ in range(2):
        detail = get_document(store, sha, cipher=cipher, actor="researcher")
        assert detail.document.clean_text == SECRET_TEXT
        assert detail.document.original == SECRET_TEXT.encode()
    with store() as uow:
        reads = [e for e in uow.audit.list() if e.action == "document.decrypt"]
        ingest = next(e for e in uow.audit.list() if e.action == "document.ingest")
    assert len(reads) == 2 and {e.actor for e in reads} == {"researcher"}
    assert json.loads(reads[0].after or "{}")["clean_text_sha256"] == keys.sha256_text(SECRET_TEXT)
    assert all("Pak" not in (e.after or "") for e in [*reads, ingest])
    assert "call.txt" not in (ingest.after or ""), "a confidential file name is kept as a hash"


def test_reextraction_keeps_sealed_documents_without_the_key(
    store: Factory, cipher: keys.FieldCipher
) -> None:
    sha = _ingest_secret(store, cipher)
    with store() as uow:
        before = [c.id for c in uow.claims.for_document(sha)]
    assert reextract_all(store, "ingester") == 0
    assert reextract_all(store, "ingester", cipher) == 1
    with store() as uow:
        assert [c.id for c in uow.claims.for_document(sha)] == before


def test_passphrase_rotation_keeps_the_data_key(store: Factory, cipher: keys.FieldCipher) -> None:
    sha = _ingest_secret(store, cipher)
    new = "a completely different passphrase"
    status = keys.rotate_keys(store, PASSPHRASE, "admin", new_passphrase=new, kdf=FAST_KDF)
    assert status.key_id == cipher.key_id.hex()
    with pytest.raises(WrongPassphraseError):
        keys.unlock(store, PASSPHRASE)
    again = keys.unlock(store, new)
    assert get_document(store, sha, cipher=again).document.clean_text == SECRET_TEXT


def test_data_key_rotation_reencrypts_every_value(store: Factory, cipher: keys.FieldCipher) -> None:
    sha = _ingest_secret(store, cipher)
    case = _add_case(store)
    person = keys.add_person(store, cipher, case.id, "Person A", "김철수", "admin")
    with store() as uow:
        before = {(v.table, v.row_id): v.blob for v in uow.protection.sealed_values()}
    status = keys.rotate_keys(store, PASSPHRASE, "admin", new_data_key=True, kdf=FAST_KDF)
    assert status.key_id != cipher.key_id.hex()
    assert status.sealed_values == 3 and status.other_key_values == 0
    with store() as uow:
        after = {(v.table, v.row_id): v.blob for v in uow.protection.sealed_values()}
    assert after.keys() == before.keys() and all(after[k] != before[k] for k in after)
    fresh = keys.unlock(store, PASSPHRASE)
    with pytest.raises(CryptoError):
        get_document(store, sha, cipher=cipher)  # the old key no longer opens anything
    assert get_document(store, sha, cipher=fresh).document.clean_text == SECRET_TEXT
    assert keys.reveal_person(store, fresh, person.id, "admin", "check") == "김철수"


def test_rotation_stops_on_a_tampered_value_and_changes_nothing(
    store: Factory, cipher: keys.FieldCipher, database_url: str
) -> None:
    sha = _ingest_secret(store, cipher)
    engine = create_engine_for(database_url)
    with engine.begin() as connection:  # paste the original's ciphertext over the text's
        connection.execute(
            sa.text(
                "UPDATE documents SET clean_text_ciphertext = "
                "(SELECT bytes FROM document_originals WHERE sha256 = :s) WHERE sha256 = :s"
            ),
            {"s": sha},
        )
    engine.dispose()
    with pytest.raises(CryptoError, match="altered or belongs to another row"):
        keys.rotate_keys(store, PASSPHRASE, "admin", new_data_key=True, kdf=FAST_KDF)
    assert keys.key_status(store).key_id == cipher.key_id.hex()


def _add_case(store: Factory, case_id: str = "case-1") -> Case:
    case = Case(id=case_id, label="Tumen group", incident_keys=("k#0",))
    with store() as uow:
        uow.cases.replace_all([case])
        uow.commit()
    return case


def test_person_identity_is_sealed_and_bound_to_its_row(
    store: Factory, cipher: keys.FieldCipher, database_url: str
) -> None:
    case = _add_case(store)
    first = keys.add_person(store, cipher, case.id, "Person A", "Kim Chol-su", "admin")
    second = keys.add_person(store, cipher, case.id, "Person B", "Ri Yong-ho", "admin")
    assert b"Chol-su" not in _raw_bytes(database_url)
    engine = create_engine_for(database_url)
    with engine.begin() as connection:  # move A's sealed name onto B
        connection.execute(
            sa.text("UPDATE persons SET identity_ciphertext = :b WHERE id = :i"),
            {"b": first.identity_ciphertext, "i": second.id},
        )
    engine.dispose()
    with pytest.raises(CryptoError, match="another row"):
        keys.reveal_person(store, cipher, second.id, "admin", "check")
    assert keys.reveal_person(store, cipher, first.id, "admin", "check") == "Kim Chol-su"


def test_adding_a_person_needs_the_key(store: Factory) -> None:
    case = _add_case(store)
    with pytest.raises(CryptoError, match="locked"):
        keys.add_person(store, None, case.id, "Person A", "Kim Chol-su", "admin")


def test_sqlite_overwrites_deleted_content(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rw.db'}"
    migrate(url)
    marker = "UNIQUE-DELETED-MARKER-" * 20
    engine = create_engine_for(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO protection_settings VALUES ('x', :v, '2026-01-01')"), {"v": marker}
        )
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM protection_settings"))
    engine.dispose()
    raw = sqlite3.connect(tmp_path / "rw.db")  # fold the WAL into the file, as a seizure might
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    assert marker.encode() not in (tmp_path / "rw.db").read_bytes()


def test_the_deleted_content_check_can_see_leftovers(tmp_path: Path) -> None:
    """Control for the test above: with secure_delete off, the deleted row stays in the file."""
    path = tmp_path / "plain.db"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA secure_delete=OFF")
    raw.execute("CREATE TABLE t (v TEXT)")
    raw.execute("INSERT INTO t VALUES (?)", ("UNIQUE-DELETED-MARKER-" * 20,))
    raw.commit()
    raw.execute("DELETE FROM t")
    raw.commit()
    raw.close()
    assert b"UNIQUE-DELETED-MARKER-" in path.read_bytes()
