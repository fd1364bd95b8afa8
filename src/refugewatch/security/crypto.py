"""Field encryption with AES-256-GCM, bound to where the value lives.

Sealed format (version 1), all binary:

    version (1 byte) || key id (8 bytes) || nonce (12 bytes) || ciphertext + 16-byte GCM tag

The associated data is the header plus a FieldContext (table, column, row id), so a ciphertext
copied into another row or column - say, a real name pasted onto a case an attacker controls -
fails to decrypt instead of being shown under the wrong person.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from refugewatch.errors import TamperedDataError, ValidationError, WrongKeyError
from refugewatch.security.keys import KEY_ID_BYTES, NONCE_BYTES, DataKey

# Version byte first, so a future format (other cipher, longer nonce) is recognised, not misread.
FIELD_FORMAT_VERSION = 1
HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES
# The GCM authentication tag is 128 bits; anything shorter than header + tag is cut off.
TAG_BYTES = 16
# Domain label: a field ciphertext can never be accepted where another kind of sealed blob is.
FIELD_LABEL = b"refugewatch/field/v1"


@dataclass(frozen=True)
class FieldContext:
    """Where a value is stored. Encoded length-prefixed so ("ab", "c") never equals ("a", "bc")."""

    table: str
    column: str
    row_id: str

    def encode(self) -> bytes:
        parts = [FIELD_LABEL, *(p.encode("utf-8") for p in (self.table, self.column, self.row_id))]
        return b"".join(len(p).to_bytes(4, "big") + p for p in parts)


@dataclass(frozen=True)
class SealedField:
    """One stored ciphertext with the context it was sealed for (input to key rotation)."""

    blob: bytes
    context: FieldContext


class FieldCipher:
    """Encrypts under the current key; decrypts under any key it was given (for rotation)."""

    def __init__(self, current: DataKey, previous: Sequence[DataKey] = ()) -> None:
        self._current = current
        self._keys = {key.key_id: key for key in (*previous, current)}

    @property
    def key_id(self) -> bytes:
        return self._current.key_id

    def __repr__(self) -> str:
        return f"FieldCipher(current={self._current!r}, keys={len(self._keys)})"

    def encrypt(self, plaintext: bytes, context: FieldContext) -> bytes:
        header = bytes([FIELD_FORMAT_VERSION]) + self._current.key_id + os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._current.material).encrypt(
            header[-NONCE_BYTES:], plaintext, header + context.encode()
        )
        return header + sealed

    def decrypt(self, blob: bytes, context: FieldContext) -> bytes:
        header, sealed = _split(blob)
        key = self._key_for(header[1 : 1 + KEY_ID_BYTES])
        try:
            return AESGCM(key.material).decrypt(
                header[-NONCE_BYTES:], sealed, header + context.encode()
            )
        except InvalidTag:
            raise TamperedDataError(
                f"the protected value in {context.table}.{context.column} of row "
                f"{context.row_id!r} was altered or belongs to another row; it was not shown"
            ) from None

    def encrypt_text(self, text: str, context: FieldContext) -> bytes:
        return self.encrypt(text.encode("utf-8"), context)

    def decrypt_text(self, blob: bytes, context: FieldContext) -> str:
        data = self.decrypt(blob, context)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise TamperedDataError(
                f"{context.table}.{context.column} holds bytes, not text"
            ) from None

    def _key_for(self, key_id: bytes) -> DataKey:
        key = self._keys.get(key_id)
        if key is None:
            raise WrongKeyError(
                f"this value was encrypted under key {key_id.hex()}, which is not unlocked; "
                "unlock that key too (it may be from before a key rotation)"
            )
        return key


def sealed_key_id(blob: bytes) -> bytes:
    """Which key sealed a blob (to find values a rotation has not reached yet)."""
    return _split(blob)[0][1 : 1 + KEY_ID_BYTES]


def _split(blob: bytes) -> tuple[bytes, bytes]:
    if len(blob) < HEADER_BYTES + TAG_BYTES:
        raise TamperedDataError(
            f"a protected value is {len(blob)} bytes, shorter than any sealed value; "
            "it was cut off or is not encrypted data"
        )
    if blob[0] != FIELD_FORMAT_VERSION:
        raise TamperedDataError(
            f"a protected value has format version {blob[0]}, which this version of refugewatch "
            "does not read"
        )
    return blob[:HEADER_BYTES], blob[HEADER_BYTES:]


def rotate_fields(
    sealed: Iterable[SealedField], old: FieldCipher, new_key: DataKey
) -> list[SealedField]:
    """Re-encrypt every value under new_key; all or nothing.

    Every value is decrypted before anything is returned, so one tampered value stops the whole
    rotation and the caller never writes a half-rotated table.
    """
    new = FieldCipher(new_key)
    if new.key_id == old.key_id:
        raise ValidationError(["the new data key is the same as the current one"])
    plain = [(item.context, old.decrypt(item.blob, item.context)) for item in sealed]
    return [SealedField(new.encrypt(data, context), context) for context, data in plain]
