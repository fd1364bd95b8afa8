"""Urgency: a level, a score and the reasons behind them for each case, as of a day; alerts.

rules.py holds every weight and threshold (docs/urgency.md explains them), contributions.py the
rules, assess.py adds them up, alerts.py compares runs, delivery.py sends opt-in alerts to
allow-listed hosts carrying a case label and level only.
"""

from refugewatch.risk.alerts import Alert, AlertKind, alerts
from refugewatch.risk.assess import assess_case, assess_cases, assess_state, level_for
from refugewatch.risk.assessment import Assessment, Reason
from refugewatch.risk.rules import Level, ReasonCode

__all__ = [
    "Alert",
    "AlertKind",
    "Assessment",
    "Level",
    "Reason",
    "ReasonCode",
    "alerts",
    "assess_case",
    "assess_cases",
    "assess_state",
    "level_for",
]
