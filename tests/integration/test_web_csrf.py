"""The CSRF signer: genuine tokens pass, anything altered or foreign is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.errors import AccessDeniedError
from refugewatch.web.csrf import CsrfSigner


def test_a_token_checks_against_its_own_cookie() -> None:
    signer = CsrfSigner()
    token = signer.issue()
    assert signer.is_genuine(token)
    signer.verify(token, token)
    assert signer.issue() != token


@given(st.data())
def test_any_altered_token_is_refused(data: st.DataObject) -> None:
    signer = CsrfSigner(b"k" * 32)
    token = signer.issue()
    i = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.characters().filter(lambda c: c != token[i]))
    altered = token[:i] + replacement + token[i + 1 :]
    assert not signer.is_genuine(altered)


@pytest.mark.parametrize(
    "token", [None, "", "no-dot", "a.b.c", "."], ids=["none", "empty", "no-dot", "two-dots", "dot"]
)
def test_malformed_tokens_are_not_genuine(token: str | None) -> None:
    assert not CsrfSigner().is_genuine(token)


def test_a_token_from_another_secret_is_refused() -> None:
    ours, theirs = CsrfSigner(), CsrfSigner()
    foreign = theirs.issue()
    with pytest.raises(AccessDeniedError, match="no valid security"):
        ours.verify(foreign, foreign)


@pytest.mark.parametrize("submitted", [None, "", "other"], ids=["missing", "empty", "different"])
def test_the_submitted_token_must_equal_the_cookie(submitted: str | None) -> None:
    signer = CsrfSigner()
    with pytest.raises(AccessDeniedError, match="missing or does not match"):
        signer.verify(signer.issue(), submitted)


@pytest.mark.parametrize(
    "text", ["비밀.토큰", "\udcff.x", "é"], ids=["hangul", "surrogate", "accent"]
)
def test_non_ascii_input_is_refused_not_an_error(text: str) -> None:
    signer = CsrfSigner()
    assert not signer.is_genuine(text)
    with pytest.raises(AccessDeniedError):
        signer.verify(signer.issue(), text)
