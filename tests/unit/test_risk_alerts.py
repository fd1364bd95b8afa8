"""Alerts: level changes between runs and cases gone silent; pure, from assessments and dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from refugewatch.risk import Alert, AlertKind, Assessment, Level, alerts
from refugewatch.risk.rules import SILENCE_DAYS

AS_OF = dt.date(2016, 1, 10)
RECENT = {"a": AS_OF - dt.timedelta(days=2), "b": AS_OF - dt.timedelta(days=2)}


def assessment(case_id: str, level: Level, active: bool = True) -> Assessment:
    return Assessment(case_id, f"Group {case_id}", AS_OF, level, 0, (), active)


def kinds(found: list[Alert]) -> list[tuple[str, AlertKind]]:
    return [(a.case_id, a.kind) for a in found]


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        pytest.param(Level.MEDIUM, Level.CRITICAL, [("a", AlertKind.RAISED)], id="raised"),
        pytest.param(Level.HIGH, Level.MEDIUM, [("a", AlertKind.LOWERED)], id="lowered"),
        pytest.param(Level.HIGH, Level.HIGH, [], id="unchanged"),
    ],
)
def test_level_changes(before: Level, now: Level, expected: list[tuple[str, AlertKind]]) -> None:
    found = alerts([assessment("a", before)], [assessment("a", now)], RECENT, AS_OF)
    assert kinds(found) == expected
    for alert in found:
        assert (alert.previous_level, alert.level) == (before, now)
        assert f"{before.value} -> {now.value}" in alert.text


def test_a_new_active_case_alerts_and_a_new_closed_one_does_not() -> None:
    current = [assessment("a", Level.HIGH), assessment("b", Level.LOW, active=False)]
    assert kinds(alerts([], current, RECENT, AS_OF)) == [("a", AlertKind.NEW_CASE)]


def test_a_case_that_closes_alerts_as_lowered() -> None:
    found = alerts(
        [assessment("a", Level.CRITICAL)], [assessment("a", Level.LOW, False)], RECENT, AS_OF
    )
    assert kinds(found) == [("a", AlertKind.LOWERED)]


def test_a_case_gone_from_the_current_run_alerts_nothing() -> None:
    assert alerts([assessment("a", Level.HIGH)], [], RECENT, AS_OF) == []


@pytest.mark.parametrize(
    ("days", "silent"),
    [(SILENCE_DAYS - 1, False), (SILENCE_DAYS, True), (SILENCE_DAYS + 30, True)],
    ids=["13-days", "14-days", "44-days"],
)
def test_silence_after_fourteen_days(days: int, silent: bool) -> None:
    last = {"a": AS_OF - dt.timedelta(days=days)}
    found = alerts([assessment("a", Level.HIGH)], [assessment("a", Level.HIGH)], last, AS_OF)
    assert kinds(found) == ([("a", AlertKind.SILENCE)] if silent else [])
    if silent:
        assert found[0].days_silent == days
        assert f"no report for {days} days" in found[0].text


def test_a_case_with_no_dated_report_is_flagged_for_a_check_in() -> None:
    found = alerts([assessment("a", Level.HIGH)], [assessment("a", Level.HIGH)], {}, AS_OF)
    assert kinds(found) == [("a", AlertKind.SILENCE)]
    assert found[0].days_silent is None


def test_closed_cases_never_go_silent() -> None:
    closed = assessment("a", Level.LOW, active=False)
    old = {"a": AS_OF - dt.timedelta(days=400)}
    assert alerts([closed], [closed], old, AS_OF) == []


def test_alerts_list_the_most_urgent_case_first() -> None:
    previous = [assessment("a", Level.LOW), assessment("b", Level.LOW)]
    current = [assessment("a", Level.MEDIUM), assessment("b", Level.CRITICAL)]
    assert [a.case_id for a in alerts(previous, current, RECENT, AS_OF)] == ["b", "a"]


def test_the_alert_carries_the_current_label() -> None:
    now = replace(assessment("a", Level.CRITICAL), label="Group of 9, Mong Cai, Oct 2015")
    (alert,) = alerts([assessment("a", Level.HIGH)], [now], RECENT, AS_OF)
    assert alert.label == "Group of 9, Mong Cai, Oct 2015"
