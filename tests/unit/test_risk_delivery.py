"""Alert delivery: label and level only, allow-listed hosts only, checked before any connection.

A tiny SMTP sink and an HTTP receiver run on 127.0.0.1 inside the tests; nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.errors import AlertDeliveryError, DeliveryNotAllowedError
from refugewatch.risk import Alert, AlertKind, Level
from refugewatch.risk.delivery import (
    MAX_LABEL_CHARS,
    DeliverySettings,
    build_message,
    check_host_allowed,
    check_webhook_url,
    deliver,
)

LABEL = "Group of 9, Mong Cai, Oct 2015"


def alert(label: str = LABEL, level: Level = Level.CRITICAL) -> Alert:
    return Alert(
        case_id="c0ffee",
        label=label,
        kind=AlertKind.RAISED,
        level=level,
        previous_level=Level.HIGH,
        as_of=dt.date(2015, 11, 24),
        text="secret reasons: Tumen, infant, claim ids",
        days_silent=None,
    )


# -- the message --------------------------------------------------------------------------------


def test_message_carries_label_and_level_only() -> None:
    message = build_message(alert())
    assert json.loads(message.as_json()) == {"case": LABEL, "level": "critical"}
    assert message.as_text() == f"Case: {LABEL}\nLevel: critical\n"


@given(st.text(max_size=300))
def test_a_label_is_one_bounded_line(label: str) -> None:
    message = build_message(alert(label=label))
    assert "\n" not in message.label and "\r" not in message.label
    assert len(message.label) <= MAX_LABEL_CHARS


@pytest.mark.parametrize(
    ("host", "allowed"),
    [("alerts.example.org", True), ("ALERTS.example.org.", True), ("evil.example.org", False),
     ("example.org", False), ("", False), (None, False)],
    ids=["exact", "case-and-dot", "other-host", "parent-domain", "empty", "none"],
)  # fmt: skip
def test_allow_list(host: str | None, allowed: bool) -> None:
    allow = ["alerts.example.org"]
    if allowed:
        assert check_host_allowed(host, allow) == "alerts.example.org"
    else:
        with pytest.raises(DeliveryNotAllowedError, match="allow-list"):
            check_host_allowed(host, allow)


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://hooks.example.org/x", True), ("http://hooks.example.org/x", False),
     ("http://127.0.0.1:9/x", True), ("ftp://hooks.example.org/x", False),
     ("https://hooks.example.org.evil.net/x", False), ("https://user@evil.net/x", False)],
    ids=["https", "plain-http-remote", "plain-http-loopback", "ftp", "suffix-trick", "userinfo"],
)  # fmt: skip
def test_webhook_urls(url: str, ok: bool) -> None:
    allow = ["hooks.example.org", "127.0.0.1"]
    if ok:
        check_webhook_url(url, allow)
    else:
        with pytest.raises(DeliveryNotAllowedError):
            check_webhook_url(url, allow)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and block) every attempt to open a connection."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.parametrize(
    "settings",
    [
        DeliverySettings(smtp_host="mail.evil.net", recipients=("a@b.org",), allowed_hosts=frozenset({"mail.ngo.org"})),
        DeliverySettings(webhook_url="https://hooks.evil.net/x", allowed_hosts=frozenset({"hooks.ngo.org"})),
        # One good destination and one bad: nothing at all is sent.
        DeliverySettings(
            smtp_host="mail.ngo.org", recipients=("a@b.org",), webhook_url="https://hooks.evil.net/x",
            allowed_hosts=frozenset({"mail.ngo.org"}),
        ),
    ],
    ids=["smtp", "webhook", "one-bad-destination"],
)  # fmt: skip
def test_refused_before_any_connection(settings: DeliverySettings, no_network: list[Any]) -> None:
    with pytest.raises(DeliveryNotAllowedError):
        deliver([alert()], settings)
    assert no_network == []


def test_nothing_configured_sends_nothing(no_network: list[Any]) -> None:
    assert deliver([alert()], DeliverySettings()) == 0
    assert no_network == []


# -- a local SMTP sink --------------------------------------------------------------------------


class SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to take mail: EHLO/HELO, MAIL, RCPT, DATA, QUIT."""

    received: list[bytes]

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 go on")
                self.received.append(self.read_data())
                self.reply("250 queued")
            elif command.startswith("QUIT"):
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")

    def read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        return b"".join(lines)


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, list[bytes]]]:
    received: list[bytes] = []
    handler = type("Sink", (SmtpSink,), {"received": received})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def test_mail_to_an_allowed_local_server(smtp_sink: tuple[int, list[bytes]]) -> None:
    port, received = smtp_sink
    settings = DeliverySettings(
        allowed_hosts=frozenset({"127.0.0.1"}),
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        sender="alerts@ngo.example",
        recipients=("desk@ngo.example",),
    )
    assert deliver([alert(), alert(level=Level.HIGH)], settings) == 2
    assert len(received) == 2
    mail = message_from_bytes(received[0])
    assert mail["Subject"] == "refugewatch alert"
    body = mail.get_payload()
    assert isinstance(body, str)
    assert body.strip().splitlines() == [f"Case: {LABEL}", "Level: critical"]
    assert b"secret" not in received[0] and b"c0ffee" not in received[0]


def test_an_unreachable_mail_server_is_an_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed as soon as the block ends: nobody listens
    settings = DeliverySettings(
        allowed_hosts=frozenset({"127.0.0.1"}), smtp_host="127.0.0.1", smtp_port=port,
        smtp_starttls=False, recipients=("desk@ngo.example",), timeout_s=2,
    )  # fmt: skip
    with pytest.raises(AlertDeliveryError, match="did not take the alerts"):
        deliver([alert()], settings)


# -- a local webhook receiver -------------------------------------------------------------------


class Receiver(BaseHTTPRequestHandler):
    bodies: list[bytes]
    status: int
    location: str | None

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.bodies.append(self.rfile.read(length))
        self.send_response(self.status)
        if self.location:
            self.send_header("Location", self.location)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


def receiver(status: int = 204, location: str | None = None) -> tuple[HTTPServer, list[bytes]]:
    bodies: list[bytes] = []
    handler = type("R", (Receiver,), {"bodies": bodies, "status": status, "location": location})
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, bodies


def webhook_settings(server: HTTPServer) -> DeliverySettings:
    return DeliverySettings(
        allowed_hosts=frozenset({"127.0.0.1"}),
        webhook_url=f"http://127.0.0.1:{server.server_address[1]}/alerts",
        timeout_s=5,
    )


def test_webhook_to_an_allowed_local_receiver() -> None:
    server, bodies = receiver()
    try:
        assert deliver([alert()], webhook_settings(server)) == 1
    finally:
        server.shutdown()
        server.server_close()
    assert [json.loads(b) for b in bodies] == [{"case": LABEL, "level": "critical"}]


def test_webhook_redirects_are_refused() -> None:
    elsewhere, elsewhere_bodies = receiver()
    target = f"http://localhost:{elsewhere.server_address[1]}/steal"
    server, _ = receiver(status=307, location=target)
    try:
        with pytest.raises(DeliveryNotAllowedError, match="redirect"):
            deliver([alert()], webhook_settings(server))
    finally:
        for s in (server, elsewhere):
            s.shutdown()
            s.server_close()
    assert elsewhere_bodies == []


def test_webhook_error_status_is_an_error() -> None:
    server, _ = receiver(status=500)
    try:
        with pytest.raises(AlertDeliveryError, match="HTTP 500"):
            deliver([alert()], webhook_settings(server))
    finally:
        server.shutdown()
        server.server_close()
