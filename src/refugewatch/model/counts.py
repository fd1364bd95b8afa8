"""People counts as low/best/high with a qualifier; never a bare integer, never an invented middle."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Qualifier(StrEnum):
    EXACT = "exact"
    AT_LEAST = "at_least"
    ABOUT = "about"
    UP_TO = "up_to"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Count:
    """How many people: "at least 41" = low 41, best 41, high None; "50 to 60" = low 50, high 60."""

    low: int | None
    best: int | None
    high: int | None
    qualifier: Qualifier

    @classmethod
    def exact(cls, n: int) -> Count:
        return cls(n, n, n, Qualifier.EXACT)

    @classmethod
    def at_least(cls, n: int) -> Count:
        return cls(n, n, None, Qualifier.AT_LEAST)

    @classmethod
    def about(cls, n: int) -> Count:
        return cls(None, n, None, Qualifier.ABOUT)

    @classmethod
    def up_to(cls, n: int) -> Count:
        return cls(None, n, n, Qualifier.UP_TO)

    @classmethod
    def between(cls, low: int, high: int) -> Count:
        return cls(min(low, high), None, max(low, high), Qualifier.AT_LEAST)

    @classmethod
    def unknown(cls) -> Count:
        return cls(None, None, None, Qualifier.UNKNOWN)

    @property
    def headline(self) -> int | None:
        """The single figure the interchange format and tables show (a range shows its low end)."""
        return (
            self.best if self.best is not None else self.low if self.low is not None else self.high
        )

    def is_compatible(self, other: Count) -> bool:
        """Could both describe the same group? ("about 60", "over 50" and "62" all can.)"""
        lo_a, hi_a = self._bounds()
        lo_b, hi_b = other._bounds()
        return lo_a <= hi_b and lo_b <= hi_a

    def _bounds(self) -> tuple[float, float]:
        if self.qualifier is Qualifier.UNKNOWN:
            return (0.0, float("inf"))
        if self.qualifier is Qualifier.ABOUT and self.best is not None:
            # "about 30" spans roughly +-20 %: reporters round to the nearest five or ten.
            return (self.best * 0.8, self.best * 1.2)
        low = float(self.low) if self.low is not None else 0.0
        high = float(self.high) if self.high is not None else float("inf")
        return (low, high)

    def describe(self) -> str:
        if self.qualifier is Qualifier.UNKNOWN:
            return "an unknown number"
        if self.low is not None and self.high is not None and self.low != self.high:
            return f"{self.low} to {self.high}"
        words = {
            Qualifier.AT_LEAST: "at least ",
            Qualifier.ABOUT: "about ",
            Qualifier.UP_TO: "up to ",
            Qualifier.EXACT: "",
        }
        return f"{words[self.qualifier]}{self.headline}"
