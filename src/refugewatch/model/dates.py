"""Dates with a precision and earliest/latest bounds (EDTF-style).

Never invent a day: "mid-March 2017" is FuzzyDate.month(2017, 3) with bounds 03-01..03-31.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"
    UNKNOWN = "unknown"


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A date known to lie between earliest and latest (inclusive), at a stated precision."""

    earliest: dt.date | None
    latest: dt.date | None
    precision: Precision

    @classmethod
    def day(cls, year: int, month: int, day: int) -> FuzzyDate:
        d = dt.date(year, month, day)
        return cls(d, d, Precision.DAY)

    @classmethod
    def month(cls, year: int, month: int) -> FuzzyDate:
        last = calendar.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, last), Precision.MONTH)

    @classmethod
    def year(cls, year: int) -> FuzzyDate:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR)

    @classmethod
    def between(cls, earliest: dt.date, latest: dt.date) -> FuzzyDate:
        if latest < earliest:
            earliest, latest = latest, earliest
        return cls(earliest, latest, Precision.RANGE)

    @classmethod
    def unknown(cls) -> FuzzyDate:
        return cls(None, None, Precision.UNKNOWN)

    @classmethod
    def from_date(cls, value: dt.date) -> FuzzyDate:
        return cls(value, value, Precision.DAY)

    @property
    def is_known(self) -> bool:
        return self.precision is not Precision.UNKNOWN

    def to_edtf(self) -> str | None:
        """The interchange form: YYYY-MM-DD, YYYY-MM or YYYY at the date's own precision.

        A range is written at the coarsest precision that holds both bounds (July 15-17 -> the
        month), following the corpus conventions; a range across years has no single value.
        """
        if self.earliest is None or self.latest is None:
            return None
        if self.precision is Precision.DAY:
            return self.earliest.isoformat()
        if self.precision is Precision.MONTH:
            return self.earliest.strftime("%Y-%m")
        if self.precision is Precision.YEAR:
            return f"{self.earliest.year:04d}"
        return _common_prefix(self.earliest, self.latest)

    def to_edtf_interval(self) -> str | None:
        """EDTF interval form (earliest/latest) for ranges, else to_edtf()."""
        if self.precision is Precision.RANGE and self.earliest and self.latest:
            return f"{self.earliest.isoformat()}/{self.latest.isoformat()}"
        return self.to_edtf()

    @classmethod
    def parse_edtf(cls, value: str | None) -> FuzzyDate:
        """Inverse of to_edtf / to_edtf_interval."""
        if not value:
            return cls.unknown()
        if "/" in value:
            start, end = value.split("/", 1)
            return cls.between(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            return cls.day(*parts)
        if len(parts) == 2:
            return cls.month(*parts)
        return cls.year(parts[0])

    def contains(self, other: FuzzyDate) -> bool:
        if not (self.earliest and self.latest and other.earliest and other.latest):
            return False
        return self.earliest <= other.earliest and other.latest <= self.latest

    def overlaps(self, other: FuzzyDate) -> bool:
        """True when the two could be the same day (unknown dates overlap everything)."""
        if not (self.earliest and self.latest and other.earliest and other.latest):
            return True
        return self.earliest <= other.latest and other.earliest <= self.latest


def _common_prefix(earliest: dt.date, latest: dt.date) -> str | None:
    if earliest == latest:
        return earliest.isoformat()
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return earliest.strftime("%Y-%m")
    if earliest.year == latest.year:
        return f"{earliest.year:04d}"
    return None
