"""Login passwords (argon2id via argon2-cffi's PasswordHasher) and the role ladder."""

from __future__ import annotations

import secrets
import string
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from refugewatch.errors import AccessDeniedError, CryptoError, ValidationError

# Shorter passwords fall to online guessing across many accounts despite rate limits.
MIN_PASSWORD_CHARS = 12
# argon2 pre-hashes any length, but hashing a megabyte per login attempt is a cheap DoS.
MAX_PASSWORD_CHARS = 1024
# Generated passwords: 24 characters of a 54-symbol alphabet is about 138 bits.
GENERATED_PASSWORD_CHARS = 24
MIN_GENERATED_PASSWORD_CHARS = 20
# Letters and digits without look-alikes (0/O, 1/l/I), so a password read out on the phone or
# copied from paper is typed right the first time.
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


@dataclass(frozen=True)
class HashParams:
    time_cost: int
    memory_cost_kib: int
    parallelism: int


# RFC 9106's second recommendation (as in keys.STRONG_KDF): ~64 MiB per login makes offline
# cracking of a stolen users table expensive while a login still takes well under a second.
STRONG_HASH = HashParams(time_cost=3, memory_cost_kib=64 * 1024, parallelism=4)


class Passwords:
    """hash / verify / needs_rehash; verify never raises for a wrong password, it returns False."""

    def __init__(self, params: HashParams = STRONG_HASH) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost_kib,
            parallelism=params.parallelism,
        )
        # Hash of a random password, verified against when the user does not exist, so a login for
        # an unknown name takes as long as a wrong password and user names cannot be probed.
        self._decoy = self._hasher.hash(secrets.token_urlsafe(32))

    def hash(self, password: str) -> str:
        check_password(password)
        return self._hasher.hash(_normalise(password))

    def verify(self, stored_hash: str, password: str) -> bool:
        if len(password) > MAX_PASSWORD_CHARS:
            return False
        try:
            return self._hasher.verify(stored_hash, _normalise(password))
        except VerifyMismatchError:
            return False
        except InvalidHashError:
            raise CryptoError(
                "a stored password hash is not a valid argon2 hash; reset that user's password"
            ) from None
        except VerificationError:
            return False

    def verify_unknown_user(self, password: str) -> bool:
        """Spend the time of a real check and fail: call this when the user name is unknown."""
        self.verify(self._decoy, password)
        return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when the hash used weaker parameters than now; rehash after a successful login."""
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True


def check_password(password: str, user_name: str | None = None) -> None:
    problems: list[str] = []
    length = len(_normalise(password))
    if length < MIN_PASSWORD_CHARS:
        problems.append(f"the password must be at least {MIN_PASSWORD_CHARS} characters")
    if length > MAX_PASSWORD_CHARS:
        problems.append(f"the password must be at most {MAX_PASSWORD_CHARS} characters")
    if user_name and password.casefold() == user_name.casefold():
        problems.append("the password must not be the user name")
    if problems:
        raise ValidationError(problems)


def generate_password(length: int = GENERATED_PASSWORD_CHARS) -> str:
    """A random password for the first admin, from the operating system's CSPRNG."""
    if length < MIN_GENERATED_PASSWORD_CHARS:
        raise ValidationError(
            [f"generated passwords are at least {MIN_GENERATED_PASSWORD_CHARS} characters"]
        )
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def _normalise(password: str) -> str:
    """NFC, so the same password typed on different systems hashes the same."""
    return unicodedata.normalize("NFC", password)


class Role(StrEnum):
    VIEWER = "viewer"
    REVIEWER = "reviewer"
    EDITOR = "editor"
    ADMIN = "admin"


# The ladder, lowest first: each role may do everything the roles below it may.
ROLE_ORDER: tuple[Role, ...] = (Role.VIEWER, Role.REVIEWER, Role.EDITOR, Role.ADMIN)


def allows(user_role: Role, required_role: Role) -> bool:
    return ROLE_ORDER.index(user_role) >= ROLE_ORDER.index(required_role)


def require_role(user_role: Role, required_role: Role, action: str) -> None:
    if not allows(user_role, required_role):
        raise AccessDeniedError(
            f"{action} needs the {required_role.value} role; you are signed in as a "
            f"{user_role.value}"
        )


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().casefold())
    except ValueError:
        names = ", ".join(r.value for r in ROLE_ORDER)
        raise ValidationError([f"unknown role {text!r}; roles are {names}"]) from None
