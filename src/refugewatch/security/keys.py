"""The data key and its wrapping under a passphrase (argon2id + AES-GCM).

One random 256-bit data key encrypts every protected field. It is never stored bare: what is kept
on disk is a WrappedKey, the data key encrypted under a key-encryption key that argon2id derives
from a passphrase and a fresh salt. A seized laptop therefore holds only ciphertext plus a slow,
memory-hard puzzle per passphrase guess.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from refugewatch.errors import TamperedDataError, ValidationError, WrongPassphraseError

# 256-bit keys: AES-256 keeps a comfortable margin against future attacks, including Grover.
KEY_BYTES = 32
# AES-GCM's standard 96-bit nonce; random nonces are safe far beyond our number of encryptions.
NONCE_BYTES = 12
# 128-bit salts make precomputed passphrase tables useless; a new salt is drawn on every wrap.
SALT_BYTES = 16
# 8-byte key ids are enough to tell a handful of generations of keys apart, and reveal nothing.
KEY_ID_BYTES = 8
# The id is an HMAC of the key under a fixed label: checkable after unwrap, useless to guess from.
KEY_ID_LABEL = b"refugewatch/data-key-id/v1"
# Bumped if the wrapped-key JSON ever changes shape; old files stay readable by version.
WRAP_FORMAT_VERSION = 1
# Fixed text mixed into the AES-GCM associated data so a wrapped key cannot pass for anything else.
WRAP_LABEL = "refugewatch/wrapped-data-key"
# Below this many characters a passphrase falls to a guessing rig even behind argon2id; a
# four-word diceware phrase is well above it.
MIN_PASSPHRASE_CHARS = 12


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost: time_cost passes over memory_cost KiB with `parallelism` lanes."""

    time_cost: int
    memory_cost_kib: int
    parallelism: int

    def __post_init__(self) -> None:
        problems = _kdf_problems(self)
        if problems:
            raise ValidationError(problems)


# Refuse a wrapped key whose stated cost is absurd: a forged file must not make unlock eat all
# memory (4 GiB) or spin for minutes (time_cost 64).
MAX_MEMORY_COST_KIB = 4 * 1024 * 1024
MAX_TIME_COST = 64
MAX_PARALLELISM = 64


def _kdf_problems(params: KdfParams) -> list[str]:
    problems: list[str] = []
    if not 1 <= params.time_cost <= MAX_TIME_COST:
        problems.append(f"argon2 time cost must be 1..{MAX_TIME_COST}, got {params.time_cost}")
    if not 1 <= params.parallelism <= MAX_PARALLELISM:
        problems.append(
            f"argon2 parallelism must be 1..{MAX_PARALLELISM}, got {params.parallelism}"
        )
    # argon2 itself needs at least 8 KiB per lane.
    if not 8 * max(params.parallelism, 1) <= params.memory_cost_kib <= MAX_MEMORY_COST_KIB:
        problems.append(
            f"argon2 memory cost must be 8 KiB per lane up to {MAX_MEMORY_COST_KIB} KiB, "
            f"got {params.memory_cost_kib}"
        )
    return problems


# RFC 9106 section 4, second recommended option (t=3, 64 MiB, 4 lanes): about half a second on a
# laptop, and 64 MiB per guess makes GPU/ASIC guessing rigs expensive.
STRONG_KDF = KdfParams(time_cost=3, memory_cost_kib=64 * 1024, parallelism=4)


@dataclass(frozen=True)
class DataKey:
    """A raw 256-bit data key. Its repr never shows the key, so logs and tracebacks cannot leak it."""

    material: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.material) != KEY_BYTES:
            raise ValidationError([f"a data key is {KEY_BYTES} bytes, got {len(self.material)}"])

    @property
    def key_id(self) -> bytes:
        return hmac.new(self.material, KEY_ID_LABEL, hashlib.sha256).digest()[:KEY_ID_BYTES]

    def __repr__(self) -> str:
        return f"DataKey(key_id={self.key_id.hex()}, material=<hidden>)"


def generate_data_key() -> DataKey:
    return DataKey(os.urandom(KEY_BYTES))


@dataclass(frozen=True)
class WrappedKey:
    """What is stored: the data key encrypted under a passphrase-derived key. Never the raw key."""

    key_id: bytes
    salt: bytes
    nonce: bytes
    ciphertext: bytes
    kdf: KdfParams
    version: int = WRAP_FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": WRAP_LABEL,
                "version": self.version,
                "key_id": self.key_id.hex(),
                "kdf": {
                    "algorithm": "argon2id",
                    "time_cost": self.kdf.time_cost,
                    "memory_cost_kib": self.kdf.memory_cost_kib,
                    "parallelism": self.kdf.parallelism,
                },
                "salt": _b64(self.salt),
                "nonce": _b64(self.nonce),
                "ciphertext": _b64(self.ciphertext),
            },
            sort_keys=True,
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> WrappedKey:
        try:
            raw = json.loads(text)
            return _wrapped_from_dict(raw)
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise TamperedDataError(
                f"the wrapped key file is not readable ({exc}); restore it from a backup"
            ) from None

    def associated_data(self) -> bytes:
        """Everything but the ciphertext, bound into AES-GCM so no header field can be swapped."""
        header = {
            "format": WRAP_LABEL,
            "version": self.version,
            "key_id": self.key_id.hex(),
            "kdf": [self.kdf.time_cost, self.kdf.memory_cost_kib, self.kdf.parallelism],
            "salt": self.salt.hex(),
        }
        return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def _wrapped_from_dict(raw: Any) -> WrappedKey:
    if raw.get("format") != WRAP_LABEL or raw.get("version") != WRAP_FORMAT_VERSION:
        raise ValueError(f"unknown format {raw.get('format')!r} version {raw.get('version')!r}")
    kdf = raw["kdf"]
    if kdf.get("algorithm") != "argon2id":
        raise ValueError(f"unknown key derivation {kdf.get('algorithm')!r}")
    params = _int_params(kdf)
    wrapped = WrappedKey(
        key_id=bytes.fromhex(raw["key_id"]),
        salt=_unb64(raw["salt"]),
        nonce=_unb64(raw["nonce"]),
        ciphertext=_unb64(raw["ciphertext"]),
        kdf=params,
    )
    if len(wrapped.salt) < SALT_BYTES or len(wrapped.nonce) != NONCE_BYTES:
        raise ValueError("salt or nonce has the wrong length")
    return wrapped


def _int_params(kdf: Any) -> KdfParams:
    values = [kdf["time_cost"], kdf["memory_cost_kib"], kdf["parallelism"]]
    if not all(type(v) is int for v in values):
        raise ValueError("argon2 parameters must be whole numbers")
    try:
        return KdfParams(*values)
    except ValidationError as exc:
        raise ValueError(str(exc)) from None


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC, so a Korean or accented passphrase typed on macOS (often NFD) unlocks on Windows."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def check_new_passphrase(passphrase: str) -> None:
    """Refuse passphrases too short to survive offline guessing; a researcher sees why."""
    if len(unicodedata.normalize("NFC", passphrase)) < MIN_PASSPHRASE_CHARS:
        raise ValidationError(
            [
                f"the passphrase must be at least {MIN_PASSPHRASE_CHARS} characters; "
                "a few unrelated words make a strong, memorable one"
            ]
        )


def derive_wrapping_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=normalise_passphrase(passphrase),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def wrap_key(data_key: DataKey, passphrase: str, params: KdfParams = STRONG_KDF) -> WrappedKey:
    """Encrypt the data key under a passphrase, with a new salt and nonce every time."""
    check_new_passphrase(passphrase)
    unsealed = WrappedKey(
        key_id=data_key.key_id,
        salt=os.urandom(SALT_BYTES),
        nonce=os.urandom(NONCE_BYTES),
        ciphertext=b"",
        kdf=params,
    )
    kek = derive_wrapping_key(passphrase, unsealed.salt, params)
    sealed = AESGCM(kek).encrypt(unsealed.nonce, data_key.material, unsealed.associated_data())
    return WrappedKey(unsealed.key_id, unsealed.salt, unsealed.nonce, sealed, params)


def unwrap_key(wrapped: WrappedKey, passphrase: str) -> DataKey:
    """The data key, or WrongPassphraseError; a wrong guess and an edited file look the same."""
    kek = derive_wrapping_key(passphrase, wrapped.salt, wrapped.kdf)
    try:
        material = AESGCM(kek).decrypt(wrapped.nonce, wrapped.ciphertext, wrapped.associated_data())
    except InvalidTag:
        raise WrongPassphraseError(
            "the passphrase does not unlock the data key (check keyboard layout and caps lock; "
            "if it is certainly right, the key file was altered and must be restored from backup)"
        ) from None
    key = DataKey(material)
    if not hmac.compare_digest(key.key_id, wrapped.key_id):
        raise TamperedDataError("the unlocked key does not match the key id recorded beside it")
    return key


def rewrap_key(
    wrapped: WrappedKey, old_passphrase: str, new_passphrase: str, params: KdfParams = STRONG_KDF
) -> WrappedKey:
    """Change the passphrase: same data key (no data is re-encrypted), new salt, nonce and cost."""
    return wrap_key(unwrap_key(wrapped, old_passphrase), new_passphrase, params)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
