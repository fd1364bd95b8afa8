"""Urgency over the store: every case assessed as of a day, alerts since a day, opt-in delivery.

The scoring itself is risk's (pure); this module only loads cases, claims and publication dates
from one unit of work, and records deliveries in the audit log. Assessments are never stored:
they are recomputed from the claims, so a rule tuned in risk.rules applies to every case at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from refugewatch.config import AlertSettings
from refugewatch.errors import AlertDeliveryError, NotFoundError, ValidationError
from refugewatch.model.cases import Case
from refugewatch.model.claims import Claim
from refugewatch.model.dates import FuzzyDate
from refugewatch.risk import (
    Alert,
    Assessment,
    Level,
    ReasonCode,
    alerts,
    assess_case,
    assess_cases,
)
from refugewatch.risk.delivery import DeliverySettings, deliver
from refugewatch.services.cases import UowFactory
from refugewatch.services.review import append_event
from refugewatch.store.protocols import UnitOfWork

# `refugewatch alerts` without --since looks back one week: the rhythm of a weekly case meeting.
DEFAULT_ALERT_LOOKBACK_DAYS = 7
# Audit target of delivery events (they concern several cases; each case id is in the details).
ALERTS_TARGET = "alerts"


@dataclass(frozen=True)
class StoredCases:
    """What an assessment reads: the cases, every claim, each document's publication date."""

    cases: list[Case]
    claims: list[Claim]
    published: dict[str, FuzzyDate]


def load_for_assessment(uow: UnitOfWork) -> StoredCases:
    # Only publication dates are read: leave the original bytes (PDFs up to 20 MB) in the store.
    documents = uow.documents.list(with_originals=False)
    return StoredCases(
        cases=uow.cases.list(),
        claims=uow.claims.list(),
        published={d.sha256: d.published for d in documents},
    )


def assess_all(
    uow_factory: UowFactory, as_of: dt.date, *, active_only: bool = False
) -> list[Assessment]:
    """Every case as it stood on `as_of` (documents published by then), most urgent first."""
    with uow_factory() as uow:
        stored = load_for_assessment(uow)
    assessed = assess_cases(stored.cases, stored.claims, stored.published, as_of)
    return [a for a in assessed if a.active] if active_only else assessed


def assess_one(uow_factory: UowFactory, case_id: str, as_of: dt.date) -> Assessment:
    """One case's assessment as of a day (the case page)."""
    with uow_factory() as uow:
        stored = load_for_assessment(uow)
    case = next((c for c in stored.cases if c.id == case_id), None)
    if case is None:
        raise NotFoundError(f"there is no case {case_id!r}; rebuild the cases or check the id")
    return assess_case(case, stored.claims, stored.published, as_of)


def alerts_since(uow_factory: UowFactory, since: dt.date, as_of: dt.date) -> list[Alert]:
    """Level changes between `since` and `as_of`, and active cases silent as of `as_of`.

    Both runs are replayed from today's store with only the documents published by each day, so
    the comparison shows what changed in the reports, not when someone happened to run a command.
    A case with no report yet on `since` is new, not "raised from low".
    """
    if since > as_of:
        raise ValidationError([f"--since {since.isoformat()} is after --as-of {as_of.isoformat()}"])
    with uow_factory() as uow:
        stored = load_for_assessment(uow)
    before = assess_cases(stored.cases, stored.claims, stored.published, since)
    now = assess_cases(stored.cases, stored.claims, stored.published, as_of)
    previous = [a for a in before if a.reason(ReasonCode.NOT_YET_REPORTED) is None]
    last_reports = {a.case_id: a.last_report for a in now}
    return alerts(previous, now, last_reports, as_of)


def delivery_settings(settings: AlertSettings) -> DeliverySettings:
    """risk.delivery's settings from the environment's (REFUGEWATCH_ALERT_*)."""
    return DeliverySettings(
        allowed_hosts=frozenset(settings.allowed_hosts),
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_starttls=settings.smtp_starttls,
        smtp_user=settings.smtp_user,
        smtp_password=settings.smtp_password,
        sender=settings.smtp_from,
        recipients=settings.smtp_to,
        webhook_url=settings.webhook_url,
    )


def deliver_alerts(
    uow_factory: UowFactory,
    found: Sequence[Alert],
    settings: AlertSettings,
    *,
    actor: str,
) -> int:
    """Send the alerts to the configured, allow-listed destinations; returns messages sent.

    Every attempt is an audit event, including one refused or failed (then re-raised): the record
    of what left the machine, and what did not, is kept either way. Nothing configured is an
    error rather than a silent no-op, so nobody believes alerts went out when none could.
    """
    if not settings.configured:
        raise ValidationError(
            [
                "no alert destination is configured: set REFUGEWATCH_ALERT_SMTP_HOST and "
                "REFUGEWATCH_ALERT_SMTP_TO, or REFUGEWATCH_ALERT_WEBHOOK_URL, and allow the host "
                "in REFUGEWATCH_ALERT_ALLOWED_HOSTS"
            ]
        )
    if not found:
        return 0  # nothing to send, nothing left the machine: no event
    try:
        sent = deliver(found, delivery_settings(settings))
    except AlertDeliveryError as exc:
        _record_delivery(uow_factory, found, settings, actor, 0, f"not delivered: {exc}")
        raise
    _record_delivery(uow_factory, found, settings, actor, sent, "delivered")
    return sent


def _record_delivery(
    uow_factory: UowFactory,
    found: Sequence[Alert],
    settings: AlertSettings,
    actor: str,
    sent: int,
    outcome: str,
) -> None:
    """Which cases' alerts went where; never the reasons (the audit log is not confidential)."""
    after = {
        "messages": sent,
        "alerts": [
            {"case": a.case_id, "kind": a.kind.value, "level": a.level.value} for a in found
        ],
        "destinations": _destinations(settings),
    }
    details = {"cases": ",".join(sorted({a.case_id for a in found}))}
    with uow_factory() as uow:
        append_event(uow, actor, "alerts.deliver", ALERTS_TARGET, None, after, outcome, details)
        uow.commit()


def _destinations(settings: AlertSettings) -> list[str]:
    found = []
    if settings.smtp_host and settings.smtp_to:
        found.append(f"smtp://{settings.smtp_host}:{settings.smtp_port}")
    if settings.webhook_url:
        found.append(settings.webhook_url.split("?", 1)[0])  # a query may hold a token
    return found


# -- JSON for the CLI and the web ---------------------------------------------------------------


def assessment_json(assessment: Assessment) -> dict[str, object]:
    return {
        "case_id": assessment.case_id,
        "label": assessment.label,
        "as_of": assessment.as_of.isoformat(),
        "level": assessment.level.value,
        "score": assessment.score,
        "active": assessment.active,
        "last_report": _iso(assessment.last_report),
        "reasons": [
            {
                "code": r.code.value,
                "points": r.points,
                "text": r.text,
                "claim_ids": list(r.claim_ids),
                "floor": r.floor.value if r.floor else None,
            }
            for r in assessment.reasons
        ],
    }


def alert_json(alert: Alert) -> dict[str, object]:
    return {
        "case_id": alert.case_id,
        "label": alert.label,
        "kind": alert.kind.value,
        "level": alert.level.value,
        "previous_level": alert.previous_level.value if alert.previous_level else None,
        "as_of": alert.as_of.isoformat(),
        "text": alert.text,
        "days_silent": alert.days_silent,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def level_counts(assessed: Sequence[Assessment]) -> Mapping[str, int]:
    """How many active cases at each level (dashboard summary), most urgent level first."""
    counts = {level.value: 0 for level in Level}
    for assessment in assessed:
        if assessment.active:
            counts[assessment.level.value] += 1
    return counts
