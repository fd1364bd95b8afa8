"""Users, roles and logins: the service the CLI and the web app share.

Passwords are argon2id hashes (security.passwords); the audit log records who was added,
disabled or given a new password, never a password or its hash. Logins are rate limited per
account: after MAX_FAILED_LOGINS wrong passwords in a row the account refuses logins for a while,
doubling with each further failure, so online guessing is slow even without a web-level limit.
"""

from __future__ import annotations

import datetime as dt
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from refugewatch.errors import LoginFailedError, NotFoundError, ValidationError
from refugewatch.security.passwords import (
    Passwords,
    Role,
    check_password,
    generate_password,
    parse_role,
    require_role,
)
from refugewatch.services.audit import record
from refugewatch.store.protocols import UnitOfWork, User

UowFactory = Callable[[], UnitOfWork]
Clock = Callable[[], dt.datetime]

# Long enough for an e-mail address as a user name; short enough to show in every list.
MAX_USERNAME_CHARS = 64
# Five wrong passwords in a row are a typo streak at most; the sixth try waits.
MAX_FAILED_LOGINS = 5
# The first lockout is a minute, doubling per further failure up to an hour: a person who
# mistyped waits little, a guessing script gets a few dozen tries a day.
LOCKOUT_BASE = dt.timedelta(minutes=1)
LOCKOUT_MAX = dt.timedelta(hours=1)
FIRST_ADMIN_NAME = "admin"
LOGIN_REFUSED = "wrong user name or password, or the account is disabled or locked for a while"

_default_passwords: Passwords | None = None
_passwords_lock = threading.Lock()


def default_passwords() -> Passwords:
    """One shared hasher (building one hashes a decoy, which takes a moment)."""
    global _default_passwords
    with _passwords_lock:
        if _default_passwords is None:
            _default_passwords = Passwords()
        return _default_passwords


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_username(username: str) -> str:
    """Printable, no spaces or control characters, at most MAX_USERNAME_CHARS; NFC-normalised."""
    name = unicodedata.normalize("NFC", username)
    bad = not name or any(c.isspace() or not c.isprintable() for c in name)
    if bad or len(name) > MAX_USERNAME_CHARS:
        raise ValidationError(
            [
                f"{username[:80]!r} is not a usable user name: 1 to {MAX_USERNAME_CHARS} "
                "printable characters without spaces"
            ]
        )
    return name


def add_user(
    uow_factory: UowFactory,
    username: str,
    role: Role | str,
    password: str,
    actor: str,
    *,
    passwords: Passwords | None = None,
) -> User:
    name = check_username(username)
    parsed = role if isinstance(role, Role) else parse_role(role)
    check_password(password, name)
    hashed = (passwords or default_passwords()).hash(password)
    with uow_factory() as uow:
        user = uow.users.add(User(username=name, role=parsed.value, password_hash=hashed))
        record(uow, actor, "user.add", f"user:{name}", after={"username": name, "role": parsed})
        uow.commit()
    return user


def ensure_first_admin(
    uow_factory: UowFactory, actor: str, *, passwords: Passwords | None = None
) -> tuple[str, str] | None:
    """On a database without users, create `admin` with a random password and return
    (name, password) to be shown once; None when users exist already."""
    password = generate_password()
    hashed = (passwords or default_passwords()).hash(password)
    with uow_factory() as uow:
        if uow.users.count():
            return None
        user = User(username=FIRST_ADMIN_NAME, role=Role.ADMIN.value, password_hash=hashed)
        uow.users.add(user)
        after = {"username": FIRST_ADMIN_NAME, "role": Role.ADMIN.value, "first_admin": True}
        record(uow, actor, "user.add", f"user:{FIRST_ADMIN_NAME}", after=after)
        uow.commit()
    return FIRST_ADMIN_NAME, password


def disable_user(uow_factory: UowFactory, username: str, actor: str) -> User:
    with uow_factory() as uow:
        user = _existing(uow, username)
        disabled = replace(user, disabled=True)
        uow.users.update(disabled)
        record(uow, actor, "user.disable", f"user:{user.username}", after={"disabled": True})
        uow.commit()
    return disabled


def set_password(
    uow_factory: UowFactory,
    username: str,
    password: str,
    actor: str,
    *,
    passwords: Passwords | None = None,
) -> None:
    """A new password; also lifts a lockout (an admin reset is how a locked user gets back)."""
    check_password(password, username)
    hashed = (passwords or default_passwords()).hash(password)
    with uow_factory() as uow:
        user = _existing(uow, username)
        uow.users.update(replace(user, password_hash=hashed, failed_logins=0, locked_until=None))
        record(uow, actor, "user.passwd", f"user:{user.username}", after={"password": "changed"})
        uow.commit()


def list_users(uow_factory: UowFactory) -> list[User]:
    with uow_factory() as uow:
        return uow.users.list()


def get_user(uow_factory: UowFactory, username: str) -> User | None:
    with uow_factory() as uow:
        return uow.users.get(username)


def user_role(user: User) -> Role:
    return parse_role(user.role)


def require(user: User, required: Role, action: str) -> None:
    """AccessDeniedError unless the user is enabled and their role allows `action`."""
    if user.disabled:
        raise LoginFailedError(LOGIN_REFUSED)
    require_role(user_role(user), required, action)


def authenticate(
    uow_factory: UowFactory,
    username: str,
    password: str,
    *,
    clock: Clock = utc_now,
    passwords: Passwords | None = None,
) -> User:
    """The user, or LoginFailedError with one message for every cause (names cannot be probed).

    A locked account is refused without checking the password, so guesses during a lockout
    teach nothing. A success resets the counter and upgrades a hash made with weaker settings.
    """
    hasher = passwords or default_passwords()
    now = clock()
    with uow_factory() as uow:
        user = uow.users.get(username)
        if user is None or user.disabled:
            hasher.verify_unknown_user(password)
            raise LoginFailedError(LOGIN_REFUSED)
        if user.locked_until is not None and user.locked_until > now:
            raise LoginFailedError(LOGIN_REFUSED, _seconds(user.locked_until - now))
        if not hasher.verify(user.password_hash, password):
            locked = _record_failure(uow, user, now)
            uow.commit()
            raise LoginFailedError(LOGIN_REFUSED, locked)
        user = _record_success(uow, user, password, hasher, now)
        uow.commit()
    return user


def _record_failure(uow: UnitOfWork, user: User, now: dt.datetime) -> int | None:
    failures = user.failed_logins + 1
    lockout = _lockout(failures)
    until = now + lockout if lockout else None
    uow.users.update(replace(user, failed_logins=failures, locked_until=until))
    after = {"failed_logins": failures, "locked_seconds": _seconds(lockout) if lockout else 0}
    record(uow, "system", "user.login_failed", f"user:{user.username}", after=after)
    return _seconds(lockout) if lockout else None


def _lockout(failures: int) -> dt.timedelta | None:
    if failures < MAX_FAILED_LOGINS:
        return None
    doublings = min(failures - MAX_FAILED_LOGINS, 16)  # 2**16 minutes is far past the cap
    return min(LOCKOUT_BASE * (1 << doublings), LOCKOUT_MAX)


def _record_success(
    uow: UnitOfWork, user: User, password: str, hasher: Passwords, now: dt.datetime
) -> User:
    hashed = hasher.hash(password) if hasher.needs_rehash(user.password_hash) else None
    updated = replace(
        user,
        failed_logins=0,
        locked_until=None,
        last_login_at=now,
        password_hash=hashed or user.password_hash,
    )
    uow.users.update(updated)
    record(uow, user.username, "user.login", f"user:{user.username}", after={"ok": True})
    return updated


def _seconds(delta: dt.timedelta) -> int:
    return max(1, int(delta.total_seconds()))


def _existing(uow: UnitOfWork, username: str) -> User:
    user = uow.users.get(username)
    if user is None:
        raise NotFoundError(f"no user named {username!r}")
    return user
