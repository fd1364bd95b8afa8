"""Data key wrapping and field encryption, including what an attacker with the database would try."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.errors import (
    CryptoError,
    TamperedDataError,
    ValidationError,
    WrongKeyError,
    WrongPassphraseError,
)
from refugewatch.security.crypto import (
    HEADER_BYTES,
    FieldCipher,
    FieldContext,
    SealedField,
    rotate_fields,
    sealed_key_id,
)
from refugewatch.security.keys import (
    MAX_MEMORY_COST_KIB,
    STRONG_KDF,
    DataKey,
    KdfParams,
    WrappedKey,
    generate_data_key,
    rewrap_key,
    unwrap_key,
    wrap_key,
)

# Tiny argon2 cost so the suite stays fast; the defaults (STRONG_KDF) are checked separately.
FAST = KdfParams(time_cost=1, memory_cost_kib=8, parallelism=1)
PASSPHRASE = "correct horse battery staple"
NAME = FieldContext("identities", "full_name", "person-17")


@pytest.fixture(scope="module")
def key() -> DataKey:
    return generate_data_key()


@pytest.fixture(scope="module")
def cipher(key: DataKey) -> FieldCipher:
    return FieldCipher(key)


# -- wrapping --------------------------------------------------------------------------------


def test_strong_defaults_follow_rfc_9106() -> None:
    assert STRONG_KDF.memory_cost_kib >= 64 * 1024 and STRONG_KDF.time_cost >= 3


def test_wrap_then_unwrap_returns_the_key(key: DataKey) -> None:
    wrapped = WrappedKey.from_json(wrap_key(key, PASSPHRASE, FAST).to_json())
    assert unwrap_key(wrapped, PASSPHRASE) == key


@settings(max_examples=15, deadline=None)
@given(passphrase=st.text(min_size=12, max_size=40))
def test_any_passphrase_round_trips(passphrase: str) -> None:
    key = generate_data_key()
    wrapped = WrappedKey.from_json(wrap_key(key, passphrase, FAST).to_json())
    assert unwrap_key(wrapped, passphrase).material == key.material


def test_stored_json_never_contains_the_raw_key(key: DataKey) -> None:
    text = wrap_key(key, PASSPHRASE, FAST).to_json()
    assert key.material.hex() not in text
    assert key.material.hex() not in repr(key) and "hidden" in repr(key)


def test_each_wrap_uses_a_new_salt_and_nonce(key: DataKey) -> None:
    a, b = wrap_key(key, PASSPHRASE, FAST), wrap_key(key, PASSPHRASE, FAST)
    assert a.salt != b.salt and a.nonce != b.nonce and a.ciphertext != b.ciphertext


@pytest.mark.parametrize(
    "guess",
    [
        "correct horse battery stapl",
        "Correct horse battery staple",
        "correct horse battery staple ",
        "",
    ],
    ids=["one-short", "capital", "trailing-space", "empty"],
)
def test_wrong_passphrase_is_refused_clearly(key: DataKey, guess: str) -> None:
    wrapped = wrap_key(key, PASSPHRASE, FAST)
    with pytest.raises(WrongPassphraseError, match="passphrase does not unlock"):
        unwrap_key(wrapped, guess)


def test_passphrase_in_nfd_unlocks_a_key_wrapped_in_nfc(key: DataKey) -> None:
    import unicodedata

    korean = "비밀번호는 아주 길어야 합니다"
    wrapped = wrap_key(key, unicodedata.normalize("NFC", korean), FAST)
    assert unwrap_key(wrapped, unicodedata.normalize("NFD", korean)) == key


def test_short_passphrase_is_refused(key: DataKey) -> None:
    with pytest.raises(ValidationError, match="at least 12"):
        wrap_key(key, "hunter2", FAST)


@pytest.mark.parametrize(
    "field",
    ["salt", "nonce", "ciphertext", "key_id", "time_cost"],
    ids=lambda f: f"edited-{f}",
)
def test_edited_wrapped_key_does_not_unlock(key: DataKey, field: str) -> None:
    raw = json.loads(wrap_key(key, PASSPHRASE, FAST).to_json())
    if field == "time_cost":
        raw["kdf"]["time_cost"] = 2
    elif field == "key_id":
        raw["key_id"] = "00" * 8
    else:
        data = bytearray(__import__("base64").b64decode(raw[field]))
        data[0] ^= 1
        raw[field] = __import__("base64").b64encode(bytes(data)).decode()
    with pytest.raises(CryptoError):
        unwrap_key(WrappedKey.from_json(json.dumps(raw)), PASSPHRASE)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{}",
        '{"format": "refugewatch/wrapped-data-key", "version": 99}',
        json.dumps(
            {
                "format": "refugewatch/wrapped-data-key",
                "version": 1,
                "key_id": "00",
                "salt": "AAAA",
                "nonce": "AAAA",
                "ciphertext": "AAAA",
                "kdf": {
                    "algorithm": "argon2id",
                    "time_cost": 1,
                    "memory_cost_kib": MAX_MEMORY_COST_KIB * 2,
                    "parallelism": 1,
                },
            }
        ),
    ],
    ids=["garbage", "empty-object", "future-version", "memory-bomb"],
)
def test_malformed_wrapped_key_files_are_refused(text: str) -> None:
    with pytest.raises(TamperedDataError, match="not readable"):
        WrappedKey.from_json(text)


def test_rewrap_changes_passphrase_but_not_the_data_key(key: DataKey) -> None:
    old = wrap_key(key, PASSPHRASE, FAST)
    new = rewrap_key(old, PASSPHRASE, "a completely different phrase", FAST)
    assert unwrap_key(new, "a completely different phrase") == key
    with pytest.raises(WrongPassphraseError):
        unwrap_key(new, PASSPHRASE)


def test_rewrap_needs_the_old_passphrase(key: DataKey) -> None:
    with pytest.raises(WrongPassphraseError):
        rewrap_key(
            wrap_key(key, PASSPHRASE, FAST), "guessed passphrase!", "new passphrase ok", FAST
        )


@pytest.mark.parametrize("size", [0, 16, 31, 33], ids=lambda n: f"{n}-bytes")
def test_data_key_must_be_256_bits(size: int) -> None:
    with pytest.raises(ValidationError):
        DataKey(b"\x00" * size)


# -- field encryption --------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(text=st.text(), row=st.text(max_size=20))
def test_text_round_trips(cipher: FieldCipher, text: str, row: str) -> None:
    context = FieldContext("identities", "full_name", row)
    assert cipher.decrypt_text(cipher.encrypt_text(text, context), context) == text


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=2048))
def test_bytes_round_trip(cipher: FieldCipher, data: bytes) -> None:
    context = FieldContext("documents", "original", "sha")
    assert cipher.decrypt(cipher.encrypt(data, context), context) == data


def test_same_value_encrypts_differently_each_time(cipher: FieldCipher) -> None:
    assert cipher.encrypt_text("김철수", NAME) != cipher.encrypt_text("김철수", NAME)


def test_plaintext_is_not_visible_in_the_ciphertext(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text("Kim Chol-su Kim Chol-su Kim Chol-su", NAME)
    assert b"Kim" not in blob and b"Chol" not in blob


def test_format_starts_with_version_and_key_id(cipher: FieldCipher, key: DataKey) -> None:
    blob = cipher.encrypt_text("x", NAME)
    assert blob[0] == 1 and sealed_key_id(blob) == key.key_id
    assert len(blob) == HEADER_BYTES + 1 + 16


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_single_bit_flip_is_detected(cipher: FieldCipher, data: st.DataObject) -> None:
    blob = bytearray(cipher.encrypt_text("Ri Sol Ju, born 1989", NAME))
    position = data.draw(st.integers(0, len(blob) - 1), label="byte")
    blob[position] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    with pytest.raises(CryptoError):
        cipher.decrypt_text(bytes(blob), NAME)


@pytest.mark.parametrize(
    "other",
    [
        FieldContext("identities", "full_name", "person-18"),
        FieldContext("identities", "alias", "person-17"),
        FieldContext("contacts", "full_name", "person-17"),
        FieldContext("identities", "full_name", "person-1"),
        FieldContext("identities", "full_namep", "erson-17"),
    ],
    ids=["other-row", "other-column", "other-table", "prefix-row", "shifted-boundary"],
)
def test_ciphertext_moved_to_another_place_fails(cipher: FieldCipher, other: FieldContext) -> None:
    blob = cipher.encrypt_text("Kim Chol-su", NAME)
    with pytest.raises(TamperedDataError, match="altered or belongs to another row"):
        cipher.decrypt_text(blob, other)


def test_swapping_two_rows_ciphertexts_is_detected(cipher: FieldCipher) -> None:
    a, b = (
        FieldContext("identities", "full_name", "1"),
        FieldContext("identities", "full_name", "2"),
    )
    blob_a, blob_b = cipher.encrypt_text("victim", a), cipher.encrypt_text("informant", b)
    for blob, context in ((blob_b, a), (blob_a, b)):
        with pytest.raises(TamperedDataError):
            cipher.decrypt_text(blob, context)


@pytest.mark.parametrize("cut", [0, 1, HEADER_BYTES, HEADER_BYTES + 15], ids=lambda n: f"cut-{n}")
def test_truncated_ciphertext_is_refused(cipher: FieldCipher, cut: int) -> None:
    blob = cipher.encrypt_text("Kim", NAME)
    with pytest.raises(TamperedDataError, match=r"cut off|shorter"):
        cipher.decrypt_text(blob[:cut], NAME)


def test_truncating_the_tag_is_detected(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text("a longer name than sixteen bytes", NAME)
    with pytest.raises(TamperedDataError):
        cipher.decrypt_text(blob[:-1], NAME)


def test_unknown_version_is_refused(cipher: FieldCipher) -> None:
    blob = bytearray(cipher.encrypt_text("Kim", NAME))
    blob[0] = 2
    with pytest.raises(TamperedDataError, match="version 2"):
        cipher.decrypt_text(bytes(blob), NAME)


def test_another_key_cannot_decrypt(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text("Kim", NAME)
    with pytest.raises(WrongKeyError, match="not unlocked"):
        FieldCipher(generate_data_key()).decrypt_text(blob, NAME)


def test_forged_key_id_does_not_help(cipher: FieldCipher, key: DataKey) -> None:
    """An attacker who relabels a ciphertext with the real key id still cannot forge content."""
    other = FieldCipher(generate_data_key())
    forged = bytearray(other.encrypt_text("planted name", NAME))
    forged[1 : 1 + len(key.key_id)] = key.key_id
    with pytest.raises(TamperedDataError):
        cipher.decrypt_text(bytes(forged), NAME)


def test_binary_plaintext_under_text_api_is_refused(cipher: FieldCipher) -> None:
    blob = cipher.encrypt(b"\xff\xfe", NAME)
    with pytest.raises(TamperedDataError, match="bytes, not text"):
        cipher.decrypt_text(blob, NAME)


# -- rotation ----------------------------------------------------------------------------------


def _sealed(cipher: FieldCipher, values: list[str]) -> list[SealedField]:
    contexts = [FieldContext("identities", "full_name", str(i)) for i in range(len(values))]
    return [
        SealedField(cipher.encrypt_text(v, c), c) for v, c in zip(values, contexts, strict=True)
    ]


@settings(max_examples=10, deadline=None)
@given(values=st.lists(st.text(max_size=30), max_size=8))
def test_rotation_reencrypts_everything_under_the_new_key(values: list[str]) -> None:
    old_key, new_key = generate_data_key(), generate_data_key()
    old = FieldCipher(old_key)
    rotated = rotate_fields(_sealed(old, values), old, new_key)
    new_only = FieldCipher(new_key)
    assert [new_only.decrypt_text(s.blob, s.context) for s in rotated] == values
    assert all(sealed_key_id(s.blob) == new_key.key_id for s in rotated)


def test_after_rotation_the_old_key_alone_cannot_read() -> None:
    old_key, new_key = generate_data_key(), generate_data_key()
    old = FieldCipher(old_key)
    rotated = rotate_fields(_sealed(old, ["Kim"]), old, new_key)
    with pytest.raises(WrongKeyError):
        old.decrypt_text(rotated[0].blob, rotated[0].context)


def test_cipher_with_previous_keys_reads_both_generations() -> None:
    old_key, new_key = generate_data_key(), generate_data_key()
    old_blob = FieldCipher(old_key).encrypt_text("before", NAME)
    both = FieldCipher(new_key, previous=[old_key])
    assert both.decrypt_text(old_blob, NAME) == "before"
    assert sealed_key_id(both.encrypt_text("after", NAME)) == new_key.key_id


def test_rotation_is_all_or_nothing_when_one_value_was_tampered() -> None:
    old_key = generate_data_key()
    old = FieldCipher(old_key)
    sealed = _sealed(old, ["a", "b", "c"])
    broken = bytearray(sealed[2].blob)
    broken[-1] ^= 1
    sealed[2] = SealedField(bytes(broken), sealed[2].context)
    with pytest.raises(TamperedDataError):
        rotate_fields(sealed, old, generate_data_key())


def test_rotation_to_the_same_key_is_refused(key: DataKey, cipher: FieldCipher) -> None:
    with pytest.raises(ValidationError, match="same"):
        rotate_fields([], cipher, key)
