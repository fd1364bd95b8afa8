"""Users, roles and logins on both backends: argon2 hashes, lockout, audit without secrets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from refugewatch.errors import (
    AccessDeniedError,
    LoginFailedError,
    NotFoundError,
    ValidationError,
)
from refugewatch.security.passwords import HashParams, Passwords, Role
from refugewatch.services import protection_users as users
from refugewatch.store.sql import SqlUnitOfWork, dispose_engines, migrate
from refugewatch.store.sql import uow_factory as make_factory

Factory = Callable[[], SqlUnitOfWork]
# Cheap argon2 settings: these tests check the wiring, not the cost of a guess.
FAST = Passwords(HashParams(time_cost=1, memory_cost_kib=1024, parallelism=1))
PASSWORD = "a long enough password"
START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(database_url: str) -> Iterator[Factory]:
    migrate(database_url)
    yield make_factory(database_url)
    dispose_engines()


def _add(store: Factory, name: str = "mina", role: str = "editor") -> None:
    users.add_user(store, name, role, PASSWORD, "admin", passwords=FAST)


def _login(store: Factory, password: str, at: dt.datetime = START, name: str = "mina") -> None:
    users.authenticate(store, name, password, clock=lambda: at, passwords=FAST)


def test_add_and_authenticate(store: Factory) -> None:
    _add(store)
    user = users.authenticate(store, "mina", PASSWORD, clock=lambda: START, passwords=FAST)
    assert user.role == "editor" and user.last_login_at == START
    assert user.password_hash.startswith("$argon2id$")
    assert [u.username for u in users.list_users(store)] == ["mina"]


@pytest.mark.parametrize(
    ("name", "password"),
    [
        pytest.param("mina", "wrong password here", id="wrong-password"),
        pytest.param("nobody", PASSWORD, id="unknown-user"),
    ],
)
def test_failed_logins_all_say_the_same(store: Factory, name: str, password: str) -> None:
    _add(store)
    with pytest.raises(LoginFailedError) as failure:
        _login(store, password, name=name)
    assert str(failure.value) == users.LOGIN_REFUSED


def test_disabled_user_cannot_log_in(store: Factory) -> None:
    _add(store)
    users.disable_user(store, "mina", "admin")
    with pytest.raises(LoginFailedError):
        _login(store, PASSWORD)
    user = users.get_user(store, "mina")
    assert user is not None and user.disabled
    with pytest.raises(AccessDeniedError):
        users.require(user, Role.VIEWER, "viewing cases")


def test_repeated_failures_lock_the_account_even_for_the_right_password(store: Factory) -> None:
    _add(store)
    for attempt in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailedError) as failure:
            _login(store, "wrong password here", START + dt.timedelta(seconds=attempt))
    assert failure.value.retry_after == 60
    with pytest.raises(LoginFailedError):
        _login(store, PASSWORD, START + dt.timedelta(seconds=30))  # locked: not even checked
    _login(store, PASSWORD, START + dt.timedelta(minutes=2))  # the lock has run out
    user = users.get_user(store, "mina")
    assert user is not None and user.failed_logins == 0 and user.locked_until is None


def test_lockout_doubles_and_is_capped() -> None:
    spans = [users._lockout(n) for n in range(1, 20)]
    assert spans[: users.MAX_FAILED_LOGINS - 1] == [None] * (users.MAX_FAILED_LOGINS - 1)
    minutes = [s.total_seconds() / 60 for s in spans if s is not None]
    assert minutes[:4] == [1, 2, 4, 8] and max(minutes) == 60


def test_new_password_lifts_the_lock_and_replaces_the_old_one(store: Factory) -> None:
    _add(store)
    for _ in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailedError):
            _login(store, "wrong password here")
    users.set_password(store, "mina", "another long password", "admin", passwords=FAST)
    _login(store, "another long password")
    with pytest.raises(LoginFailedError):
        _login(store, PASSWORD)


def test_weak_hash_is_upgraded_on_login(store: Factory) -> None:
    weak = Passwords(HashParams(time_cost=1, memory_cost_kib=512, parallelism=1))
    users.add_user(store, "mina", "viewer", PASSWORD, "admin", passwords=weak)
    old = users.get_user(store, "mina")
    _login(store, PASSWORD)
    new = users.get_user(store, "mina")
    assert old is not None and new is not None and old.password_hash != new.password_hash
    assert FAST.verify(new.password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("name", "role", "password", "problem"),
    [
        pytest.param("has space", "viewer", PASSWORD, "user name", id="space-in-name"),
        pytest.param("", "viewer", PASSWORD, "user name", id="empty-name"),
        pytest.param("x" * 65, "viewer", PASSWORD, "user name", id="long-name"),
        pytest.param("tab\tname", "viewer", PASSWORD, "user name", id="control-char"),
        pytest.param("mina", "superuser", PASSWORD, "unknown role", id="unknown-role"),
        pytest.param("mina", "viewer", "short", "at least 12", id="short-password"),
        pytest.param("mina-long-name", "viewer", "MINA-LONG-NAME", "user name", id="pw-is-name"),
    ],
)
def test_bad_users_are_refused(
    store: Factory, name: str, role: str, password: str, problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        users.add_user(store, name, role, password, "admin", passwords=FAST)


def test_duplicate_and_unknown_users(store: Factory) -> None:
    _add(store)
    with pytest.raises(ValidationError, match="already exists"):
        _add(store)
    with pytest.raises(NotFoundError):
        users.disable_user(store, "ghost", "admin")


def test_first_admin_is_created_once(store: Factory) -> None:
    created = users.ensure_first_admin(store, "installer", passwords=FAST)
    assert created is not None
    name, password = created
    assert name == "admin" and len(password) >= 20
    assert users.ensure_first_admin(store, "installer", passwords=FAST) is None
    user = users.authenticate(store, "admin", password, passwords=FAST)
    assert user.role == Role.ADMIN.value


def test_audit_records_user_changes_but_never_a_password_or_hash(store: Factory) -> None:
    _add(store)
    users.set_password(store, "mina", "another long password", "admin", passwords=FAST)
    with pytest.raises(LoginFailedError):
        _login(store, "wrong password here")
    users.disable_user(store, "mina", "admin")
    with store() as uow:
        events = uow.audit.list()
        stored_hash = (uow.users.get("mina") or pytest.fail("missing")).password_hash
    assert [e.action for e in events] == [
        "user.add",
        "user.passwd",
        "user.login_failed",
        "user.disable",
    ]
    text = " ".join(f"{e.before} {e.after} {e.reason} {e.details}" for e in events)
    for secret in (PASSWORD, "another long password", "wrong password here", stored_hash):
        assert secret not in text
    assert "$argon2" not in text


@pytest.mark.parametrize(
    "name",
    [
        "admin'--",
        "x');DROP_TABLE_users;--",
        'Robert"OR"1"="1',
        "김철수",
    ],
    ids=["quote-comment", "drop-table", "or-true", "hangul"],
)
def test_injection_payloads_in_names_are_just_text(store: Factory, name: str) -> None:
    _add(store, name)
    user = users.authenticate(store, name, PASSWORD, passwords=FAST)
    assert user.username == name
    assert [u.username for u in users.list_users(store)] == [name]
    with pytest.raises(LoginFailedError):
        users.authenticate(store, "' OR '1'='1", PASSWORD, passwords=FAST)
