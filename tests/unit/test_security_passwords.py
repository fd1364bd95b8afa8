"""Login passwords and the role ladder."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.errors import AccessDeniedError, CryptoError, ValidationError
from refugewatch.security.passwords import (
    PASSWORD_ALPHABET,
    STRONG_HASH,
    HashParams,
    Passwords,
    Role,
    allows,
    check_password,
    generate_password,
    parse_role,
    require_role,
)

FAST = HashParams(time_cost=1, memory_cost_kib=8, parallelism=1)
GOOD = "a long enough password"


@pytest.fixture(scope="module")
def passwords() -> Passwords:
    return Passwords(FAST)


def test_hash_then_verify(passwords: Passwords) -> None:
    stored = passwords.hash(GOOD)
    assert stored.startswith("$argon2id$") and GOOD not in stored
    assert passwords.verify(stored, GOOD)


@pytest.mark.parametrize(
    "attempt",
    ["a long enough passwor", "A long enough password", GOOD + " ", "", "x" * 5000],
    ids=["one-short", "capital", "trailing-space", "empty", "huge"],
)
def test_wrong_password_is_false_not_an_error(passwords: Passwords, attempt: str) -> None:
    assert passwords.verify(passwords.hash(GOOD), attempt) is False


@settings(max_examples=10, deadline=None)
@given(password=st.text(min_size=12, max_size=60))
def test_any_acceptable_password_round_trips(passwords: Passwords, password: str) -> None:
    assert passwords.verify(passwords.hash(password), password)


def test_same_password_hashes_differently(passwords: Passwords) -> None:
    assert passwords.hash(GOOD) != passwords.hash(GOOD)


def test_corrupted_stored_hash_is_reported(passwords: Passwords) -> None:
    with pytest.raises(CryptoError, match="not a valid argon2 hash"):
        passwords.verify("$plain$text", GOOD)


def test_edited_stored_hash_does_not_verify(passwords: Passwords) -> None:
    stored = passwords.hash(GOOD)
    last = "A" if stored[-1] != "A" else "B"
    assert passwords.verify(stored[:-1] + last, GOOD) is False


def test_weaker_hash_needs_rehash_under_strong_parameters(passwords: Passwords) -> None:
    weak = passwords.hash(GOOD)
    strong = Passwords(STRONG_HASH)
    assert strong.needs_rehash(weak)
    assert not passwords.needs_rehash(weak)
    assert passwords.needs_rehash("garbage")


def test_unknown_user_costs_as_much_as_a_wrong_password() -> None:
    """A login for a name that does not exist must not answer faster (user-name probing)."""
    passwords = Passwords(HashParams(time_cost=2, memory_cost_kib=16 * 1024, parallelism=1))
    stored = passwords.hash(GOOD)
    start = time.perf_counter()
    assert passwords.verify(stored, "wrong password here") is False
    real = time.perf_counter() - start
    start = time.perf_counter()
    assert passwords.verify_unknown_user("wrong password here") is False
    decoy = time.perf_counter() - start
    assert decoy > real * 0.3


@pytest.mark.parametrize(
    ("password", "user", "problem"),
    [
        ("short", None, "at least 12"),
        ("x" * 1025, None, "at most 1024"),
        ("Administrator1", "administrator1", "user name"),
    ],
    ids=["too-short", "too-long", "equals-user-name"],
)
def test_unacceptable_passwords(password: str, user: str | None, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        check_password(password, user)


def test_generated_password_is_long_random_and_unambiguous() -> None:
    generated = {generate_password() for _ in range(50)}
    assert len(generated) == 50
    for password in generated:
        assert len(password) >= 20
        assert set(password) <= set(PASSWORD_ALPHABET)
        assert not set(password) & set("0O1lI")
    assert len(set("".join(generated))) > 40  # draws from the whole alphabet


def test_generated_password_refuses_short_lengths() -> None:
    with pytest.raises(ValidationError):
        generate_password(12)


ORDER = [Role.VIEWER, Role.REVIEWER, Role.EDITOR, Role.ADMIN]


@pytest.mark.parametrize(
    ("user", "required"),
    [(u, r) for u in ORDER for r in ORDER],
    ids=[f"{u.value}-needs-{r.value}" for u in ORDER for r in ORDER],
)
def test_role_ladder(user: Role, required: Role) -> None:
    assert allows(user, required) is (ORDER.index(user) >= ORDER.index(required))


def test_require_role_explains_the_refusal() -> None:
    with pytest.raises(
        AccessDeniedError, match="needs the editor role; you are signed in as a viewer"
    ):
        require_role(Role.VIEWER, Role.EDITOR, "editing a claim")
    require_role(Role.ADMIN, Role.EDITOR, "editing a claim")


@pytest.mark.parametrize(
    ("text", "role"),
    [("admin", Role.ADMIN), (" Editor ", Role.EDITOR), ("VIEWER", Role.VIEWER)],
    ids=["plain", "padded", "upper"],
)
def test_parse_role(text: str, role: Role) -> None:
    assert parse_role(text) is role


def test_parse_role_refuses_unknown() -> None:
    with pytest.raises(ValidationError, match="roles are viewer, reviewer, editor, admin"):
        parse_role("superuser")
