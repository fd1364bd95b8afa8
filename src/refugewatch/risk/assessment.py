"""What an urgency assessment says about one case on one day, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from refugewatch.risk.rules import Level, ReasonCode


@dataclass(frozen=True)
class Reason:
    """One contribution to a score, in words a researcher checks against the claims it cites."""

    code: ReasonCode
    points: int
    text: str
    claim_ids: tuple[str, ...] = ()
    # The lowest level this reason allows the case to have (overdue: high), if any.
    floor: Level | None = None


@dataclass(frozen=True)
class Assessment:
    """A case's urgency as of a day: level, score and every reason behind them."""

    case_id: str
    label: str
    as_of: dt.date
    level: Level
    score: int
    reasons: tuple[Reason, ...]
    # False for cases whose status is final (repatriated, released, reached a safe country).
    active: bool = True
    # Publication date of the newest report on the case known by `as_of`, if any.
    last_report: dt.date | None = None

    def reason(self, code: ReasonCode) -> Reason | None:
        """The reason with this code, if the assessment has one."""
        return next((r for r in self.reasons if r.code is code), None)

    @property
    def silent(self) -> bool:
        return self.reason(ReasonCode.SILENCE) is not None
