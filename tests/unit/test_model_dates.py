"""FuzzyDate: precision, bounds and the interchange form never invent a day."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.model.dates import FuzzyDate, Precision


@pytest.mark.parametrize(
    ("value", "edtf"),
    [
        pytest.param(FuzzyDate.day(2015, 10, 22), "2015-10-22", id="day"),
        pytest.param(FuzzyDate.month(2017, 3), "2017-03", id="month"),
        pytest.param(FuzzyDate.year(2016), "2016", id="year"),
        pytest.param(
            FuzzyDate.between(dt.date(2017, 7, 15), dt.date(2017, 7, 17)),
            "2017-07",
            id="range-in-month",
        ),
        pytest.param(
            FuzzyDate.between(dt.date(2017, 7, 1), dt.date(2017, 8, 31)), "2017", id="range-in-year"
        ),
        pytest.param(
            FuzzyDate.between(dt.date(2016, 7, 1), dt.date(2017, 6, 30)),
            None,
            id="range-across-years",
        ),
        pytest.param(FuzzyDate.unknown(), None, id="unknown"),
    ],
)
def test_to_edtf_keeps_the_precision(value: FuzzyDate, edtf: str | None) -> None:
    assert value.to_edtf() == edtf


def test_month_bounds_cover_the_whole_month() -> None:
    feb = FuzzyDate.month(2016, 2)
    assert (feb.earliest, feb.latest) == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    assert feb.precision is Precision.MONTH


def test_overlap_and_containment() -> None:
    month = FuzzyDate.month(2015, 10)
    assert month.contains(FuzzyDate.day(2015, 10, 22))
    assert month.overlaps(FuzzyDate.day(2015, 10, 31))
    assert not month.overlaps(FuzzyDate.day(2015, 11, 1))
    assert FuzzyDate.unknown().overlaps(month)


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31))


@given(dates, st.sampled_from(["day", "month", "year"]))
def test_edtf_round_trip(d: dt.date, precision: str) -> None:
    value = {
        "day": FuzzyDate.day(d.year, d.month, d.day),
        "month": FuzzyDate.month(d.year, d.month),
        "year": FuzzyDate.year(d.year),
    }[precision]
    assert FuzzyDate.parse_edtf(value.to_edtf()) == value
    assert value.earliest is not None and value.latest is not None
    assert value.earliest <= d <= value.latest


@given(dates, dates)
def test_interval_round_trip(a: dt.date, b: dt.date) -> None:
    value = FuzzyDate.between(a, b)
    assert FuzzyDate.parse_edtf(value.to_edtf_interval()) == value
    assert value.earliest is not None and value.latest is not None
    assert value.earliest <= value.latest
