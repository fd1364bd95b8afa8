"""The data key in use: create, unlock, rotate; seal and reveal protected fields, auditing reveals.

The data key is stored only wrapped under a passphrase (security.keys) in protection_settings.
Documents of a confidential source keep their original bytes and clean text as AES-GCM ciphertext
(security.crypto), bound to table, column and row; people keep their identity the same way. Every
decryption appends an audit event that names what was read and the sha256 of what it held, never
the plaintext.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath

from refugewatch.errors import CryptoError, NotFoundError, ValidationError
from refugewatch.model.claims import Claim
from refugewatch.model.documents import Document
from refugewatch.security.crypto import FieldCipher, FieldContext, SealedField, rotate_fields
from refugewatch.security.crypto import sealed_key_id as blob_key_id
from refugewatch.security.keys import (
    STRONG_KDF,
    DataKey,
    KdfParams,
    WrappedKey,
    check_new_passphrase,
    generate_data_key,
    unwrap_key,
    wrap_key,
)
from refugewatch.services.audit import record
from refugewatch.store.protocols import (
    SEALED_FLAG,
    PersonRecord,
    SealedDocument,
    SealedValue,
    UnitOfWork,
)

UowFactory = Callable[[], UnitOfWork]

# protection_settings names.
WRAPPED_KEY_SETTING = "wrapped_data_key"
# Where a sealed value lives, as named in its AES-GCM context (the store's table and column).
ORIGINAL_FIELD = ("document_originals", "bytes")
CLEAN_TEXT_FIELD = ("documents", "clean_text_ciphertext")
IDENTITY_FIELD = ("persons", "identity_ciphertext")
# Extension kept on a sealed document's neutral file name (so its type still shows).
MAX_SUFFIX_CHARS = 8
# 64 bits of a quote's sha256 tell quotes of one document apart; the full hash adds nothing.
QUOTE_TAG_HEX = 16
# Person ids are random: an id derived from the name would leak it.
PERSON_ID_BYTES = 8
LOCKED_MESSAGE = (
    "the data key is locked: give the passphrase (prompt, or a file named by "
    "REFUGEWATCH_PASSPHRASE_FILE)"
)


@dataclass(frozen=True)
class KeyStatus:
    initialised: bool
    key_id: str | None
    kdf: KdfParams | None
    sealed_values: int
    # Values sealed under another key than the current one (should be 0 after a rotation).
    other_key_values: int


def sha256_text(value: str | bytes) -> str:
    """The fingerprint the audit log keeps of a confidential value instead of the value."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()


# -- the data key -------------------------------------------------------------------------------


def init_keys(
    uow_factory: UowFactory, passphrase: str, actor: str, kdf: KdfParams = STRONG_KDF
) -> KeyStatus:
    """Create the data key and store it wrapped under `passphrase`; refuses a second key."""
    check_new_passphrase(passphrase)
    with uow_factory() as uow:
        if uow.protection.get_setting(WRAPPED_KEY_SETTING) is not None:
            raise CryptoError(
                "a data key already exists; use `refugewatch keys rotate` to change it"
            )
        key = generate_data_key()
        uow.protection.set_setting(WRAPPED_KEY_SETTING, wrap_key(key, passphrase, kdf).to_json())
        record(uow, actor, "keys.init", "data-key", after={"key_id": key.key_id.hex()})
        uow.commit()
    return key_status(uow_factory)


def unlock(uow_factory: UowFactory, passphrase: str) -> FieldCipher:
    """The cipher for the stored data key; WrongPassphraseError for a wrong passphrase."""
    with uow_factory() as uow:
        wrapped = _wrapped(uow)
    return FieldCipher(unwrap_key(wrapped, passphrase))


def key_status(uow_factory: UowFactory) -> KeyStatus:
    with uow_factory() as uow:
        raw = uow.protection.get_setting(WRAPPED_KEY_SETTING)
        values = uow.protection.sealed_values()
    if raw is None:
        return KeyStatus(False, None, None, len(values), len(values))
    wrapped = WrappedKey.from_json(raw)
    stale = sum(1 for v in values if blob_key_id(v.blob) != wrapped.key_id)
    return KeyStatus(True, wrapped.key_id.hex(), wrapped.kdf, len(values), stale)


def rotate_keys(
    uow_factory: UowFactory,
    passphrase: str,
    actor: str,
    *,
    new_passphrase: str | None = None,
    new_data_key: bool = False,
    kdf: KdfParams = STRONG_KDF,
) -> KeyStatus:
    """A new passphrase (rewrap only) and/or a new data key (every value re-encrypted, all or
    nothing, in one transaction with the new wrapped key)."""
    if new_passphrase is None and not new_data_key:
        raise ValidationError(["say what to rotate: a new passphrase, a new data key, or both"])
    if new_passphrase is not None:
        check_new_passphrase(new_passphrase)
    with uow_factory() as uow:
        wrapped = _wrapped(uow)
        old = unwrap_key(wrapped, passphrase)
        key, rotated = old, 0
        if new_data_key:
            key = generate_data_key()
            rotated = _reencrypt_all(uow, FieldCipher(old), key)
        rewrapped = wrap_key(key, new_passphrase or passphrase, kdf)
        uow.protection.set_setting(WRAPPED_KEY_SETTING, rewrapped.to_json())
        after = {"key_id": key.key_id.hex(), "values_reencrypted": rotated}
        before = {"key_id": old.key_id.hex()}
        record(uow, actor, "keys.rotate", "data-key", before=before, after=after)
        uow.commit()
    return key_status(uow_factory)


def _reencrypt_all(uow: UnitOfWork, old: FieldCipher, key: DataKey) -> int:
    stored = uow.protection.sealed_values()
    fields = [SealedField(v.blob, FieldContext(v.table, v.column, v.row_id)) for v in stored]
    rotated = rotate_fields(fields, old, key)
    uow.protection.replace_sealed(
        [SealedValue(f.context.table, f.context.column, f.context.row_id, f.blob) for f in rotated]
    )
    return len(rotated)


def _wrapped(uow: UnitOfWork) -> WrappedKey:
    raw = uow.protection.get_setting(WRAPPED_KEY_SETTING)
    if raw is None:
        raise CryptoError("no data key has been created yet: run `refugewatch keys init`")
    return WrappedKey.from_json(raw)


# -- documents ----------------------------------------------------------------------------------


def is_sealed(document: Document) -> bool:
    """True for a document stored as ciphertext (its clean text here is a placeholder)."""
    return SEALED_FLAG in document.flags


def seal_document(uow: UnitOfWork, cipher: FieldCipher | None, document: Document) -> None:
    """Store a confidential document as ciphertext only; refuses without the data key.

    What stays in the clear is metadata only: the file name becomes `confidential-<sha>` and
    the title is dropped (either may name a person); original and text are sealed."""
    if cipher is None:
        raise CryptoError(f"{document.filename} is confidential: {LOCKED_MESSAGE}; nothing stored")
    sha = document.sha256
    sealed = SealedDocument(
        sha256=sha,
        original=cipher.encrypt(document.original, FieldContext(*ORIGINAL_FIELD, sha)),
        clean_text=cipher.encrypt_text(document.clean_text, FieldContext(*CLEAN_TEXT_FIELD, sha)),
    )
    suffix = PurePath(document.filename).suffix[:MAX_SUFFIX_CHARS]
    neutral = replace(document, filename=f"confidential-{document.short_id}{suffix}", title=None)
    uow.documents.add_sealed(neutral, sealed)


def seal_quotes(claims: Sequence[Claim]) -> list[Claim]:
    """Claims of a confidential document with each evidence quote replaced by its sha256.

    A quote is a sentence of the sealed text; stored in the clear it would undo the sealing.
    The tag keeps fingerprints distinct and stable (review decisions stay attached across
    re-extraction and key rotation); with the key, the quote is the decrypted text between the
    evidence offsets."""
    return [
        replace(c, evidence=replace(c.evidence, quote=quote_tag(c.evidence.quote))) for c in claims
    ]


def quote_tag(quote: str) -> str:
    return f"[confidential quote sha256:{sha256_text(quote)[:QUOTE_TAG_HEX]}]"


def reveal_document(
    uow: UnitOfWork, cipher: FieldCipher | None, document: Document, actor: str, purpose: str
) -> Document:
    """The document with its text and original decrypted (and the read audited), or as stored
    (placeholder text) when it is not sealed or no key is unlocked. The caller commits."""
    sealed = uow.documents.sealed(document.sha256) if is_sealed(document) else None
    if sealed is None or cipher is None:
        return document
    sha = document.sha256
    text = cipher.decrypt_text(sealed.clean_text, FieldContext(*CLEAN_TEXT_FIELD, sha))
    original = cipher.decrypt(sealed.original, FieldContext(*ORIGINAL_FIELD, sha))
    after = {"clean_text_sha256": sha256_text(text), "original_sha256": sha256_text(original)}
    record(uow, actor, "document.decrypt", sha, after=after, reason=purpose)
    return replace(document, clean_text=text, original=original)


# -- people -------------------------------------------------------------------------------------


def add_person(
    uow_factory: UowFactory,
    cipher: FieldCipher | None,
    case_id: str,
    pseudonym: str,
    name: str,
    actor: str,
    *,
    age_band: str | None = None,
    sex: str | None = None,
) -> PersonRecord:
    """Record a person in a case: the pseudonym in the clear, the name sealed."""
    problems = [
        f"the {what} is empty"
        for what, v in (("pseudonym", pseudonym), ("name", name))
        if not v.strip()
    ]
    if problems:
        raise ValidationError(problems)
    if cipher is None:
        raise CryptoError(f"a person's identity is protected: {LOCKED_MESSAGE}")
    person_id = f"p-{secrets.token_hex(PERSON_ID_BYTES)}"
    identity = json.dumps({"name": name.strip()}, ensure_ascii=False)
    blob = cipher.encrypt_text(identity, FieldContext(*IDENTITY_FIELD, person_id))
    person = PersonRecord(person_id, case_id, pseudonym.strip(), blob, age_band, sex)
    with uow_factory() as uow:
        uow.persons.add(person)
        after = {"pseudonym": person.pseudonym, "identity_sha256": sha256_text(identity)}
        record(uow, actor, "person.add", case_id, after={**after, "person_id": person_id})
        uow.commit()
    return person


def reveal_names(
    uow: UnitOfWork,
    cipher: FieldCipher | None,
    people: Sequence[PersonRecord],
    actor: str,
    purpose: str,
) -> list[tuple[PersonRecord, str]]:
    """Each person's real name, one audit event per decryption. The caller commits."""
    if cipher is None:
        raise CryptoError(f"names are protected: {LOCKED_MESSAGE}")
    named: list[tuple[PersonRecord, str]] = []
    for person in people:
        if person.identity_ciphertext is None:
            continue
        context = FieldContext(*IDENTITY_FIELD, person.id)
        identity = cipher.decrypt_text(person.identity_ciphertext, context)
        record(
            uow,
            actor,
            "person.decrypt",
            person.case_id,
            after={"person_id": person.id, "identity_sha256": sha256_text(identity)},
            reason=purpose,
        )
        named.append((person, str(json.loads(identity)["name"])))
    return named


def reveal_person(
    uow_factory: UowFactory, cipher: FieldCipher | None, person_id: str, actor: str, purpose: str
) -> str:
    """One person's name, audited."""
    with uow_factory() as uow:
        person = uow.persons.get(person_id)
        if person is None:
            raise NotFoundError(f"no person with id {person_id!r}")
        named = reveal_names(uow, cipher, [person], actor, purpose)
        uow.commit()
    if not named:
        raise NotFoundError(f"person {person_id} has no recorded identity")
    return named[0][1]
