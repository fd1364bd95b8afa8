"""Urgency over the store: assessments as of a day, alerts since a day, opt-in delivery (services
and CLI) on SQLite and PostgreSQL. Delivery goes to an SMTP sink and an HTTP receiver that the
tests start on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import json
import socketserver
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
from typer.testing import CliRunner

import refugewatch.cli_advocacy  # noqa: F401  (registers the commands on the app)
from refugewatch.cli import app
from refugewatch.config import AlertSettings, Settings
from refugewatch.errors import ConfigurationError, DeliveryNotAllowedError, ValidationError
from refugewatch.risk import AlertKind, Level, ReasonCode
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import ingest_paths
from refugewatch.services.urgency import (
    alerts_since,
    assess_all,
    assess_one,
    deliver_alerts,
    level_counts,
)
from refugewatch.store.protocols import AuditEvent
from tests.integration.conftest import UowFactory
from tests.unit.test_risk_delivery import SmtpSink, receiver

# The nine at the Tumen garrison (first reported 2015-11-21); seed 001, the eight, comes in 2017.
NINE_SEEDS = ("000", "004")
SINCE = dt.date(2015, 11, 1)
QUIET_DAY = dt.date(2015, 12, 20)  # 26 days after the newest report (2015-11-24)


def seed_paths(corpus_dir: Path, numbers: tuple[str, ...]) -> list[Path]:
    return [p for n in numbers for p in sorted((corpus_dir / "seeds").glob(f"{n}_*.txt"))]


@pytest.fixture
def nine(make_uow: UowFactory, corpus_dir: Path) -> UowFactory:
    ingest_paths(make_uow, seed_paths(corpus_dir, (*NINE_SEEDS, "001")), Settings())
    rebuild_cases(make_uow, "tester")
    return make_uow


def nine_case_id(make_uow: UowFactory) -> str:
    with make_uow() as uow:
        (case,) = [c for c in uow.cases.list() if len(c.state.document_sha256s) == 2]
    return case.id


def deliveries(make_uow: UowFactory) -> list[AuditEvent]:
    with make_uow() as uow:
        return [e for e in uow.audit.list("alerts") if e.action == "alerts.deliver"]


# -- assessments --------------------------------------------------------------------------------


def test_active_cases_most_urgent_first(nine: UowFactory) -> None:
    assessed = assess_all(nine, dt.date(2017, 4, 23), active_only=True)
    assert assessed and all(a.active for a in assessed)
    ranks = [list(Level).index(a.level) for a in assessed]
    assert ranks == sorted(ranks), "most urgent level first"
    assert assessed[0].case_id == nine_case_id(nine)
    overdue = assessed[0].reason(ReasonCode.OVERDUE)
    assert overdue is not None and overdue.floor is Level.HIGH
    assert assessed[0].silent, "no report since 2015-11-24"
    assert sum(level_counts(assessed).values()) == len(assessed)
    assert list(level_counts(assessed)) == ["critical", "high", "medium", "low"]


def test_every_case_is_assessed_unless_only_active_ones_are_asked_for(nine: UowFactory) -> None:
    day = dt.date(2015, 11, 24)
    everything = assess_all(nine, day)
    active = assess_all(nine, day, active_only=True)
    with nine() as uow:
        assert len(everything) == len(uow.cases.list())
    assert [a.case_id for a in active] == [nine_case_id(nine)]
    assert assess_one(nine, nine_case_id(nine), day) == active[0]


def test_an_unknown_case_is_not_found(nine: UowFactory) -> None:
    from refugewatch.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no case"):
        assess_one(nine, "c-000000000000", dt.date(2015, 11, 24))


# -- alerts -------------------------------------------------------------------------------------


def test_alerts_since_a_day_include_a_new_case_and_its_silence(nine: UowFactory) -> None:
    found = alerts_since(nine, SINCE, QUIET_DAY)
    case_id = nine_case_id(nine)
    assert [(a.case_id, a.kind) for a in found] == [
        (case_id, AlertKind.NEW_CASE),
        (case_id, AlertKind.SILENCE),
    ]
    silence = found[1]
    assert silence.days_silent == 26 and silence.level is Level.CRITICAL
    assert "no report for 26 days (since 2015-11-24)" in silence.text


@pytest.mark.parametrize(
    ("since", "as_of"),
    [(dt.date(2015, 11, 24), dt.date(2015, 11, 30)), (dt.date(2016, 3, 1), dt.date(2016, 3, 1))],
    ids=["reported-six-days-ago", "same-day-no-change-but-silent"],
)
def test_no_level_change_alerts_when_nothing_changed(
    nine: UowFactory, since: dt.date, as_of: dt.date
) -> None:
    kinds = {a.kind for a in alerts_since(nine, since, as_of)}
    assert not kinds & {AlertKind.NEW_CASE, AlertKind.RAISED, AlertKind.LOWERED}
    assert (AlertKind.SILENCE in kinds) == ((as_of - dt.date(2015, 11, 24)).days >= 14)


def test_since_after_as_of_is_refused(nine: UowFactory) -> None:
    with pytest.raises(ValidationError, match="after --as-of"):
        alerts_since(nine, QUIET_DAY, SINCE)


# -- delivery -----------------------------------------------------------------------------------


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, list[bytes]]]:
    received: list[bytes] = []
    handler = type("Sink", (SmtpSink,), {"received": received})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_delivery_is_label_and_level_and_audited(nine: UowFactory) -> None:
    server, bodies = receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    found = alerts_since(nine, SINCE, QUIET_DAY)
    try:
        sent = deliver_alerts(
            nine, found, AlertSettings(allowed_hosts=("127.0.0.1",), webhook_url=url), actor="desk"
        )
    finally:
        server.shutdown()
        server.server_close()
    assert sent == 2
    assert [json.loads(b) for b in bodies] == [{"case": found[0].label, "level": "critical"}] * 2
    (event,) = deliveries(nine)
    after = json.loads(event.after or "{}")
    assert event.actor == "desk" and event.reason == "delivered"
    assert after["messages"] == 2 and after["destinations"] == [url]
    assert "check in" not in (event.after or ""), "reasons never go into the audit record"


def test_a_host_off_the_allow_list_is_refused_and_the_refusal_audited(nine: UowFactory) -> None:
    settings = AlertSettings(
        allowed_hosts=("127.0.0.1",), webhook_url="https://hooks.evil.example/x"
    )
    with pytest.raises(DeliveryNotAllowedError, match="allow-list"):
        deliver_alerts(nine, alerts_since(nine, SINCE, QUIET_DAY), settings, actor="desk")
    (event,) = deliveries(nine)
    assert event.reason is not None and event.reason.startswith("not delivered")
    assert json.loads(event.after or "{}")["messages"] == 0


def test_nothing_configured_is_an_error_not_a_silent_no_op(nine: UowFactory) -> None:
    with pytest.raises(ValidationError, match="no alert destination"):
        deliver_alerts(nine, alerts_since(nine, SINCE, QUIET_DAY), AlertSettings(), actor="desk")
    assert deliveries(nine) == []


def test_no_alerts_send_nothing_and_record_nothing(nine: UowFactory) -> None:
    settings = AlertSettings(allowed_hosts=("127.0.0.1",), webhook_url="http://127.0.0.1:9/x")
    assert deliver_alerts(nine, [], settings, actor="desk") == 0
    assert deliveries(nine) == []


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"REFUGEWATCH_ALERT_SMTP_PORT": "smtp"}, "port number"),
        ({"REFUGEWATCH_ALERT_SMTP_PORT": "70000"}, "port number"),
        ({"REFUGEWATCH_ALERT_SMTP_STARTTLS": "maybe"}, "yes or no"),
        (
            {
                "REFUGEWATCH_ALERT_SMTP_HOST": "mail.ngo.org",
                "REFUGEWATCH_ALERT_SMTP_STARTTLS": "no",
            },
            "encrypted",
        ),
    ],
    ids=["port-word", "port-range", "starttls-word", "plain-smtp-remote"],
)
def test_bad_alert_settings_are_refused(env: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        Settings.from_env(env)


def test_alert_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "REFUGEWATCH_ALERT_ALLOWED_HOSTS": "mail.ngo.org, hooks.ngo.org",
            "REFUGEWATCH_ALERT_SMTP_HOST": "mail.ngo.org",
            "REFUGEWATCH_ALERT_SMTP_TO": "desk@ngo.org,lead@ngo.org",
            "REFUGEWATCH_ALERT_SMTP_PASSWORD": "s3cret",
        }
    ).alerts
    assert settings.allowed_hosts == ("mail.ngo.org", "hooks.ngo.org")
    assert settings.smtp_to == ("desk@ngo.org", "lead@ngo.org")
    assert settings.smtp_port == 587 and settings.smtp_starttls and settings.configured
    assert "s3cret" not in repr(settings)
    assert not Settings.from_env({}).alerts.configured


# -- the CLI ------------------------------------------------------------------------------------

Invoke = Callable[..., str]


@pytest.fixture
def cli(nine: UowFactory, migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("REFUGEWATCH_DATABASE_URL", migrated_url)
    for name in ("REFUGEWATCH_ALERT_SMTP_HOST", "REFUGEWATCH_ALERT_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_cli_urgency_as_json(cli: Invoke, nine: UowFactory) -> None:
    rows = json.loads(cli("urgency", "--as-of", "2015-11-24", "--json"))
    assert [r["case_id"] for r in rows] == [nine_case_id(nine)]
    assert rows[0]["level"] == "critical" and rows[0]["score"] == 100
    assert [r["code"] for r in rows[0]["reasons"]] == [
        "within_window", "staging_point", "moved_closer", "vulnerable",
    ]  # fmt: skip
    assert all(r["claim_ids"] for r in rows[0]["reasons"])


def test_cli_urgency_table_and_bad_date(cli: Invoke) -> None:
    out = cli("urgency", "--as-of", "2015-11-24")
    assert "CRITICAL" in out and "Tumen" in out
    assert "not a date" in cli("urgency", "--as-of", "24/11/2015", code=6)
    assert "no active case" in cli("urgency", "--as-of", "2015-01-01")


def test_cli_alerts_delivered_to_a_local_mail_sink(
    cli: Invoke,
    nine: UowFactory,
    smtp_sink: tuple[int, list[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port, received = smtp_sink
    for name, value in {
        "ALLOWED_HOSTS": "127.0.0.1", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "no", "SMTP_FROM": "alerts@ngo.example", "SMTP_TO": "desk@ngo.example",
    }.items():  # fmt: skip
        monkeypatch.setenv(f"REFUGEWATCH_ALERT_{name}", value)
    out = cli("alerts", "--since", "2015-11-01", "--as-of", "2015-12-20", "--deliver")
    assert "new_case" in out and "no report for 26 days" in out
    assert "delivered 2 message(s)" in out
    assert len(received) == 2
    label = alerts_since(nine, SINCE, QUIET_DAY)[0].label
    mail = message_from_bytes(received[0])
    body = mail.get_payload()
    assert isinstance(body, str) and mail["To"] == "desk@ngo.example"
    assert body.strip().splitlines() == [f"Case: {label}", "Level: critical"]
    assert len(deliveries(nine)) == 1


def test_cli_alerts_refuse_a_host_off_the_allow_list(
    cli: Invoke,
    nine: UowFactory,
    smtp_sink: tuple[int, list[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One allowed destination and one not: nothing at all is sent, exit code 9."""
    port, received = smtp_sink
    for name, value in {
        "ALLOWED_HOSTS": "127.0.0.1", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "no", "SMTP_TO": "desk@ngo.example",
        "WEBHOOK_URL": "https://hooks.evil.example/steal",
    }.items():  # fmt: skip
        monkeypatch.setenv(f"REFUGEWATCH_ALERT_{name}", value)
    out = cli("alerts", "--since", "2015-11-01", "--as-of", "2015-12-20", "--deliver", code=9)
    assert "not on the delivery allow-list" in out
    assert received == []
    assert deliveries(nine)[0].reason.startswith("not delivered")  # type: ignore[union-attr]


def test_cli_alerts_as_json_without_delivery(cli: Invoke, nine: UowFactory) -> None:
    rows = json.loads(cli("alerts", "--since", "2015-11-01", "--as-of", "2015-12-20", "--json"))
    assert [r["kind"] for r in rows] == ["new_case", "silence"]
    assert rows[1]["days_silent"] == 26
    assert deliveries(nine) == []
    assert "no alerts between" in cli("alerts", "--since", "2015-11-25", "--as-of", "2015-11-30")
    assert "no alert destination" in cli("alerts", "--deliver", code=6)
