"""The urgency rules as data: every weight, threshold and word list the assessment uses.

Researchers tune the model here and nowhere else; docs/urgency.md explains each number. Scores
are points added up from independent contributions; a few facts also set a floor on the level
(an overdue case never drops below high, whatever its points).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Level(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


# Order used to compare levels (an alert fires when the rank changes).
LEVEL_RANK: Mapping[Level, int] = MappingProxyType(
    {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2, Level.CRITICAL: 3}
)

# Lowest score for each level, highest level first. Calibrated on the two reference scenarios in
# docs/urgency.md: a group held at a staging point inside the window is critical even without
# vulnerable members (30 + 40 + 15 = 85), a group inside the window with sick members or survivors
# of trafficking is high (30 + 15 + 10 = 55), a group inside the window with nothing else known is
# medium (30), so that a bare report never outranks one with known danger signs.
LEVEL_THRESHOLDS: tuple[tuple[Level, int], ...] = (
    (Level.CRITICAL, 80),
    (Level.HIGH, 50),
    (Level.MEDIUM, 25),
)

# Most forced returns of North Koreans caught in China happen within about two months of arrest
# (interrogation, transfer to a border detention centre, handover). Researchers' working figure.
RETURN_WINDOW_DAYS = 60
# Inside the window the group may be handed over any day.
WITHIN_WINDOW_POINTS = 30
# Past the window nobody knows whether they were returned; the points stay and the level is
# floored at high: a case never cools down because time passed without news.
OVERDUE_POINTS = 30
OVERDUE_FLOOR = Level.HIGH
# No arrest date reported: the case cannot be placed in the window; it still weighs something,
# because an undated arrest is usually a recent one reported in haste.
UNKNOWN_DATE_POINTS = 15

# Places where returnees are gathered before handover (border detention centres, crossings).
# The gazetteer's staging_point flag is the primary source; these names also count when a place
# is not (yet) in the gazetteer, matched as whole words in the reported place name.
STAGING_POINT_NAMES: tuple[str, ...] = (
    "Tumen",
    "Dandong",
    "Hunchun",
    "Changbai",
    "Nanping",
    "Yanji",
    "Sinuiju",
)
STAGING_POINT_POINTS = 40
# Within ~50 km of the North Korean border a handover takes hours, not days.
NEAR_BORDER_KM = 50.0
NEAR_BORDER_POINTS = 30
# A transfer that brought the group closer to the border is the usual step before handover.
MOVED_CLOSER_POINTS = 15
# Gazetteer distances are approximate and a hop across a river (Mong Cai -> Dongxing) is not a
# move towards North Korea; only moves that cut the distance by at least this much count.
MOVED_CLOSER_MIN_KM = 100.0

# Vulnerable members: points per kind present (not per person; one infant already makes the
# case more urgent, a second does not double it). Infants, children, pregnant women and the sick
# face the worst harm in detention and in North Korean holding centres; survivors of trafficking
# and the elderly are weighted a little lower because the harm is less immediate.
VULNERABILITY_POINTS: Mapping[str, int] = MappingProxyType(
    {
        "infants": 15,
        "children": 15,
        "pregnant": 15,
        "ill_or_injured": 15,
        "trafficking_survivors": 10,
        "elderly": 10,
    }
)
# Points for a vulnerability kind the table above does not name yet (new extractor kinds).
OTHER_VULNERABILITY_POINTS = 10
# Cap on vulnerability points, so vulnerability alone never makes a case critical.
VULNERABILITY_CAP = 30

# No new report for this long: an alert to check in with contacts, never a lower score.
SILENCE_DAYS = 14


class ReasonCode(StrEnum):
    WITHIN_WINDOW = "within_window"
    OVERDUE = "overdue"
    DATE_UNKNOWN = "date_unknown"
    STAGING_POINT = "staging_point"
    NEAR_BORDER = "near_border"
    PLACE_UNKNOWN = "place_unknown"
    MOVED_CLOSER = "moved_closer"
    VULNERABLE = "vulnerable"
    SILENCE = "silence"
    CLOSED = "closed"
    NOT_YET_REPORTED = "not_yet_reported"
