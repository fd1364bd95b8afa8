"""Counts are low/best/high with a qualifier; compatibility drives linking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.model.counts import Count, Qualifier


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        pytest.param(Count.exact(9), Count.exact(9), True, id="equal"),
        pytest.param(Count.exact(9), Count.exact(10), False, id="nine-vs-ten-exact"),
        pytest.param(Count.about(60), Count.exact(62), True, id="about-60-vs-62"),
        pytest.param(Count.at_least(50), Count.about(60), True, id="over-50-vs-about-60"),
        pytest.param(Count.at_least(50), Count.exact(41), False, id="over-50-vs-41"),
        pytest.param(Count.up_to(20), Count.exact(19), True, id="up-to-20-vs-19"),
        pytest.param(Count.between(50, 60), Count.exact(55), True, id="range-contains"),
        pytest.param(Count.unknown(), Count.exact(3), True, id="unknown-matches-anything"),
    ],
)
def test_is_compatible(a: Count, b: Count, compatible: bool) -> None:
    assert a.is_compatible(b) is compatible
    assert b.is_compatible(a) is compatible


def test_range_never_invents_a_middle() -> None:
    rng = Count.between(60, 50)
    assert (rng.low, rng.best, rng.high) == (50, None, 60)
    assert rng.headline == 50
    assert rng.describe() == "50 to 60"


@pytest.mark.parametrize(
    ("count", "text"),
    [
        pytest.param(Count.exact(9), "9", id="exact"),
        pytest.param(Count.at_least(41), "at least 41", id="at-least"),
        pytest.param(Count.about(30000), "about 30000", id="about"),
        pytest.param(Count.up_to(12), "up to 12", id="up-to"),
        pytest.param(Count.unknown(), "an unknown number", id="unknown"),
    ],
)
def test_describe(count: Count, text: str) -> None:
    assert count.describe() == text


@given(st.integers(min_value=1, max_value=100_000), st.sampled_from(list(Qualifier)))
def test_a_count_is_compatible_with_itself(n: int, qualifier: Qualifier) -> None:
    make = {
        Qualifier.EXACT: Count.exact,
        Qualifier.AT_LEAST: Count.at_least,
        Qualifier.ABOUT: Count.about,
        Qualifier.UP_TO: Count.up_to,
        Qualifier.UNKNOWN: lambda _n: Count.unknown(),
    }[qualifier]
    count = make(n)
    assert count.is_compatible(count)
