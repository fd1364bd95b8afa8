"""Alerts: level changes between two assessment runs, and cases gone silent.

Pure: the caller keeps the previous run's assessments and the cases' last report dates; this only
compares. Delivery (opt-in, allow-listed) is delivery.py's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from refugewatch.risk import rules
from refugewatch.risk.assessment import Assessment
from refugewatch.risk.rules import LEVEL_RANK, Level


class AlertKind(StrEnum):
    NEW_CASE = "new_case"  # first assessment of an active case
    RAISED = "raised"
    LOWERED = "lowered"
    SILENCE = "silence"


@dataclass(frozen=True)
class Alert:
    case_id: str
    label: str
    kind: AlertKind
    level: Level
    previous_level: Level | None
    as_of: dt.date
    text: str
    days_silent: int | None = None


def alerts(
    previous: Iterable[Assessment],
    current: Iterable[Assessment],
    last_reports: Mapping[str, dt.date | None],
    as_of: dt.date,
) -> list[Alert]:
    """Level changes from `previous` to `current`, then active cases silent for SILENCE_DAYS.

    `last_reports` maps case id to the publication date of its newest report; a case missing
    from it, or mapped to None, has no dated report and is reported silent (nobody can say when
    it was last heard of). Cases in `previous` but not in `current` (merged or deleted) alert
    nothing: a merge is not news about the people.
    """
    before = {a.case_id: a for a in previous}
    found: list[Alert] = []
    for now in sorted(current, key=lambda a: (-LEVEL_RANK[a.level], a.label, a.case_id)):
        change = _level_change(before.get(now.case_id), now, as_of)
        if change is not None:
            found.append(change)
        silence = _silence(now, last_reports.get(now.case_id), as_of)
        if silence is not None:
            found.append(silence)
    return found


def _level_change(before: Assessment | None, now: Assessment, as_of: dt.date) -> Alert | None:
    if before is None:
        if not now.active:
            return None
        return Alert(
            now.case_id, now.label, AlertKind.NEW_CASE, now.level, None, as_of,
            f"new case: {now.label} assessed {now.level.value}",
        )  # fmt: skip
    if LEVEL_RANK[now.level] == LEVEL_RANK[before.level]:
        return None
    kind = (
        AlertKind.RAISED if LEVEL_RANK[now.level] > LEVEL_RANK[before.level] else AlertKind.LOWERED
    )
    why = "; ".join(r.text for r in now.reasons if r.points or r.floor) or "no scoring reasons"
    return Alert(
        now.case_id, now.label, kind, now.level, before.level, as_of,
        f"{now.label}: {before.level.value} -> {now.level.value} ({why})",
    )  # fmt: skip


def _silence(now: Assessment, last_report: dt.date | None, as_of: dt.date) -> Alert | None:
    if not now.active:
        return None
    if last_report is None:
        return Alert(
            now.case_id, now.label, AlertKind.SILENCE, now.level, now.level, as_of,
            f"{now.label}: no dated report on record; check in with contacts",
        )  # fmt: skip
    days = (as_of - last_report).days
    if days < rules.SILENCE_DAYS:
        return None
    return Alert(
        now.case_id, now.label, AlertKind.SILENCE, now.level, now.level, as_of,
        f"{now.label}: no report for {days} days (since {last_report.isoformat()}); "
        "check in with contacts",
        days_silent=days,
    )  # fmt: skip
