"""How values read on pages: precision kept, qualifiers kept, nothing invented."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.model.claims import Claim, ClaimKind, Evidence, Values
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.web.present import (
    UNKNOWN_DATE,
    describe_claim,
    show_bytes,
    show_date,
    show_datetime,
    show_label,
    show_people,
)


@pytest.mark.parametrize(
    ("date", "shown"),
    [
        (FuzzyDate.day(2015, 10, 3), "2015-10-03"),
        (FuzzyDate.month(2017, 3), "2017-03"),
        (FuzzyDate.year(2019), "2019"),
        (
            FuzzyDate.between(dt.date(2016, 7, 15), dt.date(2016, 7, 17)),
            "between 2016-07-15 and 2016-07-17",
        ),
        (FuzzyDate.unknown(), UNKNOWN_DATE),
    ],
    ids=["day", "month", "year", "range", "unknown"],
)
def test_show_date_keeps_the_precision(date: FuzzyDate, shown: str) -> None:
    assert show_date(date) == shown


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_month_never_gains_a_day(day: dt.date) -> None:
    shown = show_date(FuzzyDate.month(day.year, day.month))
    assert shown == f"{day.year:04d}-{day.month:02d}"
    assert FuzzyDate.parse_edtf(shown) == FuzzyDate.month(day.year, day.month)


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (Count.exact(9), "9 people"),
        (Count.at_least(41), "at least 41 people"),
        (Count.about(30), "about 30 people"),
        (Count.between(50, 60), "50 to 60 people"),
        (Count.unknown(), "an unknown number"),
    ],
    ids=["exact", "at-least", "about", "range", "unknown"],
)
def test_show_people_keeps_the_qualifier(count: Count, shown: str) -> None:
    assert show_people(count) == shown


def _claim(kind: ClaimKind, values: Values) -> Claim:
    return Claim("a" * 64, kind, values, Evidence("a" * 64, "v", 0, 1, "x"))


@pytest.mark.parametrize(
    ("kind", "values", "shown"),
    [
        (
            ClaimKind.APPREHENSION,
            {
                "people_low": 50,
                "people_best": None,
                "people_high": 60,
                "people_qualifier": "at_least",
                "place": "Tumen",
                "country": "CN",
                "custodian": "border police",
            },
            "50 to 60 people apprehended at Tumen (CN) by border police",
        ),
        (ClaimKind.APPREHENSION, {"people_qualifier": "unknown"}, "an unknown number apprehended"),
        (
            ClaimKind.TRANSFER,
            {"place": "Dandong", "country": None, "custodian": None},
            "moved to Dandong",
        ),
        (
            ClaimKind.STATUS,
            {"status": "reached_safe_country", "last_known_place": None},
            "status: reached safe country",
        ),
        (ClaimKind.VULNERABILITY, {"kind": "ill_or_injured", "count": 2}, "2 ill or injured"),
        (
            ClaimKind.STATISTIC,
            {
                "measure": "repatriated",
                "count_low": None,
                "count_best": 600,
                "count_high": None,
                "qualifier": "about",
                "period_start": "2023-10",
                "period_end": None,
                "place": None,
            },
            "repatriated: about 600 (2023-10)",
        ),
        (
            ClaimKind.APPEAL,
            {"sender": "HRW", "addressee": None, "asks": "halt the return"},
            "appeal from HRW to unknown addressee: halt the return",
        ),
    ],
    ids=[
        "apprehension-range",
        "apprehension-unknown",
        "transfer",
        "status",
        "vulnerability",
        "statistic",
        "appeal",
    ],
)
def test_describe_claim(kind: ClaimKind, values: Values, shown: str) -> None:
    assert describe_claim(_claim(kind, values)) == shown


def test_describe_claim_uses_the_reviewers_edit() -> None:
    claim = _claim(ClaimKind.VULNERABILITY, {"kind": "children", "count": 2})
    edited = Claim(**{**claim.__dict__, "edited_values": {"kind": "children", "count": 3}})
    assert describe_claim(edited) == "3 children"


@pytest.mark.parametrize(
    ("size", "shown"),
    [(20 * 1024 * 1024, "20 MB"), (4096, "4 KB"), (1000, "1,000 bytes"), (1536 * 1024, "1,536 KB")],
    ids=["mb", "kb", "bytes", "not-whole-mb"],
)
def test_show_bytes(size: int, shown: str) -> None:
    assert show_bytes(size) == shown


def test_show_datetime_is_utc() -> None:
    moment = dt.datetime(2020, 1, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert show_datetime(moment) == "2020-01-02 00:30 UTC"
    assert show_datetime(None) == "—"


def test_show_label() -> None:
    assert show_label("reached_safe_country") == "reached safe country"
